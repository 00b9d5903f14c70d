"""AgentManager: the registry of agents, their load, and who gets the next task.

Selection for a capability: among the *healthy* agents offering it with a free slot, the least
busy relative to capacity wins, then the best performance score (success-rate EWMA times speed
relative to the fastest peer), then registration order. When none is free the caller waits; freed
slots go to waiters directly, best rank first, so a slot is never stolen by a latecomer.

Scores come from :mod:`codeguild.orchestration.scoring`. Health (heartbeats, timeouts,
listeners) is kept by a composed :class:`~codeguild.orchestration.health.HealthMonitor`: agents
registered with ``heartbeat=True`` must heartbeat within ``heartbeat_timeout_s`` or
:meth:`~AgentManager.check_health` marks them unhealthy. An unhealthy agent gets no new task (the
scheduler, told by a health listener, retries its running tasks elsewhere); a revived one is
handed waiting work. Waiters with no healthy agent keep waiting and show as ``stalled`` in
``capability_status()``; NoAgentError still means no agent is *registered* with the capability.
``status()`` states, by precedence: ``unhealthy`` (no new task), ``busy`` (every slot taken),
``idle`` (nothing running), ``healthy`` (running, slots left).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codeguild.agents.base import Agent
from codeguild.errors import CodeguildError, NoAgentError
from codeguild.orchestration.health import (
    AgentHealthError,
    HealthListener,
    HealthMonitor,
)
from codeguild.orchestration.scoring import (
    EWMA_ALPHA,
    CapabilityStats,
)
from codeguild.orchestration.slots import AgentSlot, capability_row

__all__ = [
    "EWMA_ALPHA",
    "AgentHealthError",
    "AgentManager",
    "AgentRegistrationError",
    "HealthListener",
]

logger = logging.getLogger(__name__)


class AgentRegistrationError(CodeguildError):
    """An agent cannot be registered, unregistered or released as asked."""

    code = "agent_registration"


@dataclass(slots=True)
class _Waiter:
    capability: str
    future: asyncio.Future[Agent]


#: stands for "not cached" among latencies (none is negative), so lookups stay typed
_UNKNOWN = -1.0


class AgentManager:
    """Registry, health monitor and load balancer of agents; one instance serves a process."""

    def __init__(
        self,
        *,
        heartbeat_timeout_s: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # wall-clock by default: last_heartbeat is shown in status() and may come from workers
        self._health = HealthMonitor(timeout_s=heartbeat_timeout_s, clock=clock)
        self._slots: dict[str, AgentSlot] = {}
        self._by_capability: dict[str, list[AgentSlot]] = {}
        self._order = itertools.count()
        self._seq = itertools.count()
        # capability -> heap of (rank, arrival, waiter); cancelled waiters are dropped lazily
        self._waiting: dict[str, list[tuple[tuple[Any, ...], int, _Waiter]]] = {}
        #: capability -> the lowest latency EWMA among its agents (None: no history), kept up to
        #: date on release; a missing key means "compute it again" (see :meth:`_fastest`)
        self._fastest_by_capability: dict[str, float | None] = {}

    @property
    def heartbeat_timeout_s(self) -> float:
        """How long a heartbeat agent may stay silent before it is marked unhealthy."""
        return self._health.timeout_s

    # -- registry ----------------------------------------------------------------------------

    def register(self, agent: Agent, capacity: int = 1, heartbeat: bool = False) -> None:
        """Add an agent that can run ``capacity`` tasks at once.

        With ``heartbeat`` the agent must heartbeat within ``heartbeat_timeout_s`` (counted from
        registration) or it is marked unhealthy by the next health check.
        """
        if not isinstance(agent, Agent):
            raise AgentRegistrationError(
                f"{agent!r} is not an agent.",
                hint="An agent needs a name, a frozenset of capabilities and async execute().",
            )
        if not agent.capabilities:
            raise AgentRegistrationError(
                f"Agent {agent.name!r} offers no capabilities.",
                hint="Give it at least one capability, e.g. frozenset({'code'}).",
            )
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise AgentRegistrationError(
                f"Agent {agent.name!r} needs a capacity of at least 1, got {capacity!r}."
            )
        if agent.name in self._slots:
            raise AgentRegistrationError(
                f"An agent named {agent.name!r} is already registered.",
                hint="Unregister it first or give the new agent another name.",
            )
        health = self._health.track(agent.name, heartbeat)
        slot = AgentSlot(agent=agent, capacity=capacity, order=next(self._order), health=health)
        self._slots[agent.name] = slot
        for capability in agent.capabilities:
            self._by_capability.setdefault(capability, []).append(slot)
            self._fastest_by_capability.pop(capability, None)
        logger.debug("agent registered name=%s capacity=%d", agent.name, capacity)
        self._dispatch(agent.capabilities)

    def unregister(self, name: str) -> None:
        """Remove an agent. Tasks it is running finish; waiters it alone served get NoAgentError."""
        slot = self._require(name)
        del self._slots[name]
        for capability in slot.agent.capabilities:
            self._fastest_by_capability.pop(capability, None)
            peers = [s for s in self._by_capability.get(capability, []) if s is not slot]
            if peers:
                self._by_capability[capability] = peers
                continue
            self._by_capability.pop(capability, None)
            for _, _, waiter in self._waiting.pop(capability, []):
                if not waiter.future.done():
                    waiter.future.set_exception(self._no_agent(capability))

    def agents_for(self, capability: str) -> list[Agent]:
        """Registered agents offering ``capability``, healthy or not, in registration order."""
        return [s.agent for s in self._by_capability.get(capability, [])]

    def capabilities(self) -> frozenset[str]:
        """Every capability some registered agent offers."""
        return frozenset(self._by_capability)

    # -- health ------------------------------------------------------------------------------

    def heartbeat(self, name: str, at: float | None = None) -> None:
        """Record that ``name`` is alive at ``at`` (default now); revives it after a timeout."""
        slot = self._require(name)
        if self._health.heartbeat(slot.health, at):
            self._dispatch(slot.agent.capabilities)

    def check_health(self, now: float | None = None) -> list[str]:
        """Mark heartbeat agents silent for over the timeout unhealthy; return those names."""
        return self._health.check([slot.health for slot in self._slots.values()], now)

    async def monitor(self, interval_s: float | None = None) -> None:
        """Run :meth:`check_health` every ``interval_s`` (default a third of the timeout) until
        cancelled."""
        await self._health.run(self.check_health, interval_s)

    def mark_unhealthy(self, name: str, reason: str = "marked unhealthy") -> bool:
        """Stop giving ``name`` new tasks until :meth:`mark_healthy`; True if it was healthy."""
        return self._health.mark_unhealthy(self._require(name).health, reason)

    def mark_healthy(self, name: str) -> bool:
        """Let ``name`` take tasks again (heartbeat clock restarted); True if it was unhealthy."""
        slot = self._require(name)
        if not self._health.mark_healthy(slot.health):
            return False
        self._dispatch(slot.agent.capabilities)
        return True

    def add_health_listener(self, callback: HealthListener) -> None:
        """Call ``callback(agent_name)`` each time an agent turns unhealthy."""
        self._health.add_listener(callback)

    def remove_health_listener(self, callback: HealthListener) -> None:
        """Forget ``callback``; removing one that was never added does nothing."""
        self._health.remove_listener(callback)

    # -- acquiring and releasing -------------------------------------------------------------

    async def acquire(self, capability: str, *, rank: tuple[Any, ...] = ()) -> Agent:
        """Reserve the best healthy agent for ``capability``, waiting while none is free.

        ``rank`` orders waiters (lower first, then arrival). Every acquired agent must be given
        back with :meth:`release`. Raises NoAgentError at once when no agent has the capability.
        """
        request = self.request(capability, rank=rank)
        try:
            return await request
        except asyncio.CancelledError:
            self.withdraw(request, capability)
            raise

    def request(self, capability: str, *, rank: tuple[Any, ...] = ()) -> asyncio.Future[Agent]:
        """Queue for an agent now and await the returned future later.

        Lets a caller hold its place in line synchronously (the scheduler queues the dependents
        of a finished task before that task's agent is freed, so they can compete for it).
        Raises NoAgentError at once when no agent has the capability.
        """
        agent = self.try_acquire(capability)
        future: asyncio.Future[Agent] = asyncio.get_running_loop().create_future()
        if agent is not None:
            future.set_result(agent)
            return future
        waiter = _Waiter(capability, future)
        heapq.heappush(self._waiting.setdefault(capability, []), (rank, next(self._seq), waiter))
        return future

    def try_acquire(self, capability: str) -> Agent | None:
        """Reserve the best healthy agent for ``capability`` if one is free now, else None.

        The synchronous fast path of :meth:`request` (no future, no place in line); give the
        agent back with :meth:`release`. Raises NoAgentError when no agent has the capability.
        """
        slots = self._by_capability.get(capability)
        if not slots:
            raise self._no_agent(capability)
        fastest = self._fastest(capability)
        # one pass: least loaded, then best score, then registration order (slots are kept in
        # that order, so the first of equals wins); the score is relative_score, inlined, since
        # this runs for every task the scheduler starts
        best: AgentSlot | None = None
        best_load, best_score = 2.0, -1.0
        for slot in slots:
            busy, capacity = slot.busy, slot.capacity
            if busy >= capacity or not slot.health.healthy:
                continue
            load = busy / capacity
            if load > best_load:
                continue
            stats = slot.record.stats.get(capability)
            if stats is None:
                score = 1.0
            else:
                score = stats.success
                latency = stats.latency_s
                if latency is not None and fastest is not None and latency > 0:
                    score *= fastest / latency
            if load < best_load or score > best_score:
                best, best_load, best_score = slot, load, score
        if best is None:
            return None
        best.busy += 1
        return best.agent

    def withdraw(self, request: asyncio.Future[Agent], capability: str) -> None:
        """Give up a request: stop waiting, or give back the agent it was already handed."""
        if not request.done():
            request.cancel()
        elif not request.cancelled() and request.exception() is None:
            self.release(request.result(), capability, ok=True, duration_s=0.0, record=False)

    def release(
        self,
        agent: Agent,
        capability: str,
        ok: bool,
        duration_s: float,
        *,
        record: bool = True,
    ) -> None:
        """Give an acquired agent back; with ``record`` the run counts toward its statistics."""
        slot = self._slots.get(agent.name)
        if slot is None or slot.agent is not agent:
            logger.debug("release of an unregistered agent ignored name=%s", agent.name)
            return
        if slot.busy <= 0:
            raise AgentRegistrationError(
                f"Agent {agent.name!r} was released more often than it was acquired.",
                hint="Call release() exactly once per acquire().",
            )
        slot.busy -= 1
        if record:
            stats = slot.record.stats.get(capability)
            before = None if stats is None else stats.latency_s
            after = slot.record.observe(capability, ok, duration_s)
            fastest = self._fastest_by_capability.get(capability, _UNKNOWN)
            if fastest != _UNKNOWN:
                if fastest is None or after <= fastest:
                    self._fastest_by_capability[capability] = after
                elif before == fastest:  # the fastest agent got slower: look again when asked
                    del self._fastest_by_capability[capability]
        if self._waiting:
            self._dispatch(slot.agent.capabilities)

    # -- scoring and status ------------------------------------------------------------------

    def score(self, name: str, capability: str) -> float:
        """Performance of an agent for a capability in (0, 1]: success rate times relative speed."""
        return self._require(name).record.score(capability, self._fastest(capability))

    def agent_score(self, name: str) -> float:
        """Mean score over the capabilities ``name`` has history for (1.0 without history).

        Fits ``consensus(weights=manager.agent_score)``.
        """
        return self._require(name).record.mean_score(self._fastest)

    def seed_history(
        self, name: str, capability: str, *, success_rate: float, mean_s: float | None, runs: int
    ) -> None:
        """Start an agent's averages from recorded history (e.g. the store's performance view)."""
        slot = self._require(name)
        slot.record.stats[capability] = CapabilityStats(
            success=success_rate, latency_s=mean_s, runs=runs
        )
        self._fastest_by_capability.pop(capability, None)

    def estimated_duration(self, capability: str) -> float | None:
        """Mean of the agents' latency EWMAs for ``capability``; None without history."""
        latencies = [
            stats.latency_s
            for slot in self._by_capability.get(capability, [])
            if (stats := slot.record.stats.get(capability)) is not None
            and stats.latency_s is not None
        ]
        return sum(latencies) / len(latencies) if latencies else None

    def status(self) -> list[dict[str, Any]]:
        """One JSON-able row per agent: state, load, heartbeat, counts and scores."""
        return [
            slot.status_row(
                round(self.agent_score(slot.agent.name), 4),
                {
                    c: round(slot.record.score(c, self._fastest(c)), 4)
                    for c in sorted(slot.agent.capabilities)
                },
            )
            for slot in self._slots.values()
        ]

    def capability_status(self) -> list[dict[str, Any]]:
        """One row per capability: agents, healthy agents, waiters, and ``stalled`` when callers
        wait with no healthy agent to serve them."""
        return [
            capability_row(
                capability,
                self._by_capability.get(capability, []),
                sum(1 for *_, w in self._waiting.get(capability, []) if not w.future.done()),
            )
            for capability in sorted(self._by_capability.keys() | self._waiting.keys())
        ]

    # -- internals ---------------------------------------------------------------------------

    def _require(self, name: str) -> AgentSlot:
        slot = self._slots.get(name)
        if slot is None:
            raise AgentRegistrationError(
                f"No agent named {name!r} is registered.",
                hint=f"Registered agents: {', '.join(self._slots) or 'none'}.",
            )
        return slot

    def _no_agent(self, capability: str) -> NoAgentError:
        offered = ", ".join(sorted(self.capabilities())) or "none (no agent is registered)"
        return NoAgentError(
            f"No registered agent offers the capability {capability!r}; "
            f"registered capabilities: {offered}.",
            hint="Register an agent with that capability, or fix the task's capability.",
        )

    def _fastest(self, capability: str) -> float | None:
        """The lowest latency EWMA among agents with history for ``capability``."""
        fastest = self._fastest_by_capability.get(capability, _UNKNOWN)
        if fastest == _UNKNOWN:
            # a plain loop, no generator: the agent picked most often is the fastest one, so
            # its slowing down makes this rescan common
            fastest = None
            for slot in self._by_capability.get(capability, ()):
                stats = slot.record.stats.get(capability)
                if stats is not None:
                    latency = stats.latency_s
                    if latency is not None and (fastest is None or latency < fastest):
                        fastest = latency
            self._fastest_by_capability[capability] = fastest
        return fastest

    def _dispatch(self, capabilities: frozenset[str]) -> None:
        """Hand free slots to waiting callers, best rank first."""
        for capability in sorted(capabilities):
            heap = self._waiting.get(capability)
            while heap:
                _, _, waiter = heap[0]
                if waiter.future.done():
                    heapq.heappop(heap)
                    continue
                agent = self.try_acquire(capability)
                if agent is None:
                    break
                heapq.heappop(heap)
                waiter.future.set_result(agent)
            if not heap:
                self._waiting.pop(capability, None)
