"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

It is a real HTTP server (FastAPI + uvicorn on a thread), so the real ``openai`` client runs
against it: JSON and streamed (SSE) answers with usage, and injectable faults (429 with
Retry-After, 5xx, slow answers, invalid JSON). The test scripts the answers:

- ``queue(...)``: replies served first, in order, whatever the request;
- ``route(marker, ...)``: replies for requests whose last user message contains ``marker``,
  in order; the last one repeats (a model that "never gets it right" is one repeated reply);
- ``default``: a function of the request for anything else.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse


@dataclass(frozen=True)
class Reply:
    """One scripted answer (or fault)."""

    content: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    usage: bool = True
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    chunk_chars: int = 64

    @classmethod
    def json(cls, value: Any, **kw: Any) -> Reply:
        return cls(json.dumps(value), **kw)

    @classmethod
    def code(cls, text: str, **kw: Any) -> Reply:
        return cls(f"```python\n{text.strip()}\n```", **kw)

    @classmethod
    def rate_limited(cls, retry_after_s: float = 0.05) -> Reply:
        return cls(status=429, headers={"retry-after": str(retry_after_s)})

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(status=status)

    @classmethod
    def slow(cls, delay_s: float, content: str = "") -> Reply:
        return cls(content, delay_s=delay_s)


@dataclass
class Served:
    """What the server saw of one request."""

    body: dict[str, Any]
    status: int
    handler_s: float

    @property
    def last_user(self) -> str:
        users = [m for m in self.body.get("messages", []) if m.get("role") == "user"]
        return str(users[-1].get("content", "")) if users else ""


class ScriptedLLM:
    def __init__(self, default: Callable[[dict[str, Any]], Reply] | None = None) -> None:
        self.default = default
        self._queue: deque[Reply] = deque()
        self._routes: list[tuple[str, deque[Reply]]] = []
        self._lock = threading.Lock()
        self.served: list[Served] = []
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = self._build_app()

    # -- scripting ------------------------------------------------------------------------------

    def queue(self, *replies: Reply) -> ScriptedLLM:
        with self._lock:
            self._queue.extend(replies)
        return self

    def route(self, marker: str, *replies: Reply) -> ScriptedLLM:
        with self._lock:
            self._routes.append((marker, deque(replies)))
        return self

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._routes.clear()
            self.served.clear()

    @property
    def calls(self) -> int:
        return len(self.served)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _next(self, body: dict[str, Any]) -> Reply:
        users = [m for m in body.get("messages", []) if m.get("role") == "user"]
        text = str(users[-1].get("content", "")) if users else ""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            for marker, replies in self._routes:
                if marker in text and replies:
                    return replies.popleft() if len(replies) > 1 else replies[0]
        if self.default is not None:
            return self.default(body)
        return Reply(f"script exhausted: no reply for {text[:80]!r}", status=500)

    # -- the HTTP side --------------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def completions(request: Request) -> Response:
            started = time.perf_counter()
            body = await request.json()
            reply = self._next(body)
            if reply.delay_s:
                await asyncio.sleep(reply.delay_s)
            response = self._respond(body, reply)
            self.served.append(Served(body, reply.status, time.perf_counter() - started))
            return response

        return app

    def _respond(self, body: dict[str, Any], reply: Reply) -> Response:
        if reply.status != 200:
            error = {"error": {"message": reply.content or "scripted fault", "type": "scripted"}}
            return JSONResponse(error, status_code=reply.status, headers=reply.headers)
        usage = self._usage(body, reply)
        model = body.get("model", "scripted")
        if not body.get("stream"):
            payload: dict[str, Any] = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.content},
                        "finish_reason": "stop",
                    }
                ],
            }
            if usage is not None:
                payload["usage"] = usage
            return JSONResponse(payload, headers=reply.headers)
        with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return StreamingResponse(
            self._sse(model, reply, usage if with_usage else None),
            media_type="text/event-stream",
            headers=reply.headers,
        )

    @staticmethod
    def _usage(body: dict[str, Any], reply: Reply) -> dict[str, int] | None:
        if not reply.usage:
            return None
        chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else chars // 4 + 1
        completion = (
            reply.completion_tokens
            if reply.completion_tokens is not None
            else len(reply.content) // 4 + 1
        )
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    @staticmethod
    async def _sse(model: str, reply: Reply, usage: dict[str, int] | None) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None) -> str:
            data = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(data)}\n\n"

        yield chunk({"role": "assistant", "content": ""}, None)
        text, size = reply.content, max(1, reply.chunk_chars)
        for start in range(0, len(text), size):
            yield chunk({"content": text[start : start + size]}, None)
        yield chunk({}, "stop")
        if usage is not None:
            final = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [],
                "usage": usage,
            }
            yield f"data: {json.dumps(final)}\n\n"
        yield "data: [DONE]\n\n"

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> ScriptedLLM:
        # port 0: the OS picks a free port; uvicorn's own listening socket keeps TCP_NODELAY on
        # accepted connections (a socket handed in via ``sockets=`` cost ~40 ms per request)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            timeout_graceful_shutdown=1,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        server = self._server
        self._thread = threading.Thread(target=server.run, name="scripted-llm", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the scripted LLM server did not start within 10 s")
            time.sleep(0.005)
        self.port = server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    @contextmanager
    def running(self) -> Iterator[ScriptedLLM]:
        self.start()
        try:
            yield self
        finally:
            self.stop()
