"""Load generator for bench/api.py: N keep-alive HTTP/1.1 connections GETting one URL, for a time.

Run as its own process (never inside the server's): it prints one JSON line with the latencies
(ms) of the requests started after the warm-up, the status counts and the CPU seconds it used.

Two clients:
* ``raw``: an asyncio protocol on uvloop that writes a prebuilt request and reads only the status
  line and Content-Length of the answer: a few microseconds per request, so on a small machine
  the cores go to the server under test, not to the generator;
* ``httpx``: an ``httpx.AsyncClient`` pool, slower per request but an independent HTTP stack, to
  cross-check the raw client's numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from array import array
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

_HEADER_END = b"\r\n\r\n"
_LENGTH = b"\r\ncontent-length:"


class _Recorder:
    __slots__ = ("deadline", "dropped", "latencies", "record_after", "statuses")

    def __init__(self, record_after: float, deadline: float) -> None:
        self.record_after = record_after
        self.deadline = deadline
        self.latencies = array("d")
        self.statuses: Counter[int] = Counter()
        #: connections the server closed before the deadline (each an error)
        self.dropped = 0

    def add(self, started: float, ended: float, status: int) -> None:
        if started >= self.record_after:
            self.latencies.append((ended - started) * 1000.0)
            self.statuses[status] += 1


class _Connection(asyncio.Protocol):
    """One client: send, read one whole response, send again, until the deadline."""

    def __init__(self, request: bytes, recorder: _Recorder, done: asyncio.Future[None]) -> None:
        self._request = request
        self._recorder = recorder
        self._done = done
        self._buffer = b""
        self._started = 0.0
        self._transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # uvloop's transports are not asyncio.Transport subclasses
        self._send()

    def _send(self) -> None:
        self._started = time.perf_counter()
        self._transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data if self._buffer else data
        head_end = buffer.find(_HEADER_END)
        if head_end < 0:
            self._buffer = buffer
            return
        head = buffer[:head_end].lower()
        at = head.find(_LENGTH)
        length = int(head[at + len(_LENGTH) : head.find(b"\r\n", at + 2)]) if at >= 0 else 0
        end = head_end + 4 + length
        if len(buffer) < end:
            self._buffer = buffer
            return
        # one request in flight per connection: anything past ``end`` would be a protocol error
        self._buffer = b""
        now = time.perf_counter()
        self._recorder.add(self._started, now, int(buffer[9:12]))
        if now < self._recorder.deadline:
            self._send()
        else:
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if time.perf_counter() < self._recorder.deadline:
            self._recorder.dropped += 1
        if not self._done.done():
            self._done.set_result(None)


async def _raw(url: str, headers: dict[str, str], clients: int, recorder: _Recorder) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    loop = asyncio.get_running_loop()
    waits = []
    for _ in range(clients):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(
            lambda done=done: _Connection(request, recorder, done),  # type: ignore[misc]
            parts.hostname,
            parts.port,
        )
        waits.append(done)
    await asyncio.wait_for(asyncio.gather(*waits), recorder.deadline - time.perf_counter() + 30)


async def _httpx(url: str, headers: dict[str, str], clients: int, recorder: _Recorder) -> None:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def one_client() -> None:
            while time.perf_counter() < recorder.deadline:
                started = time.perf_counter()
                response = await client.get(url)
                await response.aread()
                recorder.add(started, time.perf_counter(), response.status_code)

        await asyncio.gather(*(one_client() for _ in range(clients)))


def run(
    url: str,
    headers: dict[str, str],
    clients: int,
    warmup_s: float,
    duration_s: float,
    client: str,
) -> dict[str, object]:
    start = time.perf_counter()
    recorder = _Recorder(start + warmup_s, start + warmup_s + duration_s)
    body = _raw if client == "raw" else _httpx
    if client == "raw":
        import uvloop

        runner = uvloop.run
    else:
        runner = asyncio.run
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    runner(body(url, headers, clients, recorder))
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {
        "latencies_ms": recorder.latencies.tolist(),
        "statuses": {str(k): v for k, v in recorder.statuses.items()},
        "dropped_connections": recorder.dropped,
        "duration_s": duration_s,
        "cpu_s": round(cpu_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    result = run(args.url, headers, args.clients, args.warmup, args.duration, args.client)
    if args.out:
        with open(args.out, "w") as out:
            json.dump(result, out)
    else:
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
