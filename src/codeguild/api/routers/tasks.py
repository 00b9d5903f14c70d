"""Tasks: the seed's generic work API. A task today is one project generation.

``POST /api/tasks/submit`` with ``{"type": "generate_project", "requirement": ...}`` is the
same as ``POST /api/projects/generate``; the task id is the project id, so either family of
URLs works on it. The ``type`` field leaves room for more task types later.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from codeguild.api.deps import Developer, State, Viewer
from codeguild.api.errors import error_responses
from codeguild.api.schemas import TaskStatusOut, TaskSubmit
from codeguild.api.views import cancel_project, json_response, start_generation, task_status_out

router = APIRouter(prefix="/api/tasks", tags=["tasks"])


@router.post(
    "/submit",
    status_code=202,
    response_model=TaskStatusOut,
    summary="Submit a task (today: generate a project from a requirement)",
    responses=error_responses(401, 403, 413, 422, 429),
)
async def submit(body: TaskSubmit, principal: Developer, state: State) -> TaskStatusOut:
    project_type = body.project_type.value if body.project_type else None
    record = await start_generation(state, principal, body.requirement, project_type)
    return task_status_out(state, record)


@router.get(
    "/{task_id}/status",
    response_model=TaskStatusOut,
    summary="State and percentage of a task",
    responses=error_responses(401, 404),
)
async def task_status(task_id: str, principal: Viewer, state: State) -> Response:
    record = await state.projects.visible(task_id, principal.user_id)
    return json_response(state, record, "task_status", lambda: task_status_out(state, record))


@router.post(
    "/{task_id}/cancel",
    response_model=TaskStatusOut,
    summary="Cancel a running task (its submitter only)",
    responses=error_responses(401, 403, 404, 409),
)
async def cancel_task(task_id: str, principal: Developer, state: State) -> TaskStatusOut:
    return task_status_out(state, await cancel_project(state, principal, task_id))
