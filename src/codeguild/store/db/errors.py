"""Errors of the database store: each names what was wrong and what to do."""

from __future__ import annotations

from codeguild.errors import CodeguildError, CycleError
from codeguild.errors import StoreUnavailableError as AnyStoreUnavailableError

_PG_START_HINT = (
    "Start PostgreSQL (`pg_ctlcluster --skip-systemctl-redirect <version> main start`, "
    "`apt-get install -y postgresql`, or "
    "`docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres`), "
    "or point CODEGUILD_DATABASE_URL at a reachable database "
    "(unset it to use the embedded SQLite file)."
)
_SQLITE_HINT = (
    "Check that the folder exists and is writable, or set CODEGUILD_DATABASE_URL to another "
    "location (e.g. sqlite+aiosqlite:///./codeguild.db)."
)


class StoreError(CodeguildError):
    """The database store refused or failed an operation."""

    code = "store_error"


class StoreUnavailableError(StoreError, AnyStoreUnavailableError):
    """The database cannot be reached (at start, or after the reconnect attempts ran out)."""

    code = "store_unavailable"

    def __init__(self, masked_url: str, reason: str, *, dialect: str) -> None:
        self.url = masked_url
        self.reason = reason
        hint = _PG_START_HINT if dialect == "postgresql" else _SQLITE_HINT
        super().__init__(f"Cannot reach the database at {masked_url}: {reason}.", hint=hint)


class StoreSchemaError(StoreError):
    """The database has no (or an outdated) schema."""

    code = "store_schema"


class RunNotFoundError(StoreError):
    """No run with that id is stored."""

    code = "run_not_found"
    exit_code = 2

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        super().__init__(
            f"No run with id {run_id!r} is stored.",
            hint="List the stored runs with `codeguild runs` and use one of their ids.",
        )


class TaskNotFoundError(StoreError):
    """A task named by a call is not part of the run's stored plan."""

    code = "task_not_found"

    def __init__(self, run_id: str, task: str) -> None:
        self.run_id = run_id
        self.task = task
        super().__init__(
            f"Run {run_id!r} has no task {task!r}.",
            hint="Store the plan's tasks with TaskRepository.upsert_plan() before updating them.",
        )


class ArtifactNotFoundError(StoreError):
    """No artifact is stored under that run and path."""

    code = "artifact_not_found"


class ArtifactCorruptError(StoreError):
    """A stored artifact's bytes do not match its content hash (blob edited or truncated)."""

    code = "artifact_corrupt"


class ContextConflictError(StoreError):
    """A compare-and-set on the shared context lost against a concurrent writer."""

    code = "context_conflict"

    def __init__(self, run_id: str, key: str, expected: int, actual: int | None) -> None:
        self.run_id = run_id
        self.key = key
        self.expected = expected
        self.actual = actual
        found = "no entry" if actual is None else f"version {actual}"
        super().__init__(
            f"Shared context {key!r} of run {run_id!r} changed: expected version {expected}, "
            f"found {found}.",
            hint="Read the entry again and retry the update from its current version.",
        )


class DependencyCycleError(CycleError, StoreError):
    """A stored task dependency would close a cycle (raised on SQLite and PostgreSQL alike)."""

    code = "task_graph_cycle"

    def __init__(self, cycle: list[str], run_id: str | None = None) -> None:
        self.run_id = run_id
        CycleError.__init__(self, cycle)
