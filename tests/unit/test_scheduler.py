"""Scheduler: concurrency, ordering, retries, failure policies, timeouts, cancel, dynamic tasks.

The agents are tiny real classes that sleep, record what they did, raise or report a failed
check. Overlap is asserted on recorded intervals, never on wall-clock thresholds.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeguild.agents.base import RunContext, TaskResult, TaskSpec, Workspace
from codeguild.engines.base import Blueprint
from codeguild.events import Event, EventBus, EventKind
from codeguild.intent.models import ProjectIntent, ProjectType
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.policies import FailurePolicy, RetryPolicy
from codeguild.orchestration.scheduler import RunOutcome, Scheduler, TaskState

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_s=0.001, jitter=0.0)


class _NoEngine:
    name = "none"


def make_ctx(tmp_path: Path) -> RunContext:
    intent = ProjectIntent(
        requirement="a tiny library",
        project_type=ProjectType.LIBRARY,
        name="tiny-lib",
        summary="a tiny library",
    )
    return RunContext(
        run_id="run-1",
        intent=intent,
        engine=_NoEngine(),  # type: ignore[arg-type]
        blueprint=Blueprint(package="tiny_lib", components=()),
        workspace=Workspace(tmp_path),
    )


@dataclass
class Journal:
    """What the agents saw: start order and the running interval of every attempt."""

    order: list[str] = field(default_factory=list)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)


class ScriptedAgent:
    """Sleeps, then succeeds - unless the script for a task says raise / fail the check / hang."""

    def __init__(
        self,
        name: str,
        journal: Journal,
        *,
        capabilities: frozenset[str] = frozenset({"code"}),
        delay: float = 0.01,
        raise_times: dict[str, int] | None = None,
        check_fails: frozenset[str] = frozenset(),
        hang: frozenset[str] = frozenset(),
        on_run: Callable[[TaskSpec, RunContext], None] | None = None,
    ) -> None:
        self.name = name
        self.capabilities = capabilities
        self.journal = journal
        self.delay = delay
        self.raise_times = raise_times or {}
        self.check_fails = check_fails
        self.hang = hang
        self.on_run = on_run
        self.started = asyncio.Event()

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        j = self.journal
        j.order.append(task.name)
        j.attempts[task.name] = j.attempts.get(task.name, 0) + 1
        self.started.set()
        begin = time.perf_counter()
        if self.on_run:
            self.on_run(task, ctx)
        await asyncio.sleep(60 if task.name in self.hang else self.delay)
        j.intervals[task.name] = (begin, time.perf_counter())
        if j.attempts[task.name] <= self.raise_times.get(task.name, 0):
            raise RuntimeError(f"{task.name} broke on attempt {j.attempts[task.name]}")
        ok = task.name not in self.check_fails
        return TaskResult(ok=ok, summary=f"{task.name} by {self.name}")


def spec(name: str, *deps: str, estimate: float = 0.1, priority: str = "p1") -> TaskSpec:
    return TaskSpec(
        name=name, capability="code", depends_on=deps, estimate_s=estimate, priority=priority
    )


# what may follow each state in a task's event stream ("end" = nothing may follow)
TRANSITIONS: dict[str, set[EventKind]] = {
    "pending": {EventKind.TASK_QUEUED, EventKind.TASK_SKIPPED, EventKind.TASK_CANCELLED},
    "queued": {EventKind.TASK_STARTED, EventKind.TASK_CANCELLED, EventKind.TASK_FAILED},
    "running": {
        EventKind.TASK_PROGRESS,
        EventKind.TASK_SUCCEEDED,
        EventKind.TASK_FAILED,
        EventKind.TASK_CANCELLED,
        EventKind.TASK_RETRYING,
    },
    "end": set(),
}
NEXT_STATE = {
    EventKind.TASK_QUEUED: "queued",
    EventKind.TASK_RETRYING: "queued",
    EventKind.TASK_STARTED: "running",
    EventKind.TASK_PROGRESS: "running",
}


def assert_valid_event_order(events: list[Event], outcome: RunOutcome) -> None:
    """Every task's events follow the state machine and end in the state the outcome reports."""
    current: dict[str, str] = {}
    last: dict[str, EventKind] = {}
    for event in events:
        assert event.task is not None and event.run_id == "run-1"
        state = current.get(event.task, "pending")
        assert event.kind in TRANSITIONS[state], f"{event.task}: {event.kind} after {state}"
        current[event.task] = NEXT_STATE.get(event.kind, "end")
        last[event.task] = event.kind
    assert set(last) == set(outcome.states)
    for name, state in outcome.states.items():
        assert last[name].value == state.value


