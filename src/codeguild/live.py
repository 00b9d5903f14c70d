"""Live events for readers in other processes: each run's events on the shared memory store.

A run's events are published, in order, on the channel ``events`` of the run's namespace
(``codeguild:{run_id}:events`` on Redis), so an API replica or a dashboard that did not start the
run can follow it. Publishing never blocks the run: events queue up and a task sends them.
"""

from __future__ import annotations

import asyncio
import logging

from codeguild.events import Event
from codeguild.store.memory import SharedMemoryStore

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "events"


class EventPublisher:
    def __init__(self, memory: SharedMemoryStore, *, owns_store: bool = False) -> None:
        self._memory = memory
        self._owns_store = owns_store
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def sink(self, event: Event) -> None:
        """Subscribe this to an EventBus."""
        self._queue.put_nowait(event)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._send())

    async def close(self) -> None:
        """Send what is queued, then stop (and close the store if it is ours)."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
            self._task = None
        if self._owns_store:
            await self._memory.close()

    async def _send(self) -> None:
        while (event := await self._queue.get()) is not None:
            try:
                await self._memory.namespace(event.run_id).publish(EVENTS_CHANNEL, event.as_dict())
                self.published += 1
            except Exception:  # live readers are best effort; the durable log has every event
                log.exception("publishing event %s of run %s failed", event.kind, event.run_id)
