"""Properties of the shared-context reducers, over random writes from random writers."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codeguild.context import (
    Append,
    ContextConflictError,
    ErrorOnConflict,
    LastValue,
    LastWriterWins,
    MergeDict,
    SharedContext,
)

KINDS = {
    "lv": LastValue,
    "lww": LastWriterWins,
    "eoc": ErrorOnConflict,
    "app": Append,
    "md": MergeDict,
}
WRITERS = st.sampled_from(["a", "b", "c"])
SCALAR = st.integers(0, 2)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "lv": SCALAR,
    "lww": SCALAR,
    "eoc": SCALAR,
    "app": st.lists(SCALAR, max_size=2),
    "md": st.dictionaries(st.sampled_from(["x", "y"]), SCALAR, min_size=1, max_size=2),
}
ORDER_FREE = ["lv", "eoc", "app", "md"]  # every reducer but the explicit last-writer-wins

Write = tuple[str, str, Any]  # writer, key, value


def writes(keys: list[str]) -> st.SearchStrategy[Write]:
    return st.sampled_from(keys).flatmap(lambda key: st.tuples(WRITERS, st.just(key), VALUES[key]))


def fresh() -> SharedContext:
    return SharedContext({key: kind() for key, kind in KINDS.items()})


def apply(ctx: SharedContext, ops: list[Write | None]) -> list[str]:
    """Apply writes (None = commit); return what each write raised, for comparison."""
    raised = []
    for op in ops:
        if op is None:
            ctx.commit()
            continue
        try:
            ctx.write(*op)
            raised.append("")
        except ContextConflictError as exc:
            raised.append(str(exc))
    return raised


def observe(ctx: SharedContext) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key in ctx:
        try:
            seen[key] = ("value", ctx.get(key, "<unset>"))
        except ContextConflictError as exc:
            seen[key] = ("conflict", exc.writers, exc.subkey)
    return seen


@st.composite
def interleavings(draw: st.DrawFn) -> tuple[list[Write], list[Write]]:
    """The same per-writer write sequences, interleaved twice at random."""
    ops = draw(st.lists(writes(ORDER_FREE), max_size=12))
    first = draw(st.permutations(ops))
    tokens = draw(st.permutations([w for w, _, _ in first]))
    queues: dict[str, list[Write]] = defaultdict(list)
    for op in first:
        queues[op[0]].append(op)
    second = [queues[w].pop(0) for w in tokens]
    return first, second


@settings(max_examples=150, deadline=None)
@given(interleavings())
def test_the_state_after_a_step_does_not_depend_on_which_branch_wrote_first(
    pair: tuple[list[Write], list[Write]],
) -> None:
    one, two = fresh(), fresh()
    apply(one, list(pair[0]))
    apply(two, list(pair[1]))
    assert observe(one) == observe(two)
    one.commit()
    two.commit()
    assert observe(one) == observe(two)
    assert one.snapshot()["values"] == two.snapshot()["values"]


@settings(max_examples=150, deadline=None)
@given(st.lists(writes(["lv", "md"]), max_size=12))
def test_every_conflict_is_detected_and_names_every_writer(ops: list[Write]) -> None:
    ctx = fresh()
    apply(ctx, list(ops))
    lv_writers = sorted({w for w, key, _ in ops if key == "lv"})
    state = observe(ctx)
    if len(lv_writers) >= 2:
        assert state["lv"] == ("conflict", tuple(lv_writers), None)
    else:
        assert state["lv"][0] == "value"
    by_subkey: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for writer, key, value in ops:
        if key == "md":
            for subkey, item in value.items():
                by_subkey[subkey].append((writer, item))
    expected_bad = {
        subkey: tuple(sorted({w for w, _ in pairs}))
        for subkey, pairs in by_subkey.items()
        if any(w1 != w2 and v1 != v2 for w1, v1 in pairs for w2, v2 in pairs)
    }
    reducer = ctx.reducer("md")
    assert {k: writers for k, (writers, _) in reducer._bad.items()} == expected_bad
    if expected_bad:
        first = min(expected_bad)
        assert state["md"] == ("conflict", expected_bad[first], first)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.none(), writes(list(KINDS))), max_size=16),
    st.lists(st.one_of(st.none(), writes(list(KINDS))), max_size=8),
)
def test_checkpoint_round_trips_through_json(
    before: list[Write | None], after: list[Write | None]
) -> None:
    original = fresh()
    apply(original, before)
    restored = SharedContext.from_checkpoint(json.loads(json.dumps(original.checkpoint())))
    assert restored.checkpoint() == original.checkpoint()
    assert observe(restored) == observe(original)
    # and it behaves the same from there on, conflicts included
    assert apply(restored, after) == apply(original, after)
    assert observe(restored) == observe(original)
    assert restored.snapshot() == original.snapshot()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(WRITERS, st.lists(SCALAR, max_size=3)), max_size=10))
def test_append_keeps_every_item_once_in_writer_order(ops: list[tuple[str, list[int]]]) -> None:
    ctx = fresh()
    for writer, items in ops:
        ctx.write(writer, "app", items)
    expected = [i for w in sorted({w for w, _ in ops}) for o, items in ops if o == w for i in items]
    assert ctx.get("app") == expected
