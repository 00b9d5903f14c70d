"""The in-process agent team of one run, and how its checking agents' results are judged."""

from __future__ import annotations

from codeguild.agents.base import Agent, TaskResult
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
        for agent, capacity, checks in capacities:
            wrapped: Agent = agent
            if checks and cache is not None:
                wrapped = CachedCheckAgent(wrapped, cache)
            if recorder is not None:
                wrapped = RecordingAgent(wrapped, recorder)
            manager.register(wrapped, capacity=capacity)


def voters(agents: AgentTeam) -> list[Voter]:
    return [
        Voter(RUN_TESTS_TASK, agents.tester.name, veto=True),
        Voter(SECURITY_TASK, agents.security.name, veto=True),
        Voter(REVIEW_TASK, agents.reviewer.name, veto=False),
        Voter(OPENAPI_TASK, agents.docs.name, veto=False),
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
