"""The whole quality report: each of the six checks catches its planted defect and passes the
clean project, and a project from the built-in engine passes all six (no false positives)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from codeguild.quality.pipeline import run_quality
from codeguild.quality.report import CHECK_NAMES, QualityReport, QualityThresholds

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "quality"

# the bookstore intent and the engine-to-folder writer are shared with bench/quality.py
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from examples import BOOKSTORE_INTENT, write_builtin_project  # noqa: E402

#: the planted defect of each fixture, as (rule of a finding it must produce, file it is in)
PLANTED: dict[str, tuple[str, str]] = {
    "syntax": ("json", "config.json"),
    "security": ("B602 subprocess_popen_with_shell_equals_true", "shop/admin.py"),
    "complexity": ("CC", "shop/shipping.py"),
    "best_practice": ("F401", "shop/extra.py"),
    "consistency": ("signature-mismatch", "shop/checkout.py"),
    "dependencies": ("GHSA-h5c8-rqwp-cp95", "requirements.txt"),
}


def _project(tmp_path: Path, overlay: str | None) -> Path:
    root = tmp_path / (overlay or "clean")
    shutil.copytree(FIXTURES / "clean", root)
    if overlay is not None:
        shutil.copytree(FIXTURES / overlay, root, dirs_exist_ok=True)
    return root


def _rules(report: QualityReport, check: str) -> set[tuple[str, str]]:
    return {(f.rule, f.file) for f in report.checks[check].findings}  # type: ignore[index]


async def test_clean_project_passes_all_six(tmp_path: Path) -> None:
    report = await run_quality(_project(tmp_path, None))
    assert set(report.checks) == set(CHECK_NAMES)
    assert report.passed, report.summary()
    assert report.findings("medium") == []


@pytest.mark.parametrize("check", CHECK_NAMES)
async def test_each_check_catches_its_planted_defect(tmp_path: Path, check: str) -> None:
    report = await run_quality(_project(tmp_path, f"{check}_bad"))
    assert not report.passed
    assert report.failed == [check], report.summary()
    assert PLANTED[check] in _rules(report, check), report.summary()
    assert report.checks[check].reasons  # type: ignore[index]


async def test_security_findings_carry_owasp_categories(tmp_path: Path) -> None:
    report = await run_quality(_project(tmp_path, "security_bad"))
    by_rule = {f.rule: f.owasp for f in report.checks["security"].findings}
    assert by_rule["B602 subprocess_popen_with_shell_equals_true"] == "A03:2021 Injection"
    assert by_rule["B608 hardcoded_sql_expressions"] == "A03:2021 Injection"
    assert {"shell-command", "sql-string-building", "dangerous-eval"} <= set(by_rule)
    assert all(owasp for rule, owasp in by_rule.items() if rule != "B404 blacklist")


async def test_consistency_names_every_planted_problem(tmp_path: Path) -> None:
    report = await run_quality(_project(tmp_path, "consistency_bad"))
    found = {(f.rule, f.line) for f in report.checks["consistency"].findings}
    assert found == {
        ("unresolved-name", 5),  # loyalty_bonus is not in shop.pricing
        ("unresolved-import", 6),  # shop.receipts does not exist
        ("signature-mismatch", 10),  # price_with_tax's rounding is keyword-only
        ("signature-mismatch", 11),  # discounted has no 'percentage'
        ("stub", 14),
        ("todo-comment", 19),
    }


async def test_dependency_audit_flags_unpinned_and_vulnerable_pins(tmp_path: Path) -> None:
    report = await run_quality(_project(tmp_path, "dependencies_bad"))
    results = {r.check: r for r in report.checks["dependencies"].results}
    assert {f.rule for f in results["pins"].findings} == {"unpinned-dependency"}
    advisories = {f.rule for f in results["advisories"].findings}
    assert {"GHSA-h5c8-rqwp-cp95", "GHSA-h75v-3vvj-5mfj", "GHSA-cpwx-vrp4-4pq7"} <= advisories
    assert all(f.owasp and f.owasp.startswith("A06") for f in results["advisories"].findings)
    licenses = results["licenses"].details["licenses"]
    assert set(licenses) == {"jinja2", "markupsafe"}
    assert all(isinstance(v, str) and v for v in licenses.values())


async def test_thresholds_decide_the_verdict(tmp_path: Path) -> None:
    root = _project(tmp_path, "complexity_bad")
    strict = await run_quality(root)
    lenient = await run_quality(root, thresholds=QualityThresholds(max_complexity=30))
    assert not strict.checks["complexity"].passed
    assert lenient.checks["complexity"].passed and lenient.passed


async def test_generated_bookstore_passes_all_six_and_its_tests(tmp_path: Path) -> None:
    root = write_builtin_project(BOOKSTORE_INTENT, tmp_path / "bookstore")
    report = await run_quality(root, run_tests=True)
    assert report.passed, report.summary()
    assert report.tests is not None and report.tests.passed >= 5
    assert report.tests.stopped_by == []
    assert report.checks["consistency"].results[0].metrics["modules"] >= 20
