"""AgentManager health: heartbeats, timeouts, listeners, stalled waiters, status and estimates."""

from __future__ import annotations

import asyncio

import pytest

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.orchestration.manager import (
    AgentHealthError,
    AgentManager,
    AgentRegistrationError,
)


class StubAgent:
    def __init__(self, name: str, *capabilities: str) -> None:
        self.name = name
        self.capabilities = frozenset(capabilities)

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        return TaskResult(summary=f"{self.name} did {task.name}")


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def states(manager: AgentManager) -> dict[str, str]:
    return {row["name"]: row["state"] for row in manager.status()}


async def test_silent_agent_gets_no_new_task_and_listeners_fire_once() -> None:
    clock = FakeClock()
    manager = AgentManager(heartbeat_timeout_s=10.0, clock=clock)
    remote, local = StubAgent("remote", "code"), StubAgent("local", "code")
    manager.register(remote, heartbeat=True)
    manager.register(local)  # in-process: never heartbeats, never times out
    heard: list[str] = []
    manager.add_health_listener(heard.append)

    clock.now += 5
    manager.heartbeat("remote")
    clock.now += 10  # 10 s since the last heartbeat: not over the timeout yet
    assert manager.check_health() == []
    clock.now += 0.5
    assert manager.check_health() == ["remote"]
    assert manager.check_health() == [] and manager.check_health(now=clock.now + 100) == []
    assert heard == ["remote"]  # once per transition, however often we check

    # remote was registered first and used to win ties; now only local is offered work
    first = await manager.acquire("code")
    assert first is local
    waiter = asyncio.create_task(manager.acquire("code"))
    await asyncio.sleep(0.01)
    assert not waiter.done()  # remote is idle but unhealthy: the waiter keeps waiting
    row = {r["name"]: r for r in manager.status()}["remote"]
    assert row["state"] == "unhealthy" and row["healthy"] is False
    assert row["unhealthy_reason"] == "no heartbeat for 10.5s (timeout 10s)"
    assert row["last_heartbeat"] == 1005.0

    manager.heartbeat("remote")  # it is back: the waiter gets it at once
    assert await asyncio.wait_for(waiter, timeout=1) is remote
    assert heard == ["remote"]
    assert states(manager) == {"remote": "busy", "local": "busy"}


async def test_heartbeat_clock_starts_at_registration_and_ignores_stale_beats() -> None:
    clock = FakeClock(50.0)
    manager = AgentManager(heartbeat_timeout_s=2.0, clock=clock)
    manager.register(StubAgent("w", "code"), heartbeat=True)
    assert manager.check_health(now=52.0) == []
    assert manager.check_health(now=52.1) == ["w"]
    manager.heartbeat("w", at=49.0)  # older than the last known beat: says nothing new
    assert states(manager) == {"w": "unhealthy"}
    manager.heartbeat("w", at=53.0)
    assert states(manager) == {"w": "idle"}


async def test_explicit_unhealthy_is_sticky_until_mark_healthy() -> None:
    clock = FakeClock()
    manager = AgentManager(clock=clock)
    agent = StubAgent("w", "review")
    manager.register(agent, heartbeat=True)
    heard: list[str] = []
    manager.add_health_listener(heard.append)
    assert manager.mark_unhealthy("w", "sandbox broken") is True
    assert manager.mark_unhealthy("w", "again") is False
    manager.heartbeat("w", at=clock.now + 1)  # a heartbeat does not override an operator
    assert states(manager) == {"w": "unhealthy"}
    assert manager.status()[0]["unhealthy_reason"] == "sandbox broken"
    waiter = asyncio.create_task(manager.acquire("review"))
    await asyncio.sleep(0)
    assert manager.capability_status() == [
        {"capability": "review", "agents": 1, "healthy_agents": 0, "waiting": 1, "stalled": True}
    ]
    assert manager.mark_healthy("w") is True and manager.mark_healthy("w") is False
    assert await asyncio.wait_for(waiter, timeout=1) is agent
    assert manager.capability_status()[0]["stalled"] is False
    assert heard == ["w"]
    # mark_healthy restarted the heartbeat clock: no instant relapse
    assert manager.check_health(now=clock.now + 1) == []


