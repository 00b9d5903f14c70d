"""The hot-path caches keep auth semantics: expiry is checked on every use, a revoked key stops
working within USER_TTL_S, concurrent misses share one lookup, finished answers are reused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from api_support import LIBRARY_REQUIREMENT, Api, assert_error, make_settings, start_api

from codeguild.api import caching
from codeguild.api.caching import CachedProjectRepository, _Expiring
from codeguild.api.errors import AuthenticationError
from codeguild.api.tokens import TokenCodec
from codeguild.store.db.projects import ProjectRepository
from codeguild.store.db.users import UserRepository

pytestmark = pytest.mark.integration


def test_a_verified_token_is_still_refused_once_expired() -> None:
    codec = TokenCodec("k" * 40, access_ttl_s=3600)
    token, _ = codec.issue("u1", "alice", "developer", ttl_s=1)
    assert codec.decode(token).user_id == "u1"
    assert codec.decode(token).user_id == "u1"  # the remembered verification
    time.sleep(1.1)
    with pytest.raises(AuthenticationError, match="expired"):
        codec.decode(token)


def test_a_remembered_token_is_refused_for_another_kind() -> None:
    codec = TokenCodec("k" * 40, access_ttl_s=3600)
    ticket, _ = codec.issue("u1", "alice", "viewer", kind="stream", project_id="p1")
    assert codec.decode(ticket, kind="stream").project_id == "p1"
    with pytest.raises(AuthenticationError, match="stream token cannot be used here"):
        codec.decode(ticket)


async def test_concurrent_misses_share_one_lookup_and_a_clear_discards_it() -> None:
    cache: _Expiring[str, int] = _Expiring(ttl_s=60)
    calls = 0
    release = asyncio.Event()

    async def load() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return calls

    waiting = [asyncio.create_task(cache.get("k", load)) for _ in range(50)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == [1] * 50
    assert calls == 1
    assert await cache.get("k", load) == 1  # cached now

    release.clear()
    cache.clear()
    pending = asyncio.create_task(cache.get("k", load))
    await asyncio.sleep(0)
    cache.clear()  # e.g. a revocation while the lookup runs
    release.set()
    assert await pending == 2
    assert await cache.get("k", load) == 3  # what it read was not kept


async def test_a_failed_lookup_reaches_every_waiter_and_is_not_kept() -> None:
    cache: _Expiring[str, int] = _Expiring(ttl_s=60)
    attempts = 0

    async def failing() -> int:
        nonlocal attempts
        attempts += 1
        await asyncio.sleep(0.01)
        raise RuntimeError("database down")

    results = await asyncio.gather(
        *(cache.get("k", failing) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    assert attempts == 1

    async def ok() -> int:
        return 7

    assert await cache.get("k", ok) == 7


@pytest.fixture
async def quick_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Api]:
    monkeypatch.setattr(caching, "USER_TTL_S", 0.5)
    async for running in start_api(make_settings(tmp_path)):
        yield running


async def test_a_key_revoked_by_another_process_stops_within_the_ttl(quick_api: Api) -> None:
    api = quick_api
    created = await api.client.post(
        "/api/api-keys", json={"username": "dev", "name": "ci"}, headers=api.auth("admin")
    )
    key = created.json()["key"]
    assert (await api.client.get("/api/auth/me", headers={"X-API-Key": key})).status_code == 200
    # another replica revokes it: this process learns of it when its cached entry expires
    await UserRepository(api.store.db).revoke_api_key(created.json()["id"])
    await asyncio.sleep(0.6)
    assert_error(await api.client.get("/api/auth/me", headers={"X-API-Key": key}), 401)


async def test_status_and_progress_of_a_finished_project_are_stable(quick_api: Api) -> None:
    api = quick_api
    started = await api.client.post(
        "/api/projects/generate", json={"requirement": LIBRARY_REQUIREMENT}, headers=api.auth("dev")
    )
    pid = started.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        status = await api.client.get(f"/api/tasks/{pid}/status", headers=api.auth("dev"))
        assert status.status_code == 200, status.text
        if status.json()["state"] in ("succeeded", "failed"):
            break
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)
    assert status.json()["percent"] == 100.0
    assert status.headers["content-type"] == "application/json"
    first = await api.client.get(f"/api/projects/{pid}/progress", headers=api.auth("dev"))
    again = await api.client.get(f"/api/projects/{pid}/progress", headers=api.auth("dev"))
    assert first.content == again.content
    assert first.json()["tasks"] and first.json()["percent"] == 100.0
    # the cached answer is still only for those who may read the project
    assert_error(
        await api.client.get(f"/api/projects/{pid}/progress", headers=api.auth("dev2")), 404
    )
    assert_error(await api.client.get(f"/api/tasks/{pid}/status", headers=api.auth("dev2")), 404)


async def test_a_read_that_overlaps_an_update_is_not_kept(
    quick_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = CachedProjectRepository(quick_api.store.db)
    owner = await UserRepository(quick_api.store.db).require_by_name("dev")
    await repo.create("p-overlap", owner.id, LIBRARY_REQUIREMENT)
    gate = asyncio.Event()
    write = ProjectRepository.update

    async def slow_write(self: ProjectRepository, *args: Any, **kwargs: Any) -> None:
        await gate.wait()
        await write(self, *args, **kwargs)

    monkeypatch.setattr(ProjectRepository, "update", slow_write)
    updating = asyncio.create_task(repo.update("p-overlap", "running"))
    await asyncio.sleep(0)
    assert (await repo.get("p-overlap")).status == "queued"  # the row before the write
    gate.set()
    await updating
    assert (await repo.get("p-overlap")).status == "running"
    assert (await repo.get("p-overlap")).status == "running"  # cached, and not the old row
