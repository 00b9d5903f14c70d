"""What the in-process agents are doing, folded from the events of every run (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field

from codeguild.events import Event, EventKind

_ENDS = {EventKind.TASK_SUCCEEDED, EventKind.TASK_FAILED, EventKind.TASK_CANCELLED}


@dataclass(slots=True)
class AgentActivity:
    name: str
    capabilities: set[str] = field(default_factory=set)
    busy: int = 0
    completed: int = 0
    failed: int = 0
    last_seen: float | None = None

    @property
    def state(self) -> str:
        return "busy" if self.busy else "idle"


class ActivityBoard:
    """Local agents by name; ``apply(event, capability)`` for every task event of every run."""

    def __init__(self) -> None:
        self.agents: dict[str, AgentActivity] = {}
        # (run, task) -> agent for attempts in flight, so an end event frees the right agent
        self._running: dict[tuple[str, str], str] = {}

    def apply(self, event: Event, capability: str | None = None) -> None:
        if event.task is None:
            return
        key = (event.run_id, event.task)
        if event.kind is EventKind.TASK_STARTED and event.agent:
            agent = self._agent(event.agent)
            agent.busy += 1
            agent.last_seen = event.at
            if capability:
                agent.capabilities.add(capability)
            self._running[key] = event.agent
        elif event.kind in _ENDS or event.kind is EventKind.TASK_RETRYING:
            name = self._running.pop(key, None)
            if name is None:
                return
            agent = self._agent(name)
            agent.busy = max(0, agent.busy - 1)
            agent.last_seen = event.at
            if event.kind is EventKind.TASK_SUCCEEDED:
                agent.completed += 1
            elif event.kind in (EventKind.TASK_FAILED, EventKind.TASK_RETRYING):
                agent.failed += 1

    def release_run(self, run_id: str) -> None:
        """A run ended (even by a crash): attempts it still had in flight are over."""
        for key in [k for k in self._running if k[0] == run_id]:
            agent = self._agent(self._running.pop(key))
            agent.busy = max(0, agent.busy - 1)

    def _agent(self, name: str) -> AgentActivity:
        found = self.agents.get(name)
        if found is None:
            found = self.agents[name] = AgentActivity(name)
        return found
