"""Subscriptions to pub/sub channels: a bounded, ordered buffer per subscriber."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from codeguild.store.memory.base import OverflowPolicy, SubscriberOverflowError

if TYPE_CHECKING:
    from codeguild.store.memory.base import MemoryBackend, Unsubscribe

log = logging.getLogger(__name__)


class MessageBuffer:
    """Bounded FIFO of raw messages between a publisher (or reader task) and one subscriber."""

    __slots__ = ("_error", "_items", "_wakeup", "channel", "closed", "dropped", "limit", "policy")

    def __init__(self, channel: str, limit: int, policy: OverflowPolicy) -> None:
        self.channel = channel
        self.limit = limit
        self.policy = policy
        self.dropped = 0
        self.closed = False
        self._items: deque[bytes] = deque()
        self._error: BaseException | None = None
        self._wakeup = asyncio.Event()

    def push(self, data: bytes) -> None:
        """Called by the backend for each message; never blocks the publisher."""
        if self.closed:
            return
        if len(self._items) >= self.limit:
            if self.policy is OverflowPolicy.DROP_OLDEST:
                self._items.popleft()
                self.dropped += 1
            else:
                self.close(
                    SubscriberOverflowError(
                        f"Subscriber to channel {self.channel!r} fell more than {self.limit} "
                        "messages behind and was cut off; later messages were not delivered.",
                        hint="Consume faster, raise max_pending, or subscribe with "
                        "overflow='drop_oldest' if gaps are acceptable.",
                    )
                )
                return
        self._items.append(data)
        self._wakeup.set()

    def close(self, error: BaseException | None = None) -> None:
        """End the stream; the reader gets what is buffered, then ``error`` (if any) or the end."""
        if self.closed:
            return
        self.closed = True
        self._error = error
        self._wakeup.set()

    async def next(self) -> bytes:
        while not self._items:
            if self.closed:
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._items.popleft()

    def __len__(self) -> int:
        return len(self._items)


class Subscription:
    """``async with store.subscribe(ch) as sub: async for message in sub: ...``.

    Messages published after the subscription is active (``async with`` entered, or ``await
    sub.start()``) are delivered in publish order. At most ``max_pending`` undelivered messages
    are held; beyond that the ``overflow`` policy applies (see OverflowPolicy).
    """

    def __init__(
        self,
        backend: MemoryBackend,
        channel: str,
        full_channel: str,
        decode: Callable[[bytes], Any],
        max_pending: int,
        overflow: OverflowPolicy,
    ) -> None:
        self.channel = channel
        self._backend = backend
        self._full_channel = full_channel
        self._decode = decode
        self._buffer = MessageBuffer(channel, max_pending, overflow)
        self._unsubscribe: Unsubscribe | None = None

    @property
    def dropped(self) -> int:
        """Messages discarded under the drop_oldest policy."""
        return self._buffer.dropped

    @property
    def pending(self) -> int:
        return len(self._buffer)

    async def start(self) -> Subscription:
        if self._unsubscribe is None and not self._buffer.closed:
            self._unsubscribe = await self._backend.open_subscription(
                self._full_channel, self._buffer
            )
        return self

    async def aclose(self) -> None:
        """Stop receiving; messages already buffered can still be read."""
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        self._buffer.close()
        if unsubscribe is not None:
            await unsubscribe()

    async def get(self, timeout: float | None = None) -> Any:
        """The next message; TimeoutError after ``timeout`` s without one, StopAsyncIteration
        once the subscription is closed and drained."""
        await self.start()
        data = await asyncio.wait_for(self._buffer.next(), timeout)
        return self._decode(data)

    async def __aenter__(self) -> Subscription:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Any:
        await self.start()
        return self._decode(await self._buffer.next())
