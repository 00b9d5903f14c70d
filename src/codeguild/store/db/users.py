"""UserRepository: the API's users and their machine API keys (credentials stored hashed).

Hashing is the caller's job (``codeguild.api.passwords``): this module stores and finds hashes.
"""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.errors import StoreError
from codeguild.store.db.models import utcnow
from codeguild.store.db.models_auth import api_keys, users

ROLES = ("admin", "developer", "viewer")


class UserExistsError(StoreError):
    """A user with that name already exists."""

    code = "user_exists"
    exit_code = 2


class UserNotFoundError(StoreError):
    """No user with that name (or id) exists."""

    code = "user_not_found"
    exit_code = 2


class ApiKeyNotFoundError(StoreError):
    """No API key with that id exists (or it was revoked already)."""

    code = "api_key_not_found"


class InvalidRoleError(StoreError):
    """A role that is not one of admin, developer, viewer."""

    code = "invalid_role"
    exit_code = 2


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: str
    username: str
    role: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: str
    user_id: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRoleError(f"Unknown role {role!r}.", hint=f"Use one of: {', '.join(ROLES)}.")
    return role


def _user(row: RowMapping) -> UserRecord:
    return UserRecord(row["id"], row["username"], row["role"], row["created_at"])


def _key(row: RowMapping) -> ApiKeyRecord:
    return ApiKeyRecord(
        row["id"], row["user_id"], row["name"], row["prefix"], row["created_at"], row["revoked_at"]
    )


class UserRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, username: str, password_hash: str, role: str) -> UserRecord:
        check_role(role)
        record = UserRecord(uuid.uuid4().hex, username, role, utcnow())

        async def go(conn: AsyncConnection) -> None:
            await conn.execute(
                insert(users).values(
                    id=record.id,
                    username=username,
                    password_hash=password_hash,
                    role=role,
                    created_at=record.created_at,
                )
            )

        try:
            await self.db.run(go, what="users.create")
        except sa_exc.IntegrityError as exc:
            raise UserExistsError(
                f"A user named {username!r} already exists.",
                hint="Choose another name, or change that user's password instead.",
            ) from exc
        return record

    async def get(self, user_id: str) -> UserRecord | None:
        return await self._one(users.c.id == user_id)

    async def by_name(self, username: str) -> UserRecord | None:
        return await self._one(users.c.username == username)

    async def require_by_name(self, username: str) -> UserRecord:
        found = await self.by_name(username)
        if found is None:
            raise UserNotFoundError(
                f"No user named {username!r} exists.", hint="Check the spelling of the username."
            )
        return found

    async def credentials(self, username: str) -> tuple[UserRecord, str] | None:
        """The user and their stored password hash (None when there is no such user)."""

        async def go(conn: AsyncConnection) -> tuple[UserRecord, str] | None:
            row = (
                (await conn.execute(select(users).where(users.c.username == username)))
                .mappings()
                .first()
            )
            return None if row is None else (_user(row), row["password_hash"])

        return await self.db.run(go, what="users.credentials")

    async def set_password(self, username: str, password_hash: str) -> None:
        async def go(conn: AsyncConnection) -> int:
            done = await conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(password_hash=password_hash)
            )
            return done.rowcount

        if await self.db.run(go, what="users.set_password") == 0:
            await self.require_by_name(username)

    async def list(self) -> builtins.list[UserRecord]:
        async def go(conn: AsyncConnection) -> builtins.list[UserRecord]:
            rows = await conn.execute(select(users).order_by(users.c.username))
            return [_user(r) for r in rows.mappings()]

        return await self.db.run(go, what="users.list")

    async def count(self) -> int:
        return len(await self.list())

    # -- API keys ------------------------------------------------------------------------------

    async def add_api_key(
        self, user_id: str, name: str, key_hash: str, prefix: str
    ) -> ApiKeyRecord:
        record = ApiKeyRecord(uuid.uuid4().hex, user_id, name, prefix, utcnow(), None)

        async def go(conn: AsyncConnection) -> None:
            await conn.execute(
                insert(api_keys).values(
                    id=record.id,
                    user_id=user_id,
                    name=name,
                    key_hash=key_hash,
                    prefix=prefix,
                    created_at=record.created_at,
                )
            )

        await self.db.run(go, what="api_keys.add")
        return record

    async def user_for_key(self, key_hash: str) -> UserRecord | None:
        """The owner of an unrevoked key with that hash."""

        async def go(conn: AsyncConnection) -> UserRecord | None:
            query = (
                select(users)
                .join(api_keys, api_keys.c.user_id == users.c.id)
                .where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
            )
            row = (await conn.execute(query)).mappings().first()
            return None if row is None else _user(row)

        return await self.db.run(go, what="api_keys.lookup")

    async def list_api_keys(self) -> builtins.list[ApiKeyRecord]:
        async def go(conn: AsyncConnection) -> builtins.list[ApiKeyRecord]:
            rows = await conn.execute(select(api_keys).order_by(api_keys.c.created_at))
            return [_key(r) for r in rows.mappings()]

        return await self.db.run(go, what="api_keys.list")

    async def revoke_api_key(self, key_id: str) -> None:
        async def go(conn: AsyncConnection) -> int:
            done = await conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            return done.rowcount

        if await self.db.run(go, what="api_keys.revoke") == 0:
            raise ApiKeyNotFoundError(
                f"No active API key with id {key_id!r}.",
                hint="List the keys with GET /api/admin/api-keys; revoked keys stay revoked.",
            )

    async def _one(self, where: object) -> UserRecord | None:
        async def go(conn: AsyncConnection) -> UserRecord | None:
            row = (await conn.execute(select(users).where(where))).mappings().first()  # type: ignore[arg-type]
            return None if row is None else _user(row)

        return await self.db.run(go, what="users.get")
