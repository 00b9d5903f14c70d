"""A budget that runs out mid-generation stops the run cleanly; resume with more finishes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codeguild.engines.llm import Budget, LLMConfig, LLMEngine
from codeguild.errors import CodeguildError
from codeguild.pipeline import Pipeline
from codeguild.store.db import Store
from support.llm_projects import TinyLibraryModel
from support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.integration

REQUIREMENT = "A small Python library to add and multiply integers."


@pytest.fixture
def server() -> Iterator[ScriptedLLM]:
    with ScriptedLLM().running() as scripted:
        scripted.default = TinyLibraryModel()
        yield scripted


def _engine(server: ScriptedLLM, budget: Budget | None = None) -> LLMEngine:
    return LLMEngine(LLMConfig(base_url=server.base_url, model="scripted"), budget=budget)


async def test_budget_stop_mid_generation_then_resume(server: ScriptedLLM, tmp_path: Path) -> None:
    with _engine(server) as probe:  # what understanding and planning cost
        await Pipeline(engine=probe).generate(REQUIREMENT, tmp_path / "probe")
        by_role = probe.usage().by_role
    planning = sum(
        r.prompt_tokens + r.completion_tokens for k, r in by_role.items() if k in ("intent", "plan")
    )
    server.reset()
    async with await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}") as store:
        with _engine(server, Budget(max_tokens=planning + 1)) as poor:
            pipeline = Pipeline(engine=poor, store=store)
            with pytest.raises(CodeguildError) as info:
                await pipeline.generate(REQUIREMENT, tmp_path / "out")
        assert info.value.code == "budget_exceeded"
        assert f"codeguild resume {pipeline.run_id}" in str(info.value)
        assert not (tmp_path / "out").exists() or not any(
            p for p in (tmp_path / "out").iterdir() if not p.name.endswith(".partial")
        )
        done_before = set(await store.tasks.completed_tasks(pipeline.run_id))
        assert done_before, "some files were written before the budget ran out"

        with _engine(server) as rich:
            report = await Pipeline(engine=rich, store=store).resume(pipeline.run_id)
        assert report.status == "passed", report.stop_reason
        attempts = await store.tasks.attempts(pipeline.run_id)
        for task in done_before:
            assert sum(a.task == task for a in attempts) == 1, task
    assert Path(report.output_dir, "README.md").exists()
