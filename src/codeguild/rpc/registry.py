"""The orchestrator's registry of workers and their remote agents, and the runs that use them.

A run's AgentManager is *attached* per role (``AgentTeam.register`` does it for each role the
registry serves): the healthy remote agents of that role are registered in the manager (wrapped
as the run wraps its local agents), and so are agents of workers that register later. Health is
the registry's: a worker silent for longer than the heartbeat timeout, one that left, or one a
RemoteAgent lost mid-task has its agents marked unhealthy in every attached manager (the
scheduler then re-queues their running tasks elsewhere); a heartbeat revives them. Agents are
never unregistered from a manager during its run, so the names in its records stay valid.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from codeguild.agents.base import Agent
from codeguild.config import Settings
from codeguild.errors import CodeguildError
from codeguild.orchestration.manager import AgentManager
from codeguild.rpc import PROTOCOL_VERSION
from codeguild.rpc.client import RemoteAgent
from codeguild.rpc.errors import RemoteRolesMissingError, RpcError, UnknownRoleError
from codeguild.rpc.roles import ROLE_CAPABILITIES, unknown_role_message

log = logging.getLogger(__name__)

Wrap = Callable[[Agent], Agent]


class ProtocolMismatchError(RpcError):
    """A worker speaks another version of the protocol."""

    code = "protocol_mismatch"
    exit_code = 2


class InvalidRegistrationError(RpcError):
    """A registration is malformed (no address, no capacity)."""

    code = "invalid_registration"
    exit_code = 2


@dataclass
class RemoteWorker:
    worker_id: str
    address: str
    capacity: int
    agents: dict[str, RemoteAgent]
    last_heartbeat: float
    healthy: bool = True
    reason: str = ""
    busy: dict[str, int] = field(default_factory=dict)


class RemoteAgentRegistry:
    def __init__(
        self,
        settings: Settings,
        *,
        roles: Mapping[str, frozenset[str]] = ROLE_CAPABILITIES,
        required_roles: Iterable[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.roles = dict(roles)
        self.required_roles = frozenset(
            settings.remote_roles if required_roles is None else required_roles
        )
        for role in sorted(self.required_roles - set(self.roles)):
            raise UnknownRoleError(
                f"CODEGUILD_REMOTE_ROLES: {unknown_role_message(role, self.roles)}",
                hint="Fix the setting; roles are the agents' names.",
            )
        self.heartbeat_interval_s = settings.grpc_heartbeat_s
        self.heartbeat_timeout_s = settings.grpc_heartbeat_timeout_s
        self._clock = clock
        self._workers: dict[str, RemoteWorker] = {}
        # ids are never reused: a running manager may still hold a departed worker's agents
        self._used_ids: set[str] = set()
        self._attached: weakref.WeakKeyDictionary[AgentManager, dict[str, Wrap]] = (
            weakref.WeakKeyDictionary()
        )
        self._changed = asyncio.Event()

    # -- workers -----------------------------------------------------------------------------

    def register(
        self, name: str, address: str, roles: Iterable[str], capacity: int, protocol_version: int
    ) -> RemoteWorker:
        if protocol_version != PROTOCOL_VERSION:
            raise ProtocolMismatchError(
                f"Protocol version mismatch: this orchestrator speaks version {PROTOCOL_VERSION}, "
                f"the worker {name!r} speaks version {protocol_version}.",
                hint="Run the same codeguild release on the orchestrator and its workers.",
            )
        roles = list(dict.fromkeys(roles))
        if not roles:
            raise UnknownRoleError(f"Worker {name!r} offers no role; known: {self._known()}.")
        for role in roles:
            if role not in self.roles:
                raise UnknownRoleError(f"Worker {name!r}: {unknown_role_message(role, self.roles)}")
        if not address or ":" not in address:
            raise InvalidRegistrationError(
                f"Worker {name!r} gave no usable address ({address!r}); expected HOST:PORT."
            )
        if capacity < 1:
            raise InvalidRegistrationError(f"Worker {name!r} needs a capacity of at least 1.")
        worker_id = self._unique_id(name or "worker")
        worker = RemoteWorker(worker_id, address, capacity, {}, self._clock())
        for role in roles:
            worker.agents[role] = RemoteAgent(
                f"{role}@{worker_id}",
                role,
                self.roles[role],
                address,
                self.settings,
                on_lost=functools.partial(self.lost, worker_id),
            )
        self._workers[worker_id] = worker
        for manager, wraps in list(self._attached.items()):
            for role, agent in worker.agents.items():
                if role in wraps:
                    self._add(manager, wraps[role](agent), capacity)
        log.info("worker registered id=%s address=%s roles=%s", worker_id, address, roles)
        self._notify()
        return worker

    def heartbeat(self, worker_id: str, busy: Mapping[str, int] | None = None) -> bool:
        """Record a heartbeat; False when the worker is unknown (it must register again)."""
        worker = self._workers.get(worker_id)
        if worker is None:
            return False
        worker.last_heartbeat = self._clock()
        worker.busy = dict(busy or {})
        if not worker.healthy:
            worker.healthy, worker.reason = True, ""
            log.info("worker healthy again id=%s", worker_id)
            self._for_each_agent(worker, lambda m, name: m.mark_healthy(name))
            self._notify()
        return True

    def deregister(self, worker_id: str, reason: str = "worker left") -> bool:
        worker = self._workers.pop(worker_id, None)
        if worker is None:
            return False
        self._set_unhealthy(worker, reason, quiet=True)
        log.info("worker deregistered id=%s reason=%s", worker_id, reason)
        self._notify()
        return True

    def lost(self, worker_id: str, reason: str) -> None:
        """A RemoteAgent could not reach its worker mid-task: stop routing work to it."""
        worker = self._workers.get(worker_id)
        if worker is not None:
            self._set_unhealthy(worker, reason)

    def check(self, now: float | None = None) -> list[str]:
        """Mark workers silent for over the timeout unhealthy, forget long-gone ones."""
        now = self._clock() if now is None else now
        newly = []
        for worker in list(self._workers.values()):
            silent = now - worker.last_heartbeat
            if worker.healthy and silent > self.heartbeat_timeout_s:
                reason = f"no heartbeat for {silent:.1f}s (timeout {self.heartbeat_timeout_s:g}s)"
                self._set_unhealthy(worker, reason)
                newly.append(worker.worker_id)
            elif silent > 10 * self.heartbeat_timeout_s:
                del self._workers[worker.worker_id]
                log.info("worker forgotten id=%s silent_s=%.0f", worker.worker_id, silent)
        return newly

    async def monitor(self) -> None:
        """Run :meth:`check` a few times per heartbeat timeout until cancelled."""
        while True:
            await asyncio.sleep(self.heartbeat_timeout_s / 4)
            self.check()

    def workers(self) -> list[RemoteWorker]:
        return list(self._workers.values())

    def healthy_roles(self) -> set[str]:
        return {r for w in self._workers.values() if w.healthy for r in w.agents}

    async def wait_for_roles(self, roles: Iterable[str], timeout_s: float) -> None:
        """Wait until every role has a healthy worker; RemoteRolesMissingError after timeout."""
        wanted = set(roles)
        deadline = time.monotonic() + timeout_s
        while not wanted <= self.healthy_roles():
            left = deadline - time.monotonic()
            if left <= 0:
                missing = ", ".join(sorted(wanted - self.healthy_roles()))
                present = ", ".join(sorted(self.healthy_roles())) or "none"
                raise RemoteRolesMissingError(
                    f"No worker registered for the remote role(s) {missing} within "
                    f"{timeout_s:g}s (roles served by workers now: {present}).",
                    hint="Start one: codeguild worker --roles ROLE --orchestrator HOST:PORT; "
                    "or change CODEGUILD_REMOTE_ROLES / CODEGUILD_REMOTE_WAIT_S.",
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def wait_for_required(self, timeout_s: float) -> None:
        """Until every role of CODEGUILD_REMOTE_ROLES has a healthy worker (see above): a run
        submitted while workers are still starting waits for them instead of failing."""
        if self.required_roles:
            await self.wait_for_roles(self.required_roles, timeout_s)

    async def close(self) -> None:
        for worker in self._workers.values():
            for agent in worker.agents.values():
                await agent.close()

    # -- runs (the AgentTeam hook) -------------------------------------------------------------

    def serves(self, role: str) -> bool:
        """Tasks of ``role`` go to workers: the role must be remote, or a worker offers it."""
        return role in self.required_roles or role in self.healthy_roles()

    def attach(self, manager: AgentManager, role: str, wrap: Wrap) -> None:
        """Give ``manager`` the healthy remote agents of ``role`` now and as workers join."""
        self._attached.setdefault(manager, {})[role] = wrap
        for worker in self._workers.values():
            agent = worker.agents.get(role)
            if agent is not None and worker.healthy:
                self._add(manager, wrap(agent), worker.capacity)

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _add(manager: AgentManager, agent: Agent, capacity: int) -> None:
        try:
            manager.register(agent, capacity=capacity)
        except CodeguildError as exc:  # one run's refusal must not fail the registration
            log.warning("remote agent not added to a run agent=%s error=%s", agent.name, exc)

    def _set_unhealthy(self, worker: RemoteWorker, reason: str, *, quiet: bool = False) -> None:
        if worker.healthy and not quiet:
            log.warning("worker unhealthy id=%s reason=%s", worker.worker_id, reason)
        worker.healthy, worker.reason = False, reason
        self._for_each_agent(worker, lambda m, name: m.mark_unhealthy(name, reason))

    def _for_each_agent(
        self, worker: RemoteWorker, action: Callable[[AgentManager, str], object]
    ) -> None:
        for manager, wraps in list(self._attached.items()):
            for role, agent in worker.agents.items():
                if role not in wraps:
                    continue
                try:
                    action(manager, agent.name)
                except CodeguildError:  # not in that manager (joined while unhealthy)
                    continue

    def _unique_id(self, name: str) -> str:
        worker_id, n = name, 1
        while worker_id in self._used_ids:
            n += 1
            worker_id = f"{name}-{n}"
        self._used_ids.add(worker_id)
        return worker_id

    def _known(self) -> str:
        return ", ".join(sorted(self.roles))

    def _notify(self) -> None:
        self._changed.set()
