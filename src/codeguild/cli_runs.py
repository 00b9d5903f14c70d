"""CLI commands that read the durable store: `codeguild db upgrade`, `codeguild runs [show ID]`."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from codeguild.cli_output import fail, out
from codeguild.config import get_settings
from codeguild.errors import CodeguildError

T = TypeVar("T")

db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
runs_app = typer.Typer(help="List and inspect recorded runs.", invoke_without_command=True)


def _with_store(action: Callable[[Any], Awaitable[T]]) -> T:
    from codeguild.store.db import Store

    async def go() -> T:
        store = await Store.open(get_settings().database_url)
        try:
            return await action(store)
        finally:
            await store.close()

    try:
        return asyncio.run(go())
    except CodeguildError as exc:
        raise fail(exc) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest revision."""
    from codeguild.store.db import upgrade_sync
    from codeguild.store.db.url import default_database_url, mask_url

    url = get_settings().database_url or default_database_url()
    try:
        revision = upgrade_sync(url)
    except CodeguildError as exc:
        raise fail(exc) from None
    out.print(f"database {mask_url(url)} is at revision {revision}")


@runs_app.callback()
def runs_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs.")] = 20,
    status: Annotated[str | None, typer.Option(help="Only runs in this state.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """List recorded runs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    records = _with_store(lambda store: store.runs.list(limit=limit, status=status))
    if json_out:
        rows = [_run_row(r) for r in records]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("id", "status", "project", "type", "created", "requirement")
    for r in records:
        table.add_row(
            r.id,
            str(r.status),
            r.project_name or "-",
            r.project_type or "-",
            r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(r.requirement[:60]),
        )
    out.print(table)


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run's id (see `codeguild runs`).")],
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
    events: Annotated[bool, typer.Option("--events", help="Also list the run's events.")] = False,
) -> None:
    """Show one run: its state, tasks and (optionally) events."""

    async def load(store: Any) -> tuple[Any, list[Any], list[Any]]:
        record = await store.runs.get(run_id)
        tasks = await store.tasks.list(run_id)
        stored = await store.events.list(run_id) if events else []
        return record, tasks, stored

    record, tasks, stored = _with_store(load)
    if json_out:
        payload = {
            **_run_row(record),
            "tasks": [_task_row(t) for t in tasks],
            "events": [{"seq": e.seq, **e.event.as_dict()} for e in stored],
        }
        sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
        return
    out.print(f"[bold]{record.id}[/] {record.status} {record.project_name or ''}")
    out.print(f"requirement: {escape(record.requirement)}", highlight=False)
    if record.output_dir:
        out.print(f"output: {record.output_dir}")
    if record.error:
        out.print(f"[red]error:[/] {escape(record.error)}")
    table = Table("task", "capability", "state", "attempts", "agent", "seconds")
    for t in tasks:
        row = _task_row(t)
        secs = row["duration_s"]
        table.add_row(
            row["name"],
            row["capability"],
            row["state"],
            str(row["attempts"]),
            row["agent"] or "-",
            f"{secs:.2f}" if isinstance(secs, int | float) else "-",
        )
    out.print(table)
    for e in stored:
        who = f" {e.event.task}" if e.event.task else ""
        out.print(f"{e.seq:5d} {e.event.kind}{who} {escape(e.event.message)}", highlight=False)


def _run_row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": str(r.status),
        "project_name": r.project_name,
        "project_type": r.project_type,
        "output_dir": r.output_dir,
        "requirement": r.requirement,
        "error": r.error,
        "created_at": r.created_at.isoformat(),
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
    }


def _task_row(t: Any) -> dict[str, Any]:
    return {
        "name": t.name,
        "capability": t.capability,
        "state": str(t.state),
        "attempts": t.attempts,
        "agent": t.agent,
        "duration_s": t.duration_s,
    }
