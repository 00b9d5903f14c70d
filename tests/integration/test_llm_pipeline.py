"""Whole runs through Pipeline(engine=LLMEngine(...)) against the scripted model over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codeguild.config import Settings
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.engines.llm import Budget, LLMConfig, LLMConfigError, LLMEngine
from codeguild.engines.select import select_engine
from codeguild.pipeline import Pipeline
from codeguild.store.memory import open_memory_store
from support.llm_projects import TinyLibraryModel
from support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.integration

REQUIREMENT = "A small Python library to add and multiply integers."


@pytest.fixture
def server() -> Iterator[ScriptedLLM]:
    with ScriptedLLM().running() as scripted:
        yield scripted


def _engine(server: ScriptedLLM, **kw: object) -> LLMEngine:
    return LLMEngine(LLMConfig(base_url=server.base_url, model="scripted"), **kw)  # type: ignore[arg-type]


def _tasks(server: ScriptedLLM) -> list[str]:
    return [s.body["messages"][1]["content"].splitlines()[0] for s in server.served]


async def test_first_code_fails_its_test_and_the_fix_round_passes_then_a_rerun_is_cached(
    server: ScriptedLLM, tmp_path: Path
) -> None:
    server.default = TinyLibraryModel(buggy=True)
    store = open_memory_store()
    with _engine(server, store=store) as engine:
        report = await Pipeline(engine=engine).generate(REQUIREMENT, tmp_path / "first")
        usage = engine.usage()
    assert report.status == "passed", report.iterations
    assert report.iterations["initial_failures"]["run_tests"].startswith("1 passed, 1 failed")
    assert report.stop_reason == "quality threshold met after round 1"
    (round_1,) = report.iterations["rounds"]
    assert any("revised" in a and "calc.py" in a for a in round_1["actions"]), round_1
    (calc,) = Path(report.output_dir).rglob("calc.py")
    assert "return a * b" in calc.read_text()
    tasks = _tasks(server)
    # the model first refines the intent, then plans
    planning = tasks[1:]
    assert tasks[0] == "## task: intent" and planning[0] == "## task: plan", tasks
    # the reviews after generating and after the fix round each end with a model review
    assert tasks[-3] == tasks[-1] == "## task: review", tasks
    assert tasks[-2].startswith("## task: fix "), tasks
    assert sum(t.startswith("## task: write ") for t in tasks) == 4  # pyproject is rendered
    # the fix prompt carries the failing test's traceback and the test module, bounded
    fix_prompt = server.served[-2].last_user
    assert "test_mul" in fix_prompt and "assert mul(2, 3) == 6" in fix_prompt
    assert str(tmp_path) not in fix_prompt, "paths are project-relative (stable cache keys)"
    # the coder's prompt holds the signatures it needs, not whole files
    init_prompt = next(
        s.last_user
        for s in server.served
        if "write " in s.last_user and "__init__.py" in s.last_user.splitlines()[0]
    )
    assert "def mul(a: int, b: int) -> int:" in init_prompt
    assert "return a + b" not in init_prompt
    assert usage.calls == len(server.served) == 9 and usage.cache_hits == 0
    assert set(usage.by_role) == {"intent", "plan", "code", "tests", "docs", "fix", "review"}

    calls_before = server.calls
    with _engine(server, store=store) as engine:
        again = await Pipeline(engine=engine).generate(REQUIREMENT, tmp_path / "again")
        cached = engine.usage()
    assert server.calls == calls_before, "the rerun is answered entirely from the cache"
    assert cached.calls == 0 and cached.cache_hits == usage.calls
    assert again.status == "passed"


async def test_a_model_that_never_gets_the_tests_right_stops_at_the_round_limit(
    server: ScriptedLLM, tmp_path: Path
) -> None:
    server.default = TinyLibraryModel(always_buggy=True)
    with _engine(server) as engine:
        pipeline = Pipeline(engine=engine, settings=Settings(fix_rounds=2))
        report = await pipeline.generate(REQUIREMENT, tmp_path)
    assert report.status == "failed"
    assert report.stop_reason == "round limit reached (2)"
    assert [len(r["actions"]) > 0 and not r["passed"] for r in report.iterations["rounds"]] == [
        True,
        True,
    ]
    assert sum(t.startswith("## task: fix ") for t in _tasks(server)) == 2
    assert Path(report.output_dir, "codeguild-report.md").exists()


async def test_budget_reached_before_the_fix_round_keeps_the_project_and_says_so(
    server: ScriptedLLM, tmp_path: Path
) -> None:
    server.default = TinyLibraryModel(buggy=True)
    with _engine(server) as probe:  # measure what generating (without reviews, fixes) costs
        await Pipeline(engine=probe).generate(REQUIREMENT, tmp_path / "probe")
        by_role = probe.usage().by_role
    generation = sum(
        r.prompt_tokens + r.completion_tokens
        for k, r in by_role.items()
        if k not in ("fix", "review")
    )
    server.reset()
    with _engine(server, budget=Budget(max_tokens=generation)) as engine:
        report = await Pipeline(engine=engine).generate(REQUIREMENT, tmp_path / "budget")
        usage = engine.usage().as_dict()
    assert not any(t.startswith("## task: fix ") for t in _tasks(server))
    assert report.status == "failed" and report.iterations["rounds"] == []
    assert "no fix available" in report.stop_reason
    assert usage["budget_exhausted"] and usage["stop_reason"].startswith("budget reached")
    assert (
        Path(report.output_dir, "add_multiply", "calc.py").exists()
        or Path(report.output_dir).exists()
    )


def test_select_engine_picks_the_llm_only_when_configured(server: ScriptedLLM) -> None:
    assert isinstance(select_engine("auto", Settings()), BuiltinEngine)
    assert isinstance(select_engine("builtin", Settings()), BuiltinEngine)
    with pytest.raises(LLMConfigError, match="CODEGUILD_LLM_BASE_URL"):
        select_engine("llm", Settings())
    configured = Settings(llm_base_url=server.base_url, llm_model="scripted")
    engine = select_engine("auto", configured, budget="$0.25")
    assert isinstance(engine, LLMEngine) and engine.budget.max_cost == 0.25
    engine.close()
