"""AgentManager: registry, least-busy selection, scoring, waiting and handoff."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.errors import NoAgentError
from codeguild.orchestration.manager import AgentManager, AgentRegistrationError


class StubAgent:
    """The smallest real agent: it never needs to execute here, only to be picked."""

    def __init__(self, name: str, *capabilities: str) -> None:
        self.name = name
        self.capabilities = frozenset(capabilities)

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        return TaskResult(summary=f"{self.name} did {task.name}")


async def test_register_rejects_bad_agents() -> None:
    manager = AgentManager()
    manager.register(StubAgent("coder", "code"))
    with pytest.raises(AgentRegistrationError, match="already registered"):
        manager.register(StubAgent("coder", "review"))
    with pytest.raises(AgentRegistrationError, match="no capabilities"):
        manager.register(StubAgent("idle"))
    with pytest.raises(AgentRegistrationError, match="capacity of at least 1"):
        manager.register(StubAgent("zero", "code"), capacity=0)
    with pytest.raises(AgentRegistrationError, match="not an agent"):
        manager.register(object(), capacity=1)  # type: ignore[arg-type]
    with pytest.raises(AgentRegistrationError, match="No agent named 'ghost'"):
        manager.unregister("ghost")
    assert [a.name for a in manager.agents_for("code")] == ["coder"]


async def test_no_agent_error_is_immediate_and_lists_capabilities() -> None:
    manager = AgentManager()
    manager.register(StubAgent("coder", "code", "review"))
    manager.register(StubAgent("writer", "document"))
    with pytest.raises(NoAgentError) as info:
        await asyncio.wait_for(manager.acquire("security"), timeout=1)
    message = str(info.value)
    assert "'security'" in message
    assert "code, document, review" in message


async def test_least_busy_relative_to_capacity_wins() -> None:
    manager = AgentManager()
    small = StubAgent("small", "code")
    big = StubAgent("big", "code")
    manager.register(small, capacity=1)
    manager.register(big, capacity=4)
    picks = [(await manager.acquire("code")).name for _ in range(5)]
    # small is full after one task (1/1); big stays below that until its 4 slots are used
    assert sorted(picks) == ["big", "big", "big", "big", "small"]
    assert picks[0] == "small"  # both idle: registration order breaks the tie
    rows = {row["name"]: row for row in manager.status()}
    assert rows["small"]["busy"] == 1 and rows["big"]["busy"] == 4


async def test_capability_match_is_required() -> None:
    manager = AgentManager()
    manager.register(StubAgent("reviewer", "review"))
    manager.register(StubAgent("coder", "code"))
    assert (await manager.acquire("code")).name == "coder"
    assert (await manager.acquire("review")).name == "reviewer"


async def test_score_prefers_reliable_then_fast_agents() -> None:
    manager = AgentManager()
    flaky, steady, slow = (
        StubAgent("flaky", "code"),
        StubAgent("steady", "code"),
        StubAgent("slow", "code"),
    )
    for agent in (flaky, steady, slow):
        manager.register(agent)
    # one task each (least busy spreads them), then each reports how its task went
    assert [await manager.acquire("code") for _ in range(3)] == [flaky, steady, slow]
    for agent, ok, duration in [(flaky, False, 0.1), (steady, True, 0.1), (slow, True, 0.4)]:
        manager.release(agent, "code", ok=ok, duration_s=duration)
    assert manager.score("steady", "code") == pytest.approx(1.0)
    assert manager.score("slow", "code") == pytest.approx(0.25)  # four times slower than best
    assert manager.score("flaky", "code") < manager.score("steady", "code")
    # all idle: the best score is chosen
    assert await manager.acquire("code") is steady
    rows = {row["name"]: row for row in manager.status()}
    assert rows["flaky"]["failed"] == 1 and rows["flaky"]["completed"] == 0
    assert rows["slow"]["mean_duration_s"] == pytest.approx(0.4)
    assert rows["steady"]["capabilities"] == ["code"]
    assert set(rows["steady"]) == {
        "name",
        "capabilities",
        "state",
        "healthy",
        "unhealthy_reason",
        "capacity",
        "busy",
        "load",
        "heartbeat",
        "last_heartbeat",
        "completed",
        "failed",
        "score",
        "scores",
        "mean_duration_s",
    }
    assert rows["slow"]["scores"] == {"code": 0.25}


async def test_acquire_waits_until_release_and_hands_over_by_rank() -> None:
    manager = AgentManager()
    agent = StubAgent("solo", "code")
    manager.register(agent)
    assert await manager.acquire("code") is agent
    got: list[str] = []

    async def want(label: str, rank: tuple[int, ...]) -> None:
        acquired = await manager.acquire("code", rank=rank)
        got.append(label)
        await asyncio.sleep(0)
        manager.release(acquired, "code", ok=True, duration_s=0.0)

    waiters = [
        asyncio.create_task(want("late-low", (5,))),
        asyncio.create_task(want("high", (0,))),
        asyncio.create_task(want("mid", (2,))),
    ]
    await asyncio.sleep(0.01)
    assert got == []  # all three are waiting: the only agent is busy
    manager.release(agent, "code", ok=True, duration_s=0.0)
    await asyncio.wait_for(asyncio.gather(*waiters), timeout=1)
    assert got == ["high", "mid", "late-low"]
    assert manager.status()[0]["busy"] == 0


async def test_cancelled_waiter_does_not_keep_a_slot() -> None:
    manager = AgentManager()
    agent = StubAgent("solo", "code")
    manager.register(agent)
    await manager.acquire("code")
    waiter = asyncio.create_task(manager.acquire("code"))
    await asyncio.sleep(0)
    # the slot is handed to the waiter and the waiter is cancelled in the same loop turn
    manager.release(agent, "code", ok=True, duration_s=0.0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert manager.status()[0]["busy"] == 0
    assert await asyncio.wait_for(manager.acquire("code"), timeout=1) is agent


async def test_new_agent_serves_waiters_and_unregister_fails_orphans() -> None:
    manager = AgentManager()
    first = StubAgent("first", "code")
    manager.register(first)
    await manager.acquire("code")
    waiter = asyncio.create_task(manager.acquire("code"))
    await asyncio.sleep(0)
    manager.register(StubAgent("second", "code"))
    assert (await asyncio.wait_for(waiter, timeout=1)).name == "second"

    orphan = asyncio.create_task(manager.acquire("code"))
    await asyncio.sleep(0)
    manager.unregister("first")
    manager.unregister("second")
    with pytest.raises(NoAgentError):
        await asyncio.wait_for(orphan, timeout=1)
    # releasing an agent that was unregistered meanwhile is harmless
    manager.release(first, "code", ok=True, duration_s=0.0)


async def test_release_more_than_acquired_is_an_error() -> None:
    manager = AgentManager()
    agent = StubAgent("solo", "code")
    manager.register(agent)
    with pytest.raises(AgentRegistrationError, match="released more often"):
        manager.release(agent, "code", ok=True, duration_s=0.0)


async def test_try_acquire_takes_a_free_agent_now_or_returns_none() -> None:
    manager = AgentManager()
    coder = StubAgent("coder", "code")
    manager.register(coder, capacity=2)
    assert manager.try_acquire("code") is coder
    assert manager.try_acquire("code") is coder
    assert manager.try_acquire("code") is None  # full: no future, no place in line
    with pytest.raises(NoAgentError, match="'review'"):
        manager.try_acquire("review")
    manager.release(coder, "code", ok=True, duration_s=0.01)
    # nobody queued, so the freed slot is free again rather than handed to a ghost waiter
    assert manager.capability_status()[0]["waiting"] == 0
    assert manager.try_acquire("code") is coder
    assert [row["busy"] for row in manager.status()] == [2]


def only(manager: AgentManager, name: str, everyone: list[str]) -> None:
    """Leave ``name`` the only healthy agent, so the next acquisition must pick it."""
    for other in everyone:
        if other == name:
            manager.mark_healthy(other)
        else:
            manager.mark_unhealthy(other)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),  # capacity
            st.integers(0, 3),  # busy (clamped to capacity)
            st.booleans(),  # healthy
            st.lists(
                st.tuples(st.booleans(), st.sampled_from([0.0, 0.01, 0.02, 0.05])), max_size=3
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_selection_matches_least_busy_then_score_then_order(
    agents: list[tuple[int, int, bool, list[tuple[bool, float]]]],
) -> None:
    """The one-pass selection equals the documented rule written out as a sort key."""
    manager = AgentManager()
    names = [f"a{i}" for i in range(len(agents))]
    for name, (capacity, *_rest) in zip(names, agents, strict=True):
        manager.register(StubAgent(name, "code"), capacity=capacity)
    for name, (capacity, busy, _healthy, history) in zip(names, agents, strict=True):
        only(manager, name, names)
        for ok, duration in history:
            taken = manager.try_acquire("code")
            assert taken is not None and taken.name == name
            manager.release(taken, "code", ok=ok, duration_s=duration)
        for _ in range(min(busy, capacity)):
            assert manager.try_acquire("code") is not None
    for name, (*_rest, healthy, _history) in zip(names, agents, strict=True):
        if healthy:
            manager.mark_healthy(name)
        else:
            manager.mark_unhealthy(name)
    rows = manager.status()
    free = [
        (row["busy"] / row["capacity"], -manager.score(row["name"], "code"), order, row["name"])
        for order, row in enumerate(rows)
        if row["healthy"] and row["busy"] < row["capacity"]
    ]
    expected = min(free)[-1] if free else None
    taken = manager.try_acquire("code")
    assert (taken.name if taken is not None else None) == expected


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("run"), st.integers(0, 3), st.sampled_from([0.0, 0.01, 0.03, 0.2])),
            st.tuples(st.just("seed"), st.integers(0, 3), st.sampled_from([None, 0.005, 0.5])),
            st.tuples(st.just("churn"), st.integers(0, 3), st.just(None)),
        ),
        max_size=40,
    )
)
def test_the_kept_fastest_latency_always_equals_a_fresh_look(
    steps: list[tuple[str, int, float | None]],
) -> None:
    """Release keeps the capability's fastest latency up to date instead of rescanning; after
    any mix of runs, seeded history and agents coming and going it matches a full scan."""
    manager = AgentManager()
    registered = {f"a{i}" for i in range(4)}
    for name in sorted(registered):
        manager.register(StubAgent(name, "code"), capacity=2)

    def scan() -> float | None:
        latencies = [
            stats.latency_s
            for agent in manager.agents_for("code")
            if (stats := manager._slots[agent.name].record.stats.get("code")) is not None
            and stats.latency_s is not None
        ]
        return min(latencies, default=None)

    for kind, index, value in steps:
        name = f"a{index}"
        if kind == "run" and name in registered:
            only(manager, name, sorted(registered))
            agent = manager.try_acquire("code")
            assert agent is not None and agent.name == name
            manager.release(agent, "code", ok=True, duration_s=value or 0.0)
        elif kind == "seed" and name in registered:
            manager.seed_history(name, "code", success_rate=0.5, mean_s=value, runs=3)
        elif kind == "churn":
            if name in registered and len(registered) > 1:
                manager.unregister(name)
                registered.discard(name)
            elif name not in registered:
                manager.register(StubAgent(name, "code"), capacity=2)
                registered.add(name)
        assert manager._fastest("code") == scan()
