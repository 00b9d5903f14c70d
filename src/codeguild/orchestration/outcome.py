"""The states a task moves through and the record of one scheduled run."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from codeguild.agents.base import TaskResult
from codeguild.errors import TaskFailedError


class TaskState(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


FINAL_STATES = frozenset(
    {TaskState.SUCCEEDED, TaskState.FAILED, TaskState.SKIPPED, TaskState.CANCELLED}
)


@dataclass(slots=True)
class TaskRecord:
    """What happened to one task: who ran it, how often, when, and how it ended.

    ``attempts`` counts the attempts charged to the retry budget. Re-runs forced on the task
    (its agent turned unhealthy) are listed in ``requeues`` instead, and speculative copies in
    ``speculative_attempts``. ``winning_attempt`` numbers every execution of the task from 1
    (charged, re-run and speculative alike); ``speculative_win`` says whether a copy won.
    """

    task: str
    agent: str | None = None
    attempts: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    state: TaskState = TaskState.PENDING
    error: str | None = None
    executions: int = 0
    speculative_attempts: int = 0
    winning_attempt: int | None = None
    speculative_win: bool = False
    #: a tuple, not a list: most tasks are never re-queued, and an empty tuple is shared
    requeues: tuple[str, ...] = ()


_allocate = object.__new__


def new_record(task: str) -> TaskRecord:
    """``TaskRecord(task)`` without calling the class (a run makes one per task up front: see
    :func:`codeguild.events.new_event` for why)."""
    record: TaskRecord = _allocate(TaskRecord)
    record.task = task
    record.agent = record.started_at = record.finished_at = None
    record.duration_s = record.error = record.winning_attempt = None
    record.attempts = record.executions = record.speculative_attempts = 0
    record.state = TaskState.PENDING
    record.speculative_win = False
    record.requeues = ()
    return record


@dataclass
class RunOutcome:
    """The result of one scheduled run. ``ok``: every task succeeded (its check may have failed)."""

    results: dict[str, TaskResult] = field(default_factory=dict)
    states: dict[str, TaskState] = field(default_factory=dict)
    records: dict[str, TaskRecord] = field(default_factory=dict)
    ok: bool = False

    @property
    def checks_ok(self) -> bool:
        """Every task succeeded and every result reported ok."""
        return self.ok and all(r.ok for r in self.results.values())

    def by_state(self, state: TaskState) -> list[str]:
        return [name for name, s in self.states.items() if s == state]

    def raise_for_failure(self) -> None:
        """Raise TaskFailedError naming the failed tasks when the run did not succeed."""
        if self.ok:
            return
        failed = self.by_state(TaskState.FAILED)
        details = "; ".join(f"{n}: {self.records[n].error}" for n in failed)
        others = [
            n for n, s in self.states.items() if s in {TaskState.SKIPPED, TaskState.CANCELLED}
        ]
        raise TaskFailedError(
            f"The run did not complete: {len(failed)} task(s) failed"
            + (f" ({details})" if details else "")
            + (f", {len(others)} skipped or cancelled." if others else "."),
            hint="See the task records and events for each error.",
        )
