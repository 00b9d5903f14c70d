"""ProjectProgress: the live state of one generation, folded from its events (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from codeguild.events import Event, EventKind

_TASK_STATE = {
    EventKind.TASK_QUEUED: "queued",
    EventKind.TASK_STARTED: "running",
    EventKind.TASK_RETRYING: "queued",
    EventKind.TASK_SUCCEEDED: "succeeded",
    EventKind.TASK_FAILED: "failed",
    EventKind.TASK_CANCELLED: "cancelled",
    EventKind.TASK_SKIPPED: "skipped",
}
DONE_STATES = frozenset({"succeeded", "failed", "cancelled", "skipped"})


@dataclass(slots=True)
class TaskNode:
    name: str
    capability: str = "unknown"
    depends_on: list[str] = field(default_factory=list)
    state: str = "pending"
    agent: str | None = None
    message: str = ""
    duration_s: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "capability": self.capability,
            "depends_on": list(self.depends_on),
            "state": self.state,
            "agent": self.agent,
            "message": self.message,
            "duration_s": self.duration_s,
        }


class ProjectProgress:
    """Per-task states, the stage and a percentage; ``apply`` each event in order."""

    __slots__ = ("events", "stage", "tasks")

    def __init__(self) -> None:
        self.tasks: dict[str, TaskNode] = {}
        self.stage: str | None = None
        self.events = 0

    def set_plan(self, tasks: Sequence[Mapping[str, Any]]) -> None:
        """The planned graph: rows with ``name``, ``capability`` and ``depends_on``."""
        for row in tasks:
            node = self.tasks.setdefault(str(row["name"]), TaskNode(str(row["name"])))
            node.capability = str(row.get("capability") or node.capability)
            node.depends_on = [str(d) for d in row.get("depends_on") or ()]

    def apply(self, event: Event) -> None:
        self.events += 1
        if event.kind is EventKind.STAGE:
            self.stage = str(event.data.get("stage") or self.stage)
            return
        if event.task is None or event.kind not in _TASK_STATE:
            return
        node = self.tasks.setdefault(event.task, TaskNode(event.task))
        node.state = _TASK_STATE[event.kind]
        node.agent = event.agent or node.agent
        if event.message:
            node.message = event.message
        duration = event.data.get("duration_s")
        if isinstance(duration, int | float):
            node.duration_s = float(duration)

    def percent(self, *, finished: bool = False) -> float:
        if finished:
            return 100.0
        if not self.tasks:
            return 0.0
        done = sum(1 for t in self.tasks.values() if t.state in DONE_STATES)
        # the run still packages and reports after the last task: never claim 100 before that
        return round(min(99.0, 100.0 * done / len(self.tasks)), 1)

    def task_rows(self) -> list[dict[str, Any]]:
        return [t.as_dict() for t in self.tasks.values()]

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> ProjectProgress:
        """Rebuild the final state of a finished run from its stored report."""
        progress = cls()
        progress.set_plan(report.get("plan", {}).get("tasks", []))
        for row in report.get("tasks", []):
            node = progress.tasks.setdefault(str(row["name"]), TaskNode(str(row["name"])))
            node.capability = str(row.get("capability") or node.capability)
            node.depends_on = [str(d) for d in row.get("depends_on") or node.depends_on]
            node.state = str(row.get("state") or node.state)
            node.agent = row.get("agent")
            node.message = str(row.get("summary") or row.get("error") or "")
            node.duration_s = row.get("duration_s")
        progress.stage = "finished"
        return progress
