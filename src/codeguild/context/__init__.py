"""The run's shared context: keys written by parallel agents, each combined by its reducer."""

from codeguild.context.reducers import (
    REDUCERS,
    Append,
    ContextConflictError,
    ContextValueError,
    ErrorOnConflict,
    LastValue,
    LastWriterWins,
    MergeDict,
    Reducer,
)
from codeguild.context.shared import (
    ContextKeyError,
    ContextView,
    SharedContext,
    UndeclaredKeyError,
)

__all__ = [
    "REDUCERS",
    "Append",
    "ContextConflictError",
    "ContextKeyError",
    "ContextValueError",
    "ContextView",
    "ErrorOnConflict",
    "LastValue",
    "LastWriterWins",
    "MergeDict",
    "Reducer",
    "SharedContext",
    "UndeclaredKeyError",
]
