"""Isolation between users, sharing, limits (413, 422, 429), agents, health and OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from api_support import LIBRARY_REQUIREMENT, Api, api, assert_error, make_settings, start_api

pytestmark = pytest.mark.integration
__all__ = ["api"]


async def _generate(api: Api, who: str, requirement: str = LIBRARY_REQUIREMENT) -> str:
    response = await api.client.post(
        "/api/projects/generate", json={"requirement": requirement}, headers=api.auth(who)
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def _wait(api: Api, pid: str, who: str) -> None:
    # the SSE stream ends when the run ends: the cheapest way to wait
    await api.client.get(f"/api/projects/{pid}/events", headers=api.auth(who))


async def test_users_see_only_their_own_projects_unless_shared(api: Api) -> None:
    pid = await _generate(api, "dev")
    await _wait(api, pid, "dev")
    for path in ("", "/progress", "/events", "/artifacts", "/artifacts.zip"):
        assert_error(
            await api.client.get(f"/api/projects/{pid}{path}", headers=api.auth("dev2")),
            404,
            "project_not_found",
        )
    assert (await api.client.get("/api/projects", headers=api.auth("dev2"))).json() == []
    assert (await api.client.get("/api/projects", headers=api.auth("admin"))).json() == []
    assert_error(
        await api.client.post(
            f"/api/projects/{pid}/share", json={"username": "dev2"}, headers=api.auth("dev2")
        ),
        404,
    )

    shared = await api.client.post(
        f"/api/projects/{pid}/share", json={"username": "viewer"}, headers=api.auth("dev")
    )
    assert shared.json()["shared_with"] == ["viewer"]
    seen = (await api.client.get("/api/projects", headers=api.auth("viewer"))).json()
    assert [(p["id"], p["shared"], p["owner"]) for p in seen] == [(pid, True, "dev")]
    zipped = await api.client.get(f"/api/projects/{pid}/artifacts.zip", headers=api.auth("viewer"))
    assert zipped.status_code == 200
    # shared means readable, not controllable
    assert_error(
        await api.client.post(
            f"/api/projects/{pid}/share", json={"username": "dev2"}, headers=api.auth("viewer")
        ),
        403,
    )
    assert_error(
        await api.client.post(f"/api/projects/{pid}/cancel", headers=api.auth("viewer")), 403
    )
    assert (await api.client.get("/api/projects", headers=api.auth("dev2"))).json() == []
    assert_error(
        await api.client.post(
            f"/api/projects/{pid}/share", json={"username": "ghost"}, headers=api.auth("dev")
        ),
        404,
        "user_not_found",
    )


async def test_stream_ticket_opens_only_its_own_project(api: Api) -> None:
    pid = await _generate(api, "dev")
    ticket = (
        await api.client.post(f"/api/projects/{pid}/events/ticket", headers=api.auth("dev"))
    ).json()
    stream = await api.client.get(ticket["url"])
    assert stream.status_code == 200 and "event: end" in stream.text
    other = await api.client.get(f"/api/projects/nope/events?ticket={ticket['ticket']}")
    assert_error(other, 403, "forbidden")
    # an access token is not a ticket, and a ticket is not an access token
    assert_error(
        await api.client.get(f"/api/projects/{pid}/events?ticket={api.tokens['dev']}"), 401
    )
    assert_error(
        await api.client.get(
            "/api/projects", headers={"Authorization": f"Bearer {ticket['ticket']}"}
        ),
        401,
    )


@pytest.fixture
async def tight_api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = make_settings(
        tmp_path,
        max_request_bytes=2048,
        max_requirement_chars=300,
        generate_burst=1,
        generate_per_minute=1,
        max_concurrent_generations=1,
    )
    async for running in start_api(settings):
        yield running


async def test_limits_answer_413_422_and_429_with_retry_after(tight_api: Api) -> None:
    api = tight_api
    huge = await api.client.post(
        "/api/projects/generate", json={"requirement": "x" * 5000}, headers=api.auth("dev")
    )
    assert_error(huge, 413, "request_too_large")

    async def chunks():  # no Content-Length: the body is counted as it streams in
        for _ in range(10):
            yield b'{"requirement": "' + b"y" * 400

    streamed = await api.client.post(
        "/api/projects/generate",
        content=chunks(),
        headers={**api.auth("dev"), "Content-Type": "application/json"},
    )
    assert_error(streamed, 413, "request_too_large")

    long = await api.client.post(
        "/api/projects/generate", json={"requirement": "word " * 100}, headers=api.auth("dev")
    )
    body = assert_error(long, 422, "invalid_request")
    assert "300" in body["detail"]

    pid = await _generate(api, "dev")
    full = await api.client.post(
        "/api/projects/generate",
        json={"requirement": LIBRARY_REQUIREMENT},
        headers=api.auth("dev2"),
    )
    assert_error(full, 429, "rate_limited")
    assert int(full.headers["retry-after"]) >= 1
    await _wait(api, pid, "dev")

    limited = await api.client.post(
        "/api/projects/generate", json={"requirement": LIBRARY_REQUIREMENT}, headers=api.auth("dev")
    )
    assert_error(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    # the bucket is per user: another developer is not held back by dev's
    other = await _generate(api, "dev2")
    await _wait(api, other, "dev2")


async def test_unknown_ids_and_bad_bodies(api: Api) -> None:
    for path in ("/api/projects/missing/progress", "/api/tasks/missing/status"):
        assert_error(await api.client.get(path, headers=api.auth("dev")), 404)
    assert_error(await api.client.get("/api/nowhere", headers=api.auth("dev")), 404, "not_found")
    bad = await api.client.post(
        "/api/projects/generate", json={"requirement": 5}, headers=api.auth("dev")
    )
    assert_error(bad, 422, "invalid_request")
    blank = await api.client.post(
        "/api/projects/generate", json={"requirement": "   "}, headers=api.auth("dev")
    )
    assert_error(blank, 422, "invalid_request")
    wrong_type = await api.client.post(
        "/api/projects/generate",
        json={"requirement": "a tool", "project_type": "spaceship"},
        headers=api.auth("dev"),
    )
    assert_error(wrong_type, 422)


async def test_agents_register_conflict_status_and_delete(api: Api) -> None:
    body = {"name": "worker-1", "capabilities": ["code", "review"], "capacity": 2}
    created = await api.client.post("/api/agents/register", json=body, headers=api.auth("admin"))
    assert created.status_code == 201 and created.json()["kind"] == "remote"
    again = await api.client.post("/api/agents/register", json=body, headers=api.auth("admin"))
    assert_error(again, 409, "conflict")
    status = (await api.client.get("/api/agents/status", headers=api.auth("viewer"))).json()
    assert [a["name"] for a in status["agents"] if a["kind"] == "remote"] == ["worker-1"]
    assert_error(await api.client.delete("/api/agents/worker-1", headers=api.auth("dev")), 403)
    gone = await api.client.delete("/api/agents/worker-1", headers=api.auth("admin"))
    assert gone.status_code == 204
    assert_error(await api.client.delete("/api/agents/worker-1", headers=api.auth("admin")), 404)
    status = (await api.client.get("/api/agents/status", headers=api.auth("viewer"))).json()
    assert not [a for a in status["agents"] if a["kind"] == "remote"]
    # a deregistered name can be registered again
    back = await api.client.post("/api/agents/register", json=body, headers=api.auth("admin"))
    assert back.status_code == 201


async def test_health_ready_metrics_openapi_and_page(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    assert (await api.client.get("/ready")).json() == {"status": "ready", "database": "sqlite"}
    metrics = await api.client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    for name in (
        "codeguild_tasks_total",
        "codeguild_task_duration_seconds",
        "codeguild_active_runs",
        "codeguild_task_queue_depth",
        "codeguild_errors_total",
        "codeguild_llm_tokens_total",
    ):
        assert f"# TYPE {name} " in metrics.text
    schema = (await api.client.get("/openapi.json")).json()
    for path in (
        "/api/auth/token",
        "/api/agents/register",
        "/api/agents/status",
        "/api/agents/{agent_id}",
        "/api/tasks/submit",
        "/api/tasks/{task_id}/status",
        "/api/tasks/{task_id}/cancel",
        "/api/projects/generate",
        "/api/projects",
        "/api/projects/{project_id}/progress",
        "/api/projects/{project_id}/events",
        "/api/projects/{project_id}/artifacts",
        "/api/projects/{project_id}/artifacts.zip",
        "/api/projects/{project_id}/cancel",
        "/api/projects/{project_id}/share",
        "/health",
        "/ready",
        "/metrics",
    ):
        assert path in schema["paths"], path
    generate = schema["paths"]["/api/projects/generate"]["post"]
    assert {"202", "401", "403", "413", "422", "429"} <= set(generate["responses"])
    assert schema["components"]["schemas"]["GenerateRequest"]["examples"]
    page = await api.client.get("/")
    assert page.status_code == 200 and '<svg id="graph"' in page.text
    assert (await api.client.get("/static/app.js")).status_code == 200
