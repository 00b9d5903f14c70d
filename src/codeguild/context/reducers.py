"""Shared-context reducers: each key's tiny class that combines concurrent writes to it.

Modelled on LangGraph's channels: each reducer (``LastValue``, ``LastWriterWins``, ``Append``,
``MergeDict``, ``ErrorOnConflict``) has ``update(writer, value)``, ``get()``, ``commit()``,
``checkpoint()`` and ``from_checkpoint()``; :class:`~codeguild.context.shared.SharedContext`
holds one per key.

Within a step (the span between two commits) nothing depends on which writer came first:
``Append`` and ``MergeDict`` order a step's writes by writer name, then by each writer's own order;
a conflict (two writers on one ``LastValue`` key; different values for one ``MergeDict`` sub-key or
``ErrorOnConflict`` key) raises :class:`ContextConflictError` naming the key and the writers
(sorted) and *poisons* that key or sub-key: reads raise the same error until a write in a later
step settles it. Nothing is silently overwritten (``LastWriterWins`` is the explicit opt-in).
``ErrorOnConflict`` against a value set in an earlier step rejects the write and keeps the value,
since that order is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from codeguild.errors import CodeguildError


class ContextConflictError(CodeguildError):
    """Writers disagreed on a shared-context key; the message names the key and the writers."""

    code = "context_conflict"

    def __init__(
        self, key: str, writers: tuple[str, ...], step: int, subkey: str | None, hint: str
    ) -> None:
        self.key, self.writers, self.step, self.subkey = key, writers, step, subkey
        where = f" (sub-key {subkey!r})" if subkey is not None else ""
        if len(writers) == 1:
            who = f"written twice by {writers[0]!r} with different values"
        else:
            who = "written by " + " and ".join(repr(w) for w in writers)
        super().__init__(
            f"Conflicting writes to shared-context key {key!r}{where} in step {step}: {who}.",
            hint=hint,
        )


class ContextValueError(CodeguildError):
    """A value cannot be combined by the key's reducer (e.g. a non-list for Append)."""

    code = "context_value"


