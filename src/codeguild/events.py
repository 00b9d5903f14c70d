"""One event model for every state change of a run; the CLI, report (and later API) read it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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


@dataclass(slots=True)
class Event:
    """One state change. A slotted dataclass, not a pydantic model: the scheduler makes several
    per task, and validation cost dominated its overhead; producers are all in-process code."""

    kind: EventKind
    run_id: str
    task: str | None = None
    agent: str | None = None
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (the kind as its string value); ``data`` is copied, not deep-copied."""
        return {
            "kind": self.kind.value,
            "run_id": self.run_id,
            "task": self.task,
            "agent": self.agent,
            "message": self.message,
            "data": dict(self.data),
            "at": self.at,
        }

    def model_dump(self) -> dict[str, Any]:
        """Alias of :meth:`as_dict` for readers written against the former pydantic model."""
        return self.as_dict()

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        """Inverse of :meth:`as_dict` (e.g. for events read back from storage)."""
        return cls(
            kind=EventKind(raw["kind"]),
            run_id=raw["run_id"],
            task=raw.get("task"),
            agent=raw.get("agent"),
            message=raw.get("message", ""),
            data=dict(raw.get("data") or {}),
            at=raw.get("at", time.time()),
        )


_allocate = object.__new__


def new_event(
    kind: EventKind,
    run_id: str,
    task: str | None,
    agent: str | None,
    message: str,
    data: dict[str, Any],
    at: float,
) -> Event:
    """``Event(kind, run_id, task, agent, message, data, at)``, made without calling the class.

    The scheduler makes three events per task. Calling a class whose ``__init__`` is Python
    code goes through the interpreter's slow generic call path; allocating the object and
    setting its fields from a plain function costs a fifth less.
    """
    event: Event = _allocate(Event)
    event.kind = kind
    event.run_id = run_id
    event.task = task
    event.agent = agent
    event.message = message
    event.data = data
    event.at = at
    return event


EventSink = Callable[[Event], None]


class EventBus:
    """Fan-out of events to in-process subscribers.

    It keeps no history unless asked (``keep_log=True``): a run emits several events per task,
    and a log holding them all lives as long as the bus, which made the garbage collector's
    full passes a third of the scheduler's per-task cost. Readers that need the whole history
    (the durable store, the report, tests) subscribe or ask for the log explicitly.
    """

    def __init__(self, *, keep_log: bool = False) -> None:
        self._log: list[Event] | None = [] if keep_log else None
        # a tuple, replaced on subscribe: emit() (several calls per task) iterates it without a
        # copy, and a sink subscribing from inside emit() cannot disturb that iteration
        self._subscribers: tuple[EventSink, ...] = (
            (self._log.append,) if self._log is not None else ()
        )

    @property
    def log(self) -> list[Event]:
        """Every event emitted so far, in order (only when created with ``keep_log=True``)."""
        if self._log is None:
            raise RuntimeError(
                "this EventBus keeps no log; create it with EventBus(keep_log=True) "
                "or subscribe a sink to collect events"
            )
        return self._log

    def subscribe(self, sink: EventSink) -> None:
        self._subscribers = (*self._subscribers, sink)

    def emit(self, event: Event) -> None:
        for sink in self._subscribers:
            sink(event)
