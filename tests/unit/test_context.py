"""SharedContext reducers: conflicts are detected and named, results do not depend on timing."""

from __future__ import annotations

import asyncio
import json

import pytest

from codeguild.agents.base import FIX_NOTES_KEY, RunContext
from codeguild.context import (
    Append,
    ContextConflictError,
    ContextKeyError,
    ContextValueError,
    ErrorOnConflict,
    LastValue,
    LastWriterWins,
    MergeDict,
    SharedContext,
    UndeclaredKeyError,
)

LAST_VALUE_HINT = (
    "A LastValue key takes one writer per step: let one task own it, or declare it "
    "LastWriterWins (the last write wins) or Append (keep every write)."
)


def test_two_writers_on_a_last_value_key_conflict_and_poison_it() -> None:
    ctx = SharedContext({"plan": LastValue()})
    ctx.write("planner", "plan", {"v": 1})
    ctx.write("planner", "plan", {"v": 2})  # one writer may change its mind
    with pytest.raises(ContextConflictError) as info:
        ctx.write("coder", "plan", {"v": 3})
    err = info.value
    assert str(err) == (
        "Conflicting writes to shared-context key 'plan' in step 0: "
        f"written by 'coder' and 'planner'. {LAST_VALUE_HINT}"
    )
    assert err.code == "context_conflict"
    assert (err.key, err.writers, err.step, err.subkey) == ("plan", ("coder", "planner"), 0, None)
    # neither value survives: reads raise the same conflict until a later step settles it
    with pytest.raises(ContextConflictError, match="written by 'coder' and 'planner'"):
        ctx.get("plan")
    with pytest.raises(ContextConflictError, match="written by 'coder' and 'planner'"):
        ctx.write("planner", "plan", {"v": 4})
    with pytest.raises(ContextConflictError) as third:
        ctx.write("tester", "plan", 0)
    assert third.value.writers == ("coder", "planner", "tester")
    assert ctx.snapshot()["values"]["plan"]["conflict"].startswith("Conflicting writes")
    assert ctx.commit() == 1
    with pytest.raises(ContextConflictError):
        ctx.get("plan")  # a commit alone does not make a conflict go away
    ctx.write("planner", "plan", {"v": 5})
    assert ctx.get("plan") == {"v": 5}
    assert [c["writers"] for c in ctx.conflicts] == [
        ["coder", "planner"],
        ["coder", "planner"],
        ["coder", "planner", "tester"],
    ]


def test_the_conflict_message_is_the_same_whoever_writes_first() -> None:
    messages = set()
    for order in (("a", "b"), ("b", "a")):
        ctx = SharedContext({"k": LastValue()})
        ctx.write(order[0], "k", 1)
        with pytest.raises(ContextConflictError) as info:
            ctx.write(order[1], "k", 2)
        messages.add(str(info.value))
    assert len(messages) == 1


def test_steps_order_writes_so_later_steps_may_overwrite() -> None:
    ctx = SharedContext({"plan": LastValue(), "notes": Append(), "files": MergeDict()})
    ctx.write("planner", "plan", "v1")
    ctx.write("a", "notes", ["a1"])
    ctx.write("a", "files", {"x.py": "a"})
    ctx.commit()
    ctx.write("replanner", "plan", "v2")
    ctx.write("b", "files", {"x.py": "b"})  # a later step: no conflict with step 0
    assert ctx.get("plan") == "v2"
    assert ctx.get("files") == {"x.py": "b"}
    fresh = SharedContext({"unset": LastValue()})
    assert fresh.get("unset", "default") == "default"


def test_last_writer_wins_is_an_explicit_opt_in() -> None:
    ctx = SharedContext({"status": LastWriterWins()})
    ctx.write("a", "status", "one")
    ctx.write("b", "status", "two")
    assert ctx.get("status") == "two" and ctx.conflicts == []


def test_append_orders_a_steps_writes_by_writer_then_write_order() -> None:
    ctx = SharedContext({"log": Append()})
    ctx.write("zed", "log", ["z1"])
    ctx.write("amy", "log", ["a1"])
    ctx.write("zed", "log", ("z2",))
    ctx.write("amy", "log", ["a2"])
    assert ctx.get("log") == ["a1", "a2", "z1", "z2"]
    ctx.commit()
    ctx.write("amy", "log", ["a3"])
    assert ctx.get("log") == ["a1", "a2", "z1", "z2", "a3"]
    with pytest.raises(ContextValueError) as info:
        ctx.write("amy", "log", "a4")
    assert str(info.value) == (
        "Shared-context key 'log' (Append) takes a list of items to add, got str. "
        "Wrap a single item as [item]."
    )
    assert info.value.code == "context_value"


def test_merge_dict_conflicts_only_on_disagreeing_sub_keys() -> None:
    ctx = SharedContext({"files": MergeDict()})
    ctx.write("coder", "files", {"app.py": "v1", "README.md": "r"})
    ctx.write("docs", "files", {"README.md": "r", "docs.md": "d"})  # same value: agreement
    assert ctx.get("files") == {"app.py": "v1", "README.md": "r", "docs.md": "d"}
    with pytest.raises(ContextConflictError) as info:
        ctx.write("fixer", "files", {"app.py": "v2", "fix.py": "f"})
    assert str(info.value) == (
        "Conflicting writes to shared-context key 'files' (sub-key 'app.py') in step 0: "
        "written by 'coder' and 'fixer'. Let each branch write its own sub-keys, or make the "
        "branches agree on one value."
    )
    assert info.value.subkey == "app.py"
    ctx.write("tester", "files", {"tests.py": "t"})  # other sub-keys stay writable
    ctx.commit()
    ctx.write("fixer", "files", {"app.py": "v3"})  # a later step settles the sub-key
    assert ctx.get("files") == {
        "README.md": "r",
        "docs.md": "d",
        "fix.py": "f",
        "tests.py": "t",
        "app.py": "v3",
    }
    with pytest.raises(ContextValueError, match=r"\(MergeDict\) takes a mapping of sub-keys"):
        ctx.write("fixer", "files", ["app.py"])


