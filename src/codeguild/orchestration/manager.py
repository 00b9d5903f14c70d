"""AgentManager: the registry of agents, their load, and which one gets the next task.

Selection for a capability: among agents offering it that have a free slot, the least busy
relative to capacity wins; ties go to the best performance score (success-rate EWMA times speed
relative to the fastest peer), then to registration order. When every matching agent is at
capacity the caller waits; freed slots are handed to waiters directly, best rank first, so a
slot is never stolen by a latecomer and a waiter is never forgotten.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

from codeguild.agents.base import Agent
from codeguild.errors import CodeguildError, NoAgentError

logger = logging.getLogger(__name__)

#: weight of the newest observation in the success-rate and latency averages
EWMA_ALPHA = 0.3


class AgentRegistrationError(CodeguildError):
    """An agent cannot be registered, unregistered or released as asked."""

    code = "agent_registration"


@dataclass(slots=True)
class _CapabilityStats:
    """Moving averages of one agent's results for one capability."""

    success: float = 1.0  # optimistic prior so new agents get tried
    latency_s: float | None = None
    runs: int = 0

    def observe(self, ok: bool, duration_s: float) -> None:
        self.runs += 1
        self.success += EWMA_ALPHA * ((1.0 if ok else 0.0) - self.success)
        if self.latency_s is None:
            self.latency_s = duration_s
        else:
            self.latency_s += EWMA_ALPHA * (duration_s - self.latency_s)


@dataclass(slots=True)
class _Slot:
    agent: Agent
    capacity: int
    order: int
    busy: int = 0
    completed: int = 0
    failed: int = 0
    total_duration_s: float = 0.0
    stats: dict[str, _CapabilityStats] = field(default_factory=dict)


@dataclass(slots=True)
class _Waiter:
    capability: str
    future: asyncio.Future[Agent]


class AgentManager:
    """Registry and load balancer of agents; one instance serves a whole process."""

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}
        self._order = itertools.count()
        self._seq = itertools.count()
        # capability -> heap of (rank, arrival, waiter); cancelled waiters are dropped lazily
        self._waiting: dict[str, list[tuple[tuple[Any, ...], int, _Waiter]]] = {}

    # -- registry ----------------------------------------------------------------------------

    def register(self, agent: Agent, capacity: int = 1) -> None:
        """Add an agent that can run ``capacity`` tasks at once."""
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
        self._slots[agent.name] = _Slot(agent=agent, capacity=capacity, order=next(self._order))
        logger.debug("agent registered name=%s capacity=%d", agent.name, capacity)
        self._dispatch(agent.capabilities)

    def unregister(self, name: str) -> None:
        """Remove an agent. Tasks it is running finish; waiters it alone served get NoAgentError."""
        slot = self._slots.pop(name, None)
        if slot is None:
            raise AgentRegistrationError(
                f"No agent named {name!r} is registered.",
                hint=f"Registered agents: {', '.join(self._slots) or 'none'}.",
            )
        for capability in slot.agent.capabilities:
            if self.agents_for(capability):
                continue
            for _, _, waiter in self._waiting.pop(capability, []):
                if not waiter.future.done():
                    waiter.future.set_exception(self._no_agent(capability))

    def agents_for(self, capability: str) -> list[Agent]:
        """Registered agents offering ``capability``, in registration order."""
        return [s.agent for s in self._slots.values() if capability in s.agent.capabilities]

    def capabilities(self) -> frozenset[str]:
        """Every capability some registered agent offers."""
        return frozenset(c for s in self._slots.values() for c in s.agent.capabilities)

    # -- acquiring and releasing -------------------------------------------------------------

    async def acquire(self, capability: str, *, rank: tuple[Any, ...] = ()) -> Agent:
        """Reserve the best agent for ``capability``, waiting while all of them are busy.

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
        future: asyncio.Future[Agent] = asyncio.get_running_loop().create_future()
        agent = self._take(capability)
        if agent is not None:
            future.set_result(agent)
            return future
        waiter = _Waiter(capability, future)
        heapq.heappush(self._waiting.setdefault(capability, []), (rank, next(self._seq), waiter))
        return future

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
            slot.stats.setdefault(capability, _CapabilityStats()).observe(ok, duration_s)
            slot.total_duration_s += duration_s
            if ok:
                slot.completed += 1
            else:
                slot.failed += 1
        self._dispatch(slot.agent.capabilities)

    # -- scoring and status ------------------------------------------------------------------

    def score(self, name: str, capability: str) -> float:
        """Performance of an agent for a capability in (0, 1]: success rate times relative speed."""
        slot = self._slots.get(name)
        if slot is None:
            raise AgentRegistrationError(f"No agent named {name!r} is registered.")
        return self._score(slot, capability)

    def status(self) -> list[dict[str, Any]]:
        """One JSON-able row per agent: load, counts, score and mean duration."""
        rows: list[dict[str, Any]] = []
        for slot in self._slots.values():
            measured = [c for c in sorted(slot.stats) if slot.stats[c].runs]
            score = sum(self._score(slot, c) for c in measured) / len(measured) if measured else 1.0
            runs = slot.completed + slot.failed
            rows.append(
                {
                    "name": slot.agent.name,
                    "capabilities": sorted(slot.agent.capabilities),
                    "capacity": slot.capacity,
                    "busy": slot.busy,
                    "completed": slot.completed,
                    "failed": slot.failed,
                    "score": round(score, 4),
                    "mean_duration_s": (slot.total_duration_s / runs) if runs else None,
                }
            )
        return rows

    # -- internals ---------------------------------------------------------------------------

    def _no_agent(self, capability: str) -> NoAgentError:
        offered = ", ".join(sorted(self.capabilities())) or "none (no agent is registered)"
        return NoAgentError(
            f"No registered agent offers the capability {capability!r}; "
            f"registered capabilities: {offered}.",
            hint="Register an agent with that capability, or fix the task's capability.",
        )

    def _take(self, capability: str) -> Agent | None:
        """Reserve the best free agent now, None if all are busy; NoAgentError if none exist."""
        candidates = [s for s in self._slots.values() if capability in s.agent.capabilities]
        if not candidates:
            raise self._no_agent(capability)
        free = [s for s in candidates if s.busy < s.capacity]
        if not free:
            return None
        best = min(free, key=lambda s: (s.busy / s.capacity, -self._score(s, capability), s.order))
        best.busy += 1
        return best.agent

    def _score(self, slot: _Slot, capability: str) -> float:
        stats = slot.stats.get(capability)
        if stats is None or stats.latency_s is None:
            return 1.0 if stats is None else stats.success
        latencies = [
            s.stats[capability].latency_s
            for s in self._slots.values()
            if capability in s.stats and s.stats[capability].latency_s is not None
        ]
        fastest = min(lat for lat in latencies if lat is not None)
        # relative speed, so the score means the same for 10 ms and 10 min tasks
        speed = fastest / stats.latency_s if stats.latency_s > 0 else 1.0
        return stats.success * speed

    def _dispatch(self, capabilities: frozenset[str]) -> None:
        """Hand free slots to waiting callers, best rank first."""
        for capability in sorted(capabilities):
            heap = self._waiting.get(capability)
            while heap:
                _, _, waiter = heap[0]
                if waiter.future.done():
                    heapq.heappop(heap)
                    continue
                agent = self._take(capability)
                if agent is None:
                    break
                heapq.heappop(heap)
                waiter.future.set_result(agent)
            if not heap:
                self._waiting.pop(capability, None)
