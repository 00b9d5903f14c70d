"""TaskGraph: the tasks of a run and their dependencies, kept acyclic at every step.

Pure graph math, no I/O. Every mutation is checked before it is applied, so a rejected ``add`` or
``add_dependency`` leaves the graph exactly as it was.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from codeguild.agents.base import TaskSpec
from codeguild.errors import CodeguildError, CycleError, UnknownTaskError

logger = logging.getLogger(__name__)

Estimate = Callable[[TaskSpec], float]
GraphListener = Callable[["TaskGraph"], None]


class DuplicateTaskError(CodeguildError):
    """A task with that name is already in the graph."""

    code = "duplicate_task"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"Task {name!r} is already in the graph.",
            hint="Give every task a unique name; use add_dependency() to change an existing task.",
        )


def _default_estimate(task: TaskSpec) -> float:
    return task.estimate_s


class TaskGraph:
    """A directed acyclic graph of :class:`TaskSpec` keyed by task name.

    Insertion order is remembered and used to break every tie, so all orders are deterministic.
    Listeners registered with :meth:`add_listener` are told after each accepted change; the
    scheduler uses that to pick up tasks added while the graph runs.
    """

    def __init__(self, tasks: Iterable[TaskSpec] = ()) -> None:
        self._tasks: dict[str, TaskSpec] = {}
        self._index: dict[str, int] = {}
        self._deps: dict[str, list[str]] = {}
        self._dependents: dict[str, list[str]] = {}
        self._listeners: list[GraphListener] = []
        # add() only accepts dependencies that already exist, so insertion order stays a
        # topological order until add_dependency() points a task at a later one
        self._insertion_is_topological = True
        #: increases on every accepted change; cheap "did anything change?" check for callers
        self.version = 0
        #: increases when add_dependency() adds an edge to a task already in the graph
        self.dependency_changes = 0
        for task in tasks:
            self.add(task)

    @classmethod
    def from_tasks(cls, tasks: Iterable[TaskSpec]) -> TaskGraph:
        """Build a graph from tasks given in any order (dependencies may come later in the list)."""
        pending = list(tasks)
        names = [t.name for t in pending]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise DuplicateTaskError(name)
            seen.add(name)
        for task in pending:
            for dep in task.depends_on:
                if dep not in seen:
                    raise UnknownTaskError(dep, referenced_by=task.name)
        graph = cls()
        while pending:
            ready = [t for t in pending if all(d in graph._tasks for d in t.depends_on)]
            if not ready:
                raise CycleError(_find_cycle({t.name: list(t.depends_on) for t in pending}))
            for task in ready:
                graph.add(task)
            pending = [t for t in pending if t.name not in graph._tasks]
        return graph

    # -- reading -----------------------------------------------------------------------------

    @property
    def tasks(self) -> Mapping[str, TaskSpec]:
        """Read-only view of the tasks by name, in insertion order."""
        return MappingProxyType(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)

    def __contains__(self, name: object) -> bool:
        return name in self._tasks

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._tasks))

    def index(self, name: str) -> int:
        """Insertion position of a task (the final tie-breaker of every order)."""
        self._require(name)
        return self._index[name]

    def dependencies(self, name: str) -> tuple[str, ...]:
        """Tasks ``name`` waits for."""
        self._require(name)
        return tuple(self._deps[name])

    def dependents(self, name: str) -> tuple[str, ...]:
        """Tasks that wait for ``name``."""
        self._require(name)
        return tuple(self._dependents[name])

    def adjacency(self) -> tuple[Mapping[str, Sequence[str]], Mapping[str, Sequence[str]]]:
        """Live read-only views (dependencies by task, dependents by task) for hot loops.

        They reflect later changes; callers must not mutate the inner sequences.
        """
        return MappingProxyType(self._deps), MappingProxyType(self._dependents)

    def descendants(self, name: str) -> list[str]:
        """Every task that transitively waits for ``name``, in topological order."""
        self._require(name)
        found = self._reachable(name, self._dependents) - {name}
        return [n for n in self.topological_order() if n in found]

    # -- changing ----------------------------------------------------------------------------

    def add(self, task: TaskSpec) -> None:
        """Add a task; its ``depends_on`` must name tasks already in the graph."""
        if task.name in self._tasks:
            raise DuplicateTaskError(task.name)
        if task.name in task.depends_on:
            raise CycleError([task.name, task.name])
        for dep in task.depends_on:
            if dep not in self._tasks:
                raise UnknownTaskError(dep, referenced_by=task.name)
        deps = list(dict.fromkeys(task.depends_on))
        if type(task.depends_on) is not tuple or len(deps) != len(task.depends_on):
            task = replace(task, depends_on=tuple(deps))  # specs are frozen: copy only if needed
        self._tasks[task.name] = task
        self._index[task.name] = len(self._index)
        self._deps[task.name] = deps
        self._dependents[task.name] = []
        for dep in deps:
            self._dependents[dep].append(task.name)
        self._changed()

    def add_dependency(self, task: str, depends_on: str) -> None:
        """Make ``task`` wait for ``depends_on``; refuses an edge that would close a cycle."""
        self._require(task)
        if depends_on not in self._tasks:
            raise UnknownTaskError(depends_on, referenced_by=task)
        if depends_on in self._deps[task]:
            return
        path = self._path(task, depends_on)
        if path is not None:
            # task -> ... -> depends_on already runs in that order; the new edge closes the loop
            raise CycleError([*path, task])
        self._deps[task].append(depends_on)
        self._dependents[depends_on].append(task)
        if self._index[depends_on] > self._index[task]:
            self._insertion_is_topological = False
        self.dependency_changes += 1
        spec = self._tasks[task]
        self._tasks[task] = replace(spec, depends_on=(*spec.depends_on, depends_on))
        self._changed()

    def add_listener(self, listener: GraphListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: GraphListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # -- ordering ----------------------------------------------------------------------------

    def topological_order(self) -> list[str]:
        """Every task after all its dependencies; ties broken by insertion order."""
        if self._insertion_is_topological:
            # smallest-index-first Kahn returns exactly the insertion order in this case
            return list(self._tasks)
        indegree = {name: len(deps) for name, deps in self._deps.items()}
        heap = [(self._index[n], n) for n, d in indegree.items() if d == 0]
        heapq.heapify(heap)
        order: list[str] = []
        while heap:
            _, name = heapq.heappop(heap)
            order.append(name)
            for child in self._dependents[name]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    heapq.heappush(heap, (self._index[child], child))
        if len(order) != len(self._tasks):  # only reachable if internals were bypassed
            self.validate()
        return order

    def levels(self) -> list[list[str]]:
        """Tasks grouped by depth: every task of a level can run together once earlier ones ran."""
        depth: dict[str, int] = {}
        for name in self.topological_order():
            depth[name] = 1 + max((depth[d] for d in self._deps[name]), default=-1)
        grouped: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for name in self._tasks:
            grouped[depth[name]].append(name)
        return grouped

    def critical_path(self, estimate: Estimate | None = None) -> tuple[list[str], float]:
        """The longest chain of dependent tasks by estimated duration, and its length."""
        est = estimate or _default_estimate
        finish: dict[str, float] = {}
        previous: dict[str, str | None] = {}
        for name in self.topological_order():
            best: str | None = None
            for dep in self._deps[name]:
                if best is None or finish[dep] > finish[best]:
                    best = dep
            start = finish[best] if best is not None else 0.0
            finish[name] = start + est(self._tasks[name])
            previous[name] = best
        if not finish:
            return [], 0.0
        end = max(finish, key=lambda n: (finish[n], -self._index[n]))
        path: list[str] = []
        cursor: str | None = end
        while cursor is not None:
            path.append(cursor)
            cursor = previous[cursor]
        return path[::-1], finish[end]

    def remaining_path_lengths(self, estimate: Estimate | None = None) -> dict[str, float]:
        """For every task, the longest estimated path from it to a sink, itself included."""
        est = estimate or _default_estimate
        remaining: dict[str, float] = {}
        tasks, dependents = self._tasks, self._dependents
        lookup = remaining.__getitem__
        for name in reversed(self.topological_order()):
            children = dependents[name]
            tail = max(map(lookup, children)) if children else 0.0
            remaining[name] = est(tasks[name]) + tail
        return remaining

    def remaining_path_length(self, name: str, estimate: Estimate | None = None) -> float:
        """Longest estimated path from ``name`` to a sink, itself included (scheduling priority)."""
        self._require(name)
        return self.remaining_path_lengths(estimate)[name]

    def validate(self) -> None:
        """Check that every dependency exists and that there is no cycle."""
        if self._insertion_is_topological and self._edges_point_backwards():
            return
        for name, deps in self._deps.items():
            for dep in deps:
                if dep not in self._tasks:
                    raise UnknownTaskError(dep, referenced_by=name)
        if any(name in deps for name, deps in self._deps.items()) or self._has_cycle():
            raise CycleError(_find_cycle(self._deps))

    # -- internals ---------------------------------------------------------------------------

    def _require(self, name: str) -> None:
        if name not in self._tasks:
            raise UnknownTaskError(name)

    def _changed(self) -> None:
        self.version += 1
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:  # a broken listener must not corrupt an accepted change
                logger.exception("task graph listener failed listener=%r", listener)

    def _reachable(self, start: str, edges: Mapping[str, list[str]]) -> set[str]:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in edges[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def _path(self, source: str, target: str) -> list[str] | None:
        """A path source -> ... -> target following dependents (execution order), if any."""
        parent: dict[str, str | None] = {source: None}
        stack = [source]
        while stack:
            node = stack.pop()
            if node == target:
                path: list[str] = []
                cursor: str | None = node
                while cursor is not None:
                    path.append(cursor)
                    cursor = parent[cursor]
                return path[::-1]
            for nxt in self._dependents[node]:
                if nxt not in parent:
                    parent[nxt] = node
                    stack.append(nxt)
        return None

    def _edges_point_backwards(self) -> bool:
        """Every dependency exists and was inserted before its dependent: no cycle is possible.

        One pass over the edges; the usual case, so the full check runs only when it fails.
        """
        index = self._index
        for name, deps in self._deps.items():
            position = index.get(name)
            if position is None:
                return False
            for dep in deps:
                if index.get(dep, position) >= position:
                    return False
        return True

    def _has_cycle(self) -> bool:
        indegree = {name: len(deps) for name, deps in self._deps.items()}
        queue = [n for n, d in indegree.items() if d == 0]
        visited = 0
        while queue:
            name = queue.pop()
            visited += 1
            for child in self._dependents.get(name, []):
                indegree[child] -= 1
                if indegree[child] == 0:
                    queue.append(child)
        return visited != len(self._deps)


def _find_cycle(deps: Mapping[str, list[str]]) -> list[str]:
    """One cycle among ``deps`` (name -> names it waits for), in execution order, closed."""
    state: dict[str, int] = {}  # 1 = on the current DFS path, 2 = finished
    for root in deps:
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(deps[root]))]
        state[root] = 1
        path.append(root)
        while stack:
            node, children = stack[-1]
            child = next((c for c in children if c in deps), None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                # path walks "waits for" edges; reverse it so the cycle reads in execution order
                loop = [*path[path.index(child) :], child]
                return loop[::-1]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(deps[child])))
    return []