def test_error_on_conflict_is_write_once() -> None:
    ctx = SharedContext({"framework": ErrorOnConflict()})
    ctx.write("planner", "framework", "fastapi")
    ctx.write("coder", "framework", "fastapi")  # agreeing is fine
    ctx.commit()
    with pytest.raises(ContextConflictError) as info:
        ctx.write("coder", "framework", "flask")
    assert str(info.value).startswith(
        "Conflicting writes to shared-context key 'framework' in step 1: "
        "written by 'planner' and 'coder'. An ErrorOnConflict key is a fact"
    )
    assert ctx.get("framework") == "fastapi"  # the earlier step's value is kept
    same_step = SharedContext({"k": ErrorOnConflict()})
    same_step.write("solo", "k", 1)
    with pytest.raises(ContextConflictError, match="written twice by 'solo' with different values"):
        same_step.write("solo", "k", 2)


def test_undeclared_and_duplicate_keys() -> None:
    ctx = SharedContext({"plan": LastValue()})
    with pytest.raises(UndeclaredKeyError) as info:
        ctx.write("a", "plna", 1)
    assert str(info.value) == (
        "Shared-context key 'plna' is not declared. Declare it first, e.g. "
        "declare('plna', LastValue()), or create the SharedContext with default=LastValue."
    )
    assert info.value.code == "context_undeclared_key"
    with pytest.raises(UndeclaredKeyError):
        ctx.get("plna")
    with pytest.raises(ContextKeyError) as dup:
        ctx.declare("plan", Append())
    assert str(dup.value) == (
        "Shared-context key 'plan' is already declared as LastValue. "
        "Declare each key once, before the branches that write it start."
    )
    lenient = SharedContext(default=Append)
    assert lenient.get("anything") is None and "anything" not in lenient
    lenient.write("a", "anything", [1])
    assert lenient.snapshot()["reducers"] == {"anything": "Append"}


def test_view_reads_and_writes_as_its_writer() -> None:
    ctx = SharedContext({"plan": LastValue(), "log": Append()})
    coder, tester = ctx.view("coder"), ctx.view("tester")
    coder["plan"] = "p"
    assert "plan" in tester and tester["plan"] == "p"
    assert dict(tester) == {"plan": "p", "log": []} and len(tester) == 2
    with pytest.raises(ContextConflictError, match="'coder' and 'tester'"):
        tester["plan"] = "q"
    with pytest.raises(KeyError):
        tester["undeclared"]
    assert SharedContext({"empty": LastValue()}).view("x").get("empty") is None
    with pytest.raises(ContextValueError, match="cannot be deleted"):
        del coder["plan"]


async def test_parallel_asyncio_branches_writing_one_key_always_conflict() -> None:
    ctx = SharedContext({"verdict": LastValue(), "findings": Append()})

    async def branch(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        ctx.write(name, "findings", [name])
        ctx.write(name, "verdict", name)

    results = await asyncio.gather(
        branch("security", 0.002), branch("review", 0.0), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, ContextConflictError)]
    assert len(errors) == 1 and errors[0].writers == ("review", "security")
    assert ctx.get("findings") == ["review", "security"]
    snapshot = ctx.snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["conflicts"] == [
        {"key": "verdict", "subkey": None, "writers": ["review", "security"], "step": 0}
    ]


def test_checkpoint_restores_an_unknown_reducer_with_a_clear_error() -> None:
    data = SharedContext({"k": LastValue()}).checkpoint()
    data["keys"]["k"]["reducer"] = "Mystery"
    with pytest.raises(ContextValueError) as info:
        SharedContext.from_checkpoint(data)
    assert str(info.value) == (
        "Checkpoint key 'k' uses an unknown reducer 'Mystery'. Known reducers: LastValue, "
        "LastWriterWins, ErrorOnConflict, Append, MergeDict."
    )


def test_a_runs_shared_context_declares_its_keys_and_refuses_others() -> None:
    shared = RunContext(
        run_id="r",
        intent=None,  # type: ignore[arg-type]
        engine=None,  # type: ignore[arg-type]
        blueprint=None,  # type: ignore[arg-type]
        workspace=None,  # type: ignore[arg-type]
    ).shared
    # two coders noting in the same step: both notes kept, ordered by writer
    shared.write("coder-2", FIX_NOTES_KEY, ["could not revise api"])
    shared.write("coder-1", FIX_NOTES_KEY, ["could not revise models"])
    assert shared.get(FIX_NOTES_KEY) == ["could not revise models", "could not revise api"]
    with pytest.raises(UndeclaredKeyError) as info:
        shared.write("coder-1", "coder.fix_note", ["typo in the key"])
    assert str(info.value).startswith("Shared-context key 'coder.fix_note' is not declared.")
    assert shared.snapshot()["reducers"] == {FIX_NOTES_KEY: "Append"}
