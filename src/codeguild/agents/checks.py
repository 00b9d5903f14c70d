"""Running a set of quality checks concurrently and folding them into one task result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from codeguild.agents.base import TaskResult
from codeguild.quality.findings import CheckResult


async def run_checks(*checks: Awaitable[CheckResult]) -> TaskResult:
    results = await asyncio.gather(*checks)
    failed = [r.check for r in results if not r.passed]
    findings = sum(len(r.findings) for r in results)
    summary = (
        f"{len(results)} checks passed, {findings} finding(s)"
        if not failed
        else f"failed: {', '.join(failed)} ({findings} finding(s))"
    )
    return TaskResult(
        ok=not failed, summary=summary, data={"checks": [r.model_dump() for r in results]}
    )


def failed_files(result: TaskResult) -> set[str]:
    """Files named by findings of failed checks in a result made by ``run_checks``."""
    files: set[str] = set()
    for check in result.data.get("checks", []):
        if not check["passed"]:
            files.update(f["file"] for f in check["findings"] if f.get("file"))
    return files
