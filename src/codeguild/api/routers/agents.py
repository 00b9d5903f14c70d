"""Agents: remote workers register here; the status merges them with the in-process team."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Response

from codeguild.api.deps import Admin, AppState, State, Viewer
from codeguild.api.errors import ConflictError, NotFoundError, error_responses
from codeguild.api.schemas import AgentOut, AgentRegistration, AgentsStatus
from codeguild.metrics import set_agent_capacity
from codeguild.store.db import AgentRecord

router = APIRouter(prefix="/api/agents", tags=["agents"])

#: registrations are kept (their history feeds agent scores); a deleted agent is marked so
DEREGISTERED = "deregistered"
#: dashboards poll the status; registrations change rarely (and this process clears it itself)
REGISTRY_TTL_S = 1.0

_registry: dict[str, tuple[float, list[AgentRecord]]] = {}
_refreshing: dict[str, asyncio.Lock] = {}


async def _remote_agents(state: AppState) -> list[AgentRecord]:
    key = state.store.db.url
    hit = _registry.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    # one reader refreshes; the others wait for its answer instead of all querying at once
    async with _refreshing.setdefault(key, asyncio.Lock()):
        hit = _registry.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        rows = [
            a
            for a in await state.store.agents.list()
            if a.kind == "remote" and a.state != DEREGISTERED
        ]
        _registry[key] = (time.monotonic() + REGISTRY_TTL_S, rows)
        return rows


@router.post(
    "/register",
    status_code=201,
    response_model=AgentOut,
    summary="Register a remote agent (admin)",
    responses=error_responses(401, 403, 409, 422),
)
async def register_agent(body: AgentRegistration, _admin: Admin, state: State) -> AgentOut:
    existing = await state.store.agents.get(body.name)
    if existing is not None and existing.state != DEREGISTERED:
        raise ConflictError(
            f"An agent named {body.name!r} is already registered.",
            hint=f"DELETE /api/agents/{body.name} first, or register under another name.",
        )
    record = await state.store.agents.upsert(
        body.name, body.capabilities, capacity=body.capacity, kind="remote", state="idle"
    )
    set_agent_capacity(record.name, record.capacity)
    _registry.pop(state.store.db.url, None)
    return AgentOut(
        name=record.name,
        kind="remote",
        capabilities=list(record.capabilities),
        capacity=record.capacity,
        state=record.state,
        last_heartbeat=record.last_heartbeat,
    )


@router.get(
    "/status",
    response_model=AgentsStatus,
    summary="Every agent: registered remote workers and the in-process team",
    responses=error_responses(401),
)
async def agents_status(_viewer: Viewer, state: State) -> AgentsStatus:
    rows = [
        AgentOut(
            name=a.name,
            kind="remote" if a.kind == "remote" else "local",
            capabilities=list(a.capabilities),
            capacity=a.capacity,
            state=a.state,
            last_heartbeat=a.last_heartbeat,
        )
        for a in await _remote_agents(state)
    ]
    for activity in sorted(state.jobs.board.agents.values(), key=lambda a: a.name):
        rows.append(
            AgentOut(
                name=activity.name,
                kind="local",
                capabilities=sorted(activity.capabilities),
                capacity=max(1, activity.busy),
                state=activity.state,
                busy=activity.busy,
                completed=activity.completed,
                failed=activity.failed,
            )
        )
    return AgentsStatus(
        agents=rows, active_runs=state.jobs.active, queue_depth=state.jobs.queue_depth()
    )


@router.delete(
    "/{agent_id}",
    status_code=204,
    summary="Deregister a remote agent (admin)",
    responses=error_responses(401, 403, 404),
)
async def deregister_agent(agent_id: str, _admin: Admin, state: State) -> Response:
    existing = await state.store.agents.get(agent_id)
    if existing is None or existing.kind != "remote" or existing.state == DEREGISTERED:
        raise NotFoundError(
            f"No registered remote agent named {agent_id!r}.",
            hint="See the registered agents with GET /api/agents/status.",
        )
    await state.store.agents.heartbeat(agent_id, state=DEREGISTERED)
    _registry.pop(state.store.db.url, None)
    return Response(status_code=204)
