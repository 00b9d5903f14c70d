"""A worker process: serves its agents over gRPC, registers with the orchestrator, heartbeats.

A worker that cannot reach the orchestrator keeps trying with backoff and logs why; one the
orchestrator forgot (it restarted) registers again; one the orchestrator refuses (protocol
version, unknown role) stops with WorkerRefusedError. ``stop()`` (SIGTERM in the CLI)
deregisters (the orchestrator re-queues at once whatever the worker was running, so no task
waits on a worker that is going away) and shuts the server down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import grpc

from codeguild import __version__
from codeguild.agents.base import Agent
from codeguild.config import Settings
from codeguild.rpc import PROTOCOL_VERSION
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.channels import add_port, open_channel, server_options
from codeguild.rpc.errors import RpcConfigError, WorkerRefusedError
from codeguild.rpc.executor import TaskExecutor
from codeguild.rpc.policy import Deadlines, RpcRetryPolicy
from codeguild.rpc.worker_service import AgentWorkerService

log = logging.getLogger(__name__)

#: statuses that are the orchestrator's final answer to a registration
_REFUSALS = frozenset({grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT})


@dataclass(frozen=True)
class WorkerOptions:
    orchestrator: str
    capacity: int = 1
    listen: str = "127.0.0.1:0"
    #: the address the orchestrator dials (default: the listen address with the bound port)
    advertise: str | None = None
    name: str | None = None
    protocol_version: int = PROTOCOL_VERSION
    grace_s: float = 10.0


class Worker:
    def __init__(
        self, agents: Mapping[str, Agent], options: WorkerOptions, settings: Settings
    ) -> None:
        self.options = options
        self.settings = settings
        self.roles: Sequence[str] = list(agents)
        self.name = options.name or f"{socket.gethostname()}-{os.getpid()}"
        self.executor = TaskExecutor(agents, scratch_dir=settings.remote_scratch_dir)
        self.worker_id: str | None = None
        self.address: str | None = None
        self.registered = asyncio.Event()
        self._stopping = asyncio.Event()
        self._server: grpc.aio.Server | None = None
        self._channel: grpc.aio.Channel | None = None
        self._retry = RpcRetryPolicy.from_settings(settings, forever=True)
        self._deadlines = Deadlines.from_settings(settings)
        self._interval = settings.grpc_heartbeat_s

    async def start(self) -> str:
        """Serve the agents; returns the address the orchestrator will dial."""
        server = grpc.aio.server(options=server_options(self.settings))
        pb_grpc.add_AgentWorkerServicer_to_server(
            AgentWorkerService(self.executor, self.options.capacity), server
        )
        port = add_port(server, self.options.listen, self.settings)
        await server.start()
        self._server = server
        host = self.options.listen.rsplit(":", 1)[0]
        # a bind-all address cannot be dialled: the orchestrator must be told a real one
        if host in ("0.0.0.0", "[::]", "::", "") and self.options.advertise is None:
            raise RpcConfigError(
                f"Listening on {self.options.listen} needs --advertise HOST:PORT.",
                hint="The orchestrator must be told an address it can dial.",
            )
        self.address = self.options.advertise or f"{host}:{port}"
        log.info("worker serving name=%s address=%s roles=%s", self.name, self.address, self.roles)
        return self.address

    def stop(self) -> None:
        """Ask :meth:`run` to deregister and shut down (safe from a signal handler)."""
        self._stopping.set()

    async def run(self) -> None:
        """Serve, register and heartbeat until :meth:`stop`; raises WorkerRefusedError."""
        if self._server is None:
            await self.start()
        # before registering: the first task must not pay for the engine's imports
        await asyncio.to_thread(self.executor.warm)
        self._channel = open_channel(self.options.orchestrator, self.settings)
        stub = pb_grpc.OrchestratorStub(self._channel)
        try:
            while not self._stopping.is_set():
                if self.worker_id is None:
                    await self._register(stub)
                else:
                    await self._heartbeat(stub)
        finally:
            await self._shutdown(stub)

    async def _register(self, stub: pb_grpc.OrchestratorStub) -> None:
        request = pb.RegisterRequest(
            protocol_version=self.options.protocol_version,
            worker_name=self.name,
            address=self.address or "",
            roles=list(self.roles),
            capacity=self.options.capacity,
            codeguild_version=__version__,
        )
        attempt = 0
        while not self._stopping.is_set():
            attempt += 1
            try:
                reply = await stub.Register(request, timeout=self._deadlines.control_s)
            except grpc.aio.AioRpcError as exc:
                if exc.code() in _REFUSALS:
                    raise WorkerRefusedError(
                        f"The orchestrator at {self.options.orchestrator} refused this worker: "
                        f"{exc.details()}"
                    ) from None
                await self._wait(self._retry.delay(attempt), "register", exc)
                continue
            self.worker_id = reply.worker_id
            self._interval = reply.heartbeat_interval_s or self._interval
            log.info("worker registered id=%s agents=%s", reply.worker_id, list(reply.agents))
            self.registered.set()
            return

    async def _heartbeat(self, stub: pb_grpc.OrchestratorStub) -> None:
        attempt = 0
        while not self._stopping.is_set():
            request = pb.HeartbeatRequest(worker_id=self.worker_id or "", busy=self.executor.busy)
            try:
                reply = await stub.Heartbeat(request, timeout=self._deadlines.control_s)
            except grpc.aio.AioRpcError as exc:
                if exc.code() is grpc.StatusCode.NOT_FOUND:
                    log.warning("the orchestrator does not know this worker; registering again")
                    self.worker_id = None
                    self.registered.clear()
                    return
                attempt += 1
                await self._wait(self._retry.delay(attempt), "heartbeat", exc)
                continue
            attempt = 0
            self._interval = reply.heartbeat_interval_s or self._interval
            await self._sleep(self._interval)

    async def _wait(self, delay: float, what: str, exc: grpc.aio.AioRpcError) -> None:
        log.warning(
            "orchestrator unreachable call=%s address=%s status=%s detail=%s retry_in_s=%.2f",
            what,
            self.options.orchestrator,
            exc.code().name,
            exc.details(),
            delay,
        )
        await self._sleep(delay)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _shutdown(self, stub: pb_grpc.OrchestratorStub) -> None:
        if self.worker_id is not None:
            try:
                await stub.Deregister(
                    pb.DeregisterRequest(worker_id=self.worker_id, reason="worker stopping"),
                    timeout=min(self._deadlines.control_s, 3.0),
                )
                log.info("worker deregistered id=%s", self.worker_id)
            except grpc.aio.AioRpcError as exc:
                log.warning("could not deregister: %s %s", exc.code().name, exc.details())
        if self._server is not None:
            await self._server.stop(self.options.grace_s)
        if self._channel is not None:
            await self._channel.close()
