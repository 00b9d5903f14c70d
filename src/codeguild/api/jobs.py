"""Generation jobs: each project is a background asyncio task running the Pipeline.

The run's EventBus feeds the project's SSE channel, its progress state, the Prometheus metrics
and the agents board; the outcome is written to the projects table.

With persistence on, each run is leased to this process (replicas share the database): the
lease is renewed while the run goes on, every durable write is fenced by it, and runs whose
owner's lease expired are taken over and resumed here (see codeguild.recovery).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeguild.agents.planner import Plan
from codeguild.api.activity import ActivityBoard
from codeguild.api.broadcast import Broadcaster, ProjectChannel
from codeguild.api.errors import RateLimitedError
from codeguild.api.progress import ProjectProgress
from codeguild.config import Settings
from codeguild.errors import CodeguildError
from codeguild.events import Event, EventBus
from codeguild.intent.models import ProjectIntent
from codeguild.metrics import EventMetrics, record_error
from codeguild.orchestration.graph import TaskGraph
from codeguild.pipeline import Pipeline
from codeguild.recovery import LeaseRenewer, RecoveryLoop, default_replica_id
from codeguild.report import RunReport
from codeguild.store.db import LeaseLostError, RunClaim, RunFence, RunRecord, Store
from codeguild.store.db.projects import ProjectNotFoundError, ProjectRecord, ProjectRepository
from codeguild.store.db.records import FINISHED_RUN_STATUSES

log = logging.getLogger(__name__)

#: Retry-After when the server is full and no run has finished yet to estimate from
DEFAULT_RETRY_S = 5.0

#: what a job does with its pipeline: generate a new run, or resume one taken over
Work = Callable[[Pipeline], Awaitable[RunReport]]


class _PlanAwarePipeline(Pipeline):
    """A Pipeline that reports its plan as soon as it exists (the page draws the graph from it)."""

    def __init__(self, on_plan: Callable[[Plan], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_plan = on_plan

    def plan(self, intent: ProjectIntent) -> tuple[Plan, TaskGraph]:
        plan, graph = super().plan(intent)
        self._on_plan(plan)
        return plan, graph


@dataclass(eq=False)
class _Job:
    """One generation running here; ``moved`` once another replica owns its run."""

    fence: RunFence | None
    progress: ProjectProgress
    task: asyncio.Task[None] | None = None
    moved: bool = False


class GenerationJobs:
    """Starts, tracks and cancels the generations of one API process."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        projects: ProjectRepository,
        broadcaster: Broadcaster,
        data_dir: Path,
    ) -> None:
        self.settings = settings
        self.store = store
        self.projects = projects
        self.broadcaster = broadcaster
        self.data_dir = data_dir
        self.board = ActivityBoard()
        self._jobs: dict[str, _Job] = {}
        self._durations: deque[float] = deque(maxlen=20)
        self.replica_id = settings.replica_id or default_replica_id()
        # a run is leased only when it is recorded: without the store nobody could resume it
        self.leased = settings.persist
        lease_s = settings.run_lease_s
        self.renewer = LeaseRenewer(
            store.run_leases,
            lease_s=lease_s,
            interval_s=settings.run_lease_renew_s or lease_s / 3,
            on_lost=self._lost,
        )
        self.recovery = RecoveryLoop(
            store.run_leases,
            self.replica_id,
            lease_s=lease_s,
            interval_s=settings.recovery_interval_s,
            capacity=lambda: settings.max_concurrent_generations - self.active,
            adopt=self.adopt,
        )
        self._handing_over = False

    @property
    def active(self) -> int:
        return len(self._jobs)

    def is_running(self, project_id: str) -> bool:
        return project_id in self._jobs

    def progress(self, project_id: str) -> ProjectProgress | None:
        job = self._jobs.get(project_id)
        return job.progress if job is not None else None

    def queue_depth(self) -> int:
        return sum(
            1
            for job in self._jobs.values()
            for node in job.progress.tasks.values()
            if node.state == "queued"
        )

    def check_capacity(self) -> None:
        limit = self.settings.max_concurrent_generations
        if self.active >= limit:
            wait = statistics.median(self._durations) if self._durations else DEFAULT_RETRY_S
            raise RateLimitedError(
                f"{self.active} generations are running, the most this server runs at once "
                f"({limit}).",
                retry_after_s=wait,
                hint="Try again after the Retry-After seconds.",
            )

    def start_background(self) -> None:
        """Start renewing leases and taking over orphaned runs (on the running event loop)."""
        if not self.leased:
            return
        self.renewer.start()
        if self.settings.recovery:
            self.recovery.start()
        log.info("replica %s: run leases of %.0fs", self.replica_id, self.settings.run_lease_s)

    async def start(
        self, owner_id: str, requirement: str, project_type: str | None = None
    ) -> ProjectRecord:
        self.check_capacity()
        project_id = uuid.uuid4().hex[:12]
        fence = None
        if self.leased:
            # the run row exists, leased to us, before the project does: a project is never
            # seen unfinished without an owner that will finish it or a lease that expires
            claim = await self.store.run_leases.create_owned(
                project_id, requirement, self.replica_id, lease_s=self.settings.run_lease_s
            )
            fence = claim.fence
        record = await self.projects.create(
            project_id, owner_id, requirement, project_type=project_type
        )
        channel = self.broadcaster.open(project_id)
        channel.publish("status", {"status": "queued"})
        output_parent = self.data_dir / project_id

        async def work(pipeline: Pipeline) -> RunReport:
            return await pipeline.generate(requirement, output_parent, project_type=project_type)

        self._launch(project_id, fence, channel, ProjectProgress(), work)
        return record

    async def adopt(self, claim: RunClaim) -> None:
        """Take over a run whose owner's lease expired: resume it here (or, if it had already
        finished, record its outcome on the project)."""
        fence, project_id = claim.fence, claim.run_id
        try:
            project = await self.projects.get(project_id)
        except ProjectNotFoundError:
            project = None
        run = await self.store.runs.get(project_id)
        if project is None or project.finished:
            await self.store.run_leases.release(fence)
            return
        if self.is_running(project_id):
            # this process's own earlier attempt is still winding down: try again later
            await self.store.run_leases.release(fence, handover=True)
            return
        if run.status in FINISHED_RUN_STATUSES:
            await self._settle(project_id, run, fence)
            return
        channel = self.broadcaster.open(project_id)
        progress = await self._replay(run, channel)
        output_parent = self.data_dir / project_id
        project_type = project.project_type

        async def work(pipeline: Pipeline) -> RunReport:
            if run.intent is None:  # died before planning: nothing to keep, plan it again
                return await pipeline.generate(
                    run.requirement, output_parent, force=True, project_type=project_type
                )
            return await pipeline.resume(project_id, force=True, output_parent=output_parent)

        self._launch(project_id, fence, channel, progress, work)

    async def _settle(self, project_id: str, run: RunRecord, fence: RunFence) -> None:
        """The dead owner finished the run but not the project: copy the outcome over."""
        status = str(run.status)
        await self.projects.update(
            project_id,
            status,
            fence=fence,
            project_name=run.project_name,
            project_type=run.project_type,
            output_dir=run.output_dir,
            report=run.report,
            error=run.error,
        )
        await self.store.run_leases.release(fence)
        log.info("project=%s settled from its finished run (%s)", project_id, status)

    async def _replay(self, run: RunRecord, channel: ProjectChannel) -> ProjectProgress:
        """Progress and live channel of a taken-over run, rebuilt from its stored events."""
        progress = ProjectProgress()
        tasks = (run.plan or {}).get("tasks")
        if isinstance(tasks, list):
            progress.set_plan(tasks)
            channel.publish("plan", {"tasks": tasks})
        for stored in await self.store.events.list(run.id):
            progress.apply(stored.event)
            channel.publish("event", stored.event.as_dict())
        channel.publish("status", {"status": "running", "taken_over_by": self.replica_id})
        return progress

    def _launch(
        self,
        project_id: str,
        fence: RunFence | None,
        channel: ProjectChannel,
        progress: ProjectProgress,
        work: Work,
    ) -> None:
        job = self._jobs[project_id] = _Job(fence, progress)
        if fence is not None:
            self.renewer.hold(fence)
        job.task = asyncio.create_task(
            self._run(project_id, job, channel, work), name=f"codeguild-generate-{project_id}"
        )

    def _lost(self, project_id: str) -> None:
        """Another replica owns the run now: stop working on it (its writes are refused)."""
        job = self._jobs.get(project_id)
        if job is not None and job.task is not None:
            job.moved = True
            job.task.cancel()

    async def cancel(self, project_id: str, *, wait_s: float = 10.0) -> bool:
        """Cancel a running generation, here or (with leases) on another replica; False if no
        process runs it."""
        job = self._jobs.get(project_id)
        task = job.task if job is not None else None
        if task is None:
            return self.leased and await self._cancel_elsewhere(project_id)
        task.cancel()
        await asyncio.wait({task}, timeout=wait_s)
        return True

    async def _cancel_elsewhere(self, project_id: str) -> bool:
        """Revoke the owner's lease (it stops at its next renewal, its writes refused from now
        on) and record the cancel in its place."""
        if not await self.store.run_leases.revoke(project_id):
            return False
        why = "cancelled by a user"
        await self.store.runs.update_status(project_id, "cancelled", error=why)
        await self.projects.update(project_id, "cancelled", error=why)
        log.info("cancelled project=%s running on another replica", project_id)
        return True

    async def shutdown(self) -> None:
        """Stop: with leases, unfinished runs are handed over (another replica resumes them at
        once); without, they are cancelled."""
        await self.recovery.stop()
        self._handing_over = self.leased
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=15)
        await self.renewer.stop()

    async def _run(self, project_id: str, job: _Job, channel: ProjectChannel, work: Work) -> None:
        fence, progress = job.fence, job.progress
        started = time.perf_counter()
        metrics = EventMetrics()

        def on_event(event: Event) -> None:
            progress.apply(event)
            metrics(event)
            self.board.apply(event, metrics.task_types.get(event.task or ""))
            channel.publish("event", event.as_dict())

        def on_plan(plan: Plan) -> None:
            tasks = plan.as_dict()["tasks"]
            assert isinstance(tasks, list)
            progress.set_plan(tasks)
            metrics.set_task_types({t.name: t.capability for t in plan.tasks})
            channel.publish("plan", {"tasks": tasks})

        bus = EventBus()
        bus.subscribe(on_event)
        pipeline = _PlanAwarePipeline(
            on_plan,
            settings=self.settings,
            bus=bus,
            store=self.store if self.settings.persist else None,
        )
        # the project id is the run id: the projects and runs tables link 1:1
        pipeline.run_id = project_id
        pipeline.fence = fence
        status, values = "failed", dict[str, Any]()
        try:
            await self.projects.update(project_id, "running", fence=fence)
            channel.publish("status", {"status": "running"})
            report = await work(pipeline)
            status = "failed" if report.status == "failed" else "succeeded"
            values = {
                "project_name": report.project_name,
                "project_type": report.project_type,
                "output_dir": report.output_dir,
                "report": report.model_dump(mode="json"),
            }
        except asyncio.CancelledError:
            job.moved = job.moved or self._handing_over
            status, values = "cancelled", {"error": "cancelled by a user"}
        except LeaseLostError as exc:
            log.warning("project=%s moved to another replica: %s", project_id, exc)
            job.moved = True
        except CodeguildError as exc:
            record_error(exc.code)
            values = {"error": str(exc)}
        except Exception as exc:  # a bug must fail this project, not the server
            log.exception("generation crashed project=%s", project_id)
            record_error("internal_error")
            values = {"error": f"internal error: {type(exc).__name__}: {exc}"}
        finally:
            moved = job.moved
            metrics.close("interrupted" if moved else status)
            self.board.release_run(project_id)
            if not moved:
                self._durations.append(time.perf_counter() - started)
            await asyncio.shield(self._conclude(project_id, fence, status, values, moved))
            if not moved:
                channel.publish("end", {"status": status, "error": values.get("error")})
            channel.close()
            if self._jobs.get(project_id) is job:
                del self._jobs[project_id]
            log.info(
                "generation ended project=%s status=%s", project_id, "moved" if moved else status
            )

    async def _conclude(
        self,
        project_id: str,
        fence: RunFence | None,
        status: str,
        values: dict[str, Any],
        moved: bool,
    ) -> None:
        """Record the project's outcome and give the run's lease up (or hand it over)."""
        if fence is not None:
            self.renewer.drop(project_id)
        if moved:
            self.projects.forget(project_id)
            if fence is not None and self._handing_over:
                try:
                    await self.store.run_leases.release(fence, handover=True)
                    log.warning("handed run=%s over to the other replicas", project_id)
                except Exception:  # its lease expires on its own, just later
                    log.exception("could not hand run %s over", project_id)
            return
        try:
            await self.projects.update(project_id, status, fence=fence, **values)
            if fence is not None:
                await self.store.run_leases.release(fence)
        except LeaseLostError as exc:
            self.projects.forget(project_id)
            log.warning("the outcome of project=%s was discarded: %s", project_id, exc)
        except Exception:
            log.exception("could not record the outcome of project %s", project_id)