async def run(
    tmp_path: Path,
    graph: TaskGraph,
    agents: list[tuple[ScriptedAgent, int]],
    **options: object,
) -> tuple[RunOutcome, EventBus, AgentManager, RunContext]:
    manager = AgentManager()
    for agent, capacity in agents:
        manager.register(agent, capacity=capacity)
    bus = EventBus(keep_log=True)
    ctx = make_ctx(tmp_path)
    scheduler = Scheduler(manager, bus, **options)  # type: ignore[arg-type]
    outcome = await asyncio.wait_for(scheduler.run(graph, ctx), timeout=5)
    assert_valid_event_order(bus.log, outcome)
    assert all(row["busy"] == 0 for row in manager.status())  # nothing left acquired
    return outcome, bus, manager, ctx


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


async def test_independent_tasks_overlap(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, delay=0.05)
    graph = TaskGraph([spec("a"), spec("b"), spec("c")])
    outcome, _, _, ctx = await run(tmp_path, graph, [(agent, 3)])
    assert outcome.ok
    iv = journal.intervals
    assert overlap(iv["a"], iv["b"]) and overlap(iv["b"], iv["c"]) and overlap(iv["a"], iv["c"])
    assert set(ctx.results) == {"a", "b", "c"} and ctx.results["a"].summary == "a by coder"


async def test_capacity_and_max_concurrency_bound_parallelism(tmp_path: Path) -> None:
    journal = Journal()
    graph = TaskGraph([spec(f"t{i}") for i in range(4)])
    agent = ScriptedAgent("coder", journal, delay=0.01)
    outcome, *_ = await run(tmp_path, graph, [(agent, 4)], max_concurrency=1)
    assert outcome.ok
    spans = sorted(journal.intervals.values())
    assert all(not overlap(x, y) for x, y in itertools.pairwise(spans))


async def test_dependencies_finish_before_dependents_start(tmp_path: Path) -> None:
    journal = Journal()
    graph = TaskGraph(
        [spec("plan"), spec("left", "plan"), spec("right", "plan"), spec("join", "left", "right")]
    )
    agent = ScriptedAgent("coder", journal)
    outcome, *_ = await run(tmp_path, graph, [(agent, 4)])
    assert outcome.ok and outcome.states == dict.fromkeys(graph.tasks, TaskState.SUCCEEDED)
    iv = journal.intervals
    for name in graph.tasks:
        for dep in graph.dependencies(name):
            assert iv[dep][1] <= iv[name][0], f"{name} started before {dep} finished"
    record = outcome.records["join"]
    assert record.agent == "coder" and record.attempts == 1
    assert record.started_at is not None and record.finished_at is not None
    assert record.duration_s is not None and record.duration_s >= 0


async def test_critical_path_then_priority_then_insertion_with_one_slot(tmp_path: Path) -> None:
    journal = Journal()
    graph = TaskGraph(
        [
            spec("short", estimate=1),
            spec("tie_p1", estimate=2, priority="p1"),
            spec("tie_p0", estimate=2, priority="p0"),
            spec("head", estimate=5),
            spec("tail", "head", estimate=5),
            spec("tie_p1_later", estimate=2, priority="p1"),
        ]
    )
    agent = ScriptedAgent("solo", journal, delay=0.002)
    outcome, *_ = await run(tmp_path, graph, [(agent, 1)])
    assert outcome.ok
    # head leads the longest chain; once it ends, tail (remaining 5) beats the waiting tasks
    assert journal.order == ["head", "tail", "tie_p0", "tie_p1", "tie_p1_later", "short"]


