"""Per-project event channels: every message is kept, so a late listener replays, then follows.

All publishers and listeners live on the API's event loop: publishing is a plain append plus a
wake-up, safe to call from the synchronous EventBus sink.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Message:
    """One SSE message: ``id`` counts from 1 per project; ``event`` names its type.

    ``frame`` is the message encoded for the wire once, when published: every listener of a
    project sends the same bytes, so 50 listeners cost one JSON encoding, not 50.
    """

    id: int
    event: str
    data: dict[str, Any]
    frame: str = ""

    @classmethod
    def encode(cls, id: int, event: str, data: dict[str, Any]) -> Message:
        payload = json.dumps(data, separators=(",", ":"), default=str)
        return cls(id, event, data, f"id: {id}\nevent: {event}\ndata: {payload}\n\n")


class ProjectChannel:
    """The message log of one project and the wake-up its listeners wait on."""

    __slots__ = ("_messages", "_wake", "closed")

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self._wake = asyncio.Event()
        self.closed = False

    def __len__(self) -> int:
        return len(self._messages)

    def publish(self, event: str, data: dict[str, Any]) -> None:
        if self.closed:
            return
        self._messages.append(Message.encode(len(self._messages) + 1, event, data))
        self._notify()

    def close(self) -> None:
        """No more messages: listeners drain what is left and stop."""
        self.closed = True
        self._notify()

    def _notify(self) -> None:
        # waking by swapping events: waiters hold the old one, new waiters get a fresh one
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    async def listen(
        self, after: int = 0, *, keepalive_s: float = 15.0
    ) -> AsyncIterator[Message | None]:
        """Messages with ``id > after`` in order; ``None`` after ``keepalive_s`` of silence."""
        index = max(0, after)
        while True:
            while index < len(self._messages):
                yield self._messages[index]
                index += 1
            if self.closed:
                return
            wake = self._wake
            try:
                await asyncio.wait_for(wake.wait(), keepalive_s)
            except TimeoutError:
                yield None


class Broadcaster:
    """The channels of the projects this process runs (or ran since it started)."""

    def __init__(self) -> None:
        self._channels: dict[str, ProjectChannel] = {}

    def open(self, project_id: str) -> ProjectChannel:
        channel = self._channels.get(project_id)
        if channel is None:
            channel = self._channels[project_id] = ProjectChannel()
        return channel

    def get(self, project_id: str) -> ProjectChannel | None:
        return self._channels.get(project_id)
