"""The command line: `codeguild generate "<requirement>"` and friends."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from codeguild import __version__
from codeguild.cli_output import err, fail, out
from codeguild.cli_runs import db_app, runs_app
from codeguild.cli_service import advisories_app, serve, users_app
from codeguild.cli_worker import orchestrated, worker
from codeguild.config import get_settings
from codeguild.errors import CodeguildError, RequirementError
from codeguild.events import EventBus
from codeguild.progress import LiveTaskTable
from codeguild.report import REPORT_MD, RunReport

if TYPE_CHECKING:
    from codeguild.pipeline import Pipeline
    from codeguild.store.memory import SharedMemoryStore

app = typer.Typer(
    name="codeguild",
    help="Cooperating agents that turn a plain-language requirement into a tested project.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(runs_app, name="runs")
app.add_typer(users_app, name="users")
app.add_typer(advisories_app, name="advisories")
app.command()(serve)
app.command()(worker)


class EngineOption(StrEnum):
    auto = "auto"
    builtin = "builtin"
    llm = "llm"


class ProjectTypeOption(StrEnum):
    web_api = "web_api"
    cli_tool = "cli_tool"
    library = "library"


def _version(value: bool) -> None:
    if value:
        out.print(f"codeguild {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """codeguild: requirement in, tested project out."""


@app.command()
def generate(
    requirement: Annotated[
        str | None, typer.Argument(help="What to build, in plain English.")
    ] = None,
    requirement_file: Annotated[
        Path | None,
        typer.Option(
            "-f", "--file", help="Read the requirement from a file ('-' for standard input)."
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder in which the project folder is created.")
    ] = Path("."),
    project_type: Annotated[
        ProjectTypeOption | None,
        typer.Option("--type", help="Force the project type instead of detecting it."),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the run report as JSON on stdout.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the project folder if it already exists.")
    ] = False,
    engine: Annotated[
        EngineOption,
        typer.Option("--engine", help="llm, builtin, or auto (the LLM when one is configured)."),
    ] = EngineOption.auto,
    budget: Annotated[
        str | None,
        typer.Option("--budget", help="LLM spending limit: tokens ('200k') or money ('$0.50')."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live progress display.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    grpc_port: Annotated[
        int | None,
        typer.Option(
            "--grpc-port",
            help="Orchestrate: serve gRPC on this port and send CODEGUILD_REMOTE_ROLES to workers.",
        ),
    ] = None,
) -> None:
    """Generate a project from REQUIREMENT: code, tests that ran and passed, docs and reports."""
    try:
        requirement = _requirement_text(requirement, requirement_file)
    except CodeguildError as exc:
        raise fail(exc) from None
    kind = project_type.value if project_type else None

    def start(pipeline: Pipeline) -> Awaitable[RunReport]:
        return pipeline.generate(requirement, output, force=force, project_type=kind)

    _run_and_report(
        start if grpc_port is None else orchestrated(start, grpc_port),
        json_out=json_out,
        quiet=quiet,
        debug=debug,
        engine=engine.value,
        budget=budget,
    )


@app.command()
def resume(
    run_id: Annotated[str, typer.Argument(help="The run to continue (see `codeguild runs`).")],
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the run report as JSON on stdout.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the project folder if it exists by now.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No live progress display.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks and debug logs.")] = False,
    engine: Annotated[
        EngineOption, typer.Option("--engine", help="llm, builtin, or auto.")
    ] = EngineOption.auto,
    budget: Annotated[
        str | None, typer.Option("--budget", help="LLM spending limit for the rest of the run.")
    ] = None,
) -> None:
    """Continue a run that was killed or failed: finished tasks are restored, not redone."""
    _run_and_report(
        lambda pipeline: pipeline.resume(run_id, force=force),
        json_out=json_out,
        quiet=quiet,
        debug=debug,
        needs_store=True,
        engine=engine.value,
        budget=budget,
    )


def _run_and_report(
    start: Callable[[Pipeline], Awaitable[RunReport]],
    *,
    json_out: bool,
    quiet: bool,
    debug: bool,
    needs_store: bool = False,
    engine: str = "auto",
    budget: str | None = None,
) -> None:
    """Run a pipeline with the live table and the configured store; print and exit accordingly."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    bus = EventBus()
    table = None if quiet else LiveTaskTable(err)
    if table is not None:
        bus.subscribe(table.on_event)

    async def go() -> RunReport:
        from codeguild.engines.select import select_engine
        from codeguild.live import EventPublisher
        from codeguild.pipeline import Pipeline  # heavy imports only when generating
        from codeguild.store.db import Store
        from codeguild.store.memory.cache import ResultCache

        settings = get_settings()
        store = None
        if settings.persist or needs_store:
            store = await Store.open(settings.database_url)
        memory = await _shared_memory(settings.redis_url)
        publisher = cache = None
        if memory is not None:
            publisher = EventPublisher(memory)
            bus.subscribe(publisher.sink)
            publisher.start()
            cache = ResultCache(memory, ttl_s=settings.result_cache_ttl_s)
        chosen = select_engine(engine, settings, budget=budget)
        try:
            return await start(Pipeline(bus=bus, store=store, cache=cache, engine=chosen))
        finally:
            close = getattr(chosen, "close", None)
            if close is not None:
                close()
            if publisher is not None:
                await publisher.close()
            if memory is not None:
                await memory.close()
            if store is not None:
                await store.close()

    try:
        with table if table is not None else nullcontext():
            report = asyncio.run(go())
    except CodeguildError as exc:
        if debug:
            err.print_exception()
        raise fail(exc) from None
    except KeyboardInterrupt:
        err.print(
            "[yellow]interrupted: the project folder was not written; resume the run later[/]"
        )
        raise typer.Exit(130) from None
    if json_out:
        sys.stdout.write(report.to_json())
    else:
        _print_summary(report)
    if report.status not in ("passed", "passed_with_warnings"):
        raise typer.Exit(1)


