"""What a run writes to, and checks in, the durable store: its plan, its failure, whether it
can be resumed, and the agents' recorded performance it starts from."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from codeguild.agents.planner import Plan
from codeguild.errors import CodeguildError
from codeguild.intent.models import ProjectIntent
from codeguild.orchestration.manager import AgentManager
from codeguild.store.db import RunFence, RunRecord, Store

log = logging.getLogger(__name__)


class ResumeError(CodeguildError):
    """A run cannot be resumed (unknown, finished, or planned differently)."""

    code = "cannot_resume"
    exit_code = 2


def check_resumable(record: RunRecord) -> None:
    """Raise ResumeError when the run finished already or stopped before it was planned."""
    if str(record.status) == "succeeded" or record.report is not None:
        raise ResumeError(
            f"Run {record.id} already finished ({record.status}); there is nothing to resume.",
            hint=f"See it with `codeguild runs show {record.id}`.",
        )
    if record.intent is None or record.output_dir is None:
        raise ResumeError(
            f"Run {record.id} stopped before it was planned; nothing was done yet.",
            hint="Start it again with `codeguild generate`.",
        )


async def record_plan(
    store: Store, run_id: str, intent: ProjectIntent, plan: Plan, destination: Path
) -> None:
    await store.runs.save_plan(
        run_id,
        intent=intent.model_dump(mode="json"),
        plan=plan.as_dict(),
        project_name=intent.name,
        project_type=str(intent.project_type),
        output_dir=str(destination),
    )
    await store.tasks.upsert_plan(run_id, plan.tasks)


async def check_same_plan(store: Store, run_id: str, plan: Plan) -> None:
    """A resumed run must plan the same tasks it recorded (else the engine changed since)."""
    stored = {t.name for t in await store.tasks.list(run_id)}
    planned = {t.name for t in plan.tasks}
    if stored != planned:
        raise ResumeError(
            f"Run {run_id} was planned differently (tasks {sorted(stored ^ planned)} "
            "differ); the engine or its version changed since.",
            hint="Start a new run with `codeguild generate`.",
        )


async def record_failure(
    store: Store | None, run_id: str, exc: BaseException, fence: RunFence | None
) -> None:
    """Mark the run interrupted (cancelled, Ctrl-C: resumable) or failed, with the error."""
    if store is None:
        return
    interrupted = isinstance(exc, KeyboardInterrupt | asyncio.CancelledError)
    try:
        await store.runs.update_status(
            run_id,
            "interrupted" if interrupted else "failed",
            error=f"{type(exc).__name__}: {exc}",
            fence=fence,
        )
    except Exception:  # the original error matters more than the bookkeeping one
        log.exception("could not record the failure of run %s", run_id)


async def seed_history(store: Store, manager: AgentManager) -> None:
    """Agents start from their recorded performance, so estimates and scores mean something."""
    names = {row["name"] for row in manager.status()}
    for perf in await store.agents.performance():
        if perf.agent in names and perf.runs:
            manager.seed_history(
                perf.agent,
                perf.capability,
                success_rate=perf.success_rate,
                mean_s=perf.mean_duration_s,
                runs=perf.runs,
            )
