"""Which ready task goes first: remaining critical path, then priority, then age (or FIFO)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from codeguild.agents.base import TaskSpec
from codeguild.orchestration.graph import TaskGraph

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
        """Recompute every rank base (the graph or the agents' history changed).

        One pass in reverse topological order finds each task's longest estimated path to a
        sink (as :meth:`TaskGraph.remaining_path_lengths` does) and builds its rank base with
        it, looking each capability's learned duration up once: on a large graph this pass is a
        noticeable share of the whole run, so it does not go through ``estimate_of`` per task.
        """
        base = self.base
        if base is None:
            return
        history = self._history
        history.clear()
        given, ask, priorities = self._given, self._ask, self._priorities
        tasks = self.graph.tasks
        dependents = self.graph.adjacency()[1]
        length: dict[str, float] = {}
        for name in reversed(self.graph.topological_order()):
            task = tasks[name]
            if given is not None:
                cost = given(task)
            elif ask is None:
                cost = task.estimate_s
            else:
                capability = task.capability
                try:
                    learned = history[capability]
                except KeyError:
                    learned = history[capability] = ask(capability)
                cost = task.estimate_s if learned is None else learned
            tail = 0.0  # a plain loop: cheaper than max(map(...)) over a handful of children
            for child in dependents[name]:
                child_length = length[child]
                if child_length > tail:
                    tail = child_length
            total = length[name] = cost + tail
            level = priorities.get(task.priority)
            if level is None:
                level = priorities[task.priority] = priority_index(task.priority)
            base[name] = (-total, level)

    def entry(self, name: str, age: int) -> tuple[Any, ...]:
        """The ready-queue entry of ``name`` queued at ``age``: its rank fields, then its name."""
        if self.base is None:
            return (age, name)
        length, level = self.base[name]
        return (length, level, age, name)
