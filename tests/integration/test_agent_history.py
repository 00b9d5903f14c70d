"""Agents start a run from their recorded performance: estimates and scores survive the process."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeguild.agents.base import RUN_TESTS
from codeguild.config import get_settings
from codeguild.orchestration.manager import AgentManager
from codeguild.pipeline import Pipeline
from codeguild.quality.sandbox import Sandbox
from codeguild.run_records import seed_history
from codeguild.store.db import Store
from codeguild.team import AgentTeam

pytestmark = pytest.mark.integration


async def test_history_recorded_by_one_run_seeds_the_next(tmp_path: Path) -> None:
    async with await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'runs.db'}") as store:
        report = await Pipeline(store=store).generate(
            "A library that turns titles into URL slugs.", tmp_path / "out"
        )
        assert report.status == "passed"
        rows = await store.agents.performance(agent="tester", capability=RUN_TESTS)
        assert len(rows) == 1 and rows[0].runs == 1 and rows[0].success_rate == 1.0
        assert rows[0].mean_duration_s is not None and rows[0].mean_duration_s > 0

        fresh = AgentManager()
        AgentTeam(get_settings(), Sandbox()).register(fresh, None)
        assert fresh.estimated_duration(RUN_TESTS) is None
        await seed_history(store, fresh)
        assert fresh.estimated_duration(RUN_TESTS) == pytest.approx(rows[0].mean_duration_s)
