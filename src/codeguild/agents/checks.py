"""Running a share of the quality pipeline for an agent and folding it into one task result."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from codeguild.agents.base import TaskResult
from codeguild.quality.pipeline import run_quality
from codeguild.quality.report import CheckName, QualityThresholds


async def run_checks(
    root: Path, groups: Collection[CheckName], thresholds: QualityThresholds
) -> TaskResult:
    """Run the named quality checks; the result lists every tool's findings and each verdict."""
    report = await run_quality(root, thresholds=thresholds, checks=groups)
    failed = report.failed
    findings = sum(len(c.findings) for c in report.checks.values())
    summary = (
        f"{len(report.checks)} checks passed, {findings} finding(s)"
        if not failed
        else f"failed: {', '.join(failed)} ({findings} finding(s))"
    )
    return TaskResult(
        ok=report.passed,
        summary=summary,
        data={
            "checks": [r.model_dump() for c in report.checks.values() for r in c.results],
            "verdicts": {
                name: {"passed": c.passed, "reasons": c.reasons}
                for name, c in report.checks.items()
            },
        },
    )


def failed_files(result: TaskResult) -> set[str]:
    """Files named by findings of failed tools in a result made by ``run_checks``."""
    files: set[str] = set()
    for check in result.data.get("checks", []):
        if not check["passed"]:
            files.update(f["file"] for f in check["findings"] if f.get("file"))
    return files
