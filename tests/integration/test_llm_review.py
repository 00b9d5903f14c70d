"""The reviewer with an LLM engine: model findings merged with the tools', against a real
scripted OpenAI-compatible server over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codeguild.agents.base import RunContext, TaskResult, TaskSpec, Workspace
from codeguild.agents.checks import failed_files
from codeguild.agents.reviewer import ReviewerAgent
from codeguild.engines.base import Blueprint
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.engines.llm import LLMConfig, LLMEngine
from codeguild.intent.models import ProjectIntent, ProjectType
from codeguild.store.memory import open_memory_store
from support.llm_projects import TinyLibraryModel, review_finding
from support.scripted_llm import Reply, ScriptedLLM

pytestmark = pytest.mark.integration

PKG = "add_multiply"
INTENT = ProjectIntent(
    requirement="A small Python library to add and multiply integers.",
    project_type=ProjectType.LIBRARY,
    name="add-multiply",
    summary="Small arithmetic helpers.",
)
#: a module with an unused import: ruff reports F401 on line 3
EXTRA = '"""Extra helpers."""\n\nimport os\n\n\ndef double(a: int) -> int:\n    return a * 2\n'


@pytest.fixture
def server() -> Iterator[ScriptedLLM]:
    with ScriptedLLM().running() as scripted:
        yield scripted


def _engine(server: ScriptedLLM, **kw: Any) -> LLMEngine:
    return LLMEngine(LLMConfig(base_url=server.base_url, model="scripted"), **kw)


def _project(root: Path, **extra: str) -> Path:
    files = TinyLibraryModel().files(PKG, fixed=True)
    for rel, text in {**files, **extra}.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def _ctx(root: Path, engine: Any) -> RunContext:
    return RunContext(
        run_id="run-review",
        intent=INTENT,
        engine=engine,
        blueprint=Blueprint(package=PKG, components=()),
        workspace=Workspace(root),
    )


async def _review(root: Path, engine: Any) -> TaskResult:
    task = TaskSpec(name="review", capability="review")
    return await ReviewerAgent().execute(task, _ctx(root, engine))


def _check(result: TaskResult, name: str) -> dict[str, Any]:
    (check,) = [c for c in result.data["checks"] if c["check"] == name]
    return check


async def test_model_findings_are_merged_with_the_tools_and_invalid_ones_dropped(
    server: ScriptedLLM, tmp_path: Path
) -> None:
    big = "".join(f"VALUE_{i} = {i}\n" for i in range(2000))
    root = _project(tmp_path, **{f"{PKG}/extra.py": EXTRA, f"{PKG}/table.py": big})
    server.default = TinyLibraryModel(
        review=lambda pkg: [
            review_finding(pkg),
            # the same remark as ruff's F401 on the same line: a duplicate
            review_finding(
                pkg,
                file=f"{pkg}/extra.py",
                line=3,
                rule="unused-import",
                message="`os` imported but unused",
            ),
            review_finding(pkg, file=f"{pkg}/missing.py"),  # no such file
            review_finding(pkg, line=999),  # calc.py is not that long
        ]
    )
    with _engine(server) as engine:
        result = await _review(root, engine)
        usage = engine.usage()

    ruff = _check(result, "ruff")
    assert any(f["rule"] == "F401" and f["file"] == f"{PKG}/extra.py" for f in ruff["findings"])
    llm = _check(result, "llm-review")
    assert [(f["check"], f["file"], f["line"], f["severity"]) for f in llm["findings"]] == [
        ("llm-review", f"{PKG}/calc.py", 1, "low")
    ]
    finding = llm["findings"][0]
    assert finding["rule"] == "terse-module-name" and finding["fix_hint"]
    notes = llm["details"]["notes"]
    assert notes["unknown_file"] == 1 and notes["bad_line"] == 1 and notes["duplicate"] == 1
    assert notes["truncated_files"] == 1
    assert llm["passed"] and llm["error"] is None
    assert result.data["verdicts"]["llm-review"] == {"passed": True, "reasons": []}
    # the review fails for ruff's sake alone; the low model finding is advisory
    assert not result.ok and result.summary.endswith("model review: 1 finding(s)")
    assert failed_files(result) == {f"{PKG}/extra.py"}

    # bounded input: Python sources only, a big file truncated with a marker, tools listed
    (served,) = server.served
    prompt = served.last_user
    assert prompt.startswith("## task: review")
    assert "[truncated by codeguild:" in prompt and "VALUE_1999" not in prompt
    assert "README.md" not in prompt and "Small arithmetic helpers.\n\n```python" not in prompt
    assert f"{PKG}/extra.py:3 [F401]" in prompt
    assert str(tmp_path) not in prompt
    assert usage.by_role["review"].calls == 1


async def test_a_high_model_finding_fails_the_review(server: ScriptedLLM, tmp_path: Path) -> None:
    root = _project(tmp_path)
    server.default = TinyLibraryModel(
        review=lambda pkg: [
            review_finding(
                pkg,
                line=11,
                severity="high",
                rule="wrong-result",
                message="mul accepts bool arguments silently instead of rejecting them.",
            )
        ]
    )
    with _engine(server) as engine:
        result = await _review(root, engine)

    assert not result.ok
    verdict = result.data["verdicts"]["llm-review"]
    assert not verdict["passed"] and "severity high" in verdict["reasons"][0]
    assert all(v["passed"] for k, v in result.data["verdicts"].items() if k != "llm-review")
    # the fix round gets the file like any failed tool's
    assert failed_files(result) == {f"{PKG}/calc.py"}


async def test_a_model_that_answers_invalid_json_twice_leaves_a_note_not_a_crash(
    server: ScriptedLLM, tmp_path: Path
) -> None:
    root = _project(tmp_path)
    server.queue(Reply("Looks fine to me!"), Reply('{"findings": [ {"file": }'))
    with _engine(server) as engine:
        result = await _review(root, engine)
        usage = engine.usage()

    assert server.calls == 2 and usage.repairs == 1
    llm = _check(result, "llm-review")
    assert llm["findings"] == [] and llm["passed"]
    assert "no usable review in 2 attempt(s)" in llm["error"]
    assert result.ok, result.summary  # the tools pass; the missing model review does not fail
    assert "model review unavailable" in result.summary


def test_the_cache_answers_a_repeated_review(server: ScriptedLLM, tmp_path: Path) -> None:
    root = _project(tmp_path)
    model = TinyLibraryModel()
    server.default = model
    files = {p: (root / p).read_text() for p in Workspace(root).files() if p.endswith(".py")}
    store = open_memory_store()
    with _engine(server, store=store) as engine:
        first = engine.review(INTENT, files, [])
    with _engine(server, store=store) as engine:
        again = engine.review(INTENT, files, [])
        usage = engine.usage()

    assert model.reviews == 1 and server.calls == 1
    assert usage.calls == 0 and usage.cache_hits == 1
    assert list(again) == list(first) and len(first) == 1
    assert first[0].file == f"{PKG}/calc.py" and first[0].check == "llm-review"


async def test_the_builtin_engine_review_has_no_model_check(tmp_path: Path) -> None:
    result = await _review(_project(tmp_path), BuiltinEngine())
    assert "llm-review" not in {c["check"] for c in result.data["checks"]}
    assert "llm-review" not in result.data["verdicts"]
