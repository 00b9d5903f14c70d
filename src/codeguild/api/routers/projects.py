"""Projects: start a generation, list, inspect, follow progress, cancel and share."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from codeguild.api.deps import Developer, State, Viewer
from codeguild.api.errors import InvalidRequestError, PermissionDeniedError, error_responses
from codeguild.api.links import project_links
from codeguild.api.schemas import (
    GenerateRequest,
    ProgressOut,
    ProjectCreated,
    ProjectOut,
    ShareOut,
    ShareRequest,
)
from codeguild.api.views import (
    cancel_project,
    json_response,
    progress_out,
    project_out,
    start_generation,
)

router = APIRouter(prefix="/api/projects", tags=["projects"])


@router.post(
    "/generate",
    status_code=202,
    response_model=ProjectCreated,
    summary="Start generating a project from a requirement (runs in the background)",
    responses=error_responses(401, 403, 413, 422, 429),
)
async def generate(body: GenerateRequest, principal: Developer, state: State) -> ProjectCreated:
    project_type = body.project_type.value if body.project_type else None
    record = await start_generation(state, principal, body.requirement, project_type)
    return ProjectCreated(id=record.id, status=record.status, links=project_links(record.id))


@router.get(
    "",
    response_model=list[ProjectOut],
    summary="Your projects and those shared with you, newest first",
    responses=error_responses(401, 422),
)
async def list_projects(
    principal: Viewer, state: State, limit: int = Query(100, ge=1, le=500)
) -> list[ProjectOut]:
    records = await state.projects.list_visible(principal.user_id, limit=limit)
    return [project_out(r, principal) for r in records]


@router.get(
    "/{project_id}",
    response_model=ProjectOut,
    summary="One project",
    responses=error_responses(401, 404),
)
async def get_project(project_id: str, principal: Viewer, state: State) -> ProjectOut:
    record = await state.projects.visible(project_id, principal.user_id)
    return project_out(record, principal)


@router.get(
    "/{project_id}/progress",
    response_model=ProgressOut,
    summary="State of the run: per-task states and a percentage",
    responses=error_responses(401, 404),
)
async def get_progress(project_id: str, principal: Viewer, state: State) -> Response:
    record = await state.projects.visible(project_id, principal.user_id)
    return json_response(state, record, "progress", lambda: progress_out(state, record))


@router.post(
    "/{project_id}/cancel",
    response_model=ProjectOut,
    summary="Cancel a running generation (its owner only)",
    responses=error_responses(401, 403, 404, 409),
)
async def cancel(project_id: str, principal: Developer, state: State) -> ProjectOut:
    return project_out(await cancel_project(state, principal, project_id), principal)


@router.post(
    "/{project_id}/share",
    response_model=ShareOut,
    summary="Let another user read this project (its owner only)",
    responses=error_responses(401, 403, 404, 422),
)
async def share(project_id: str, body: ShareRequest, principal: Viewer, state: State) -> ShareOut:
    record = await state.projects.visible(project_id, principal.user_id)
    if record.owner_id != principal.user_id:
        raise PermissionDeniedError(
            "Only the owner of a project can share it.", hint=f"Ask {record.owner} to share it."
        )
    user = await state.users.require_by_name(body.username)
    if user.id == principal.user_id:
        raise InvalidRequestError(
            "You cannot share a project with yourself.", hint="Name another user."
        )
    await state.projects.share(project_id, user.id)
    return ShareOut(project_id=project_id, shared_with=await state.projects.shared_with(project_id))
