"""The exception hierarchy: every error a user can meet, each with a stable code and a fix."""

from __future__ import annotations


class CodeguildError(Exception):
    """Root of codeguild's errors.

    ``code`` is stable (scripts and the API match on it); the message says what was wrong and what
    to do about it. The CLI prints the message without a traceback and exits with ``exit_code``.
    """

    code: str = "codeguild_error"
    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message if hint is None else f"{message} {hint}")


class RequirementError(CodeguildError):
    """The requirement cannot become a project (empty, junk, not a software request)."""

    code = "invalid_requirement"
    exit_code = 2


class IntentError(CodeguildError):
    """The intent is inconsistent (e.g. a forced project type the engine cannot build)."""

    code = "invalid_intent"
    exit_code = 2


class CycleError(CodeguildError):
    """A task graph would contain a dependency cycle; the message names the cycle."""

    code = "task_graph_cycle"

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__(
            f"CycleError: {' -> '.join(cycle)}",
            hint="Remove one of these dependencies so the tasks can be ordered.",
        )


class UnknownTaskError(CodeguildError):
    """A dependency names a task the graph does not have."""

    code = "unknown_task"

    def __init__(self, name: str, referenced_by: str | None = None) -> None:
        self.name = name
        where = f" (a dependency of {referenced_by!r})" if referenced_by else ""
        super().__init__(
            f"Unknown task {name!r}{where}.",
            hint="Add that task first, or fix the dependency's name.",
        )


class StoreUnavailableError(CodeguildError):
    """A store (the database or the shared memory) cannot be reached; catch this for either."""

    code = "store_unavailable"


class NoAgentError(CodeguildError):
    """No registered agent offers the capability a task needs."""

    code = "no_agent"


class TaskFailedError(CodeguildError):
    """A task failed after its retries; the run could not complete."""

    code = "task_failed"


class OutputExistsError(CodeguildError):
    """The output folder exists and would be overwritten."""

    code = "output_exists"
    exit_code = 2


class SandboxError(CodeguildError):
    """The sandbox could not run a command at all (not: the command failed inside it)."""

    code = "sandbox_error"


class ToolMissingError(CodeguildError):
    """An external tool the quality pipeline needs (ruff, bandit, ...) is not installed."""

    code = "tool_missing"
