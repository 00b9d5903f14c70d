"""Which ready task goes first: remaining critical path, then priority, then age (or FIFO)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from codeguild.agents.base import TaskSpec
from codeguild.orchestration.graph import Estimate, TaskGraph

if TYPE_CHECKING:
    from codeguild.orchestration.scheduler import Scheduler


class Ordering(StrEnum):
    """How the scheduler orders ready tasks competing for agents."""

    #: longest remaining estimated path to the end of the graph first, then p0..p3, then age
    CRITICAL_PATH = "critical_path"
    #: the task that became ready first goes first (the baseline to compare against)
    FIFO = "fifo"


def priority_index(priority: str) -> int:
    """0 for "p0", 3 for "p3"; anything else sorts after every pN."""
    match = re.fullmatch(r"[pP](\d+)", priority.strip())
    return int(match.group(1)) if match else 1_000


class Ranker:
    """Rank entries for the ready queue, recomputed when the graph changes."""

    def __init__(self, scheduler: Scheduler, graph: TaskGraph) -> None:
        self.graph = graph
        self.fifo = scheduler.ordering is Ordering.FIFO
        self._given = scheduler.estimate
        self._ask = getattr(scheduler.manager, "estimated_duration", None)
        self._history: dict[str, float | None] = {}
        self._priorities: dict[str, int] = {}
        #: name -> (minus remaining path length, priority level); None with FIFO ordering
        self.base: dict[str, tuple[float, int]] | None = None if self.fifo else {}

    def estimate_of(self, task: TaskSpec) -> float:
        """The scheduler's estimate if given, else the manager's history per capability, else
        the task's own ``estimate_s``."""
        if self._given is not None:
            return self._given(task)
        if self._ask is None:
            return task.estimate_s
        capability = task.capability
        try:
            learned = self._history[capability]
        except KeyError:
            learned = self._history[capability] = self._ask(capability)
        return task.estimate_s if learned is None else learned

    def refresh(self) -> None:
        """Recompute remaining path lengths (the graph or the agents' history changed)."""
        base = self.base
        if base is None:
            return
        self._history.clear()
        estimate: Estimate = self.estimate_of
        remaining = self.graph.remaining_path_lengths(estimate)
        priorities = self._priorities
        for name, task in self.graph.tasks.items():
            level = priorities.get(task.priority)
            if level is None:
                level = priorities[task.priority] = priority_index(task.priority)
            base[name] = (-remaining[name], level)

    def entry(self, name: str, age: int) -> tuple[Any, ...]:
        """The ready-queue entry of ``name`` queued at ``age``: its rank fields, then its name."""
        if self.base is None:
            return (age, name)
        length, level = self.base[name]
        return (length, level, age, name)
