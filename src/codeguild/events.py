"""One event model for every state change of a run; the CLI, report (and later API) read it."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class EventKind(StrEnum):
    RUN_STARTED = "run_started"
    STAGE = "stage"
    TASK_QUEUED = "queued"
    TASK_STARTED = "started"
    TASK_PROGRESS = "progress"
    TASK_SUCCEEDED = "succeeded"
    TASK_FAILED = "failed"
    TASK_RETRYING = "retrying"
    TASK_CANCELLED = "cancelled"
    TASK_SKIPPED = "skipped"
    RUN_FINISHED = "run_finished"


class Event(BaseModel):
    kind: EventKind
    run_id: str
    task: str | None = None
    agent: str | None = None
    message: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    at: float = Field(default_factory=time.time)


EventSink = Callable[[Event], None]


class EventBus:
    """Fan-out of events to in-process subscribers; keeps the log for the report."""

    def __init__(self) -> None:
        self._subscribers: list[EventSink] = []
        self.log: list[Event] = []

    def subscribe(self, sink: EventSink) -> None:
        self._subscribers.append(sink)

    def emit(self, event: Event) -> None:
        self.log.append(event)
        for sink in self._subscribers:
            sink(event)
