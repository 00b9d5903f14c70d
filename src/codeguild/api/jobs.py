"""Generation jobs: each project is a background asyncio task running the Pipeline.

The run's EventBus feeds the project's SSE channel, its progress state, the Prometheus metrics
and the agents board; the outcome is written to the projects table.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
import uuid
from collections import deque
from collections.abc import Callable
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
from codeguild.store.db import Store
from codeguild.store.db.projects import ProjectRecord, ProjectRepository

log = logging.getLogger(__name__)

#: Retry-After when the server is full and no run has finished yet to estimate from
DEFAULT_RETRY_S = 5.0


class _PlanAwarePipeline(Pipeline):
    """A Pipeline that reports its plan as soon as it exists (the page draws the graph from it)."""

    def __init__(self, on_plan: Callable[[Plan], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_plan = on_plan

    def plan(self, intent: ProjectIntent) -> tuple[Plan, TaskGraph]:
        plan, graph = super().plan(intent)
        self._on_plan(plan)
        return plan, graph


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
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._progress: dict[str, ProjectProgress] = {}
        self._durations: deque[float] = deque(maxlen=20)

    @property
    def active(self) -> int:
        return len(self._tasks)

    def is_running(self, project_id: str) -> bool:
        return project_id in self._tasks

    def progress(self, project_id: str) -> ProjectProgress | None:
        return self._progress.get(project_id)

    def queue_depth(self) -> int:
        return sum(
            1
            for pid in self._tasks
            for node in self._progress[pid].tasks.values()
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

    async def start(
        self, owner_id: str, requirement: str, project_type: str | None = None
    ) -> ProjectRecord:
        self.check_capacity()
        project_id = uuid.uuid4().hex[:12]
        record = await self.projects.create(
            project_id, owner_id, requirement, project_type=project_type
        )
        channel = self.broadcaster.open(project_id)
        progress = self._progress[project_id] = ProjectProgress()
        channel.publish("status", {"status": "queued"})
        self._tasks[project_id] = asyncio.create_task(
            self._run(project_id, requirement, project_type, channel, progress),
            name=f"codeguild-generate-{project_id}",
        )
        return record

    async def cancel(self, project_id: str, *, wait_s: float = 10.0) -> bool:
        """Cancel a running generation; False if it is not running here."""
        task = self._tasks.get(project_id)
        if task is None:
            return False
        task.cancel()
        await asyncio.wait({task}, timeout=wait_s)
        return True

    async def shutdown(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=15)

    async def _run(
        self,
        project_id: str,
        requirement: str,
        project_type: str | None,
        channel: ProjectChannel,
        progress: ProjectProgress,
    ) -> None:
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
        status, values = "failed", {}
        try:
            await self.projects.update(project_id, "running")
            channel.publish("status", {"status": "running"})
            report = await pipeline.generate(
                requirement, self.data_dir / project_id, project_type=project_type
            )
            status = "failed" if report.status == "failed" else "succeeded"
            values = {
                "project_name": report.project_name,
                "project_type": report.project_type,
                "output_dir": report.output_dir,
                "report": report.model_dump(mode="json"),
            }
        except asyncio.CancelledError:
            status, values = "cancelled", {"error": "cancelled by a user"}
        except CodeguildError as exc:
            record_error(exc.code)
            values = {"error": str(exc)}
        except Exception as exc:  # a bug must fail this project, not the server
            log.exception("generation crashed project=%s", project_id)
            record_error("internal_error")
            values = {"error": f"internal error: {type(exc).__name__}: {exc}"}
        finally:
            metrics.close(status)
            self.board.release_run(project_id)
            self._durations.append(time.perf_counter() - started)
            try:
                await asyncio.shield(self.projects.update(project_id, status, **values))
            except Exception:
                log.exception("could not record the outcome of project %s", project_id)
            channel.publish("end", {"status": status, "error": values.get("error")})
            channel.close()
            self._tasks.pop(project_id, None)
            log.info("generation finished project=%s status=%s", project_id, status)
