"""Project operations shared by the projects and tasks routers (one behaviour, two URLs)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import Response
from pydantic import BaseModel

from codeguild.api.deps import AppState, Principal
from codeguild.api.errors import ConflictError, InvalidRequestError, PermissionDeniedError
from codeguild.api.links import project_links
from codeguild.api.progress import ProjectProgress
from codeguild.api.ratelimit import check_rate
from codeguild.api.schemas import ProgressOut, ProjectOut, TaskStateOut, TaskStatusOut
from codeguild.store.db.projects import ProjectRecord


def project_out(record: ProjectRecord, principal: Principal) -> ProjectOut:
    return ProjectOut(
        id=record.id,
        owner=record.owner,
        requirement=record.requirement,
        status=record.status,
        project_type=record.project_type,
        project_name=record.project_name,
        result=(record.report or {}).get("status"),
        error=record.error,
        shared=record.owner_id != principal.user_id,
        created_at=record.created_at,
        finished_at=record.finished_at,
        links=project_links(record.id),
    )


def progress_of(state: AppState, record: ProjectRecord) -> ProjectProgress:
    live = state.jobs.progress(record.id)
    if live is not None:
        return live
    if record.report:
        return ProjectProgress.from_report(record.report)
    return ProjectProgress()


def progress_out(state: AppState, record: ProjectRecord) -> ProgressOut:
    progress = progress_of(state, record)
    return ProgressOut(
        project_id=record.id,
        status=record.status,
        stage=progress.stage,
        percent=progress.percent(finished=record.finished),
        tasks=[TaskStateOut(**row) for row in progress.task_rows()],
    )


def task_status_out(state: AppState, record: ProjectRecord) -> TaskStatusOut:
    progress = progress_of(state, record)
    return TaskStatusOut(
        task_id=record.id,
        state=record.status,
        percent=progress.percent(finished=record.finished),
        project_id=record.id,
        links=project_links(record.id),
    )


def json_response(
    state: AppState, record: ProjectRecord, what: str, build: Callable[[], BaseModel]
) -> Response:
    """``build()`` encoded as JSON; for a finished project encoded once and then reused.

    The status endpoints are the API's hottest path (pollers): for a finished run they skip
    rebuilding the progress from the report, validating it and encoding it again.
    """
    body = state.final_responses.get((what, record.id)) if record.finished else None
    if body is None:
        body = build().model_dump_json().encode()
        if record.finished:
            state.final_responses.put((what, record.id), body)
    return Response(body, media_type="application/json")


async def start_generation(
    state: AppState, principal: Principal, requirement: str, project_type: str | None
) -> ProjectRecord:
    limit = state.settings.max_requirement_chars
    text = requirement.strip()
    if not text:
        raise InvalidRequestError(
            "The requirement is empty.", hint="Describe the software you want in a sentence."
        )
    if len(text) > limit:
        raise InvalidRequestError(
            f"The requirement has {len(text)} characters; the limit is {limit}.",
            hint="Shorten it to the essentials (or raise CODEGUILD_MAX_REQUIREMENT_CHARS).",
        )
    # capacity before the rate bucket: a refusal for a full server must not use up a token
    state.jobs.check_capacity()
    await check_rate(state.generate_limit, principal.user_id, "generate")
    return await state.jobs.start(principal.user_id, text, project_type)


async def cancel_project(state: AppState, principal: Principal, project_id: str) -> ProjectRecord:
    record = await state.projects.visible(project_id, principal.user_id)
    if record.owner_id != principal.user_id:
        raise PermissionDeniedError(
            "Only the owner of a project can cancel it; it was shared with you to read.",
            hint=f"Ask {record.owner} to cancel it.",
        )
    if record.finished:
        raise ConflictError(
            f"Project {project_id} already finished ({record.status}); there is nothing to cancel.",
            hint="Start a new generation instead.",
        )
    if not await state.jobs.cancel(project_id):
        raise ConflictError(
            f"Project {project_id} is not running in this server process.",
            hint="Send the request to the server that started it.",
        )
    return await state.projects.get(project_id)
