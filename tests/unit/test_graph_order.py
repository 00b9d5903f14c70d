"""TaskGraph orders stay exact on the fast path, and the live views used by the scheduler."""

from __future__ import annotations

import heapq

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeguild.agents.base import TaskSpec
from codeguild.errors import CycleError
from codeguild.orchestration.graph import TaskGraph


def reference_order(graph: TaskGraph) -> list[str]:
    """Smallest-insertion-index-first Kahn, written out independently."""
    indegree = {n: len(graph.dependencies(n)) for n in graph.tasks}
    heap = [(graph.index(n), n) for n, d in indegree.items() if d == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, name = heapq.heappop(heap)
        order.append(name)
        for child in graph.dependents(name):
            indegree[child] -= 1
            if not indegree[child]:
                heapq.heappush(heap, (graph.index(child), child))
    return order


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 12), st.data())
def test_topological_order_matches_reference_with_backward_edges(
    size: int, data: st.DataObject
) -> None:
    graph = TaskGraph()
    for i in range(size):
        deps = data.draw(st.sets(st.integers(0, i - 1), max_size=min(i, 2))) if i else set()
        graph.add(TaskSpec(f"t{i}", "code", depends_on=tuple(f"t{d}" for d in sorted(deps))))
    extra = data.draw(
        st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=4)
    )
    before = graph.dependency_changes
    added = 0
    for a, b in extra:
        try:
            if f"t{b}" not in graph.dependencies(f"t{a}") and a != b:
                graph.add_dependency(f"t{a}", f"t{b}")
                added += 1
        except CycleError:  # an edge closing a cycle is refused; the graph is unchanged
            continue
    assert graph.dependency_changes == before + added
    assert graph.topological_order() == reference_order(graph)


def test_adjacency_views_are_live_and_read_only() -> None:
    graph = TaskGraph([TaskSpec("a", "code")])
    deps, dependents = graph.adjacency()
    graph.add(TaskSpec("b", "code", depends_on=("a",)))
    assert list(deps["b"]) == ["a"] and list(dependents["a"]) == ["b"]
    with pytest.raises(TypeError):
        deps["c"] = []  # type: ignore[index]


def test_remaining_path_lengths_follow_the_longest_tail() -> None:
    graph = TaskGraph(
        [
            TaskSpec("a", "code", estimate_s=1),
            TaskSpec("b", "code", depends_on=("a",), estimate_s=5),
            TaskSpec("c", "code", depends_on=("a",), estimate_s=2),
            TaskSpec("d", "code", depends_on=("b", "c"), estimate_s=1),
        ]
    )
    assert graph.remaining_path_lengths() == {"a": 7, "b": 6, "c": 3, "d": 1}
    graph.add(TaskSpec("e", "code", estimate_s=4))
    graph.add_dependency("a", "e")  # a backward edge: e was added after a
    assert graph.topological_order() == ["e", "a", "b", "c", "d"]
    assert graph.remaining_path_lengths()["e"] == 11


def test_validate_trusts_backward_edges_only_after_checking_them() -> None:
    graph = TaskGraph([TaskSpec("a", "code"), TaskSpec("b", "code", depends_on=("a",))])
    graph.add(TaskSpec("c", "code", depends_on=("b",)))
    graph.validate()  # every edge points to an earlier task: no cycle is possible
    graph.add(TaskSpec("d", "code"))
    graph.add_dependency("a", "d")  # a forward edge: the full check runs, and passes
    graph.validate()
    # internals edited behind the graph's back (what validate() exists for) are still caught
    graph._deps["d"].append("c")
    graph._dependents["c"].append("d")
    with pytest.raises(CycleError):
        graph.validate()
    # the same with insertion order still topological as far as the graph knows
    plain = TaskGraph([TaskSpec("a", "code"), TaskSpec("b", "code", depends_on=("a",))])
    plain._deps["a"].append("b")
    plain._dependents["b"].append("a")
    with pytest.raises(CycleError) as info:
        plain.validate()
    assert info.value.cycle in (["a", "b", "a"], ["b", "a", "b"])


def test_add_keeps_a_clean_spec_and_normalises_the_rest() -> None:
    clean = TaskSpec("b", "code", depends_on=("a",))
    graph = TaskGraph([TaskSpec("a", "code"), clean])
    assert graph.tasks["b"] is clean  # nothing to normalise, so no copy
    graph.add(TaskSpec("c", "code", depends_on=("a", "b", "a")))
    graph.add(TaskSpec("d", "code", depends_on=["a"]))  # type: ignore[arg-type]
    assert graph.tasks["c"].depends_on == ("a", "b")
    assert graph.tasks["d"].depends_on == ("a",)
