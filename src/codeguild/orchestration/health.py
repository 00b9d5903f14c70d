"""Agent health bookkeeping: heartbeat deadlines, healthy/unhealthy transitions and their listeners.

Agents tracked with ``heartbeat=True`` must heartbeat within ``timeout_s`` or
:meth:`HealthMonitor.check` marks them unhealthy; in-process agents cannot time out. Health
listeners hear of it once per transition to unhealthy. A fresh heartbeat revives an agent that
timed out; one marked unhealthy explicitly stays so until :meth:`HealthMonitor.mark_healthy`.

:class:`~codeguild.orchestration.manager.AgentManager` composes one monitor and keeps one
:class:`AgentHealth` per registered agent; methods that revive an agent return True so the
manager can hand it waiting work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from codeguild.errors import CodeguildError

# the manager's logger: health transitions were always logged as the manager's
logger = logging.getLogger("codeguild.orchestration.manager")

HealthListener = Callable[[str], None]


class AgentHealthError(CodeguildError):
    """Health checking was configured with values that cannot work."""

    code = "agent_health"


@dataclass(slots=True)
class AgentHealth:
    """One agent's health: whether it must heartbeat, when it last did, and why it is unhealthy."""

    name: str
    heartbeat: bool = False
    last_heartbeat: float | None = None
    healthy: bool = True
    #: why it is unhealthy; "timeout" is revived by a heartbeat, anything else by mark_healthy
    cause: str | None = None
    reason: str = ""


class HealthMonitor:
    """Heartbeat timeouts and health transitions of agents; listeners hear of each loss."""

    def __init__(self, *, timeout_s: float, clock: Callable[[], float]) -> None:
        if not timeout_s > 0:
            raise AgentHealthError(
                f"heartbeat_timeout_s must be positive, got {timeout_s!r}.",
                hint="Use a few heartbeat intervals, e.g. 15.0 for a 5 s heartbeat.",
            )
        self.timeout_s = timeout_s
        self.clock = clock
        self._listeners: list[HealthListener] = []

    def track(self, name: str, heartbeat: bool) -> AgentHealth:
        """Fresh health for a new agent; a heartbeat agent's clock starts now."""
        health = AgentHealth(name, heartbeat=heartbeat)
        if heartbeat:
            health.last_heartbeat = self.clock()
        return health

    def heartbeat(self, health: AgentHealth, at: float | None = None) -> bool:
        """Record a heartbeat at ``at`` (default now); True if it revived a timed-out agent."""
        at = self.clock() if at is None else at
        if health.last_heartbeat is not None and at <= health.last_heartbeat:
            return False  # a late, out-of-order heartbeat says nothing new
        health.last_heartbeat = at
        if not health.healthy and health.cause == "timeout":
            self._set_healthy(health)
            return True
        return False

    def check(self, agents: Iterable[AgentHealth], now: float | None = None) -> list[str]:
        """Mark heartbeat agents silent for over the timeout unhealthy; return those names."""
        now = self.clock() if now is None else now
        newly: list[str] = []
        for health in agents:
            if not (health.heartbeat and health.healthy and health.last_heartbeat is not None):
                continue
            silent = now - health.last_heartbeat
            if silent > self.timeout_s:
                reason = f"no heartbeat for {silent:.1f}s (timeout {self.timeout_s:g}s)"
                self._set_unhealthy(health, "timeout", reason)
                newly.append(health.name)
        return newly

    async def run(self, check: Callable[[], object], interval_s: float | None = None) -> None:
        """Call ``check()`` every ``interval_s`` (default a third of the timeout) until
        cancelled."""
        interval = self.timeout_s / 3 if interval_s is None else interval_s
        if not interval > 0:
            raise AgentHealthError(f"monitor() needs a positive interval_s, got {interval_s!r}.")
        while True:
            check()
            await asyncio.sleep(interval)

    def mark_unhealthy(self, health: AgentHealth, reason: str) -> bool:
        """Mark the agent unhealthy until :meth:`mark_healthy`; True if it was healthy."""
        if not health.healthy:
            return False
        self._set_unhealthy(health, "explicit", reason)
        return True

    def mark_healthy(self, health: AgentHealth) -> bool:
        """Mark the agent healthy (heartbeat clock restarted); True if it was unhealthy."""
        if health.healthy:
            return False
        if health.heartbeat:
            health.last_heartbeat = max(health.last_heartbeat or 0.0, self.clock())
        self._set_healthy(health)
        return True

    def add_listener(self, callback: HealthListener) -> None:
        """Call ``callback(agent_name)`` each time an agent turns unhealthy."""
        self._listeners.append(callback)

    def remove_listener(self, callback: HealthListener) -> None:
        """Forget ``callback``; removing one that was never added does nothing."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _set_unhealthy(self, health: AgentHealth, cause: str, reason: str) -> None:
        health.healthy = False
        health.cause = cause
        health.reason = reason
        name = health.name
        logger.warning("agent unhealthy name=%s reason=%s", name, reason)
        for listener in list(self._listeners):
            try:
                listener(name)
            except Exception:  # one broken listener must not hide the news from the others
                logger.exception("health listener failed agent=%s", name)

    def _set_healthy(self, health: AgentHealth) -> None:
        health.healthy = True
        health.cause = None
        health.reason = ""
        logger.info("agent healthy again name=%s", health.name)
