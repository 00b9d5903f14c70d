"""The scheduler's hot path: the ready queue's one-pass pop, and the events of tasks that never
suspend (dispatched back to back without an asyncio task or a future each)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from codeguild.agents.base import RunContext, TaskResult, TaskSpec, Workspace
from codeguild.engines.base import Blueprint
from codeguild.events import Event, EventBus, EventKind
from codeguild.intent.models import ProjectIntent, ProjectType
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.ready import ReadyQueue
from codeguild.orchestration.scheduler import Scheduler

Op = tuple[str, int, int]  # (action, task number, rank)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["push", "discard", "pop"]), st.integers(0, 8), st.integers(0, 5)
        ),
        max_size=40,
    ),
    st.sets(st.sampled_from(["code", "review", "test"]), max_size=2),
)
def test_pop_best_matches_best_then_pop(ops: list[Op], blocked: set[str]) -> None:
    one, two = ReadyQueue(), ReadyQueue()
    capabilities = ["code", "review", "test"]
    for age, (action, number, rank) in enumerate(ops):
        name = f"t{number}"
        if action == "push":
            entry = (rank, age, name)  # ranks are unique through their age, as in the scheduler
            pool = capabilities[number % 3]
            one.push(pool, entry)
            two.push(pool, entry)
        elif action == "discard":
            one.discard(name)
            two.discard(name)
        else:
            best = one.best(blocked)
            expected = None if best is None else (best, one.pop(best))
            assert two.pop_best(blocked) == expected
        assert len(one) == len(two)
    # draining what is left gives the same sequence, and never a discarded or replaced entry
    while (left := one.best()) is not None:
        assert two.pop_best() == (left, one.pop(left))
    assert two.pop_best() is None and len(two) == 0


def test_pop_best_skips_stale_heads_and_blocked_pools() -> None:
    ready = ReadyQueue()
    ready.push("code", (0, 0, "a"))
    ready.push("code", (1, 1, "b"))
    ready.push("review", (2, 2, "c"))
    ready.push("code", (3, 3, "a"))  # "a" requeued with a worse rank: the old entry is stale
    assert ready.pop_best({"code"}) == ("review", (2, 2, "c"))
    assert ready.pop_best() == ("code", (1, 1, "b"))
    assert ready.pop_best() == ("code", (3, 3, "a"))
    assert ready.pop_best() is None


class InstantAgent:
    """Returns at once, so the scheduler's synchronous fast path runs every task."""

    def __init__(self, name: str, capability: str, seen: list[str]) -> None:
        self.name = name
        self.capabilities = frozenset({capability})
        self.seen = seen

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        self.seen.append(task.name)
        return TaskResult(summary=task.name)


async def test_instant_tasks_emit_every_state_change_in_order(tmp_path: Path) -> None:
    capabilities = ("code", "review")
    tasks = [
        TaskSpec(
            f"t{i}",
            capabilities[i % 2],
            depends_on=tuple(f"t{d}" for d in (i - 1, i - 3) if d >= 0),
            priority=f"p{i % 4}",
        )
        for i in range(60)
    ]
    graph = TaskGraph(tasks)
    manager = AgentManager()
    seen: list[str] = []
    for capability in capabilities:
        for k in range(3):
            manager.register(InstantAgent(f"{capability}{k}", capability, seen), capacity=2)
    bus = EventBus(keep_log=True)
    late: list[Event] = []

    def first(event: Event) -> None:
        if event.kind is EventKind.TASK_SUCCEEDED and event.task == "t10":
            bus.subscribe(late.append)  # joins mid-run; hears what comes after, not this one

    bus.subscribe(first)
    intent = ProjectIntent(
        requirement="hot path", project_type=ProjectType.LIBRARY, name="hot", summary="hot"
    )
    ctx = RunContext(
        run_id="hot",
        intent=intent,
        engine=None,  # type: ignore[arg-type]
        blueprint=Blueprint(package="hot", components=()),
        workspace=Workspace(tmp_path),
    )
    outcome = await Scheduler(manager, bus).run(graph, ctx)
    assert outcome.ok and seen == [t.name for t in tasks]  # a chain at heart: one order only
    by_task: dict[str, list[Event]] = {}
    for event in bus.log:
        by_task.setdefault(event.task or "", []).append(event)
    expected = [EventKind.TASK_QUEUED, EventKind.TASK_STARTED, EventKind.TASK_SUCCEEDED]
    for task in tasks:
        events = by_task[task.name]
        assert [e.kind for e in events] == expected
        assert [e.at for e in events] == sorted(e.at for e in events)
        record = outcome.records[task.name]
        assert events[1].agent == events[2].agent == record.agent
        assert record.attempts == 1 and record.state.value == "succeeded"
    position = bus.log.index(by_task["t10"][2])
    assert late == bus.log[position + 1 :]
    assert all(row["busy"] == 0 for row in manager.status())
    assert sum(row["completed"] for row in manager.status()) == len(tasks)
