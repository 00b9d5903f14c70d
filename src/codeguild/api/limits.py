"""A cap on request body size (the per-user rate limits are in ``codeguild.api.ratelimit``)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codeguild.api.errors import error_body


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
        chunked = False
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked:
            # no body, or one the HTTP parser cuts at its declared (and checked) length: the
            # wrappers below would only add cost to every GET
            await self.app(scope, receive, send)
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
