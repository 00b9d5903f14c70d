"""An event loop on its own thread, so sync and async callers share one async model client.

The Engine protocol is synchronous (the pipeline calls ``blueprint`` from sync code) while the
client is async; running every call on this loop lets sync callers block without deadlocking
the caller's loop, and async callers await without blocking it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from codeguild.errors import CodeguildError

T = TypeVar("T")


class PortalClosedError(CodeguildError):
    code = "llm_engine_closed"


class Portal:
    def __init__(self, name: str = "codeguild-llm") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._closed:
                raise PortalClosedError(
                    "The LLM engine was closed.", hint="Create a new engine for a new run."
                )
            if self._loop is None:
                loop = asyncio.new_event_loop()
                # a daemon thread: a forgotten close() must never keep the process alive
                thread = threading.Thread(target=loop.run_forever, name=self._name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the portal's loop and block until it is done."""
        loop = self._ensure()
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("Portal.run called from the portal's own loop; await it instead")
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    async def arun(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` run on the portal's loop; cancelling the caller cancels it there too."""
        loop = self._ensure()
        if asyncio.get_running_loop() is loop:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))

    def close(self, final: Coroutine[Any, Any, Any] | None = None) -> None:
        """Run ``final`` (e.g. closing the HTTP client) on the loop, then stop the thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._closed = True
        if loop is None or thread is None:
            if final is not None:
                final.close()
            return
        if final is not None:
            asyncio.run_coroutine_threadsafe(final, loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
