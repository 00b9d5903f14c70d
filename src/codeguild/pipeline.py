"""One generation run, end to end: intent -> plan -> scheduled agents -> fix rounds -> artifacts."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from codeguild.agents.base import RunContext, TaskResult, Workspace
from codeguild.agents.checks import failed_files
from codeguild.agents.planner import (
    REVIEW_TASK,
    RUN_TESTS_TASK,
    SECURITY_TASK,
    Plan,
    Planner,
)
from codeguild.config import Settings, get_settings
from codeguild.decision import decide
from codeguild.engines.base import Engine
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.errors import CodeguildError, TaskFailedError
from codeguild.events import Event, EventBus, EventKind
from codeguild.intent.models import ProjectIntent
from codeguild.intent.processor import IntentProcessor
from codeguild.orchestration.graph import TaskGraph
from codeguild.orchestration.manager import AgentManager
from codeguild.orchestration.outcome import RunOutcome
from codeguild.orchestration.patterns import IterationOutcome, Verdict, iterate, parallel
from codeguild.orchestration.policies import FailurePolicy, RetryPolicy
from codeguild.orchestration.scheduler import Scheduler
from codeguild.quality.sandbox import Sandbox
from codeguild.recording import DurableEventBus, RunRecorder
from codeguild.recovery import resume_lease
from codeguild.report import REPORT_JSON, REPORT_MD, RunReport
from codeguild.reporting import RunFacts, build_report
from codeguild.run_records import (
    ResumeError,
    check_resumable,
    check_same_plan,
    record_failure,
    record_plan,
    seed_history,
)
from codeguild.staging import check_destination, fresh_staging, move_into_place
from codeguild.store.db import RunFence, RunRecord, RunStatus, Store, StoredTask
from codeguild.store.memory.cache import ResultCache
from codeguild.team import CHECK_TASKS, AgentTeam, remote_agents, verdict, voters

log = logging.getLogger(__name__)


class BudgetStopError(CodeguildError):
    """The LLM budget ran out before the project was complete; the run can be resumed."""

    code = "budget_exceeded"


class Pipeline:
    def __init__(
        self,
        *,
        settings: Settings | None = None,
        bus: EventBus | None = None,
        engine: Engine | None = None,
        sandbox: Sandbox | None = None,
        store: Store | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.store = store
        self.cache = cache
        live = bus or EventBus()
        if store is not None:
            # live readers see an event only once it is persisted
            durable = DurableEventBus(store)
            durable.subscribe(live.emit)
            self.bus: EventBus = durable
        else:
            self.bus = live
        self.engine = engine or BuiltinEngine()
        self.sandbox = sandbox or Sandbox()
        self.stages: dict[str, float] = {}
        self._manager = AgentManager()
        self.run_id = uuid.uuid4().hex[:12]
        #: the serve process's lease on the run (replicas): the run row exists already, and
        #: every durable write is refused once another replica has taken the run over
        self.fence: RunFence | None = None

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
            return self._read_intent(requirement, project_type)

    def _read_intent(self, requirement: str, project_type: str | None) -> ProjectIntent:
        intent = IntentProcessor(self.settings).process(requirement, project_type=project_type)
        refine = getattr(self.engine, "refine_intent", None)
        if refine is None:
            return intent
        # an engine with a model refines the rule-based intent; rules win on explicit mentions
        try:
            refined: ProjectIntent = refine(requirement, intent)
        except CodeguildError as exc:
            log.warning("the model could not refine the intent, keeping the rules': %s", exc)
            intent.assumptions.append(
                f"The model's reading of the requirement was unusable ({exc.code}); "
                "the rule-based intent was used as it is."
            )
            return intent
        return refined

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
        started_at, t0 = time.time(), time.perf_counter()
        output_parent = output_parent.resolve()
        async with self._durable():
            if self.store is not None and self.fence is not None:
                await self.store.runs.update_status(
                    self.run_id, RunStatus.RUNNING, fence=self.fence
                )
            elif self.store is not None:
                await self.store.runs.create(
                    requirement, run_id=self.run_id, status=RunStatus.RUNNING
                )
            try:
                self._emit(EventKind.RUN_STARTED, message="run started")
                with self._stage("intent"):
                    # off the event loop: loading the intent model takes seconds (tens under
                    # load), and a blocked loop serves nobody and renews no run lease
                    intent = await asyncio.to_thread(self._read_intent, requirement, project_type)
                destination = output_parent / intent.name
                check_destination(destination, force)
                plan, graph = self.plan(intent)
                if self.store is not None:
                    await record_plan(self.store, self.run_id, intent, plan, destination)
                return await self._build(
                    requirement, intent, plan, graph, destination, started_at, t0
                )
            except BaseException as exc:
                await record_failure(self.store, self.run_id, exc, self.fence)
                raise

    async def resume(
        self, run_id: str, *, force: bool = False, output_parent: Path | None = None
    ) -> RunReport:
        """Continue a run that was interrupted: finished tasks are restored, not redone.

        ``output_parent`` writes the project there instead of where the run first meant to (a
        replica taking over a run writes to its own disk).
        """
        if self.store is None:
            raise ResumeError(
                "Resuming needs the database the run was recorded in.",
                hint="Set CODEGUILD_DATABASE_URL as it was for the run (or keep the default).",
            )
        record = await self.store.runs.get(run_id)
        check_resumable(record)
        started_at, t0 = time.time(), time.perf_counter()
        self.run_id = run_id
        intent = ProjectIntent.model_validate(record.intent)
        destination = Path(str(record.output_dir))
        if output_parent is not None:
            destination = output_parent.resolve() / destination.name
        async with self._resume_lease(record), self._durable():
            try:
                check_destination(destination, force)
                plan, graph = self.plan(intent)
                await check_same_plan(self.store, self.run_id, plan)
                await self.store.runs.update_status(run_id, "running", fence=self.fence)
                await self.store.tasks.reset_interrupted(run_id)
                completed = await self.store.tasks.completed_tasks(run_id)
                self._emit(
                    EventKind.RUN_STARTED,
                    message=f"run resumed: {len(completed)} task(s) already done",
                    data={"resumed": True, "completed": sorted(completed)},
                )
                return await self._build(
                    record.requirement,
                    intent,
                    plan,
                    graph,
                    destination,
                    started_at,
                    t0,
                    completed=completed,
                )
            except BaseException as exc:
                await record_failure(self.store, self.run_id, exc, self.fence)
                raise

    async def _build(
        self,
        requirement: str,
        intent: ProjectIntent,
        plan: Plan,
        graph: TaskGraph,
        destination: Path,
        started_at: float,
        t0: float,
        *,
        completed: dict[str, StoredTask] | None = None,
    ) -> RunReport:
        staging = fresh_staging(destination, intent.name, self.run_id)
        try:
            recorder = None
            if self.store is not None:
                recorder = RunRecorder(self.store, self.run_id, completed or {}, fence=self.fence)
                await recorder.load_attempts()
                if completed:
                    await self.store.artifacts.materialise(self.run_id, staging)
            ctx = RunContext(
                run_id=self.run_id,
                intent=intent,
                engine=self.engine,
                blueprint=plan.blueprint,
                workspace=Workspace(staging),
            )
            agents = AgentTeam(self.settings, self.sandbox)
            with self._stage("execute"):
                outcome = await self._execute(graph, ctx, agents, recorder)
            with self._stage("quality"):
                iteration = await self._improve(ctx, agents, outcome, plan)
                decision = await decide(voters(agents), ctx.results, self._manager.agent_score)
            facts = RunFacts(
                self.run_id,
                requirement,
                intent,
                plan,
                outcome,
                iteration,
                ctx,
                destination,
                self.engine.name,
                self.stages,
                started_at,
                t0,
            )
            report = build_report(facts, status=decision.status, decision=decision.as_dict())
            usage = getattr(self.engine, "usage", None)
            if usage is not None:
                report.llm = usage().as_dict()
            (staging / REPORT_JSON).write_text(report.to_json(), encoding="utf-8")
            (staging / REPORT_MD).write_text(report.to_markdown(), encoding="utf-8")
            if recorder is not None:
                await recorder.snapshot(staging)
            move_into_place(staging, destination)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self._emit(EventKind.RUN_FINISHED, message=report.status, data={"status": report.status})
        if self.store is not None:
            await self.store.agents.refresh_performance()
            final = "succeeded" if report.status != "failed" else "failed"
            await self.store.runs.finish(
                self.run_id, final, report.model_dump(mode="json"), fence=self.fence
            )
        return report

    @asynccontextmanager
    async def _resume_lease(self, record: RunRecord) -> AsyncIterator[None]:
        """Outside a serve process, hold the run's lease (if a replica ever owned it)."""
        if self.fence is not None or self.store is None:
            yield
            return
        lease_s = self.settings.run_lease_s
        async with resume_lease(self.store.run_leases, record, lease_s=lease_s) as fence:
            self.fence = fence
            try:
                yield
            finally:
                self.fence = None

    @asynccontextmanager
    async def _durable(self) -> AsyncIterator[None]:
        """Start the persisting event bus for the run and drain it at the end, whatever happens."""
        if isinstance(self.bus, DurableEventBus):
            self.bus.start()
        try:
            yield
        finally:
            if isinstance(self.bus, DurableEventBus):
                await self.bus.close()

    async def _execute(
        self, graph: TaskGraph, ctx: RunContext, agents: AgentTeam, recorder: RunRecorder | None
    ) -> RunOutcome:
        remote = remote_agents()
        if remote is not None:  # workers may still be starting (e.g. pods after a deploy)
            await remote.wait_for_required(self.settings.remote_wait_s)
        manager = self._manager = AgentManager()
        agents.register(manager, recorder, self.cache)
        if self.store is not None:
            await seed_history(self.store, manager)
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
            if any(why.startswith("BudgetExceededError") for why in broken.values()):
                done = sum(str(r.state) == "succeeded" for r in outcome.records.values())
                raise BudgetStopError(
                    f"The model budget was reached after {done} of {len(outcome.records)} "
                    f"task(s); the run stopped cleanly and nothing was written ({detail}).",
                    hint=f"Continue it with a larger budget: codeguild resume {self.run_id} "
                    "--budget <more>.",
                )
            raise TaskFailedError(
                f"The project could not be written: {detail}.",
                hint="Nothing was written to the output folder. Re-run with --debug for details.",
            )
        return outcome

    async def _improve(
        self, ctx: RunContext, agents: AgentTeam, outcome: RunOutcome, plan: Plan
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
            # fan-out/fan-in that never loses a branch: a check that crashes counts as failed
            checks = await parallel(
                {
                    RUN_TESTS_TASK: lambda: agents.tester.run(RUN_TESTS_TASK, ctx),
                    REVIEW_TASK: lambda: agents.reviewer.execute(specs[REVIEW_TASK], ctx),
                    SECURITY_TASK: lambda: agents.security.execute(specs[SECURITY_TASK], ctx),
                }
            )
            for branch in checks.branches:
                latest[branch.name] = (
                    branch.value
                    if branch.ok
                    else TaskResult(ok=False, summary=f"the check crashed: {branch.error}")
                )
            # the next fix round reads the newest failures, not the first ones
            ctx.results.update(latest)
            return verdict(latest, outcome)

        result = await iterate(
            verdict(latest, outcome), improve, evaluate, max_rounds=self.settings.fix_rounds
        )
        ctx.results.update(latest)
        return result
