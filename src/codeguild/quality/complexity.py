"""Cyclomatic complexity and maintainability index of a project's Python code (radon)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from radon.complexity import cc_visit
from radon.metrics import mi_visit
from radon.visitors import Class, Function

from codeguild import pyast
from codeguild.quality.findings import CheckResult, Finding
from codeguild.quality.syntax import project_files, relpath

log = logging.getLogger(__name__)


def _functions(blocks: list[Function | Class]) -> list[Function]:
    """Functions and methods: cc_visit lists methods on their own already, and a class's score is
    an aggregate of them, not something to refactor."""
    return [block for block in blocks if isinstance(block, Function)]


def complexity(root: Path, max_cc: int = 10, min_mi: float = 20.0) -> CheckResult:
    """One finding per function over ``max_cc`` and per module under ``min_mi``.

    Files that do not parse are skipped here: the syntax check reports them.
    """
    started = time.perf_counter()
    findings: list[Finding] = []
    scores: list[int] = []
    mis: list[float] = []
    for path in project_files(root, {".py"}):
        rel = relpath(path, root)
        try:
            source = path.read_text(encoding="utf-8")
            with pyast.exclusive():  # radon parses with ast itself
                blocks = cc_visit(source)
                mi = float(mi_visit(source, multi=True))
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError) as exc:
            log.info("check=complexity file=%s skipped=%s", rel, type(exc).__name__)
            continue
        mis.append(mi)
        if mi < min_mi:
            findings.append(
                Finding(
                    check="complexity",
                    file=rel,
                    rule="MI",
                    severity="medium",
                    message=f"Maintainability index {mi:.1f} is under {min_mi:.1f}",
                    fix_hint="Split the module into smaller, focused modules.",
                )
            )
        for func in _functions(blocks):
            scores.append(func.complexity)
            if func.complexity > max_cc:
                name = f"{func.classname}.{func.name}" if func.classname else func.name
                findings.append(
                    Finding(
                        check="complexity",
                        file=rel,
                        line=func.lineno,
                        rule="CC",
                        severity="medium",
                        message=(
                            f"{name} has cyclomatic complexity {func.complexity} (limit {max_cc})"
                        ),
                        fix_hint="Extract branches into helper functions or use a lookup table.",
                    )
                )
    metrics = {
        "mean_cc": sum(scores) / len(scores) if scores else 0.0,
        "max_cc": float(max(scores, default=0)),
        "functions": float(len(scores)),
        "min_mi": min(mis, default=100.0),
    }
    return CheckResult(
        check="complexity",
        passed=not findings,
        findings=findings,
        metrics=metrics,
        duration_s=time.perf_counter() - started,
    )
