"""One generation run, end to end: intent -> plan -> scheduled agents -> fix rounds -> artifacts."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codeguild.agents.base import RunContext, TaskResult, Workspace
from codeguild.agents.checks import failed_files
from codeguild.agents.coder import CoderAgent
from codeguild.agents.docs import DocsAgent
from codeguild.agents.planner import (
    OPENAPI_TASK,
    REVIEW_TASK,
    RUN_TESTS_TASK,
    SECURITY_TASK,
    Plan,
    Planner,
)
from codeguild.agents.reviewer import ReviewerAgent
from codeguild.agents.security import SecurityAgent
from codeguild.agents.tester import TesterAgent
from codeguild.config import Settings, get_settings
from codeguild.decision import Voter, decide
from codeguild.engines.base import Engine
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.errors import OutputExistsError, TaskFailedError
from codeguild.events import Event, EventBus, EventKind
from codeguild.intent.models import ProjectIntent
from codeguild.intent.processor import IntentProcessor
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.outcome import RunOutcome
from codeguild.orchestration.patterns import IterationOutcome, Verdict, iterate
from codeguild.orchestration.policies import FailurePolicy, RetryPolicy
from codeguild.orchestration.scheduler import Scheduler
from codeguild.quality.report import QualityThresholds
from codeguild.quality.sandbox import Sandbox, SandboxLimits
from codeguild.report import REPORT_JSON, REPORT_MD, RunReport, TaskReport

log = logging.getLogger(__name__)

CHECK_TASKS = (RUN_TESTS_TASK, REVIEW_TASK, SECURITY_TASK, OPENAPI_TASK)


class _Agents:
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

    def register(self, manager: AgentManager) -> None:
        manager.register(self.coder, capacity=4)
        manager.register(self.tester, capacity=2)
        manager.register(self.reviewer, capacity=1)
        manager.register(self.security, capacity=1)
        manager.register(self.docs, capacity=2)


class Pipeline:
    def __init__(
        self,
        *,
        settings: Settings | None = None,
        bus: EventBus | None = None,
        engine: Engine | None = None,
        sandbox: Sandbox | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.bus = bus or EventBus()
        self.engine = engine or BuiltinEngine()
        self.sandbox = sandbox or Sandbox()
        self.stages: dict[str, float] = {}
        self._manager = AgentManager()
        self.run_id = uuid.uuid4().hex[:12]

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        self._emit(EventKind.STAGE, message=f"{name} started", data={"stage": name})
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = time.perf_counter() - started
            self._emit(
                EventKind.STAGE,
                message=f"{name} finished",
                data={"stage": name, "duration_s": self.stages[name]},
            )

    def _emit(self, kind: EventKind, message: str = "", **kw: object) -> None:
        self.bus.emit(Event(kind=kind, run_id=self.run_id, message=message, **kw))  # type: ignore[arg-type]

    def understand(self, requirement: str, project_type: str | None = None) -> ProjectIntent:
        with self._stage("intent"):
            return IntentProcessor().process(requirement, project_type=project_type)

    def plan(self, intent: ProjectIntent) -> tuple[Plan, TaskGraph]:
        with self._stage("plan"):
            plan = Planner().plan(intent, self.engine.blueprint(intent))
            graph = TaskGraph.from_tasks(plan.tasks)
        return plan, graph

    async def generate(
        self,
        requirement: str,
        output_parent: Path,
        *,
        force: bool = False,
        project_type: str | None = None,
    ) -> RunReport:
        started_at = time.time()
        t0 = time.perf_counter()
        output_parent = output_parent.resolve()
        self._emit(EventKind.RUN_STARTED, message="run started")
        intent = self.understand(requirement, project_type)
        destination = output_parent / intent.name
        if destination.exists() and not force:
            raise OutputExistsError(
                f"The output folder {destination} already exists.",
                hint="Pass --force to replace it, or choose another folder with -o.",
            )
        plan, graph = self.plan(intent)
        output_parent.mkdir(parents=True, exist_ok=True)
        # written beside the destination and moved into place only when complete, so a crash or an
        # error never leaves a half-written project that looks finished
        staging = Path(
            tempfile.mkdtemp(prefix=f".{intent.name}.", suffix=".partial", dir=output_parent)
        )
        staging.chmod(0o755)  # mkdtemp makes it private; the finished project is an ordinary folder
        try:
            ctx = RunContext(
                run_id=self.run_id,
                intent=intent,
                engine=self.engine,
                blueprint=plan.blueprint,
                workspace=Workspace(staging),
            )
            agents = _Agents(self.settings, self.sandbox)
            with self._stage("execute"):
                outcome = await self._execute(graph, ctx, agents)
            with self._stage("quality"):
                iteration = await self._improve(ctx, agents, outcome, plan)
                decision = await decide(_voters(agents), ctx.results, self._manager.agent_score)
            report = self._report(
                requirement, intent, plan, outcome, iteration, ctx, destination, started_at, t0
            )
            report.status = decision.status
            report.decision = decision.as_dict()
            (staging / REPORT_JSON).write_text(report.to_json(), encoding="utf-8")
            (staging / REPORT_MD).write_text(report.to_markdown(), encoding="utf-8")
            _move_into_place(staging, destination)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self._emit(EventKind.RUN_FINISHED, message=report.status, data={"status": report.status})
        return report

    async def _execute(self, graph: TaskGraph, ctx: RunContext, agents: _Agents) -> RunOutcome:
        manager = self._manager = AgentManager()
        agents.register(manager)
        scheduler = Scheduler(
            manager,
            self.bus,
            retry=RetryPolicy(max_attempts=1 + self.settings.task_retries),
            failure_policy=FailurePolicy.SKIP_DEPENDENTS,
            task_timeout_s=self.settings.task_timeout_s,
            max_concurrency=self.settings.max_parallel_tasks,
        )
        outcome = await scheduler.run(graph, ctx)
        broken = {
            name: record.error or str(record.state)
            for name, record in outcome.records.items()
            if name not in CHECK_TASKS and str(record.state) != "succeeded"
        }
        if broken:
            detail = "; ".join(f"{name}: {why}" for name, why in sorted(broken.items()))
            raise TaskFailedError(
                f"The project could not be written: {detail}.",
                hint="Nothing was written to the output folder. Re-run with --debug for details.",
            )
        return outcome

    async def _improve(
        self, ctx: RunContext, agents: _Agents, outcome: RunOutcome, plan: Plan
    ) -> IterationOutcome:
        specs = {t.name: t for t in plan.tasks}
        latest = dict(outcome.results)

        async def improve(verdict: Verdict) -> list[str]:
            flagged: set[str] = set()
            for name in (REVIEW_TASK, SECURITY_TASK):
                if name in latest:
                    flagged |= failed_files(latest[name])
            return await agents.coder.fix(ctx, flagged)

        async def evaluate() -> Verdict:
            tests, review, security = await asyncio.gather(
                agents.tester.run(RUN_TESTS_TASK, ctx),
                agents.reviewer.execute(specs[REVIEW_TASK], ctx),
                agents.security.execute(specs[SECURITY_TASK], ctx),
            )
            latest.update({RUN_TESTS_TASK: tests, REVIEW_TASK: review, SECURITY_TASK: security})
            return _verdict(latest, outcome)

        result = await iterate(
            _verdict(latest, outcome), improve, evaluate, max_rounds=self.settings.fix_rounds
        )
        ctx.results.update(latest)
        return result

    def _report(
        self,
        requirement: str,
        intent: ProjectIntent,
        plan: Plan,
        outcome: RunOutcome,
        iteration: IterationOutcome,
        ctx: RunContext,
        destination: Path,
        started_at: float,
        t0: float,
    ) -> RunReport:
        results = ctx.results
        tasks = []
        for spec in plan.tasks:
            record = outcome.records.get(spec.name)
            result = results.get(spec.name)
            tasks.append(
                TaskReport(
                    name=spec.name,
                    capability=spec.capability,
                    component=spec.component,
                    depends_on=list(spec.depends_on),
                    agent=record.agent if record else None,
                    state=str(record.state) if record else "pending",
                    attempts=record.attempts if record else 0,
                    started_at=record.started_at if record else None,
                    finished_at=record.finished_at if record else None,
                    duration_s=record.duration_s if record else None,
                    summary=result.summary if result else "",
                    error=record.error if record else None,
                )
            )
        bp = plan.blueprint
        how_to_run = [
            f"cd {destination}",
            "python -m venv .venv && . .venv/bin/activate",
            "pip install -r requirements-dev.txt",
            bp.test_command,
        ]
        if bp.run_command:
            how_to_run.append(bp.run_command)
        total = time.perf_counter() - t0
        return RunReport(
            run_id=self.run_id,
            status="passed" if iteration.final.passed else "failed",
            stop_reason=iteration.stop_reason,
            requirement=requirement,
            project_name=intent.name,
            project_type=str(intent.project_type),
            engine=self.engine.name,
            output_dir=str(destination),
            started_at=started_at,
            finished_at=started_at + total,
            total_s=total,
            stages=dict(self.stages),
            intent=intent.model_dump(mode="json"),
            plan=plan.as_dict(),
            tasks=tasks,
            tests=_data(results.get(RUN_TESTS_TASK), "tests"),
            review=_data(results.get(REVIEW_TASK), "checks") or [],
            security=_data(results.get(SECURITY_TASK), "checks") or [],
            openapi=_openapi(results.get(OPENAPI_TASK)),
            iterations=iteration.as_dict(),
            files=[*ctx.workspace.files(), REPORT_JSON, REPORT_MD],
            how_to_run=how_to_run,
        )


def _voters(agents: _Agents) -> list[Voter]:
    return [
        Voter(RUN_TESTS_TASK, agents.tester.name, veto=True),
        Voter(SECURITY_TASK, agents.security.name, veto=True),
        Voter(REVIEW_TASK, agents.reviewer.name, veto=False),
        Voter(OPENAPI_TASK, agents.docs.name, veto=False),
    ]


def _verdict(results: dict[str, TaskResult], outcome: RunOutcome) -> Verdict:
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


def _data(result: TaskResult | None, key: str):  # type: ignore[no-untyped-def]
    return None if result is None else result.data.get(key)


def _openapi(result: TaskResult | None) -> dict[str, object] | None:
    if result is None:
        return None
    return {"ok": result.ok, "summary": result.summary, **result.data}


def _move_into_place(staging: Path, destination: Path) -> None:
    """Replace ``destination`` with ``staging`` so the folder is never seen half-written."""
    if destination.exists():
        trash = destination.with_name(f".{destination.name}.replaced-{uuid.uuid4().hex[:8]}")
        destination.rename(trash)
        staging.rename(destination)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        staging.rename(destination)
    log.info("project written to %s", destination)
