"""What differs between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Table
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite

from codeguild.store.db.errors import DependencyCycleError

# the message raised by the trigger in migration 0002
_PG_CYCLE = re.compile(r"task dependency cycle in run (?P<run>\S+): (?P<path>.+)")


def upsert(dialect: str, table: Table) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing``/``on_conflict_do_update`` here."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def cycle_from_integrity_error(exc: sa_exc.DBAPIError) -> DependencyCycleError | None:
    """The trigger's cycle error as our own; None if ``exc`` is some other integrity error."""
    for line in str(exc.orig if exc.orig is not None else exc).splitlines():
        match = _PG_CYCLE.search(line)
        if match:
            path = [p.strip() for p in match.group("path").split(" -> ")]
            return DependencyCycleError(path, run_id=match.group("run"))
    return None
