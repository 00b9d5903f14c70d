"""Users, API keys, projects and shares: one contract on SQLite and PostgreSQL, and the
0003 migration matching the models."""

from __future__ import annotations

import uuid

import conftest_store
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData

from codeguild.store.db import Store
from codeguild.store.db.models_auth import api_keys, project_shares, projects, users
from codeguild.store.db.projects import ProjectNotFoundError, ProjectRepository
from codeguild.store.db.users import InvalidRoleError, UserExistsError, UserRepository

pytestmark = pytest.mark.integration

store_url = conftest_store.store_url
store = conftest_store.store


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_users_and_api_keys(store: Store) -> None:
    repo = UserRepository(store.db)
    name = _name("alice")
    alice = await repo.create(name, "hash-1", "developer")
    with pytest.raises(UserExistsError, match="already exists"):
        await repo.create(name, "hash-2", "viewer")
    with pytest.raises(InvalidRoleError, match="admin, developer, viewer"):
        await repo.create(_name("x"), "h", "root")
    found = await repo.credentials(name)
    assert found is not None and found[0] == alice and found[1] == "hash-1"
    await repo.set_password(name, "hash-3")
    assert (await repo.credentials(name))[1] == "hash-3"  # type: ignore[index]
    assert await repo.credentials(_name("nobody")) is None

    key_hash = uuid.uuid4().hex * 2
    key = await repo.add_api_key(alice.id, "ci", key_hash, "cg_abc")
    assert await repo.user_for_key(key_hash) == alice
    await repo.revoke_api_key(key.id)
    assert await repo.user_for_key(key_hash) is None
    revoked = [k for k in await repo.list_api_keys() if k.id == key.id]
    assert revoked[0].revoked_at is not None


async def test_projects_visibility_sharing_and_status(store: Store) -> None:
    users_repo, repo = UserRepository(store.db), ProjectRepository(store.db)
    owner = await users_repo.create(_name("owner"), "h", "developer")
    reader = await users_repo.create(_name("reader"), "h", "viewer")
    stranger = await users_repo.create(_name("stranger"), "h", "developer")
    pid = uuid.uuid4().hex[:12]
    created = await repo.create(pid, owner.id, "a library", project_type="library")
    assert created.status == "queued" and created.owner == owner.username

    assert (await repo.visible(pid, owner.id)).id == pid
    with pytest.raises(ProjectNotFoundError):
        await repo.visible(pid, reader.id)
    assert [p.id for p in await repo.list_visible(owner.id)] == [pid]
    assert await repo.list_visible(reader.id) == []

    await repo.share(pid, reader.id)
    await repo.share(pid, reader.id)  # idempotent
    assert (await repo.visible(pid, reader.id)).id == pid
    assert [p.id for p in await repo.list_visible(reader.id)] == [pid]
    assert await repo.shared_with(pid) == [reader.username]
    with pytest.raises(ProjectNotFoundError):
        await repo.visible(pid, stranger.id)

    await repo.update(pid, "succeeded", report={"status": "passed"}, output_dir="/x")
    done = await repo.get(pid)
    assert done.finished and done.finished_at is not None and done.report == {"status": "passed"}
    with pytest.raises(ProjectNotFoundError):
        await repo.update("missing", "failed")

    running = uuid.uuid4().hex[:12]
    await repo.create(running, owner.id, "another", status="running")
    assert await repo.mark_unfinished_interrupted() >= 1
    assert (await repo.get(running)).status == "failed"
    assert (await repo.get(pid)).status == "succeeded"


async def test_migration_0003_matches_the_models(store: Store) -> None:
    ours = MetaData()
    for table in (users, api_keys, projects, project_shares):
        table.to_metadata(ours)

    names = set(ours.tables)

    def ours_only(obj: object, name: str | None, type_: str, *_: object) -> bool:
        # the database also holds the tables of the other revisions: compare only these four
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in names

    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(
            connection,  # type: ignore[arg-type]
            opts={"compare_type": True, "include_object": ours_only},
        )
        return list(compare_metadata(context, ours))

    async with store.db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
