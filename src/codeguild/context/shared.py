"""Shared context written by parallel branches: every key declares how concurrent writes combine.

:class:`SharedContext` maps each key to a reducer from :mod:`codeguild.context.reducers`
(``LastValue``, ``LastWriterWins``, ``Append``, ``MergeDict``, ``ErrorOnConflict``), which says
how concurrent writes to that key combine and when they conflict.

Model: *steps and writers*. Every write names its writer (a task or agent); a step is the span
between two :meth:`SharedContext.commit` calls (with no commit the whole run is one step, so a
``LastValue`` key has one owner per run). Writes apply at once, so a branch reads its own writes,
yet within a step nothing depends on which branch came first: ``Append`` and ``MergeDict`` order a
step's writes by writer name, then by each writer's own order; a conflict (two writers on one
``LastValue`` key; different values for one ``MergeDict`` sub-key or ``ErrorOnConflict`` key)
raises :class:`ContextConflictError` naming the key and the writers (sorted) and *poisons* that
key or sub-key: reads raise the same error until a write in a later step settles it. Which branch
sees the error depends on timing; the context's state does not. Nothing is silently overwritten
(``LastWriterWins`` is the explicit opt-in). ``ErrorOnConflict`` against a value set in an earlier
step rejects the write and keeps the value, since that order is known.

Writing an undeclared key raises :class:`UndeclaredKeyError` unless the context was built with
``default=`` (a reducer class for keys declared on first write). Writes are synchronous, so
asyncio branches never interleave inside one; use from the event loop (not thread-safe).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from codeguild.context.reducers import (
    REDUCERS,
    ContextConflictError,
    ContextValueError,
    Reducer,
)
from codeguild.errors import CodeguildError

__all__ = ["ContextKeyError", "ContextView", "SharedContext", "UndeclaredKeyError"]


class ContextKeyError(CodeguildError):
    """A shared-context key was declared twice."""

    code = "context_key"


class UndeclaredKeyError(ContextKeyError):
    """A write named a shared-context key that was never declared."""

    code = "context_undeclared_key"


_MISSING: Any = object()


class SharedContext:
    """The run's shared key-value state; each declared key combines writes by its reducer."""

    def __init__(
        self,
        keys: Mapping[str, Reducer] | None = None,
        *,
        default: type[Reducer] | None = None,
    ) -> None:
        self._reducers: dict[str, Reducer] = {}
        self._default = default
        self.step = 0
        #: every conflict raised, in order, for the report
        self.conflicts: list[dict[str, Any]] = []
        for key, reducer in (keys or {}).items():
            self.declare(key, reducer)

    def declare(self, key: str, reducer: Reducer) -> None:
        """Declare ``key`` with the reducer that combines writes to it."""
        if key in self._reducers:
            raise ContextKeyError(
                f"Shared-context key {key!r} is already declared as "
                f"{type(self._reducers[key]).__name__}.",
                hint="Declare each key once, before the branches that write it start.",
            )
        reducer.key, reducer.step = key, self.step
        self._reducers[key] = reducer

    def reducer(self, key: str) -> Reducer:
        found = self._reducers.get(key)
        if found is not None:
            return found
        if self._default is not None:
            self.declare(key, self._default())
            return self._reducers[key]
        raise UndeclaredKeyError(
            f"Shared-context key {key!r} is not declared.",
            hint=f"Declare it first, e.g. declare({key!r}, LastValue()), or create the "
            "SharedContext with default=LastValue.",
        )

    def write(self, writer: str, key: str, value: Any) -> None:
        """Write ``value`` to ``key`` as ``writer``; raises ContextConflictError on a conflict."""
        try:
            self.reducer(key).update(writer, value)
        except ContextConflictError as exc:
            self.conflicts.append(
                {
                    "key": exc.key,
                    "subkey": exc.subkey,
                    "writers": list(exc.writers),
                    "step": exc.step,
                }
            )
            raise

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, ``default`` when never written; raises on an unsettled conflict.

        Reading an undeclared key raises UndeclaredKeyError (a typo, most likely), unless the
        context has a ``default`` reducer; reading never declares a key.
        """
        reducer = self._reducers.get(key)
        if reducer is None and self._default is not None:
            return default
        try:
            return (reducer or self.reducer(key)).get()
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return key in self._reducers

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._reducers))

    def commit(self) -> int:
        """End the step: parallel branches joined, later writes are ordered after these."""
        for reducer in self._reducers.values():
            reducer.commit()
        self.step += 1
        return self.step

    def view(self, writer: str) -> ContextView:
        """A dict-like view that reads this context and writes as ``writer``."""
        return ContextView(self, writer)

    def checkpoint(self) -> dict[str, Any]:
        """JSON-able state (when the values are) that :meth:`from_checkpoint` restores."""
        return {
            "step": self.step,
            "keys": {
                key: {"reducer": type(r).__name__, "state": r.checkpoint()}
                for key, r in self._reducers.items()
            },
            "conflicts": [dict(c) for c in self.conflicts],
        }

    @classmethod
    def from_checkpoint(
        cls, checkpoint: Mapping[str, Any], *, default: type[Reducer] | None = None
    ) -> SharedContext:
        restored = cls(default=default)
        restored.step = checkpoint["step"]
        for key, entry in checkpoint["keys"].items():
            kind = REDUCERS.get(entry["reducer"])
            if kind is None:
                raise ContextValueError(
                    f"Checkpoint key {key!r} uses an unknown reducer {entry['reducer']!r}.",
                    hint=f"Known reducers: {', '.join(REDUCERS)}.",
                )
            restored._reducers[key] = kind(key).from_checkpoint(entry["state"])
        restored.conflicts = [dict(c) for c in checkpoint.get("conflicts", [])]
        return restored

    def snapshot(self) -> dict[str, Any]:
        """JSON-able view for the run report: values, reducers, step and conflicts."""
        values: dict[str, Any] = {}
        for key, reducer in self._reducers.items():
            try:
                values[key] = reducer.get()
            except KeyError:
                continue
            except ContextConflictError as exc:
                values[key] = {"conflict": str(exc)}
        return {
            "step": self.step,
            "reducers": {key: type(r).__name__ for key, r in self._reducers.items()},
            "values": values,
            "conflicts": [dict(c) for c in self.conflicts],
        }


class ContextView(MutableMapping[str, Any]):
    """A SharedContext seen by one writer: ``view[key] = value`` writes as that writer."""

    def __init__(self, context: SharedContext, writer: str) -> None:
        self.context, self.writer = context, writer

    def __getitem__(self, key: str) -> Any:
        value = self.context.get(key, _MISSING) if key in self.context else _MISSING
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self.context.write(self.writer, key, value)

    def __delitem__(self, key: str) -> None:
        raise ContextValueError(
            f"Shared-context key {key!r} cannot be deleted.",
            hint="Write an empty value instead, or declare a new key.",
        )

    def __iter__(self) -> Iterator[str]:
        return (k for k in self.context if self.context.get(k, _MISSING) is not _MISSING)

    def __len__(self) -> int:
        return sum(1 for _ in self)
