"""Run ownership upkeep of one serve process: renew its run leases, take over orphaned runs.

``LeaseRenewer`` keeps the leases of the runs this process is running alive and reports the
ones it lost (taken over after a stall, or released elsewhere). ``RecoveryLoop`` claims runs
whose owner's lease expired (a replica that died or hung) and hands each to ``adopt``, which
resumes it. Neither knows what a run is for: the API's GenerationJobs supplies both callbacks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from codeguild.errors import CodeguildError
from codeguild.store.db import LeaseLostError, RunClaim, RunFence, RunLeases, RunRecord

log = logging.getLogger(__name__)


def default_replica_id() -> str:
    """Unique per process and readable in logs: host, pid and a random suffix."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class _Periodic:
    """A background task calling ``tick`` every ``interval_s`` until stopped."""

    def __init__(self, interval_s: float, name: str) -> None:
        self.interval_s = interval_s
        self._name = name
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def tick(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the loop; the next tick retries
                log.exception("%s failed; retrying in %.1fs", self._name, self.interval_s)
            await asyncio.sleep(self.interval_s)


class LeaseRenewer(_Periodic):
    """Renews every held run lease each ``interval_s``; ``on_lost(run_id)`` when one is gone."""

    def __init__(
        self,
        leases: RunLeases,
        *,
        lease_s: float,
        interval_s: float,
        on_lost: Callable[[str], None],
    ) -> None:
        super().__init__(interval_s, "codeguild-lease-renewer")
        self.leases = leases
        self.lease_s = lease_s
        self._on_lost = on_lost
        self._held: dict[str, RunFence] = {}
        self._last_tick: float | None = None

    def hold(self, fence: RunFence) -> None:
        self._held[fence.run_id] = fence

    def drop(self, run_id: str) -> None:
        self._held.pop(run_id, None)

    @property
    def held(self) -> list[str]:
        return sorted(self._held)

    async def tick(self) -> None:
        now = time.monotonic()
        late = now - self._last_tick - self.interval_s if self._last_tick is not None else 0.0
        self._last_tick = now
        if late > self.lease_s / 3 and self._held:
            # something blocked the event loop: at a full lease, other replicas take over
            log.warning(
                "lease renewal ran %.1fs late (lease %.1fs): the event loop was blocked",
                late,
                self.lease_s,
            )
        for run_id, fence in list(self._held.items()):
            try:
                await self.leases.renew(fence, lease_s=self.lease_s)
            except LeaseLostError as exc:
                if self._held.pop(run_id, None) is not None:
                    log.warning("lost the lease of run=%s: %s", run_id, exc)
                    self._on_lost(run_id)
            except CodeguildError as exc:
                # the lease may run out meanwhile: then another replica takes over and this
                # process's writes are refused by the fencing token, so nothing is recorded twice
                log.warning("could not renew the lease of run=%s: %s", run_id, exc)


class RecoveryLoop(_Periodic):
    """Claims runs whose owner's lease expired, up to ``capacity()`` at a time, and adopts them."""

    def __init__(
        self,
        leases: RunLeases,
        owner: str,
        *,
        lease_s: float,
        interval_s: float,
        capacity: Callable[[], int],
        adopt: Callable[[RunClaim], Awaitable[None]],
    ) -> None:
        super().__init__(interval_s, "codeguild-run-recovery")
        self.leases = leases
        self.owner = owner
        self.lease_s = lease_s
        self._capacity = capacity
        self._adopt = adopt

    async def tick(self) -> None:
        await self.sweep()

    async def sweep(self) -> list[RunClaim]:
        """One pass: claim what this process has room for and adopt it."""
        room = self._capacity()
        if room <= 0:
            return []
        claims = await self.leases.claim_expired(self.owner, lease_s=self.lease_s, limit=room)
        for claim in claims:
            log.warning(
                "taking over run=%s (status %s, fencing token %d) from an expired lease",
                claim.run_id,
                claim.status,
                claim.fence.token,
            )
            try:
                await self._adopt(claim)
            except Exception:
                # released, so another pass (here or on another replica) tries again
                log.exception("could not take over run=%s; releasing it", claim.run_id)
                with contextlib.suppress(Exception):
                    await self.leases.release(claim.fence, handover=True)
        return claims


@asynccontextmanager
async def resume_lease(
    leases: RunLeases, run: RunRecord, *, lease_s: float
) -> AsyncIterator[RunFence | None]:
    """The lease for resuming ``run`` outside a serve process (``codeguild resume``).

    A run no replica ever owned needs none (None). A replica's run is taken only once that
    replica's lease expired (RunLeaseHeldError while it is live), then renewed until the resume
    ends, so no replica's recovery loop resumes it at the same time.
    """
    if run.lease_owner is None:
        yield None
        return
    claim = await leases.acquire(run.id, default_replica_id(), lease_s=lease_s)
    renewer = LeaseRenewer(leases, lease_s=lease_s, interval_s=lease_s / 3, on_lost=lambda _: None)
    renewer.hold(claim.fence)
    renewer.start()
    try:
        yield claim.fence
    finally:
        await renewer.stop()
        with contextlib.suppress(CodeguildError):
            await leases.release(claim.fence)
