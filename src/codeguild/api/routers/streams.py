"""Live events of a project as Server-Sent Events: past events are replayed, then followed.

EventSource cannot send headers, so the page first asks for a stream ticket (a one-minute JWT
bound to the project) and opens ``/events?ticket=...``; other clients send their usual
Authorization or X-API-Key header. Resume after a drop with the standard Last-Event-ID header.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from codeguild.api.broadcast import ProjectChannel
from codeguild.api.deps import (
    AppState,
    Principal,
    State,
    Viewer,
    api_key_scheme,
    bearer_scheme,
    current_principal,
)
from codeguild.api.errors import PermissionDeniedError, error_responses
from codeguild.api.schemas import StreamTicket
from codeguild.api.tokens import STREAM, STREAM_TICKET_S
from codeguild.store.db.projects import ProjectRecord

router = APIRouter(prefix="/api/projects", tags=["events"])

_SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "text/event-stream: `plan`, `status`, `event` messages, then one `end`",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


@router.post(
    "/{project_id}/events/ticket",
    response_model=StreamTicket,
    summary="A short-lived ticket to open the event stream from a browser",
    responses=error_responses(401, 404),
)
async def stream_ticket(project_id: str, principal: Viewer, state: State) -> StreamTicket:
    await state.projects.visible(project_id, principal.user_id)
    ticket, ttl = state.tokens.issue(
        principal.user_id,
        principal.username,
        principal.role,
        kind=STREAM,
        project_id=project_id,
        ttl_s=STREAM_TICKET_S,
    )
    return StreamTicket(
        ticket=ticket, expires_in=ttl, url=f"/api/projects/{project_id}/events?ticket={ticket}"
    )


async def _stream_principal(
    state: AppState,
    project_id: str,
    ticket: str | None,
    bearer: HTTPAuthorizationCredentials | None,
    api_key: str | None,
) -> Principal:
    if ticket and bearer is None and not api_key:
        claims = state.tokens.decode(ticket, kind=STREAM)
        if claims.project_id != project_id:
            raise PermissionDeniedError(
                "This stream ticket was issued for another project.",
                hint=f"Get one from POST /api/projects/{project_id}/events/ticket.",
            )
        return Principal(claims.user_id, claims.username, claims.role, "ticket")
    return await current_principal(state, bearer, api_key)


async def _stored_channel(state: AppState, record: ProjectRecord) -> ProjectChannel:
    """A closed channel rebuilt from the database, for runs this process did not start."""
    channel = ProjectChannel()
    if record.report:
        channel.publish("plan", {"tasks": record.report.get("plan", {}).get("tasks", [])})
    for stored in await state.store.events.list(record.id):
        channel.publish("event", stored.event.as_dict())
    channel.publish("end", {"status": record.status, "error": record.error})
    channel.close()
    return channel


async def _sse(channel: ProjectChannel, after: int) -> AsyncIterator[str]:
    async for message in channel.listen(after):
        if message is None:
            yield ": keep-alive\n\n"
            continue
        yield message.frame


@router.get(
    "/{project_id}/events",
    response_class=StreamingResponse,
    summary="Live events of the run (Server-Sent Events); ends when the run finishes",
    responses={**_SSE_DOC, **error_responses(401, 403, 404)},
)
async def project_events(
    project_id: str,
    state: State,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
    ticket: Annotated[str | None, Query(description="A stream ticket (for EventSource)")] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    principal = await _stream_principal(state, project_id, ticket, bearer, api_key)
    record = await state.projects.visible(project_id, principal.user_id)
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0
    channel = state.broadcaster.get(project_id) or await _stored_channel(state, record)
    return StreamingResponse(
        _sse(channel, after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
