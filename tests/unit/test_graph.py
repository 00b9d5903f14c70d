"""TaskGraph: checks on every change, deterministic orders, critical path, and properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeguild.agents.base import TaskSpec
from codeguild.errors import CycleError, UnknownTaskError
from codeguild.orchestration.graph import DuplicateTaskError, TaskGraph


def spec(name: str, *deps: str, estimate: float = 1.0, priority: str = "p1") -> TaskSpec:
    return TaskSpec(
        name=name, capability="code", depends_on=deps, estimate_s=estimate, priority=priority
    )


def snapshot(graph: TaskGraph) -> tuple[object, ...]:
    return (
        dict(graph.tasks),
        {n: graph.dependencies(n) for n in graph.tasks},
        {n: graph.dependents(n) for n in graph.tasks},
        graph.topological_order(),
        graph.version,
    )


@pytest.fixture
def pipeline() -> TaskGraph:
    return TaskGraph(
        [
            spec("plan", estimate=1),
            spec("code_auth", "plan", estimate=5),
            spec("code_books", "plan", estimate=2),
            spec("test_auth", "code_auth", estimate=3),
            spec("docs", "plan", estimate=1),
            spec("review", "test_auth", "code_books", estimate=1),
        ]
    )


def test_duplicate_name_is_rejected_and_graph_unchanged(pipeline: TaskGraph) -> None:
    before = snapshot(pipeline)
    with pytest.raises(DuplicateTaskError, match="'docs' is already in the graph"):
        pipeline.add(spec("docs"))
    assert snapshot(pipeline) == before


def test_unknown_dependency_names_the_missing_task(pipeline: TaskGraph) -> None:
    before = snapshot(pipeline)
    with pytest.raises(UnknownTaskError, match=r"'nope'.*'deploy'") as info:
        pipeline.add(spec("deploy", "plan", "nope"))
    assert info.value.name == "nope"
    assert "deploy" not in pipeline
    assert snapshot(pipeline) == before
    with pytest.raises(UnknownTaskError):
        pipeline.add_dependency("docs", "ghost")
    with pytest.raises(UnknownTaskError):
        pipeline.add_dependency("ghost", "docs")


def test_back_edge_raises_cycle_named_in_execution_order(pipeline: TaskGraph) -> None:
    before = snapshot(pipeline)
    with pytest.raises(CycleError) as info:
        pipeline.add_dependency("plan", "test_auth")
    assert info.value.cycle == ["plan", "code_auth", "test_auth", "plan"]
    assert "plan -> code_auth -> test_auth -> plan" in str(info.value)
    assert snapshot(pipeline) == before


def test_self_dependency_is_a_cycle() -> None:
    graph = TaskGraph([spec("a")])
    with pytest.raises(CycleError) as info:
        graph.add_dependency("a", "a")
    assert info.value.cycle == ["a", "a"]
    with pytest.raises(CycleError):
        graph.add(spec("b", "b"))
    assert list(graph.tasks) == ["a"]


def test_add_dependency_updates_spec_and_both_directions(pipeline: TaskGraph) -> None:
    version = pipeline.version
    pipeline.add_dependency("docs", "review")
    assert pipeline.dependencies("docs") == ("plan", "review")
    assert pipeline.tasks["docs"].depends_on == ("plan", "review")
    assert "docs" in pipeline.dependents("review")
    assert pipeline.version == version + 1
    pipeline.add_dependency("docs", "review")  # already there: no change
    assert pipeline.version == version + 1


def test_orders_levels_and_critical_path(pipeline: TaskGraph) -> None:
    assert pipeline.topological_order() == [
        "plan",
        "code_auth",
        "code_books",
        "test_auth",  # ready before docs and inserted earlier: insertion order breaks the tie
        "docs",
        "review",
    ]
    assert pipeline.levels() == [
        ["plan"],
        ["code_auth", "code_books", "docs"],
        ["test_auth"],
        ["review"],
    ]
    path, length = pipeline.critical_path()
    assert path == ["plan", "code_auth", "test_auth", "review"]
    assert length == pytest.approx(10)
    # a custom estimate changes the path: every task costs the same -> longest chain by count
    path, length = pipeline.critical_path(lambda _t: 1.0)
    assert length == 4 and path[0] == "plan" and path[-1] == "review"
    assert pipeline.remaining_path_length("plan") == pytest.approx(10)
    assert pipeline.remaining_path_length("code_books") == pytest.approx(3)
    assert pipeline.remaining_path_length("docs") == pytest.approx(1)


def test_empty_graph() -> None:
    graph = TaskGraph()
    assert graph.topological_order() == []
    assert graph.levels() == []
    assert graph.critical_path() == ([], 0.0)
    graph.validate()


def test_from_tasks_accepts_any_order_and_reports_cycles() -> None:
    graph = TaskGraph.from_tasks([spec("c", "b"), spec("b", "a"), spec("a")])
    assert graph.topological_order() == ["a", "b", "c"]
    with pytest.raises(CycleError) as info:
        TaskGraph.from_tasks([spec("a", "c"), spec("b", "a"), spec("c", "b"), spec("d")])
    cycle = info.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}
    # each consecutive pair is a real edge in execution order: the later one depends on the former
    deps = {"a": {"c"}, "b": {"a"}, "c": {"b"}}
    assert all(before in deps[after] for before, after in itertools.pairwise(cycle))
    with pytest.raises(UnknownTaskError):
        TaskGraph.from_tasks([spec("a", "zzz")])
    with pytest.raises(DuplicateTaskError):
        TaskGraph.from_tasks([spec("a"), spec("a")])


def test_listeners_hear_accepted_changes_only(pipeline: TaskGraph) -> None:
    heard: list[int] = []

    def listener(graph: TaskGraph) -> None:
        heard.append(len(graph))

    pipeline.add_listener(listener)
    pipeline.add(spec("deploy", "review"))
    with pytest.raises(CycleError):
        pipeline.add_dependency("plan", "deploy")
    pipeline.remove_listener(listener)
    pipeline.add(spec("announce", "deploy"))
    assert heard == [7]


def test_descendants(pipeline: TaskGraph) -> None:
    assert pipeline.descendants("code_auth") == ["test_auth", "review"]
    assert pipeline.descendants("review") == []


# -- properties over random DAGs ---------------------------------------------------------------


@st.composite
def dags(draw: st.DrawFn) -> TaskGraph:
    """A random DAG: task i may depend only on tasks < i, so it is acyclic by construction."""
    size = draw(st.integers(min_value=1, max_value=25))
    graph = TaskGraph()
    for i in range(size):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=min(i, 4))) if i else set()
        estimate = draw(st.floats(min_value=0.0, max_value=10.0, allow_nan=False))
        graph.add(spec(f"t{i}", *(f"t{d}" for d in sorted(deps)), estimate=estimate))
    return graph


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(dags())
def test_topological_order_respects_every_edge(graph: TaskGraph) -> None:
    order = graph.topological_order()
    position = {name: i for i, name in enumerate(order)}
    assert sorted(order) == sorted(graph.tasks)
    for name in graph.tasks:
        for dep in graph.dependencies(name):
            assert position[dep] < position[name]


@FAST
@given(dags())
def test_levels_partition_tasks_and_only_depend_on_earlier_levels(graph: TaskGraph) -> None:
    levels = graph.levels()
    flat = [n for level in levels for n in level]
    assert sorted(flat) == sorted(graph.tasks) and len(flat) == len(set(flat))
    level_of = {n: i for i, level in enumerate(levels) for n in level}
    for name in graph.tasks:
        deps = graph.dependencies(name)
        assert all(level_of[d] < level_of[name] for d in deps)
        # as early as possible: a task not in level 0 has a dependency in the level just before
        if level_of[name]:
            assert any(level_of[d] == level_of[name] - 1 for d in deps)


@FAST
@given(dags(), st.data())
def test_any_back_edge_raises_and_leaves_graph_unchanged(
    graph: TaskGraph, data: st.DataObject
) -> None:
    order = graph.topological_order()
    candidates = [(a, d) for a in order for d in graph.descendants(a)]
    if not candidates:
        candidates = [(order[0], order[0])]
    ancestor, descendant = data.draw(st.sampled_from(candidates))
    before = snapshot(graph)
    with pytest.raises(CycleError) as info:
        graph.add_dependency(ancestor, descendant)  # ancestor would wait for its own descendant
    cycle = info.value.cycle
    assert cycle[0] == cycle[-1] == ancestor
    for before_task, after_task in itertools.pairwise(cycle):
        if (before_task, after_task) != (descendant, ancestor):  # the rejected edge itself
            assert before_task in graph.dependencies(after_task)
    assert snapshot(graph) == before


@FAST
@given(dags())
def test_critical_path_is_the_longest_chain(graph: TaskGraph) -> None:
    path, length = graph.critical_path()
    estimates = {n: t.estimate_s for n, t in graph.tasks.items()}
    assert all(length >= e - 1e-9 for e in estimates.values())
    sinks = [n for n in graph.tasks if not graph.dependents(n)]
    sources = [n for n in graph.tasks if not graph.dependencies(n)]
    remaining = graph.remaining_path_lengths()
    assert length == pytest.approx(max(remaining[s] for s in sources))
    # the longest path ending at each sink, computed independently by brute-force recursion
    memo: dict[str, float] = {}

    def longest_to(name: str) -> float:
        if name not in memo:
            deps = graph.dependencies(name)
            memo[name] = estimates[name] + max((longest_to(d) for d in deps), default=0.0)
        return memo[name]

    assert length == pytest.approx(max(longest_to(s) for s in sinks))
    # the path is a real chain and sums to the length
    for earlier, later in itertools.pairwise(path):
        assert earlier in graph.dependencies(later)
    assert sum(estimates[n] for n in path) == pytest.approx(length)
    assert graph.remaining_path_length(path[0]) == pytest.approx(length)