async def test_retries_then_success(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, raise_times={"flaky": 2})
    graph = TaskGraph([spec("flaky"), spec("after", "flaky")])
    outcome, bus, manager, _ = await run(tmp_path, graph, [(agent, 1)], retry=FAST_RETRY)
    assert outcome.ok
    assert outcome.records["flaky"].attempts == 3
    retries = [e for e in bus.log if e.kind == EventKind.TASK_RETRYING]
    assert [e.data["attempt"] for e in retries] == [1, 2]
    assert "broke on attempt 1" in retries[0].data["error"]
    assert manager.status()[0]["failed"] == 2 and manager.status()[0]["completed"] == 2


async def test_exhausted_retries_fail_and_skip_transitive_dependents(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, raise_times={"bad": 99})
    graph = TaskGraph(
        [spec("bad"), spec("child", "bad"), spec("grandchild", "child"), spec("other")]
    )
    outcome, bus, *_ = await run(tmp_path, graph, [(agent, 2)], retry=FAST_RETRY)
    assert not outcome.ok
    assert outcome.states == {
        "bad": TaskState.FAILED,
        "child": TaskState.SKIPPED,
        "grandchild": TaskState.SKIPPED,
        "other": TaskState.SUCCEEDED,
    }
    assert outcome.records["bad"].attempts == 3
    assert "broke on attempt 3" in (outcome.records["bad"].error or "")
    assert "child" not in journal.order and "grandchild" not in journal.order
    failed = [e for e in bus.log if e.kind == EventKind.TASK_FAILED]
    assert failed[0].task == "bad" and failed[0].data["attempt"] == 3


async def test_fail_fast_cancels_running_and_pending(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, raise_times={"bad": 99}, hang=frozenset({"slow"}))
    graph = TaskGraph([spec("slow"), spec("bad"), spec("after_bad", "bad"), spec("after", "slow")])
    outcome, *_ = await run(
        tmp_path,
        graph,
        [(agent, 2)],
        retry=RetryPolicy.never(),
        failure_policy=FailurePolicy.FAIL_FAST,
    )
    assert not outcome.ok
    assert outcome.states == {
        "slow": TaskState.CANCELLED,
        "bad": TaskState.FAILED,
        "after_bad": TaskState.CANCELLED,
        "after": TaskState.CANCELLED,
    }
    assert "fail_fast" in (outcome.records["after"].error or "")


async def test_continue_runs_dependents_of_failed_tasks(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, raise_times={"bad": 99})
    graph = TaskGraph([spec("bad"), spec("child", "bad")])
    outcome, *_ = await run(
        tmp_path,
        graph,
        [(agent, 1)],
        retry=RetryPolicy.never(),
        failure_policy=FailurePolicy.CONTINUE,
    )
    assert outcome.states == {"bad": TaskState.FAILED, "child": TaskState.SUCCEEDED}
    assert not outcome.ok and "bad" not in outcome.results and "child" in outcome.results


