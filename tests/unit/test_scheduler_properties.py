"""Properties of the scheduler on random DAGs (hypothesis): ordering, at-most-once success,
retry bounds, cancellation downstream, and termination under every failure policy."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_scheduler import assert_valid_event_order, make_ctx

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.events import EventBus, EventKind
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.outcome import RunOutcome, TaskState
from codeguild.orchestration.policies import FailurePolicy, RetryPolicy
from codeguild.orchestration.scheduler import Scheduler


@dataclass
class Trace:
    """Logical clock of starts and ends, so order is asserted without wall-clock timing."""

    tick: int = 0
    starts: dict[str, list[int]] = field(default_factory=dict)
    ends: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)

    def now(self) -> int:
        self.tick += 1
        return self.tick


class RandomAgent:
    """Fails a task its first ``failures[task]`` times; suspends (or not) as told."""

    def __init__(
        self, name: str, trace: Trace, failures: dict[str, int], suspend: frozenset[str]
    ) -> None:
        self.name = name
        self.capabilities = frozenset({"code"})
        self.trace = trace
        self.failures = failures
        self.suspend = suspend
        self.on_start: dict[str, object] = {}

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        trace = self.trace
        trace.starts.setdefault(task.name, []).append(trace.now())
        hook = self.on_start.get(task.name)
        if callable(hook):
            hook()
        if task.name in self.suspend:
            await asyncio.sleep(0)
        attempt = len(trace.starts[task.name])
        ok = attempt > self.failures.get(task.name, 0)
        trace.ends.setdefault(task.name, []).append((trace.now(), ok))
        if not ok:
            raise RuntimeError(f"{task.name} failed attempt {attempt}")
        return TaskResult()


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[TaskSpec], dict[str, int], frozenset[str]]:
    size = draw(st.integers(min_value=1, max_value=14))
    tasks: list[TaskSpec] = []
    for i in range(size):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=min(i, 3))) if i else set()
        tasks.append(
            TaskSpec(
                f"t{i}",
                "code",
                depends_on=tuple(f"t{d}" for d in sorted(deps)),
                estimate_s=draw(st.floats(0, 3)),
                priority=draw(st.sampled_from(["p0", "p1", "p2", "p3"])),
            )
        )
    names = [t.name for t in tasks]
    failures = draw(st.dictionaries(st.sampled_from(names), st.integers(1, 4), max_size=4))
    suspend = frozenset(draw(st.sets(st.sampled_from(names))))
    return tasks, failures, suspend


def run_case(
    tasks: list[TaskSpec],
    agent: RandomAgent,
    scheduler_options: dict[str, object],
    capacity: int,
    during: object = None,
) -> tuple[RunOutcome, EventBus]:
    async def scenario() -> tuple[RunOutcome, EventBus]:
        manager = AgentManager()
        manager.register(agent, capacity=capacity)
        bus = EventBus(keep_log=True)
        scheduler = Scheduler(manager, bus, **scheduler_options)  # type: ignore[arg-type]
        if callable(during):
            during(scheduler)
        with tempfile.TemporaryDirectory() as tmp:
            outcome = await asyncio.wait_for(
                scheduler.run(TaskGraph(tasks), make_ctx(Path(tmp))), timeout=5
            )
        assert manager.status()[0]["busy"] == 0
        return outcome, bus

    return asyncio.run(scenario())


@settings(max_examples=60, deadline=None)
@given(
    dags(),
    st.sampled_from(list(FailurePolicy)),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_runs_respect_dependencies_retries_and_end(
    case: tuple[list[TaskSpec], dict[str, int], frozenset[str]],
    policy: FailurePolicy,
    max_attempts: int,
    capacity: int,
) -> None:
    tasks, failures, suspend = case
    trace = Trace()
    agent = RandomAgent("coder", trace, failures, suspend)
    retry = RetryPolicy(max_attempts=max_attempts, backoff_s=0.0, jitter=0.0)
    outcome, bus = run_case(tasks, agent, {"retry": retry, "failure_policy": policy}, capacity)
    assert_valid_event_order(bus.log, outcome)
    assert set(outcome.states) == {t.name for t in tasks}
    successes = [e.task for e in bus.log if e.kind == EventKind.TASK_SUCCEEDED]
    assert len(successes) == len(set(successes))  # each task succeeds at most once
    for task in tasks:
        record = outcome.records[task.name]
        assert record.attempts <= max_attempts
        assert len(trace.starts.get(task.name, [])) == record.attempts
        for dep in task.depends_on:
            if task.name not in trace.starts:
                continue
            first_start = trace.starts[task.name][0]
            dep_end, dep_ok = trace.ends[dep][-1]
            assert dep_end < first_start, f"{task.name} started before {dep} ended"
            if policy is not FailurePolicy.CONTINUE:
                assert dep_ok and outcome.states[dep] == TaskState.SUCCEEDED
        expected_ok = failures.get(task.name, 0) < max_attempts
        if outcome.states[task.name] == TaskState.SUCCEEDED:
            assert expected_ok
        elif outcome.states[task.name] == TaskState.FAILED:
            assert not expected_ok
    doomed = any(failures.get(t.name, 0) >= max_attempts for t in tasks)
    assert outcome.ok == (not doomed)


@settings(max_examples=50, deadline=None)
@given(dags(), st.data(), st.booleans())
def test_cancelling_a_task_cancels_everything_downstream_and_nothing_else(
    case: tuple[list[TaskSpec], dict[str, int], frozenset[str]],
    data: st.DataObject,
    from_inside: bool,
) -> None:
    tasks, _, suspend = case
    graph = TaskGraph(tasks)
    target = data.draw(st.sampled_from([t.name for t in tasks]))
    downstream = set(graph.descendants(target))
    trace = Trace()
    # the target suspends, so a cancel from outside finds it running
    agent = RandomAgent("coder", trace, {}, suspend | {target})
    holder: dict[str, Scheduler] = {}

    def cancel() -> None:
        if from_inside:  # during the agent's own first step
            holder["s"].cancel_task(target)
        else:
            asyncio.get_running_loop().call_soon(holder["s"].cancel_task, target)

    agent.on_start[target] = cancel
    outcome, bus = run_case(
        tasks, agent, {"retry": RetryPolicy.never()}, 3, during=lambda s: holder.update(s=s)
    )
    assert_valid_event_order(bus.log, outcome)
    assert outcome.states[target] == TaskState.CANCELLED
    assert target not in trace.ends  # its execution was interrupted before it ended
    for name in downstream:
        assert outcome.states[name] == TaskState.CANCELLED
        assert name not in trace.starts
    for name in set(outcome.states) - downstream - {target}:
        assert outcome.states[name] == TaskState.SUCCEEDED
