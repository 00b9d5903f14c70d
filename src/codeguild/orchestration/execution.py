"""One execution of a task on an agent: the attempt record and how its coroutine is driven.

Creating an asyncio.Task per task costs several microseconds, more than the rest of the
scheduler's work for a task. So the scheduler's long-lived worker tasks step each agent
coroutine themselves (``Run._worker`` sends it its first value, with the outcomes below): one that
finishes without suspending never needs a task of its own, one that raises is :class:`Raised`,
and one that suspends is a :class:`Suspended` the same worker carries on (:func:`resume`), so the
agent sees one consistent ``asyncio.current_task()`` from start to end (cancel scopes, locks
and timeouts tied to the current task keep working).
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Coroutine, Generator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from codeguild.agents.base import Agent, TaskResult, TaskSpec
from codeguild.errors import CodeguildError


class AgentContractError(CodeguildError):
    """An agent broke the Agent protocol (e.g. execute() returned something else than a result)."""

    code = "agent_contract"


class Interrupt(StrEnum):
    """Why the scheduler stopped an execution before it ended by itself."""

    TIMEOUT = "timeout"
    UNHEALTHY = "unhealthy"
    LOST_RACE = "lost_race"
    CANCELLED = "cancelled"


@dataclass(slots=True, eq=False)
class Attempt:
    """One execution of a task on one agent."""

    task: str
    spec: TaskSpec
    agent: Agent
    #: execution number of this task, from 1, counting every execution
    number: int
    speculative: bool
    started: float
    worker: asyncio.Task[None] | None = None
    #: the timeout, and the straggler check
    timer: asyncio.TimerHandle | None = None
    watch: asyncio.TimerHandle | None = None
    interrupt: Interrupt | None = None

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.watch is not None:
            self.watch.cancel()
            self.watch = None


_allocate = object.__new__


def new_attempt(
    task: str, spec: TaskSpec, agent: Agent, number: int, speculative: bool, started: float
) -> Attempt:
    """``Attempt(task, spec, agent, number, speculative, started)`` without calling the class
    (once per task: see :func:`codeguild.events.new_event` for why)."""
    attempt: Attempt = _allocate(Attempt)
    attempt.task = task
    attempt.spec = spec
    attempt.agent = agent
    attempt.number = number
    attempt.speculative = speculative
    attempt.started = started
    attempt.worker = attempt.timer = attempt.watch = attempt.interrupt = None
    return attempt


class Raised:
    """An exception an agent raised (kept apart from anything it might return)."""

    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class Suspended:
    """A started coroutine that is waiting on something; :func:`resume` carries it on."""

    __slots__ = ("coro", "yielded")

    def __init__(self, coro: Coroutine[Any, Any, Any], yielded: Any) -> None:
        self.coro = coro
        self.yielded = yielded


@types.coroutine
def resume(suspended: Suspended) -> Generator[Any, Any, Any]:
    """Await the rest of a coroutine left suspended after its first step.

    ``yield from`` cannot skip the step that already ran, so this forwards values, exceptions
    (cancellation included) and close() by hand, exactly as ``await`` would.
    """
    coro = suspended.coro
    pending = suspended.yielded
    while True:
        try:
            sent = yield pending
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:
            try:
                pending = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                pending = coro.send(sent)
            except StopIteration as stop:
                return stop.value


def check_result(result: object, agent: Agent, task: TaskSpec) -> TaskResult | BaseException:
    """The agent's result, what it raised, or the contract error when it returned neither."""
    if isinstance(result, TaskResult):
        return result
    if isinstance(result, Raised):
        return result.exc
    return AgentContractError(
        f"Agent {agent.name!r} returned {type(result).__name__} for task "
        f"{task.name!r} instead of a TaskResult.",
        hint="Make execute() return codeguild.agents.base.TaskResult.",
    )


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception, just ``Type`` when it has no message."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
