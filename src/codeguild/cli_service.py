"""CLI commands of the service: `codeguild serve` and `codeguild users add`."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Annotated

import typer

from codeguild.cli_output import fail, out
from codeguild.config import get_settings
from codeguild.errors import CodeguildError

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
) -> None:
    """Serve the REST API and the web page (http://HOST:PORT/)."""
    from codeguild.api.server import serve as run_server

    settings = get_settings()
    try:
        run_server(host or settings.api_host, port or settings.api_port, settings)
    except CodeguildError as exc:
        raise fail(exc) from None


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
