"""Scheduler control: cancel one task, speculation, agent health, ordering, estimates, errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_scheduler import Journal, ScriptedAgent, assert_valid_event_order, make_ctx, spec

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.events import Event, EventBus, EventKind
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.policies import InvalidPolicyError, RetryPolicy
from codeguild.orchestration.scheduler import Scheduler, TaskNotRunningError, TaskState


class SlowFirstAgent:
    """Hangs on its first execution of each task, then answers at once (a straggler)."""

    def __init__(self, name: str, hang_s: float = 5.0) -> None:
        self.name = name
        self.capabilities = frozenset({"code"})
        self.hang_s = hang_s
        self.seen: list[str] = []
        self.cancelled: list[str] = []

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        first = task.name not in self.seen
        self.seen.append(task.name)
        try:
            await asyncio.sleep(self.hang_s if first else 0.001)
        except asyncio.CancelledError:
            self.cancelled.append(task.name)
            raise
        return TaskResult(summary=f"{task.name} by {self.name}")


async def test_cancel_task_interrupts_it_and_cancels_downstream_only(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, hang=frozenset({"slow"}), delay=0.005)
    manager = AgentManager()
    manager.register(agent, capacity=4)
    bus = EventBus(keep_log=True)
    scheduler = Scheduler(manager, bus)
    graph = TaskGraph(
        [spec("slow"), spec("child", "slow"), spec("grandchild", "child"), spec("other")]
    )
    running = asyncio.create_task(scheduler.run(graph, make_ctx(tmp_path)))
    await asyncio.wait_for(agent.started.wait(), timeout=2)
    while "slow" not in journal.order:
        await asyncio.sleep(0.001)
    assert scheduler.cancel_task("slow") == ["slow", "child", "grandchild"]
    outcome = await asyncio.wait_for(running, timeout=2)
    assert outcome.states == {
        "slow": TaskState.CANCELLED,
        "child": TaskState.CANCELLED,
        "grandchild": TaskState.CANCELLED,
        "other": TaskState.SUCCEEDED,
    }
    assert not outcome.ok
    assert outcome.records["slow"].error == "cancelled by request"
    assert outcome.records["grandchild"].error == "dependency 'slow' cancelled"
    assert "child" not in journal.order and "slow" not in journal.intervals  # interrupted
    assert manager.status()[0]["busy"] == 0 and manager.status()[0]["failed"] == 0
    cancelled = [e.task for e in bus.log if e.kind == EventKind.TASK_CANCELLED]
    assert cancelled == ["slow", "child", "grandchild"]
    assert_valid_event_order(bus.log, outcome)


def test_cancel_task_without_a_run_names_the_task() -> None:
    scheduler = Scheduler(AgentManager(), EventBus())
    with pytest.raises(TaskNotRunningError) as info:
        scheduler.cancel_task("ghost")
    assert str(info.value) == (
        "Cannot cancel task 'ghost': no run in progress has a task of that name. Call "
        "cancel_task() while Scheduler.run() is executing the graph that holds the task."
    )
    assert info.value.code == "task_not_running"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"ordering": "random"},
            "Unknown ordering 'random'; choose one of 'critical_path', 'fifo'.",
        ),
        (
            {"speculate_after": 0},
            "speculate_after is a factor of the estimated duration and must be positive, got 0. "
            "Use e.g. 2.0 to copy tasks running twice as long as estimated, or None.",
        ),
        ({"task_timeout_s": -1}, "task_timeout_s must be positive, got -1."),
        ({"max_concurrency": 0}, "max_concurrency must be at least 1, got 0."),
    ],
)
def test_invalid_options_are_rejected_with_exact_messages(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidPolicyError) as info:
        Scheduler(AgentManager(), EventBus(), **options)  # type: ignore[arg-type]
    assert str(info.value) == message


async def test_straggler_gets_a_speculative_copy_that_wins(tmp_path: Path) -> None:
    slow, fast = SlowFirstAgent("slow"), SlowFirstAgent("fast")
    manager = AgentManager()
    manager.register(slow)
    manager.register(fast)
    bus = EventBus(keep_log=True)
    scheduler = Scheduler(manager, bus, speculate_after=2.0, estimate=lambda _t: 0.01)
    # fast never saw "job" before either, so make its first run quick: it has seen it already
    fast.seen.append("job")
    outcome = await asyncio.wait_for(
        scheduler.run(TaskGraph([spec("job")]), make_ctx(tmp_path)), timeout=3
    )
    record = outcome.records["job"]
    assert outcome.ok and record.state == TaskState.SUCCEEDED
    assert record.speculative_win and record.winning_attempt == 2
    assert record.speculative_attempts == 1 and record.attempts == 1
    assert record.agent == "fast" and outcome.results["job"].summary == "job by fast"
    assert slow.cancelled == ["job"]  # the losing attempt was interrupted
    assert [e.kind for e in bus.log if e.kind == EventKind.TASK_SUCCEEDED] == [
        EventKind.TASK_SUCCEEDED
    ]
    copy = next(e for e in bus.log if e.kind == EventKind.TASK_PROGRESS)
    assert copy.data == {"execution": 2, "agent": "fast", "speculative": True}
    assert all(row["busy"] == 0 for row in manager.status())


async def test_no_speculation_when_off_or_when_queued_work_waits(tmp_path: Path) -> None:
    slow = SlowFirstAgent("slow", hang_s=0.05)
    fast = SlowFirstAgent("fast", hang_s=0.05)
    manager = AgentManager()
    manager.register(slow)
    manager.register(fast)
    scheduler = Scheduler(manager, EventBus(), estimate=lambda _t: 0.001)
    outcome = await scheduler.run(TaskGraph([spec("a")]), make_ctx(tmp_path))
    assert outcome.ok and outcome.records["a"].speculative_attempts == 0
    # with speculation on but both agents busy with ready work, no copy can start
    manager2 = AgentManager()
    manager2.register(SlowFirstAgent("x", hang_s=0.05))
    manager2.register(SlowFirstAgent("y", hang_s=0.05))
    scheduler2 = Scheduler(manager2, EventBus(), speculate_after=1.0, estimate=lambda _t: 0.001)
    outcome2 = await scheduler2.run(TaskGraph([spec("a"), spec("b")]), make_ctx(tmp_path))
    assert outcome2.ok
    assert (
        outcome2.records["a"].speculative_attempts + outcome2.records["b"].speculative_attempts == 0
    )


async def test_unhealthy_agent_work_is_retried_elsewhere_without_using_the_budget(
    tmp_path: Path,
) -> None:
    journal = Journal()
    sick = ScriptedAgent("sick", journal, hang=frozenset({"job"}))
    healthy_journal = Journal()
    healthy = ScriptedAgent("healthy", healthy_journal, delay=0.001)
    manager = AgentManager()
    manager.register(sick)
    bus = EventBus(keep_log=True)
    scheduler = Scheduler(manager, bus, retry=RetryPolicy.never())
    running = asyncio.create_task(scheduler.run(TaskGraph([spec("job")]), make_ctx(tmp_path)))
    await asyncio.wait_for(sick.started.wait(), timeout=2)
    manager.register(healthy)
    manager.mark_unhealthy("sick", "missed heartbeats")
    outcome = await asyncio.wait_for(running, timeout=2)
    record = outcome.records["job"]
    assert outcome.ok and record.agent == "healthy"
    assert record.attempts == 1 and record.executions == 2
    assert record.requeues == ("agent 'sick' became unhealthy",)
    retry = next(e for e in bus.log if e.kind == EventKind.TASK_RETRYING)
    assert retry.data == {"attempt": 0, "error": "agent 'sick' became unhealthy", "counted": False}
    assert "job" not in journal.intervals  # the sick agent's run was interrupted
    assert_valid_event_order(bus.log, outcome)


async def test_fifo_ordering_starts_tasks_in_ready_order(tmp_path: Path) -> None:
    journal = Journal()
    graph = TaskGraph(
        [spec("short", estimate=1), spec("head", estimate=5), spec("tail", "head", estimate=5)]
    )
    agent = ScriptedAgent("solo", journal, delay=0.001)
    manager = AgentManager()
    manager.register(agent)
    outcome = await Scheduler(manager, EventBus(), ordering="fifo").run(graph, make_ctx(tmp_path))
    assert outcome.ok and journal.order == ["short", "head", "tail"]


class HistoryManager(AgentManager):
    """A manager whose history says 'review' tasks are slow and knows nothing of 'code'."""

    def estimated_duration(self, capability: str) -> float | None:
        return {"review": 50.0}.get(capability)


async def test_default_estimate_asks_the_manager_history_then_the_task(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("solo", journal, capabilities=frozenset({"code", "review"}), delay=0)
    manager = HistoryManager()
    manager.register(agent)
    graph = TaskGraph(
        [
            TaskSpec("code_long", "code", estimate_s=10),
            TaskSpec("review_short", "review", estimate_s=0.1),
            TaskSpec("code_short", "code", estimate_s=1),
        ]
    )
    outcome = await Scheduler(manager, EventBus()).run(graph, make_ctx(tmp_path))
    assert outcome.ok
    # review's learned 50 s beats its own 0.1 s estimate; code tasks fall back to estimate_s
    assert journal.order == ["review_short", "code_long", "code_short"]


async def test_agents_keep_one_current_task_across_their_first_await(tmp_path: Path) -> None:
    seen: list[tuple[asyncio.Task[object] | None, asyncio.Task[object] | None]] = []

    class TimeoutUser:
        name = "timeouts"
        capabilities = frozenset({"code"})

        async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
            before = asyncio.current_task()
            async with asyncio.timeout(1):  # needs a current task, entered before suspending
                await asyncio.sleep(0.001)
            seen.append((before, asyncio.current_task()))
            return TaskResult()

    manager = AgentManager()
    manager.register(TimeoutUser(), capacity=3)
    graph = TaskGraph([spec("a"), spec("b"), spec("c", "a", "b")])
    outcome = await Scheduler(manager, EventBus()).run(graph, make_ctx(tmp_path))
    assert outcome.ok and len(seen) == 3
    assert all(before is not None and before is after for before, after in seen)


async def test_agent_returning_a_non_result_breaks_the_contract(tmp_path: Path) -> None:
    class Sloppy:
        name = "sloppy"
        capabilities = frozenset({"code"})

        async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
            return "done"  # type: ignore[return-value]

    manager = AgentManager()
    manager.register(Sloppy())
    scheduler = Scheduler(manager, EventBus(), retry=RetryPolicy.never())
    outcome = await scheduler.run(TaskGraph([spec("a")]), make_ctx(tmp_path))
    assert outcome.records["a"].error == (
        "AgentContractError: Agent 'sloppy' returned str for task 'a' instead of a "
        "TaskResult. Make execute() return codeguild.agents.base.TaskResult."
    )


def test_event_round_trips_through_a_dict() -> None:
    event = Event(EventKind.TASK_STARTED, "run-1", "a", "coder", "", {"attempt": 1}, 12.5)
    raw = event.as_dict()
    assert raw == {
        "kind": "started",
        "run_id": "run-1",
        "task": "a",
        "agent": "coder",
        "message": "",
        "data": {"attempt": 1},
        "at": 12.5,
    }
    assert Event.from_dict(raw) == event and event.model_dump() == raw
    assert Event(EventKind.STAGE, "r").at > 0


async def test_a_queued_task_that_gains_a_dependency_waits_for_it_then_runs(
    tmp_path: Path,
) -> None:
    """b is queued behind a busy agent when the planner adds c and makes b wait for it: b goes
    back to waiting, runs after c, and the run succeeds."""
    journal = Journal()
    graph = TaskGraph([spec("a"), spec("b")])

    def on_run(task: TaskSpec, ctx: RunContext) -> None:
        if task.name == "a" and "c" not in graph:
            graph.add(spec("c"))
            graph.add_dependency("b", "c")

    manager = AgentManager()
    manager.register(ScriptedAgent("solo", journal, on_run=on_run), capacity=1)
    bus = EventBus(keep_log=True)
    outcome = await Scheduler(manager, bus).run(graph, make_ctx(tmp_path))
    assert outcome.ok
    assert journal.order == ["a", "c", "b"]
    kinds = [e.kind for e in bus.log if e.task == "b"]
    assert kinds == [
        EventKind.TASK_QUEUED,
        EventKind.TASK_QUEUED,
        EventKind.TASK_STARTED,
        EventKind.TASK_SUCCEEDED,
    ]
