"""The orchestrator's gRPC side: the Orchestrator service workers call, and its server.

``OrchestratorServer`` serves Register/Heartbeat/Deregister on CODEGUILD_GRPC_HOST/PORT, runs
the registry's health monitor, and (``install()``) makes the process's runs send the remote
roles' tasks to workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import grpc

from codeguild.config import Settings
from codeguild.rpc import PROTOCOL_VERSION
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.channels import add_port, server_options
from codeguild.rpc.errors import UnknownRoleError
from codeguild.rpc.registry import (
    InvalidRegistrationError,
    ProtocolMismatchError,
    RemoteAgentRegistry,
)

log = logging.getLogger(__name__)


class OrchestratorService(pb_grpc.OrchestratorServicer):
    def __init__(self, registry: RemoteAgentRegistry) -> None:
        self.registry = registry

    async def Register(  # noqa: N802 - the name is the RPC's
        self, request: pb.RegisterRequest, context: grpc.aio.ServicerContext
    ) -> pb.RegisterReply:
        try:
            worker = self.registry.register(
                request.worker_name,
                request.address,
                request.roles,
                request.capacity,
                request.protocol_version,
            )
        except ProtocolMismatchError as exc:
            log.warning("worker refused name=%s reason=%s", request.worker_name, exc)
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
            raise
        except (UnknownRoleError, InvalidRegistrationError) as exc:
            log.warning("worker refused name=%s reason=%s", request.worker_name, exc)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
            raise
        return pb.RegisterReply(
            worker_id=worker.worker_id,
            heartbeat_interval_s=self.registry.heartbeat_interval_s,
            heartbeat_timeout_s=self.registry.heartbeat_timeout_s,
            agents=[agent.name for agent in worker.agents.values()],
            protocol_version=PROTOCOL_VERSION,
        )

    async def Heartbeat(  # noqa: N802
        self, request: pb.HeartbeatRequest, context: grpc.aio.ServicerContext
    ) -> pb.HeartbeatReply:
        if not self.registry.heartbeat(request.worker_id, dict(request.busy)):
            await context.abort(
                grpc.StatusCode.NOT_FOUND,
                f"Unknown worker {request.worker_id!r} (the orchestrator restarted or forgot "
                "it after a long silence); register again.",
            )
        return pb.HeartbeatReply(heartbeat_interval_s=self.registry.heartbeat_interval_s)

    async def Deregister(  # noqa: N802
        self, request: pb.DeregisterRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeregisterReply:
        self.registry.deregister(request.worker_id, request.reason or "worker left")
        return pb.DeregisterReply()


class OrchestratorServer:
    """The Orchestrator gRPC service plus the registry's health monitor, in this event loop."""

    def __init__(self, settings: Settings, registry: RemoteAgentRegistry | None = None) -> None:
        self.settings = settings
        self.registry = registry or RemoteAgentRegistry(settings)
        self.port: int | None = None
        self._server: grpc.aio.Server | None = None
        self._monitor: asyncio.Task[None] | None = None

    async def start(self, host: str | None = None, port: int | None = None) -> int:
        """Listen (port 0 picks a free one) and return the port."""
        host = host or self.settings.grpc_host
        port = self.settings.grpc_port if port is None else port
        server = grpc.aio.server(options=server_options(self.settings))
        pb_grpc.add_OrchestratorServicer_to_server(OrchestratorService(self.registry), server)
        self.port = add_port(server, f"{host}:{port}", self.settings)
        await server.start()
        self._server = server
        self._monitor = asyncio.get_running_loop().create_task(self.registry.monitor())
        log.info("orchestrator grpc listening address=%s:%d", host, self.port)
        return self.port

    def install(self) -> None:
        """Make runs in this process route the remote roles' tasks to the workers."""
        from codeguild.team import use_remote_agents

        use_remote_agents(self.registry)

    async def stop(self, grace_s: float = 2.0) -> None:
        from codeguild.team import remote_agents, use_remote_agents

        if remote_agents() is self.registry:
            use_remote_agents(None)
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
        if self._server is not None:
            await self._server.stop(grace_s)
        await self.registry.close()
