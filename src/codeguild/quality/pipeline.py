"""Running the six quality checks on a project concurrently and folding them into one report."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from pathlib import Path

from codeguild.errors import CodeguildError
from codeguild.quality import testrun
from codeguild.quality.audit import dependency_audit
from codeguild.quality.complexity import complexity
from codeguild.quality.consistency import consistency
from codeguild.quality.dangerous import dangerous_calls
from codeguild.quality.findings import CheckResult, TestRunResult
from codeguild.quality.lint import ruff_check, ruff_format_check
from codeguild.quality.report import CheckName, QualityReport, QualityThresholds, judge
from codeguild.quality.sandbox import Sandbox, SandboxLimits
from codeguild.quality.security import bandit_scan, secrets_scan
from codeguild.quality.syntax import check_syntax
from codeguild.quality.typecheck import mypy_check

log = logging.getLogger(__name__)


async def _in_thread(check: str, func: Callable[[], CheckResult]) -> CheckResult:
    """A pure-Python check off the event loop; an unexpected crash becomes a failed result."""
    started = time.perf_counter()
    try:
        return await asyncio.to_thread(func)
    except (OSError, ValueError, RecursionError) as exc:
        log.exception("check=%s crashed", check)
        return CheckResult(
            check=check,
            passed=False,
            error=f"{type(exc).__name__}: {exc}",
            duration_s=time.perf_counter() - started,
        )


async def _gather(*parts: Awaitable[CheckResult | list[CheckResult]]) -> list[CheckResult]:
    results: list[CheckResult] = []
    for item in await asyncio.gather(*parts):
        results.extend(item if isinstance(item, list) else [item])
    return results


async def _dependencies(root: Path) -> list[CheckResult]:
    return await asyncio.to_thread(dependency_audit, root)


async def _skip_mypy() -> CheckResult:
    return CheckResult(check="mypy", passed=True, details={"skipped": "disabled in thresholds"})


def _package(root: Path) -> str | None:
    """The project's importable package (for coverage): the one top-level package, if unique."""
    candidates = [
        p.name
        for base in (root, root / "src")
        if base.is_dir()
        for p in base.iterdir()
        if (p / "__init__.py").is_file() and p.name not in ("tests", "test")
    ]
    return candidates[0] if len(candidates) == 1 else None


async def _tests(
    root: Path, sandbox: Sandbox | None, limits: SandboxLimits | None
) -> TestRunResult:
    try:
        return await testrun.run_tests(root, package=_package(root), sandbox=sandbox, limits=limits)
    except CodeguildError as exc:
        log.warning("check=tests error=%s", exc)
        return TestRunResult(output_tail=f"the sandbox could not run pytest: {exc}")


async def run_quality(
    root: Path,
    *,
    thresholds: QualityThresholds | None = None,
    sandbox: Sandbox | None = None,
    run_tests: bool = False,
    limits: SandboxLimits | None = None,
    checks: Collection[CheckName] | None = None,
) -> QualityReport:
    """Syntax, security, complexity, best practice, consistency and dependency checks on the
    project at ``root``, all at once; with ``run_tests`` its pytest suite also runs in the sandbox.
    ``checks`` selects a subset (e.g. the reviewer's or the security agent's share).
    """
    started = time.perf_counter()
    t = thresholds or QualityThresholds()
    if not root.is_dir():
        raise CodeguildError(
            f"Project folder {root} does not exist.", hint="Pass the generated project's folder."
        )
    factories: dict[CheckName, Callable[[], Awaitable[list[CheckResult]]]] = {
        "syntax": lambda: _gather(_in_thread("syntax", lambda: check_syntax(root))),
        "security": lambda: _gather(
            bandit_scan(root),
            _in_thread("secrets", lambda: secrets_scan(root)),
            _in_thread("dangerous-calls", lambda: dangerous_calls(root)),
        ),
        "complexity": lambda: _gather(
            _in_thread(
                "complexity", lambda: complexity(root, t.max_complexity, t.min_maintainability)
            )
        ),
        "best_practice": lambda: _gather(
            ruff_check(root),
            ruff_format_check(root),
            mypy_check(root) if t.mypy != "off" else _skip_mypy(),
        ),
        "consistency": lambda: _gather(_in_thread("consistency", lambda: consistency(root))),
        "dependencies": lambda: _dependencies(root),
    }
    unknown = sorted(set(checks or ()) - set(factories))
    if unknown:
        raise CodeguildError(
            f"Unknown quality check(s): {', '.join(unknown)}.",
            hint=f"Choose from: {', '.join(factories)}.",
        )
    groups = {name: make() for name, make in factories.items() if checks is None or name in checks}
    all_groups = asyncio.gather(*groups.values())
    test_result: TestRunResult | None = None
    if run_tests:
        outcomes, test_result = await asyncio.gather(all_groups, _tests(root, sandbox, limits))
    else:
        outcomes = await all_groups
    judged = {name: judge(name, results, t) for name, results in zip(groups, outcomes, strict=True)}
    report = QualityReport(
        root=str(root),
        passed=all(c.passed for c in judged.values()) and (test_result is None or test_result.ok),
        checks=judged,
        thresholds=t,
        tests=test_result,
        duration_s=time.perf_counter() - started,
    )
    log.info(
        "quality root=%s passed=%s failed=%s duration_s=%.2f",
        root,
        report.passed,
        ",".join(report.failed) or "-",
        report.duration_s,
    )
    return report
