"""Request limits: a per-user token bucket, and a cap on request body size.

The bucket is in-process (one API process = one set of buckets); behind several replicas each
replica enforces its own share, which bounds the total at replicas x the configured rate.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codeguild.api.errors import RateLimitedError, error_body


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """``capacity`` requests back to back, refilled at ``per_minute``; one bucket per key."""

    def __init__(
        self,
        capacity: int,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.rate_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """Take one token; returns 0 on success, else the seconds until a token is free."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.capacity), now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate_per_s

    def check(self, key: str, what: str) -> None:
        """Take a token or raise RateLimitedError with the wait in Retry-After."""
        wait = self.take(key)
        if wait > 0:
            raise RateLimitedError(
                f"Too many {what} requests: at most {self.capacity} in a row and "
                f"{self.rate_per_s * 60:g} per minute.",
                retry_after_s=wait,
                hint="Wait for the Retry-After seconds, then try again.",
            )


class BodySizeLimit:
    """ASGI middleware: 413 for bodies over ``max_bytes``, declared or streamed.

    A declared Content-Length is refused before reading; a chunked body is counted while read,
    so a client cannot get past the limit by omitting the header.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        received = 0
        too_large = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            # once the body is over the limit, whatever the app answers is replaced by a 413
            if too_large:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            error_body(
                "request_too_large",
                f"The request body is larger than {self.max_bytes} bytes. "
                "Send a shorter requirement or split the request.",
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLargeError(Exception):
    """Raised inside ``receive`` to abort reading an oversized body."""
