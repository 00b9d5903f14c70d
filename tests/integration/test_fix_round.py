"""The generate -> check -> fix loop: a fixable defect is fixed, an unfixable one is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeguild.engines.base import Blueprint
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.intent.models import ProjectIntent
from codeguild.pipeline import Pipeline

pytestmark = pytest.mark.integration

ROMAN = "A Python library to convert integers to Roman numerals and back."


class DefectEngine:
    """The built-in engine with one defect injected into the first test module it writes."""

    name = "builtin+defect"

    def __init__(self, defect: str) -> None:
        self._inner = BuiltinEngine()
        self._defect = defect
        self._injected = False

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        return self._inner.blueprint(intent)

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        files = self._inner.write_component(intent, component)
        for path in sorted(files):
            if self._injected or not path.startswith("tests/test_"):
                continue
            files[path] = files[path] + self._defect
            self._injected = True
        return files


async def test_lint_and_format_defects_are_fixed_in_a_recorded_round(tmp_path: Path) -> None:
    sloppy = "\n\nimport os\nx   =  [1,2,\n 3]\n"  # unused import, unsorted, unformatted
    report = await Pipeline(engine=DefectEngine(sloppy)).generate(ROMAN, tmp_path)
    assert report.iterations["initial_failures"], "the defect must be caught first"
    assert report.status == "passed", report.iterations
    assert report.stop_reason == "quality threshold met after round 1"
    (round_1,) = report.iterations["rounds"]
    assert any("ruff --fix" in action for action in round_1["actions"])
    saved = json.loads((Path(report.output_dir) / "codeguild-report.json").read_text())
    assert saved["iterations"]["rounds"][0]["passed"] is True
    # what the agents shared is in the report, with each key's reducer
    assert saved["shared_context"]["reducers"] == {"coder.fix_notes": "Append"}
    assert saved["shared_context"]["conflicts"] == []


async def test_a_failing_test_is_reported_not_hidden(tmp_path: Path) -> None:
    broken = "\n\ndef test_injected_failure() -> None:\n    assert 1 + 1 == 3\n"
    report = await Pipeline(engine=DefectEngine(broken)).generate(ROMAN, tmp_path)
    assert report.status == "failed"
    assert report.tests is not None and report.tests["failed"] == 1
    failing = [t for t in report.tests["tests"] if t["outcome"] != "passed"]
    assert [t["name"].rsplit("::", 1)[-1] for t in failing] == ["test_injected_failure"]
    assert "no fix available" in report.stop_reason or "round limit" in report.stop_reason
    # the project is still handed over, with a report that says it failed
    markdown = (Path(report.output_dir) / "codeguild-report.md").read_text()
    assert "Status: FAILED" in markdown and "test_injected_failure" in markdown