async def test_failed_check_counts_as_succeeded_and_keeps_result(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("tester", journal, check_fails=frozenset({"tests"}))
    graph = TaskGraph([spec("tests"), spec("report", "tests")])
    outcome, bus, *_ = await run(tmp_path, graph, [(agent, 1)])
    assert outcome.states["tests"] == TaskState.SUCCEEDED
    assert outcome.states["report"] == TaskState.SUCCEEDED
    assert outcome.results["tests"].ok is False
    assert outcome.ok and not outcome.checks_ok
    done = next(e for e in bus.log if e.kind == EventKind.TASK_SUCCEEDED and e.task == "tests")
    assert done.data["ok"] is False


async def test_timeout_fails_the_task_and_frees_the_agent(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, hang=frozenset({"stuck"}))
    graph = TaskGraph([spec("stuck"), spec("fine")])
    outcome, *_ = await run(
        tmp_path, graph, [(agent, 1)], retry=RetryPolicy.never(), task_timeout_s=0.05
    )
    assert outcome.states == {"stuck": TaskState.FAILED, "fine": TaskState.SUCCEEDED}
    assert "timed out after 0.05s" in (outcome.records["stuck"].error or "")


async def test_missing_capability_fails_task_with_clear_message(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal)
    graph = TaskGraph([TaskSpec("audit", "security"), spec("child", "audit"), spec("code")])
    outcome, *_ = await run(tmp_path, graph, [(agent, 1)])
    assert outcome.states["audit"] == TaskState.FAILED
    assert outcome.states["child"] == TaskState.SKIPPED
    assert outcome.states["code"] == TaskState.SUCCEEDED
    assert "'security'" in (outcome.records["audit"].error or "")


async def test_cancel_stops_the_run_and_releases_agents(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, hang=frozenset({"long"}))
    manager = AgentManager()
    manager.register(agent, capacity=1)
    bus = EventBus(keep_log=True)
    scheduler = Scheduler(manager, bus)
    graph = TaskGraph([spec("long"), spec("next", "long"), spec("waiting")])
    running = asyncio.create_task(scheduler.run(graph, make_ctx(tmp_path)))
    await asyncio.wait_for(agent.started.wait(), timeout=2)
    scheduler.cancel()
    outcome = await asyncio.wait_for(running, timeout=2)
    assert not outcome.ok
    assert set(outcome.states.values()) == {TaskState.CANCELLED}
    assert manager.status()[0]["busy"] == 0
    assert manager.status()[0]["failed"] == 0  # a cancel is not the agent's fault
    assert_valid_event_order(bus.log, outcome)


async def test_cancelling_the_run_coroutine_releases_agents(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, hang=frozenset({"long"}))
    manager = AgentManager()
    manager.register(agent, capacity=1)
    scheduler = Scheduler(manager, EventBus())
    running = asyncio.create_task(scheduler.run(TaskGraph([spec("long")]), make_ctx(tmp_path)))
    await asyncio.wait_for(agent.started.wait(), timeout=2)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert manager.status()[0]["busy"] == 0


async def test_tasks_added_while_running_are_picked_up(tmp_path: Path) -> None:
    journal = Journal()
    graph = TaskGraph([spec("plan"), spec("docs", "plan")])

    def plan_more(task: TaskSpec, ctx: RunContext) -> None:
        if task.name == "plan":
            # an agent that plans adds work that depends on its own task and on each other
            graph.add(spec("code_a", "plan"))
            graph.add(spec("test_a", "code_a"))
            graph.add_dependency("docs", "test_a")

    agent = ScriptedAgent("planner", journal, on_run=plan_more)
    outcome, *_ = await run(tmp_path, graph, [(agent, 2)])
    assert outcome.ok
    assert set(outcome.states) == {"plan", "docs", "code_a", "test_a"}
    assert journal.order == ["plan", "code_a", "test_a", "docs"]


async def test_progress_reports_become_events_and_reach_the_original_callback(
    tmp_path: Path,
) -> None:
    journal = Journal()
    heard: list[tuple[str, str, float | None]] = []

    def report(task: TaskSpec, ctx: RunContext) -> None:
        ctx.progress(task.name, "halfway", 0.5)

    agent = ScriptedAgent("coder", journal, on_run=report)
    manager = AgentManager()
    manager.register(agent)
    bus = EventBus(keep_log=True)
    ctx = make_ctx(tmp_path)
    original = ctx.progress = lambda t, m, f: heard.append((t, m, f))
    outcome = await Scheduler(manager, bus).run(TaskGraph([spec("a")]), ctx)
    assert_valid_event_order(bus.log, outcome)
    progress = [e for e in bus.log if e.kind == EventKind.TASK_PROGRESS]
    assert len(progress) == 1
    assert (progress[0].task, progress[0].agent, progress[0].message) == ("a", "coder", "halfway")
    assert progress[0].data == {"fraction": 0.5}
    assert heard == [("a", "halfway", 0.5)]
    assert ctx.progress is original  # restored after the run


async def test_raise_for_failure_names_failed_tasks(tmp_path: Path) -> None:
    journal = Journal()
    agent = ScriptedAgent("coder", journal, raise_times={"bad": 99})
    outcome, *_ = await run(
        tmp_path, TaskGraph([spec("bad")]), [(agent, 1)], retry=RetryPolicy.never()
    )
    from codeguild.errors import TaskFailedError

    with pytest.raises(TaskFailedError, match="bad: RuntimeError"):
        outcome.raise_for_failure()


def test_retry_policy_delays_and_decisions() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_s=0.1, multiplier=2.0, jitter=0.0)
    assert [policy.delay(n) for n in (1, 2, 3)] == pytest.approx([0.1, 0.2, 0.4])
    jittery = RetryPolicy(backoff_s=1.0, jitter=0.1)
    assert all(0.9 <= jittery.delay(1) <= 1.1 for _ in range(50))
    assert policy.should_retry(RuntimeError("x"), 1)
    assert policy.should_retry(RuntimeError("x"), 2)
    assert not policy.should_retry(RuntimeError("x"), 3)
    assert not policy.should_retry(asyncio.CancelledError(), 1)
    only_io = RetryPolicy(retry_on=(OSError,))
    assert only_io.should_retry(ConnectionError(), 1)
    assert not only_io.should_retry(ValueError(), 1)
    from codeguild.orchestration.policies import InvalidPolicyError

    with pytest.raises(InvalidPolicyError, match="at least 1"):
        RetryPolicy(max_attempts=0)


