"""`codeguild worker` (a process serving agents over gRPC) and orchestrated CLI generations."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from codeguild.cli_output import err, fail
from codeguild.config import get_settings
from codeguild.errors import CodeguildError
from codeguild.rpc import PROTOCOL_VERSION

if TYPE_CHECKING:
    from codeguild.pipeline import Pipeline
    from codeguild.report import RunReport


def worker(
    roles: Annotated[
        str,
        typer.Option(
            "--roles", help="Comma-separated roles: coder, documenter, reviewer, security, tester."
        ),
    ],
    orchestrator: Annotated[
        str | None,
        typer.Option(
            "--orchestrator",
            help="HOST:PORT of the orchestrator's gRPC (CODEGUILD_GRPC_HOST/PORT by default).",
        ),
    ] = None,
    capacity: Annotated[
        int, typer.Option("--capacity", min=1, help="Tasks each of its agents runs at once.")
    ] = 1,
    listen: Annotated[
        str, typer.Option("--listen", help="HOST:PORT this worker serves on (port 0: any free).")
    ] = "127.0.0.1:0",
    advertise: Annotated[
        str | None,
        typer.Option("--advertise", help="HOST:PORT the orchestrator dials (default: --listen)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Worker name (default: HOSTNAME-PID).")
    ] = None,
    protocol_version: Annotated[
        int, typer.Option("--protocol-version", hidden=True, help="For compatibility tests.")
    ] = PROTOCOL_VERSION,
    debug: Annotated[bool, typer.Option("--debug", help="Debug logs and tracebacks.")] = False,
) -> None:
    """Serve agents of ROLES to an orchestrator: register, heartbeat, run tasks until SIGTERM."""
    from codeguild.rpc.roles import local_agents, parse_roles
    from codeguild.rpc.worker import Worker, WorkerOptions

    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    settings = get_settings()
    options = WorkerOptions(
        orchestrator=orchestrator or f"{settings.grpc_host}:{settings.grpc_port}",
        capacity=capacity,
        listen=listen,
        advertise=advertise,
        name=name,
        protocol_version=protocol_version,
    )

    async def serve() -> None:
        agents = local_agents(parse_roles(roles), settings)
        process = Worker(agents, options, settings)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, process.stop)
        await process.run()

    try:
        asyncio.run(serve())
    except CodeguildError as exc:
        if debug:
            err.print_exception()
        raise fail(exc) from None


def orchestrated(
    start: Callable[[Pipeline], Awaitable[RunReport]], grpc_port: int
) -> Callable[[Pipeline], Awaitable[RunReport]]:
    """Wrap a CLI run so this process is the orchestrator: serve gRPC on ``grpc_port``, wait
    for workers of CODEGUILD_REMOTE_ROLES (CODEGUILD_REMOTE_WAIT_S), run, stop serving."""

    async def run(pipeline: Pipeline) -> RunReport:
        from codeguild.rpc.errors import RemoteRolesMissingError
        from codeguild.rpc.orchestrator import OrchestratorServer
        from codeguild.rpc.roles import check_roles

        settings = get_settings()
        roles = settings.remote_roles
        if not roles:
            raise RemoteRolesMissingError(
                "--grpc-port needs the roles whose tasks go to workers.",
                hint="Set CODEGUILD_REMOTE_ROLES, e.g. tester,reviewer,security.",
            )
        check_roles(roles)
        server = OrchestratorServer(settings)
        await server.start(port=grpc_port)
        server.install()
        try:
            err.print(
                f"waiting up to {settings.remote_wait_s:g}s for workers of {', '.join(roles)} "
                f"on {settings.grpc_host}:{server.port}",
                highlight=False,
            )
            await server.registry.wait_for_roles(roles, settings.remote_wait_s)
            return await start(pipeline)
        finally:
            await server.stop()

    return run
