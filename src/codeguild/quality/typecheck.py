"""Type checking with mypy, for projects that carry type hints (optional; reported)."""

from __future__ import annotations

import ast
import importlib.util
import json
import logging
import os
import time
from pathlib import Path

from codeguild import pyast
from codeguild.errors import CodeguildError
from codeguild.quality.findings import CheckResult, Finding
from codeguild.quality.syntax import SKIPPED_DIRS, project_files
from codeguild.quality.tools import ToolFailedError, run_tool

log = logging.getLogger(__name__)

#: share of functions that must be annotated before mypy's verdict means something
MIN_HINTED_SHARE = 0.5


def default_cache_dir() -> Path:
    """mypy's cache, shared by every project we check: most of a cold run is spent analysing
    the same third-party packages (pydantic, sqlalchemy), which the cache keeps."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "codeguild" / "mypy"


def hinted_share(root: Path) -> float:
    """Share of the project's functions with a return or parameter annotation."""
    total = hinted = 0
    for path in project_files(root, {".py"}):
        try:
            tree = pyast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                total += 1
                args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                hinted += node.returns is not None or any(a.annotation for a in args)
    return hinted / total if total else 0.0


def _skipped(reason: str, started: float) -> CheckResult:
    log.info("check=mypy skipped=%s", reason)
    return CheckResult(
        check="mypy",
        passed=True,
        details={"skipped": reason},
        duration_s=time.perf_counter() - started,
    )


def _findings(stdout: str) -> list[Finding]:
    findings: list[Finding] = []
    for line in stdout.splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(item, dict) or item.get("severity") != "error":
            continue
        hint = item.get("hint") or "Fix the types, or annotate the intent with a cast."
        findings.append(
            Finding(
                check="mypy",
                file=str(item.get("file", "")),
                line=item.get("line"),
                rule=str(item.get("code") or "mypy"),
                severity="low",
                message=str(item.get("message", "")),
                fix_hint=str(hint),
            )
        )
    return findings


async def mypy_check(root: Path, *, cache_dir: Path | None = None) -> CheckResult:
    """mypy over the project when it is installed and the code is mostly annotated.

    Findings are low severity: whether they fail the quality report is the thresholds' call.
    """
    started = time.perf_counter()
    if importlib.util.find_spec("mypy") is None:
        return _skipped("mypy is not installed", started)
    share = hinted_share(root)
    if share < MIN_HINTED_SHARE:
        return _skipped(f"only {share:.0%} of functions have type hints", started)
    cache = cache_dir or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    exclude = "|".join(sorted(SKIPPED_DIRS)).replace(".", r"\.")
    args = [
        "--output",
        "json",
        "--ignore-missing-imports",
        "--explicit-package-bases",
        "--no-error-summary",
        "--cache-dir",
        str(cache),
        "--exclude",
        f"(^|/)({exclude})/",
        ".",
    ]
    try:
        out = await run_tool("mypy", args, root)
        if out.returncode not in (0, 1):
            raise ToolFailedError(f"mypy failed (exit {out.returncode}): {out.stderr[-500:]}")
    except CodeguildError as exc:
        log.warning("check=mypy error=%s", exc)
        return CheckResult(
            check="mypy", passed=False, error=str(exc), duration_s=time.perf_counter() - started
        )
    findings = _findings(out.stdout)
    return CheckResult(
        check="mypy",
        passed=not findings,
        findings=findings,
        metrics={"errors": float(len(findings)), "hinted_share": round(share, 3)},
        duration_s=time.perf_counter() - started,
    )