@st.composite
def failing_dags(draw: st.DrawFn) -> tuple[list[TaskSpec], frozenset[str]]:
    """A random DAG (deps only on earlier tasks) and the tasks whose agent always raises."""
    size = draw(st.integers(min_value=1, max_value=15))
    tasks = []
    for i in range(size):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=min(i, 3))) if i else set()
        tasks.append(
            spec(f"t{i}", *(f"t{d}" for d in sorted(deps)), estimate=draw(st.floats(0, 5)))
        )
    broken = draw(st.sets(st.sampled_from([t.name for t in tasks]), max_size=3))
    return tasks, frozenset(broken)


@settings(max_examples=40, deadline=None)
@given(failing_dags(), st.sampled_from([FailurePolicy.SKIP_DEPENDENTS, FailurePolicy.CONTINUE]))
def test_random_graphs_end_consistently(
    case: tuple[list[TaskSpec], frozenset[str]], policy: FailurePolicy
) -> None:
    tasks, broken = case

    async def scenario() -> tuple[RunOutcome, Journal, list[Event]]:
        journal = Journal()
        agent = ScriptedAgent("coder", journal, delay=0, raise_times=dict.fromkeys(broken, 99))
        manager = AgentManager()
        manager.register(agent, capacity=3)
        bus = EventBus(keep_log=True)
        scheduler = Scheduler(manager, bus, retry=RetryPolicy.never(), failure_policy=policy)
        with tempfile.TemporaryDirectory() as tmp:
            outcome = await scheduler.run(TaskGraph(tasks), make_ctx(Path(tmp)))
        assert manager.status()[0]["busy"] == 0
        return outcome, journal, bus.log

    outcome, journal, events = asyncio.run(scenario())
    assert_valid_event_order(events, outcome)
    states = outcome.states
    for task in tasks:
        deps = task.depends_on
        dep_broke = any(states[d] in {TaskState.FAILED, TaskState.SKIPPED} for d in deps)
        if policy is FailurePolicy.SKIP_DEPENDENTS:
            assert (states[task.name] == TaskState.SKIPPED) == dep_broke
        if states[task.name] == TaskState.SKIPPED:
            assert policy is FailurePolicy.SKIP_DEPENDENTS
            assert any(states[d] in {TaskState.FAILED, TaskState.SKIPPED} for d in deps)
            assert task.name not in journal.order
        else:
            expected = TaskState.FAILED if task.name in broken else TaskState.SUCCEEDED
            assert states[task.name] == expected
            for dep in deps:  # it ran only after all its dependencies had finished
                assert journal.intervals[dep][1] <= journal.intervals[task.name][0]
    assert outcome.ok == (not broken)
