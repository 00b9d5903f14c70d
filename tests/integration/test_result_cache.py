"""Check results are reused for an identical project, and never for a changed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeguild.engines.base import Blueprint
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.intent.models import ProjectIntent
from codeguild.pipeline import Pipeline
from codeguild.store.memory import open_memory_store
from codeguild.store.memory.cache import ResultCache

pytestmark = pytest.mark.integration

SLUGS = "A library that turns titles into URL slugs."
CHECKS = ("run_tests", "review", "security_scan")


class ExtraFileEngine:
    """The built-in engine plus one harmless module: a different project with the same plan."""

    name = "builtin+extra"

    def __init__(self) -> None:
        self._inner = BuiltinEngine()

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        return self._inner.blueprint(intent)

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        files = self._inner.write_component(intent, component)
        if component == "scaffold":
            files["notes.py"] = '"""Notes."""\n\nVERSION = 2\n'
        return files


def _summaries(report) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {t.name: t.summary for t in report.tasks if t.name in CHECKS}


async def test_identical_project_reuses_checks_changed_one_does_not(tmp_path: Path) -> None:
    cache = ResultCache(open_memory_store("memory://"))
    first = await Pipeline(cache=cache).generate(SLUGS, tmp_path / "a")
    second = await Pipeline(cache=cache).generate(SLUGS, tmp_path / "b")
    third = await Pipeline(cache=cache, engine=ExtraFileEngine()).generate(SLUGS, tmp_path / "c")

    assert first.status == second.status == third.status == "passed"
    assert not any(s.endswith("(cached)") for s in _summaries(first).values())
    assert all(s.endswith("(cached)") for s in _summaries(second).values()), _summaries(second)
    assert second.tests is not None and second.tests == first.tests
    assert not any(s.endswith("(cached)") for s in _summaries(third).values())
