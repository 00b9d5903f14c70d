"""AgentSlot: one registered agent as the manager sees it, and the status rows built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codeguild.agents.base import Agent
from codeguild.orchestration.health import AgentHealth
from codeguild.orchestration.scoring import TrackRecord


@dataclass(slots=True)
class AgentSlot:
    """An agent with its capacity, registration order, health, current load and track record."""

    agent: Agent
    capacity: int
    order: int
    health: AgentHealth
    busy: int = 0
    record: TrackRecord = field(default_factory=TrackRecord)

    @property
    def state(self) -> str:
        """By precedence: unhealthy (no new task), busy (every slot taken), idle, healthy."""
        if not self.health.healthy:
            return "unhealthy"
        if self.busy >= self.capacity:
            return "busy"
        return "idle" if self.busy == 0 else "healthy"

    def status_row(self, score: float, scores: dict[str, float]) -> dict[str, Any]:
        """The JSON-able row of ``AgentManager.status()`` (scores depend on the peers)."""
        health = self.health
        return {
            "name": self.agent.name,
            "capabilities": sorted(self.agent.capabilities),
            "state": self.state,
            "healthy": health.healthy,
            "unhealthy_reason": None if health.healthy else health.reason,
            "capacity": self.capacity,
            "busy": self.busy,
            "load": round(self.busy / self.capacity, 4),
            "heartbeat": health.heartbeat,
            "last_heartbeat": health.last_heartbeat,
            "completed": self.record.completed,
            "failed": self.record.failed,
            "score": score,
            "scores": scores,
            "mean_duration_s": self.record.mean_duration_s,
        }


def capability_row(capability: str, slots: list[AgentSlot], waiting: int) -> dict[str, Any]:
    """The row of ``AgentManager.capability_status()`` for one capability."""
    healthy = sum(1 for s in slots if s.health.healthy)
    return {
        "capability": capability,
        "agents": len(slots),
        "healthy_agents": healthy,
        "waiting": waiting,
        "stalled": waiting > 0 and healthy == 0,
    }