async def test_broken_listener_does_not_block_the_others_and_can_be_removed() -> None:
    manager = AgentManager(clock=FakeClock())
    manager.register(StubAgent("a", "code"), heartbeat=True)
    manager.register(StubAgent("b", "code"), heartbeat=True)
    heard: list[str] = []

    def broken(_name: str) -> None:
        raise RuntimeError("listener bug")

    manager.add_health_listener(broken)
    manager.add_health_listener(heard.append)
    assert manager.check_health(now=2000.0) == ["a", "b"]
    assert heard == ["a", "b"]
    manager.remove_health_listener(heard.append)
    manager.remove_health_listener(heard.append)  # removing twice is harmless
    manager.mark_healthy("a")
    manager.mark_unhealthy("a")
    assert heard == ["a", "b"]


async def test_unregistering_the_last_healthy_agent_keeps_waiters_waiting() -> None:
    manager = AgentManager(clock=FakeClock())
    manager.register(StubAgent("sick", "code"))
    manager.register(StubAgent("well", "code"))
    manager.mark_unhealthy("sick", "maintenance")
    await manager.acquire("code")  # "well" is now busy
    waiter = asyncio.create_task(manager.acquire("code"))
    await asyncio.sleep(0)
    manager.unregister("well")
    await asyncio.sleep(0)
    assert not waiter.done()  # "sick" may come back, so this is not NoAgentError
    manager.mark_healthy("sick")
    assert (await asyncio.wait_for(waiter, timeout=1)).name == "sick"


async def test_unknown_names_and_bad_settings_are_errors_with_the_fix() -> None:
    with pytest.raises(AgentHealthError) as info:
        AgentManager(heartbeat_timeout_s=0)
    assert str(info.value) == (
        "heartbeat_timeout_s must be positive, got 0. "
        "Use a few heartbeat intervals, e.g. 15.0 for a 5 s heartbeat."
    )
    assert info.value.code == "agent_health"
    manager = AgentManager()
    manager.register(StubAgent("coder", "code"))
    for call in (manager.heartbeat, manager.mark_healthy, manager.mark_unhealthy):
        with pytest.raises(AgentRegistrationError) as missing:
            call("ghost")
        assert (
            str(missing.value) == "No agent named 'ghost' is registered. Registered agents: coder."
        )
    with pytest.raises(AgentHealthError, match=r"^monitor\(\) needs a positive interval_s, got -1"):
        await manager.monitor(-1)


async def test_monitor_marks_silent_agents_in_the_background() -> None:
    manager = AgentManager(heartbeat_timeout_s=0.03)
    manager.register(StubAgent("w", "code"), heartbeat=True)
    heard: list[str] = []
    manager.add_health_listener(heard.append)
    monitor = asyncio.create_task(manager.monitor(0.01))
    try:
        await asyncio.sleep(0.1)
    finally:
        monitor.cancel()
    with pytest.raises(asyncio.CancelledError):
        await monitor
    assert heard == ["w"]


async def test_states_load_and_estimated_duration() -> None:
    manager = AgentManager()
    a, b = StubAgent("a", "code", "review"), StubAgent("b", "code")
    manager.register(a, capacity=2)
    manager.register(b, capacity=1)
    assert manager.estimated_duration("code") is None
    assert states(manager) == {"a": "idle", "b": "idle"}
    first, second = await manager.acquire("code"), await manager.acquire("code")
    assert {first.name, second.name} == {"a", "b"}
    rows = {r["name"]: r for r in manager.status()}
    assert rows["a"]["state"] == "healthy" and rows["a"]["load"] == 0.5
    assert rows["b"]["state"] == "busy" and rows["b"]["load"] == 1.0
    manager.release(a, "code", ok=True, duration_s=0.2)
    manager.release(b, "code", ok=True, duration_s=0.4)
    assert manager.estimated_duration("code") == pytest.approx(0.3)
    assert manager.estimated_duration("review") is None
    assert manager.agent_score("b") == pytest.approx(0.5)
    assert manager.agent_score("a") == pytest.approx(1.0)


async def test_selection_is_least_busy_before_score() -> None:
    manager = AgentManager()
    fast, slow = StubAgent("fast", "code"), StubAgent("slow", "code")
    manager.register(slow, capacity=2)
    manager.register(fast, capacity=2)
    assert [await manager.acquire("code"), await manager.acquire("code")] == [slow, fast]
    manager.release(slow, "code", ok=True, duration_s=1.0)
    manager.release(fast, "code", ok=True, duration_s=0.1)
    assert await manager.acquire("code") is fast  # both idle: the better score wins
    assert await manager.acquire("code") is slow  # fast is busier now, whatever its score