async def _shared_memory(redis_url: str | None) -> SharedMemoryStore | None:
    """With a Redis URL, runs publish their events there and share check results."""
    if not redis_url:
        return None
    from codeguild.store.memory import open_memory_store

    return await open_memory_store(redis_url).connect()


def _requirement_text(argument: str | None, file: Path | None) -> str:
    """The requirement from the argument, a file or stdin; undecodable bytes become U+FFFD."""
    if (argument is None) == (file is None):
        raise RequirementError(
            "Give the requirement either as an argument or with --file, not both or neither.",
            hint='Example: codeguild generate "A CLI that converts CSV files to JSON".',
        )
    if file is None:
        assert argument is not None  # checked above; narrows the type
        return argument
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise RequirementError(
            f"Cannot read the requirement file {file}: {exc.strerror or exc}.",
            hint="Check the path and its permissions.",
        ) from None
    # the guard judges junk; decoding must not crash on it first
    return data.decode("utf-8", errors="replace")


def _print_summary(report: RunReport) -> None:
    colour = {"passed": "green", "passed_with_warnings": "yellow"}.get(report.status, "red")
    out.print(
        f"[bold {colour}]{report.status.upper()}[/] {report.project_name} "
        f"({report.project_type}) in {report.total_s:.1f} s — {report.stop_reason}"
    )
    if report.tests:
        t = report.tests
        cov = t.get("coverage_percent")
        cov_text = f", coverage {cov:.0f}%" if isinstance(cov, int | float) else ""
        out.print(
            f"tests: {t['passed']} passed, {t['failed']} failed, {t['errors']} errors{cov_text}"
        )
    for result in (report.review, report.security):
        for check in result:
            if check["findings"] or not check["passed"]:
                mark = "ok" if check["passed"] else "findings"
                out.print(f"  {check['check']}: {mark} ({len(check['findings'])} finding(s))")
    if report.decision:
        votes = ", ".join(f"{v['voter']}={v['choice']}" for v in report.decision["vote"]["votes"])
        out.print(f"decision: {report.decision['choice']} ({votes})")
    out.print(f"\nproject: {report.output_dir}")
    out.print(f"report:  {Path(report.output_dir) / REPORT_MD}")
    out.print("\nto run it:")
    for line in report.how_to_run:
        out.print(f"  {line}", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
