"""The pollers' fast lane answers exactly what the app would, and hands everything else on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import jwt
import pytest
from api_support import LIBRARY_REQUIREMENT, Api, api, assert_error
from starlette.types import Receive, Scope, Send

from codeguild.api.fastlane import StatusFastLane, _route

pytestmark = pytest.mark.integration
__all__ = ["api"]


@dataclass
class Lane:
    """The fast lane over a stand-in app that records what reached it."""

    client: httpx.AsyncClient
    passed: list[str]
    #: the app's routes themselves, without the lane
    routes: httpx.AsyncClient


@pytest.fixture
async def lane(api: Api) -> AsyncIterator[Lane]:
    passed: list[str] = []

    async def rest_of_app(scope: Scope, receive: Receive, send: Send) -> None:
        passed.append(f"{scope['method']} {scope['path']}")
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    fast = StatusFastLane(rest_of_app)

    async def with_app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = api.app  # what Starlette sets before its middleware runs
        await fast(scope, receive, send)

    async def routes_only(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = api.app
        async with AsyncExitStack() as stack:
            scope["fastapi_middleware_astack"] = stack  # what FastAPI's own middleware sets
            await api.app.router(scope, receive, send)

    transport = httpx.ASGITransport(app=with_app)
    direct = httpx.ASGITransport(app=routes_only)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://api") as client,
        httpx.AsyncClient(transport=direct, base_url="http://api") as routes,
    ):
        yield Lane(client, passed, routes)


async def _finished_project(api: Api) -> str:
    started = await api.client.post(
        "/api/projects/generate", json={"requirement": LIBRARY_REQUIREMENT}, headers=api.auth("dev")
    )
    pid: str = started.json()["id"]
    deadline = time.monotonic() + 120
    while (await api.client.get(f"/api/projects/{pid}", headers=api.auth("dev"))).json()[
        "status"
    ] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)
    return pid


def test_only_the_two_polled_paths_match() -> None:
    assert _route("/api/tasks/abc/status") == ("task_status", "abc")
    assert _route("/api/projects/abc/progress") == ("progress", "abc")
    for path in (
        "/api/tasks//status",
        "/api/tasks/a/b/status",
        "/api/projects/abc",
        "/api/projects/abc/events",
        "/api/tasks/abc/cancel",
        "/health",
    ):
        assert _route(path) is None, path


async def test_answers_match_the_app_for_owner_viewer_and_api_key(api: Api, lane: Lane) -> None:
    pid = await _finished_project(api)
    share = await api.client.post(
        f"/api/projects/{pid}/share", json={"username": "viewer"}, headers=api.auth("dev")
    )
    assert share.status_code == 200
    key = (
        await api.client.post(
            "/api/api-keys", json={"username": "dev", "name": "poller"}, headers=api.auth("admin")
        )
    ).json()["key"]
    for path in (f"/api/tasks/{pid}/status", f"/api/projects/{pid}/progress"):
        for headers in (api.auth("dev"), api.auth("viewer"), {"X-API-Key": key}):
            fast = await lane.client.get(path, headers=headers)
            assert fast.status_code == 200, fast.text
            assert fast.headers["content-type"] == "application/json"
            full = await lane.routes.get(path, headers=headers)
            assert full.status_code == 200, full.text
            assert fast.content == full.content
    assert lane.passed == []  # every one answered by the lane


async def test_anything_unusual_goes_on_to_the_app(api: Api, lane: Lane) -> None:
    pid = await _finished_project(api)
    claims = jwt.decode(api.tokens["dev"], options={"verify_signature": False})
    expired = jwt.encode(
        {**claims, "exp": int(time.time()) - 5}, api.settings.jwt_secret, algorithm="HS256"
    )
    status = f"/api/tasks/{pid}/status"
    cases = [
        ("GET", status, {}),  # no credentials
        ("GET", status, {"Authorization": "Basic abc"}),
        ("GET", status, {"Authorization": "Bearer not-a-jwt"}),
        ("GET", status, {"Authorization": f"Bearer {expired}"}),
        ("GET", status, {"X-API-Key": "cg_unknown"}),
        ("GET", status, api.auth("dev2")),  # not shared with dev2
        ("GET", "/api/tasks/nope/status", api.auth("dev")),
        ("POST", status, api.auth("dev")),
        ("HEAD", status, api.auth("dev")),
        ("GET", f"/api/projects/{pid}", api.auth("dev")),
    ]
    for method, path, headers in cases:
        response = await lane.client.request(method, path, headers=headers)
        assert response.status_code == 599, (method, path, headers)
    assert len(lane.passed) == len(cases)


async def test_the_app_still_answers_errors_with_its_body(api: Api) -> None:
    pid = await _finished_project(api)
    assert_error(await api.client.get(f"/api/tasks/{pid}/status"), 401, "unauthenticated")
    assert_error(
        await api.client.get(f"/api/tasks/{pid}/status", headers=api.auth("dev2")),
        404,
        "project_not_found",
    )
    bad = {"Authorization": "Bearer not-a-jwt"}
    assert_error(await api.client.get(f"/api/projects/{pid}/progress", headers=bad), 401)
