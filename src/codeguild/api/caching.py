"""Read-through caches over the users and projects repositories, for the hot read paths.

Every authenticated request needs its user, and every project request the project: without a
cache each costs a database round trip (on SQLite a serialised one). What is cached stays
correct in this process:

* users and API-key owners live ``USER_TTL_S`` (5 s); a revocation or password change made
  through this process clears them at once, one made elsewhere (another replica, the CLI)
  takes effect within the TTL; concurrent misses of one entry share a single query;
* a project record is cached only when it can no longer change behind our back: finished
  (final), or created by this process (its updates all go through here);
* a granted read access is remembered (shares are never withdrawn);
* the encoded status and progress of a finished project are kept (``FinalResponses``).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
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


class _Expiring(Generic[K, V]):
    """Values kept ``ttl_s``; concurrent misses of one key share a single lookup.

    Without the sharing, every request that arrives while an entry is being refreshed runs its
    own query: 100 clients meant 100 queued database round trips at each expiry.
    """

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._values: _Bounded[K, tuple[float, V]] = _Bounded()
        self._pending: dict[K, asyncio.Task[V]] = {}
        self._generation = 0

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        hit = self._values.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        task = self._pending.get(key)
        if task is None:
            # a task of its own: a caller that gives up (cancelled) does not cancel the others'
            task = asyncio.ensure_future(self._load(key, load, self._generation))
            task.add_done_callback(_retrieve)
            self._pending[key] = task
        return await asyncio.shield(task)

    async def _load(self, key: K, load: Callable[[], Awaitable[V]], generation: int) -> V:
        try:
            value = await load()
        finally:
            if generation == self._generation:
                self._pending.pop(key, None)
        # a clear() while the lookup ran may have revoked what it read: answer, do not keep
        if generation == self._generation:
            self._values.put(key, (time.monotonic() + self.ttl_s, value))
        return value

    def clear(self) -> None:
        self._generation += 1
        self._values.clear()
        self._pending.clear()


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()  # seen: no "exception was never retrieved" when every caller left


class FinalResponses(_Bounded[tuple[str, str], bytes]):
    """Encoded JSON answers about finished projects, keyed ``(what, project_id)``.

    A finished project never changes again, so its status and progress are encoded once; the
    caller checks the reader's access before it uses an entry.
    """


class CachedUserRepository(UserRepository):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_id: _Expiring[str, UserRecord | None] = _Expiring(USER_TTL_S)
        self._by_key: _Expiring[str, UserRecord | None] = _Expiring(USER_TTL_S)

    async def get(self, user_id: str) -> UserRecord | None:
        return await self._by_id.get(user_id, lambda: UserRepository.get(self, user_id))

    async def user_for_key(self, key_hash: str) -> UserRecord | None:
        return await self._by_key.get(key_hash, lambda: UserRepository.user_for_key(self, key_hash))

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
        # bumped around every write: a read that overlapped one may hold the old row
        self._writes: dict[str, int] = {}

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
        writes = self._writes.get(project_id, 0)
        record = await super().get(project_id)
        if self._writes.get(project_id, 0) != writes:
            return record  # read while an update ran: answer it, do not keep it
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

    def forget(self, project_id: str) -> None:
        """Another replica owns the project's run now: read it from the database again."""
        self._local.discard(project_id)
        self._records.pop(project_id)

    async def update(self, project_id: str, status: str | None = None, **values: Any) -> None:
        self._writes[project_id] = self._writes.get(project_id, 0) + 1
        self._records.pop(project_id)
        try:
            await super().update(project_id, status, **values)
        finally:
            self._writes[project_id] += 1
            self._records.pop(project_id)
        if status is not None and status in ("succeeded", "failed", "cancelled"):
            self._local.discard(project_id)  # final now: cached as finished from here on
            self._writes.pop(project_id, None)
