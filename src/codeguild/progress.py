"""A live table of the task graph for the terminal: task, agent, state, time."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from codeguild.events import Event, EventKind

_STYLE = {
    "queued": "dim",
    "started": "cyan",
    "progress": "cyan",
    "succeeded": "green",
    "failed": "red",
    "retrying": "yellow",
    "cancelled": "magenta",
    "skipped": "magenta",
}


_FINAL = frozenset({"succeeded", "failed", "skipped", "cancelled"})


@dataclass
class _Row:
    state: str = "queued"
    agent: str = ""
    started: float | None = None
    finished: float | None = None
    note: str = ""


class LiveTaskTable:
    """Subscribes to the event bus and redraws the table; a context manager around the run."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._rows: dict[str, _Row] = {}
        self._stage = "starting"
        self._live = Live(self._render(), console=console, refresh_per_second=8, transient=False)

    def __enter__(self) -> LiveTaskTable:
        self._live.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._live.update(self._render())
        self._live.__exit__(exc_type, exc, tb)
        self._console.line()

    def on_event(self, event: Event) -> None:
        if event.kind == EventKind.STAGE:
            self._stage = event.message
        elif event.task is not None:
            row = self._rows.setdefault(event.task, _Row())
            self._apply(row, event)
        self._live.update(self._render())

    @staticmethod
    def _apply(row: _Row, event: Event) -> None:
        if event.kind == EventKind.TASK_PROGRESS:
            row.note = event.message
            return
        row.state = str(event.kind)
        if event.agent:
            row.agent = event.agent
        if event.kind == EventKind.TASK_STARTED:
            row.started = event.at
        elif event.kind in (EventKind.TASK_SUCCEEDED, EventKind.TASK_FAILED):
            row.finished = event.at
            row.note = event.message
        elif event.message:
            row.note = event.message

    def _render(self) -> Group:
        table = Table(expand=True, show_edge=False, pad_edge=False)
        for col, width in (("task", 26), ("agent", 10), ("state", 9), ("time", 7)):
            table.add_column(col, width=width, no_wrap=True, overflow="ellipsis")
        table.add_column("note", ratio=1, no_wrap=True, overflow="ellipsis")
        now = time.time()
        for name, row in self._rows.items():
            elapsed = ""
            if row.started is not None:
                elapsed = f"{(row.finished or now) - row.started:6.2f}s"
            table.add_row(
                name, row.agent, Text(row.state, style=_STYLE.get(row.state, "")), elapsed, row.note
            )
        done = sum(
            r.state in ("succeeded", "failed", "skipped", "cancelled") for r in self._rows.values()
        )
        header = Text(f"{self._stage}  —  {done}/{len(self._rows)} tasks done", style="bold")
        return Group(header, table)
