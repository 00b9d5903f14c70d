"""The in-process agent team of one run, and how its checking agents' results are judged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from codeguild.agents.base import DOCUMENT as DOCUMENT_CAPABILITY
from codeguild.agents.base import REVIEW, RUN_TESTS, SECURITY, Agent, TaskResult
from codeguild.agents.cached import CachedCheckAgent
from codeguild.agents.coder import CoderAgent
from codeguild.agents.docs import DocsAgent
from codeguild.agents.planner import OPENAPI_TASK, REVIEW_TASK, RUN_TESTS_TASK, SECURITY_TASK
from codeguild.agents.reviewer import ReviewerAgent
from codeguild.agents.security import SecurityAgent
from codeguild.agents.tester import TesterAgent
from codeguild.config import Settings
from codeguild.decision import Voter
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.outcome import RunOutcome
from codeguild.orchestration.patterns import Verdict
from codeguild.quality.report import QualityThresholds
from codeguild.quality.sandbox import Sandbox, SandboxLimits
from codeguild.recording import RecordingAgent, RunRecorder
from codeguild.store.memory.cache import ResultCache

#: the tasks whose results are checks (they may fail without the project being unwritable)
CHECK_TASKS = (RUN_TESTS_TASK, REVIEW_TASK, SECURITY_TASK, OPENAPI_TASK)


class RemoteAgents(Protocol):
    """Agents of some roles served elsewhere (gRPC workers); see codeguild.rpc.registry."""

    def serves(self, role: str) -> bool: ...

    def attach(self, manager: AgentManager, role: str, wrap: Callable[[Agent], Agent]) -> None: ...

    async def wait_for_required(self, timeout_s: float) -> None:
        """Until every role that must be remote has a worker; a clear error after the timeout."""


_remote: RemoteAgents | None = None


def use_remote_agents(source: RemoteAgents | None) -> None:
    """Route the roles ``source`` serves to its agents in every run of this process."""
    global _remote
    _remote = source


def remote_agents() -> RemoteAgents | None:
    return _remote


class AgentTeam:
    """The in-process agent team of one run."""

    def __init__(self, settings: Settings, sandbox: Sandbox) -> None:
        limits = SandboxLimits(
            cpu_s=settings.sandbox_cpu_s,
            memory_mb=settings.sandbox_memory_mb,
            nproc=settings.sandbox_nproc,
            wall_s=settings.sandbox_wall_s,
        )
        self.coder = CoderAgent()
        self.tester = TesterAgent(sandbox=sandbox, limits=limits)
        thresholds = QualityThresholds(max_complexity=settings.max_complexity)
        self.reviewer = ReviewerAgent(thresholds=thresholds)
        self.security = SecurityAgent(thresholds=thresholds)
        self.docs = DocsAgent(sandbox=sandbox)
        self._manager: AgentManager | None = None
        self.remote_roles: set[str] = set()

    def register(
        self,
        manager: AgentManager,
        recorder: RunRecorder | None,
        cache: ResultCache | None = None,
    ) -> None:
        capacities: list[tuple[Agent, int, bool]] = [
            (self.coder, 4, False),
            (self.tester, 2, True),
            (self.reviewer, 1, True),
            (self.security, 1, True),
            (self.docs, 2, False),
        ]
        self._manager = manager

        def wrapper(checks: bool) -> Callable[[Agent], Agent]:
            def wrap(agent: Agent) -> Agent:
                if checks and cache is not None:
                    agent = CachedCheckAgent(agent, cache)
                if recorder is not None:
                    agent = RecordingAgent(agent, recorder)
                return agent

            return wrap

        remote = _remote
        for agent, capacity, checks in capacities:
            if remote is not None and remote.serves(agent.name):
                self.remote_roles.add(agent.name)
                remote.attach(manager, agent.name, wrapper(checks))
                continue
            manager.register(wrapper(checks)(agent), capacity=capacity)

    def voter_name(self, agent: Agent, capability: str) -> str:
        """The name whose score weighs ``agent``'s vote: a remote role's first remote agent."""
        if agent.name not in self.remote_roles or self._manager is None:
            return agent.name
        serving = self._manager.agents_for(capability)
        return serving[0].name if serving else agent.name


def voters(agents: AgentTeam) -> list[Voter]:
    return [
        Voter(RUN_TESTS_TASK, agents.voter_name(agents.tester, RUN_TESTS), veto=True),
        Voter(SECURITY_TASK, agents.voter_name(agents.security, SECURITY), veto=True),
        Voter(REVIEW_TASK, agents.voter_name(agents.reviewer, REVIEW), veto=False),
        Voter(OPENAPI_TASK, agents.voter_name(agents.docs, DOCUMENT_CAPABILITY), veto=False),
    ]


def verdict(results: dict[str, TaskResult], outcome: RunOutcome) -> Verdict:
    failures: dict[str, str] = {}
    for name in CHECK_TASKS:
        if name not in outcome.records:
            continue
        result = results.get(name)
        if result is None:
            record = outcome.records[name]
            failures[name] = record.error or f"did not run ({record.state})"
        elif not result.ok:
            failures[name] = result.summary
    return Verdict(passed=not failures, failures=failures)
