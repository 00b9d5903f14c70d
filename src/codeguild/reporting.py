"""Assembles the RunReport of a finished run from its intent, plan, task records and results."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeguild.agents.base import RunContext, TaskResult
from codeguild.agents.planner import OPENAPI_TASK, REVIEW_TASK, RUN_TESTS_TASK, SECURITY_TASK, Plan
from codeguild.intent.models import ProjectIntent
from codeguild.orchestration.outcome import RunOutcome
from codeguild.orchestration.patterns import IterationOutcome
from codeguild.report import REPORT_JSON, REPORT_MD, RunReport, TaskReport


@dataclass
class RunFacts:
    """Everything a report is made from."""

    run_id: str
    requirement: str
    intent: ProjectIntent
    plan: Plan
    outcome: RunOutcome
    iteration: IterationOutcome
    ctx: RunContext
    destination: Path
    engine: str
    stages: dict[str, float]
    started_at: float
    t0: float


def build_report(facts: RunFacts, *, status: str, decision: dict[str, Any]) -> RunReport:
    results = facts.ctx.results
    bp = facts.plan.blueprint
    how_to_run = [
        f"cd {facts.destination}",
        "python -m venv .venv && . .venv/bin/activate",
        "pip install -r requirements-dev.txt",
        bp.test_command,
    ]
    if bp.run_command:
        how_to_run.append(bp.run_command)
    total = time.perf_counter() - facts.t0
    return RunReport(
        run_id=facts.run_id,
        status=status,
        stop_reason=facts.iteration.stop_reason,
        requirement=facts.requirement,
        project_name=facts.intent.name,
        project_type=str(facts.intent.project_type),
        engine=facts.engine,
        output_dir=str(facts.destination),
        started_at=facts.started_at,
        finished_at=facts.started_at + total,
        total_s=total,
        stages=dict(facts.stages),
        intent=facts.intent.model_dump(mode="json"),
        plan=facts.plan.as_dict(),
        tasks=_tasks(facts),
        tests=_data(results.get(RUN_TESTS_TASK), "tests"),
        review=_data(results.get(REVIEW_TASK), "checks") or [],
        security=_data(results.get(SECURITY_TASK), "checks") or [],
        openapi=_openapi(results.get(OPENAPI_TASK)),
        iterations=facts.iteration.as_dict(),
        shared_context=facts.ctx.shared.snapshot(),
        decision=decision,
        files=[*facts.ctx.workspace.files(), REPORT_JSON, REPORT_MD],
        how_to_run=how_to_run,
    )


def _tasks(facts: RunFacts) -> list[TaskReport]:
    tasks = []
    for spec in facts.plan.tasks:
        record = facts.outcome.records.get(spec.name)
        result = facts.ctx.results.get(spec.name)
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
    return tasks


def _data(result: TaskResult | None, key: str) -> Any:
    return None if result is None else result.data.get(key)


def _openapi(result: TaskResult | None) -> dict[str, object] | None:
    if result is None:
        return None
    return {"ok": result.ok, "summary": result.summary, **result.data}