class Reducer:
    """How concurrent writes to one shared-context key combine (base class)."""

    __slots__ = ("_bad", "key", "step")
    conflict_hint: ClassVar[str] = ""

    def __init__(self, key: str = "") -> None:
        self.key = key
        self.step = 0
        #: unsettled conflicts: sub-key (None for the whole key) -> (writers, step)
        self._bad: dict[Any, tuple[tuple[str, ...], int]] = {}

    def update(self, writer: str, value: Any) -> None:
        raise NotImplementedError

    def get(self) -> Any:
        raise NotImplementedError

    def commit(self) -> None:
        """End the current step."""
        self.step += 1

    def checkpoint(self) -> dict[str, Any]:
        bad = [[sub, list(writers), step] for sub, (writers, step) in self._bad.items()]
        return {"step": self.step, "bad": bad, **self._state()}

    def from_checkpoint(self, checkpoint: Mapping[str, Any]) -> Self:
        """A new reducer of this kind, for this key, in the checkpointed state."""
        fresh = type(self)(self.key)
        fresh.step = checkpoint["step"]
        fresh._bad = {sub: (tuple(writers), step) for sub, writers, step in checkpoint["bad"]}
        fresh._restore(checkpoint)
        return fresh

    def _state(self) -> dict[str, Any]:
        raise NotImplementedError

    def _restore(self, checkpoint: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _conflict(self, writers: set[str], subkey: Any = None) -> ContextConflictError:
        """Poison ``subkey`` (None: the key) for this step and build the error naming everyone."""
        old = self._bad.get(subkey)
        if old is not None and old[1] == self.step:
            writers = writers | set(old[0])
        self._bad[subkey] = (tuple(sorted(writers)), self.step)
        return self._error(subkey)

    def _error(self, subkey: Any) -> ContextConflictError:
        writers, step = self._bad[subkey]
        return ContextConflictError(self.key, writers, step, subkey, self.conflict_hint)

    def _settle(self, writer: str, subkey: Any = None) -> None:
        """Before a write: re-raise a conflict of this step, or forget one from an earlier step."""
        bad = self._bad.get(subkey)
        if bad is not None and bad[1] == self.step:
            raise self._conflict({writer}, subkey)
        self._bad.pop(subkey, None)

    def _check_readable(self) -> None:
        if self._bad:
            raise self._error(sorted(self._bad, key=repr)[0])


class LastValue(Reducer):
    """One writer per step; a second writer in the same step is a conflict."""

    __slots__ = ("_has", "_value", "_writer")
    conflict_hint = (
        "A LastValue key takes one writer per step: let one task own it, or declare it "
        "LastWriterWins (the last write wins) or Append (keep every write)."
    )

    def __init__(self, key: str = "") -> None:
        super().__init__(key)
        self._value: Any = None
        self._has = False
        self._writer: str | None = None  # who wrote it in this step

    def update(self, writer: str, value: Any) -> None:
        self._settle(writer)
        if self._writer is not None and self._writer != writer:
            self._has, self._value = False, None
            raise self._conflict({self._writer, writer})
        self._value, self._has, self._writer = value, True, writer

    def get(self) -> Any:
        self._check_readable()
        if not self._has:
            raise KeyError(self.key)
        return self._value

    def commit(self) -> None:
        super().commit()
        self._writer = None

    def _state(self) -> dict[str, Any]:
        return {"has": self._has, "value": self._value, "writer": self._writer}

    def _restore(self, checkpoint: Mapping[str, Any]) -> None:
        self._has, self._value = checkpoint["has"], checkpoint["value"]
        self._writer = checkpoint["writer"]


class LastWriterWins(LastValue):
    """The most recent write wins, whoever wrote it (explicit opt-in; depends on timing)."""

    __slots__ = ()

    def update(self, writer: str, value: Any) -> None:
        self._value, self._has, self._writer = value, True, writer


class ErrorOnConflict(LastValue):
    """Write-once: rewriting the same value is fine, any different value is a conflict."""

    __slots__ = ("_agreed", "_set_in")
    conflict_hint = (
        "An ErrorOnConflict key is a fact that must not change: write the value it already "
        "holds, or declare it LastValue or LastWriterWins if it may change."
    )

    def __init__(self, key: str = "") -> None:
        super().__init__(key)
        self._set_in = 0  # the step the value was set in; _writer is who set it
        self._agreed: list[str] = []  # who wrote it in this step (all with the same value)

    def update(self, writer: str, value: Any) -> None:
        self._settle(writer)
        if not self._has or self._value == value:
            if not self._has:
                self._value, self._has, self._writer, self._set_in = value, True, writer, self.step
            if self._set_in == self.step and writer not in self._agreed:
                self._agreed.append(writer)
            return
        if self._set_in < self.step:  # set in an earlier step: the order is known, keep it
            writers = tuple(dict.fromkeys((self._writer or "", writer)))
            raise ContextConflictError(self.key, writers, self.step, None, self.conflict_hint)
        self._has, self._value = False, None
        raise self._conflict({*self._agreed, writer})

    def commit(self) -> None:
        Reducer.commit(self)  # the holder is remembered across steps
        self._agreed = []

    def _state(self) -> dict[str, Any]:
        return {**super()._state(), "set_in": self._set_in, "agreed": list(self._agreed)}

    def _restore(self, checkpoint: Mapping[str, Any]) -> None:
        super()._restore(checkpoint)
        self._set_in, self._agreed = checkpoint["set_in"], list(checkpoint["agreed"])


class Append(Reducer):
    """List concatenation: earlier steps first, then this step's writes by writer name."""

    __slots__ = ("_items", "_pending")

    def __init__(self, key: str = "") -> None:
        super().__init__(key)
        self._items: list[Any] = []
        self._pending: dict[str, list[Any]] = {}

    def update(self, writer: str, value: Any) -> None:
        if not isinstance(value, list | tuple):
            raise ContextValueError(
                f"Shared-context key {self.key!r} (Append) takes a list of items to add, "
                f"got {type(value).__name__}.",
                hint="Wrap a single item as [item].",
            )
        self._pending.setdefault(writer, []).extend(value)

    def get(self) -> list[Any]:
        merged = list(self._items)
        for writer in sorted(self._pending):
            merged.extend(self._pending[writer])
        return merged

    def commit(self) -> None:
        self._items = self.get()
        self._pending = {}
        super().commit()

    def _state(self) -> dict[str, Any]:
        return {
            "items": list(self._items),
            "pending": {w: list(v) for w, v in self._pending.items()},
        }

    def _restore(self, checkpoint: Mapping[str, Any]) -> None:
        self._items = list(checkpoint["items"])
        self._pending = {w: list(v) for w, v in checkpoint["pending"].items()}


class MergeDict(Reducer):
    """Dict merge; a sub-key given different values by two writers in one step is a conflict."""

    __slots__ = ("_base", "_pending", "_seen")
    conflict_hint = (
        "Let each branch write its own sub-keys, or make the branches agree on one value."
    )

    def __init__(self, key: str = "") -> None:
        super().__init__(key)
        self._base: dict[Any, Any] = {}
        self._pending: dict[str, dict[Any, Any]] = {}
        # every (writer, value) per sub-key this step: a conflict must not depend on whether a
        # writer changed its mind before or after another writer's write
        self._seen: dict[Any, list[tuple[str, Any]]] = {}

    def update(self, writer: str, value: Any) -> None:
        if not isinstance(value, Mapping):
            raise ContextValueError(
                f"Shared-context key {self.key!r} (MergeDict) takes a mapping of sub-keys, "
                f"got {type(value).__name__}.",
                hint="Write {'sub_key': value}.",
            )
        errors: list[ContextConflictError] = []
        for subkey, item in value.items():
            try:
                self._settle(writer, subkey)  # only a conflicted sub-key is poisoned
            except ContextConflictError as exc:
                errors.append(exc)
                continue
            seen = self._seen.setdefault(subkey, [])
            seen.append((writer, item))
            if any(w != writer and v != item for w, v in seen):
                for pending in self._pending.values():
                    pending.pop(subkey, None)  # neither side wins: the sub-key falls back
                errors.append(self._conflict({w for w, _ in seen}, subkey))
                continue
            self._pending.setdefault(writer, {})[subkey] = item
        if errors:  # the write's other sub-keys are kept, whatever order the writers came in
            raise errors[0]

    def get(self) -> dict[Any, Any]:
        self._check_readable()
        return self._merged()

    def commit(self) -> None:
        self._base = self._merged()
        self._pending, self._seen = {}, {}
        super().commit()

    def _merged(self) -> dict[Any, Any]:
        merged = dict(self._base)
        for writer in sorted(self._pending):
            merged.update(self._pending[writer])
        return merged

    def _state(self) -> dict[str, Any]:
        return {
            "base": dict(self._base),
            "pending": {w: dict(p) for w, p in self._pending.items()},
            "seen": [[k, w, v] for k, pairs in self._seen.items() for w, v in pairs],
        }

    def _restore(self, checkpoint: Mapping[str, Any]) -> None:
        self._base = dict(checkpoint["base"])
        self._pending = {w: dict(p) for w, p in checkpoint["pending"].items()}
        self._seen = {}
        for subkey, writer, item in checkpoint["seen"]:
            self._seen.setdefault(subkey, []).append((writer, item))


REDUCERS: dict[str, type[Reducer]] = {
    cls.__name__: cls for cls in (LastValue, LastWriterWins, ErrorOnConflict, Append, MergeDict)
}
