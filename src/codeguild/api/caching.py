"""Read-through caches over the users and projects repositories, for the hot read paths.

Every authenticated request needs its user, and every project request the project: without a
cache each costs a database round trip (on SQLite a serialised one). What is cached stays
correct in this process:

* users and API-key owners live ``USER_TTL_S``; a revocation or password change made through
  this process clears them at once, one made elsewhere (another replica) within the TTL;
* a project record is cached only when it can no longer change behind our back: finished
  (final), or created by this process (its updates all go through here);
* a granted read access is remembered (shares are never withdrawn).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from codeguild.store.db.projects import ProjectRecord, ProjectRepository
from codeguild.store.db.users import UserRecord, UserRepository

USER_TTL_S = 5.0
MAX_ENTRIES = 10_000

K = TypeVar("K")
V = TypeVar("V")


class _Bounded(Generic[K, V]):
    """A dict that forgets its oldest entries beyond ``limit``."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._data: OrderedDict[K, V] = OrderedDict()
        self._limit = limit

    def get(self, key: K) -> V | None:
        return self._data.get(key)

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self._limit:
            self._data.popitem(last=False)

    def pop(self, key: K) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()


class CachedUserRepository(UserRepository):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_id: _Bounded[str, tuple[float, UserRecord | None]] = _Bounded()
        self._by_key: _Bounded[str, tuple[float, UserRecord | None]] = _Bounded()

    async def get(self, user_id: str) -> UserRecord | None:
        hit = self._by_id.get(user_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        user = await super().get(user_id)
        self._by_id.put(user_id, (time.monotonic() + USER_TTL_S, user))
        return user

    async def user_for_key(self, key_hash: str) -> UserRecord | None:
        hit = self._by_key.get(key_hash)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        user = await super().user_for_key(key_hash)
        self._by_key.put(key_hash, (time.monotonic() + USER_TTL_S, user))
        return user

    async def revoke_api_key(self, key_id: str) -> None:
        await super().revoke_api_key(key_id)
        self._by_key.clear()

    async def set_password(self, username: str, password_hash: str) -> None:
        await super().set_password(username, password_hash)
        self._by_id.clear()


class CachedProjectRepository(ProjectRepository):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._records: _Bounded[str, ProjectRecord] = _Bounded()
        self._local: set[str] = set()
        self._granted: _Bounded[tuple[str, str], bool] = _Bounded()

    async def create(
        self, project_id: str, owner_id: str, requirement: str, **kw: Any
    ) -> ProjectRecord:
        record = await super().create(project_id, owner_id, requirement, **kw)
        self._local.add(project_id)
        self._records.put(project_id, record)
        return record

    async def get(self, project_id: str) -> ProjectRecord:
        cached = self._records.get(project_id)
        if cached is not None:
            return cached
        record = await super().get(project_id)
        if record.finished or project_id in self._local:
            self._records.put(project_id, record)
        return record

    async def visible(self, project_id: str, user_id: str) -> ProjectRecord:
        record = await self.get(project_id)
        if record.owner_id == user_id or self._granted.get((project_id, user_id)):
            return record
        await super().visible(project_id, user_id)  # raises ProjectNotFoundError if not shared
        self._granted.put((project_id, user_id), True)
        return record

    async def update(self, project_id: str, status: str | None = None, **values: Any) -> None:
        self._records.pop(project_id)
        await super().update(project_id, status, **values)
        if status is not None and status in ("succeeded", "failed", "cancelled"):
            self._local.discard(project_id)  # final now: cached as finished from here on
