"""The ranker's one-pass rank bases agree with the graph's remaining path lengths."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codeguild.agents.base import TaskResult, TaskSpec
from codeguild.events import EventBus
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.ranking import Ranker, priority_index
from codeguild.orchestration.scheduler import Scheduler

CAPABILITIES = ("code", "test", "review")


class Idle:
    def __init__(self, name: str, capability: str) -> None:
        self.name = name
        self.capabilities = frozenset({capability})

    async def execute(self, task: TaskSpec, ctx: object) -> TaskResult:
        return TaskResult()


@st.composite
def dags(draw: st.DrawFn) -> list[TaskSpec]:
    n = draw(st.integers(1, 25))
    specs = []
    for i in range(n):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        specs.append(
            TaskSpec(
                name=f"t{i}",
                capability=draw(st.sampled_from(CAPABILITIES)),
                depends_on=tuple(f"t{d}" for d in sorted(deps)),
                priority=draw(st.sampled_from(("p0", "p1", "p2", "p3", "urgent"))),
                estimate_s=draw(st.floats(0.0, 10.0)),
            )
        )
    return draw(st.permutations(specs))  # from_tasks takes any order


def _check(graph: TaskGraph, scheduler: Scheduler) -> None:
    ranker = Ranker(scheduler, graph)
    ranker.refresh()
    assert ranker.base is not None
    expected = graph.remaining_path_lengths(ranker.estimate_of)
    for name, task in graph.tasks.items():
        assert ranker.base[name] == (-expected[name], priority_index(task.priority))


@settings(max_examples=60, deadline=None)
@given(dags(), st.booleans())
def test_rank_bases_match_remaining_paths_with_history(specs: list[TaskSpec], seed: bool) -> None:
    manager = AgentManager()
    for capability in CAPABILITIES:
        manager.register(Idle(f"{capability}-agent", capability))
    if seed:  # learned durations replace the tasks' own estimates for that capability
        manager.seed_history("code-agent", "code", success_rate=1.0, mean_s=3.5, runs=4)
    _check(TaskGraph.from_tasks(specs), Scheduler(manager, EventBus()))


@settings(max_examples=30, deadline=None)
@given(dags())
def test_rank_bases_match_remaining_paths_with_a_given_estimate(specs: list[TaskSpec]) -> None:
    scheduler = Scheduler(AgentManager(), EventBus(), estimate=lambda t: len(t.name) * 0.5)
    _check(TaskGraph.from_tasks(specs), scheduler)
