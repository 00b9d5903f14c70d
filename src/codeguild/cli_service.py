"""CLI commands of the service: `codeguild serve` and `codeguild users add`."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from codeguild.cli_output import fail, out
from codeguild.config import Settings, get_settings
from codeguild.errors import CodeguildError

if TYPE_CHECKING:
    from fastapi import FastAPI

users_app = typer.Typer(help="Manage the API's users.", no_args_is_help=True)
advisories_app = typer.Typer(
    help="The local advisory database the dependency audit checks pins against.",
    no_args_is_help=True,
)


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (CODEGUILD_API_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (CODEGUILD_API_PORT).")] = None,
    grpc_port: Annotated[
        int | None,
        typer.Option(help="Port of the gRPC for workers (CODEGUILD_GRPC_PORT; 0: none)."),
    ] = None,
) -> None:
    """Serve the REST API and the web page (http://HOST:PORT/), and gRPC for agent workers."""
    from codeguild.api.server import serve as run_server

    settings = get_settings()
    if grpc_port is not None:
        settings = settings.model_copy(
            update={"grpc_port": grpc_port or settings.grpc_port, "grpc_serve": grpc_port != 0}
        )
    try:
        if settings.grpc_serve:
            _serve_with_grpc(host or settings.api_host, port or settings.api_port, settings)
        else:
            run_server(host or settings.api_host, port or settings.api_port, settings)
    except CodeguildError as exc:
        raise fail(exc) from None


def _serve_with_grpc(host: str, port: int, settings: Settings) -> None:
    """The API as ``codeguild.api.server`` serves it, with the orchestrator's gRPC server
    started and stopped by the app's lifespan (one event loop: runs and workers meet there)."""
    from codeguild.api.app import create_app
    from codeguild.api.server import run_app
    from codeguild.rpc.channels import check_tls
    from codeguild.rpc.orchestrator import OrchestratorServer

    check_tls(settings)
    grpc_server = OrchestratorServer(settings)  # refuses unknown CODEGUILD_REMOTE_ROLES now
    app = create_app(settings)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        await grpc_server.start()
        grpc_server.install()
        try:
            async with inner(app) as state:
                yield state
        finally:
            await grpc_server.stop()

    app.router.lifespan_context = lifespan
    run_app(app, host, port, settings)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="The new user's name.")],
    role: Annotated[str, typer.Option(help="admin, developer or viewer.")] = "admin",
    password: Annotated[
        str | None,
        typer.Option(help="The password; asked for without echo when left out."),
    ] = None,
) -> None:
    """Create a user (the first one is usually the admin)."""
    from codeguild.api.admin import add_user

    secret = password if password is not None else getpass.getpass(f"password for {username}: ")
    try:
        user = asyncio.run(
            add_user(username, secret, role, database_url=get_settings().database_url)
        )
    except CodeguildError as exc:
        raise fail(exc) from None
    out.print(f"user {user.username} ({user.role}) created")


@advisories_app.command("update")
def advisories_update(
    source: Annotated[
        Path,
        typer.Argument(
            help="An OSV JSON file (one record, a list, or {'vulns': [...]}) or a folder."
        ),
    ],
    database: Annotated[
        Path | None, typer.Option(help="The database file to update (default: the shipped one).")
    ] = None,
) -> None:
    """Merge OSV advisories into the database; all records are validated before any is written."""
    from codeguild.quality.audit import DATABASE_FILE, update_advisories

    target = database or DATABASE_FILE
    try:
        changed = update_advisories(source, target)
    except CodeguildError as exc:
        raise fail(exc) from None
    out.print(f"{changed} advisory record(s) added or replaced in {target}")
