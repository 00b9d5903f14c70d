"""Where the CLI writes: progress and errors on stderr, results on stdout."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from codeguild.errors import CodeguildError

err = Console(stderr=True)
out = Console()


def print_error(exc: CodeguildError) -> None:
    """The error's code and message (what was wrong and what to do), never a traceback."""
    err.print(f"[bold red]error[/] {escape(f'[{exc.code}]')} {escape(str(exc))}", highlight=False)


def fail(exc: CodeguildError) -> typer.Exit:
    """Print the error and return the Exit to raise with its exit code."""
    print_error(exc)
    return typer.Exit(exc.exit_code)
