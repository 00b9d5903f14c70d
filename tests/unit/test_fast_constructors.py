"""The hot-path constructors build exactly what calling the class builds, field for field."""

from __future__ import annotations

import dataclasses

from codeguild.agents.base import TaskResult, TaskSpec
from codeguild.events import Event, EventKind, new_event
from codeguild.orchestration.execution import Attempt, new_attempt
from codeguild.orchestration.outcome import TaskRecord, new_record


class Idle:
    name = "idle"
    capabilities = frozenset({"code"})

    async def execute(self, task: TaskSpec, ctx: object) -> TaskResult:
        return TaskResult()


def _fields(obj: object) -> dict[str, object]:
    # reading every field also proves each slot was set
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}  # type: ignore[arg-type]


def test_new_event_equals_the_class_call() -> None:
    args = (EventKind.TASK_STARTED, "run-1", "code_auth", "coder", "go", {"attempt": 1}, 12.5)
    assert new_event(*args) == Event(*args)
    assert type(new_event(*args)) is Event


def test_new_record_equals_the_class_call() -> None:
    assert _fields(new_record("plan")) == _fields(TaskRecord("plan"))
    assert new_record("plan") == TaskRecord("plan")


def test_new_attempt_equals_the_class_call() -> None:
    spec = TaskSpec(name="plan", capability="code")
    args = ("plan", spec, Idle(), 2, True, 3.25)
    assert _fields(new_attempt(*args)) == _fields(Attempt(*args))  # type: ignore[arg-type]
