"""Lint and format checks with ruff, and ruff's automatic fixes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import tomllib
from pathlib import Path
from typing import Any

from codeguild.errors import CodeguildError
from codeguild.quality.findings import CheckResult, Finding, Severity
from codeguild.quality.syntax import project_files, relpath
from codeguild.quality.tools import ToolFailedError, run_tool

log = logging.getLogger(__name__)

_RUFF_SUFFIXES = frozenset({".py", ".pyi", ".ipynb"})
# Rules whose violations are real bugs (syntax, undefined names, ...), not style.
_BUG_PREFIXES = ("E9", "F63", "F7", "F82", "invalid-syntax")


def project_ruff_config(root: Path) -> Path | None:
    """The project's own ruff config file, if it has one."""
    for name in ("ruff.toml", ".ruff.toml"):
        if (root / name).is_file():
            return root / name
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
            return None
        if "ruff" in data.get("tool", {}):
            return pyproject
    return None


def _config_args(root: Path) -> list[str]:
    config = project_ruff_config(root)
    # --isolated keeps a config file in some parent directory (or the user's home) from deciding
    # how a project without its own config is judged.
    return ["--config", str(config.resolve())] if config is not None else ["--isolated"]


def _severity(code: str) -> Severity:
    if code.startswith(_BUG_PREFIXES):
        return "high" if code.startswith(("E9", "invalid-syntax")) else "medium"
    return "low"


def _rel(filename: str, root: Path) -> str:
    path = Path(filename)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _parse_json(stdout: str, what: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(stdout or "[]")
    except json.JSONDecodeError as exc:
        raise ToolFailedError(
            f"{what} did not return JSON ({exc.msg}); output starts with {stdout[:200]!r}.",
            hint="Check that the installed ruff supports --output-format json.",
        ) from None
    if not isinstance(data, list):
        raise ToolFailedError(f"{what} returned JSON that is not a list of violations.")
    return data


def _failed(check: str, exc: CodeguildError, started: float) -> CheckResult:
    log.warning("check=%s error=%s", check, exc)
    return CheckResult(
        check=check, passed=False, error=str(exc), duration_s=time.perf_counter() - started
    )


async def ruff_check(root: Path) -> CheckResult:
    """``ruff check`` with the project's own config if any; each violation is a finding."""
    started = time.perf_counter()
    args = ["check", "--output-format", "json", "--no-cache", "--exit-zero", *_config_args(root)]
    try:
        out = await run_tool("ruff", [*args, "."], root)
        if out.returncode != 0:
            raise ToolFailedError(f"ruff check failed (exit {out.returncode}): {out.stderr[-500:]}")
        violations = _parse_json(out.stdout, "ruff check")
    except CodeguildError as exc:
        return _failed("ruff", exc, started)
    findings: list[Finding] = []
    for item in violations:
        code = str(item.get("code") or "invalid-syntax")
        fix = item.get("fix") or {}
        hint = ""
        if fix:
            verb = "--fix" if fix.get("applicability") == "safe" else "--fix --unsafe-fixes"
            hint = f"{fix.get('message') or 'ruff can fix this'} (ruff check {verb})"
        findings.append(
            Finding(
                check="ruff",
                file=_rel(str(item.get("filename", "")), root),
                line=(item.get("location") or {}).get("row"),
                rule=code,
                severity=_severity(code),
                message=str(item.get("message", "")),
                fix_hint=hint,
            )
        )
    return CheckResult(
        check="ruff",
        passed=not findings,
        findings=findings,
        metrics={
            "violations": float(len(findings)),
            "fixable": float(sum(1 for f in findings if f.fix_hint)),
        },
        duration_s=time.perf_counter() - started,
    )


def _format_findings_from_text(text: str) -> list[str]:
    # Older ruff versions have no JSON output for `format --check`: "Would reformat: path".
    prefix = "Would reformat:"
    return [line[len(prefix) :].strip() for line in text.splitlines() if line.startswith(prefix)]


async def ruff_format_check(root: Path) -> CheckResult:
    """``ruff format --check``: every file that would be reformatted is a finding."""
    started = time.perf_counter()
    args = ["format", "--check", "--no-cache", *_config_args(root)]
    try:
        out = await run_tool("ruff", [*args, "--output-format", "json", "."], root)
        if out.returncode == 2 and "output-format" in out.stderr:
            out = await run_tool("ruff", [*args, "."], root)
            files = _format_findings_from_text(out.stdout)
        elif out.returncode in (0, 1):
            items = _parse_json(out.stdout, "ruff format --check")
            files = [str(i.get("filename", "")) for i in items if i.get("code") == "unformatted"]
        else:
            raise ToolFailedError(
                f"ruff format --check failed (exit {out.returncode}): {out.stderr[-500:]}",
                hint="A file with a syntax error cannot be formatted; run the syntax check.",
            )
    except CodeguildError as exc:
        return _failed("ruff-format", exc, started)
    findings = [
        Finding(
            check="ruff-format",
            file=_rel(name, root),
            rule="format",
            severity="low",
            message="File would be reformatted",
            fix_hint="Run `ruff format` on it.",
        )
        for name in sorted(set(files))
    ]
    return CheckResult(
        check="ruff-format",
        passed=not findings,
        findings=findings,
        metrics={"unformatted": float(len(findings))},
        duration_s=time.perf_counter() - started,
    )


def _snapshot(root: Path) -> dict[str, str]:
    return {
        relpath(path, root): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in project_files(root, _RUFF_SUFFIXES)
    }


async def ruff_fix(root: Path) -> list[str]:
    """``ruff check --fix`` then ``ruff format``; returns the relative paths whose content changed.

    Raises ToolFailedError when ruff itself fails (not when violations remain after fixing).
    """
    before = await asyncio.to_thread(_snapshot, root)
    config = _config_args(root)
    fix_args = ["check", "--fix", "--exit-zero", "--no-cache", *config, "."]
    fixed = await run_tool("ruff", fix_args, root)
    if fixed.returncode != 0:
        raise ToolFailedError(
            f"ruff check --fix failed (exit {fixed.returncode}): {fixed.stderr[-500:]}"
        )
    formatted = await run_tool("ruff", ["format", "--no-cache", *config, "."], root)
    # Exit 2 with files that cannot be parsed still formats the rest; only report, do not fail.
    if formatted.returncode not in (0, 2):
        raise ToolFailedError(
            f"ruff format failed (exit {formatted.returncode}): {formatted.stderr[-500:]}"
        )
    after = await asyncio.to_thread(_snapshot, root)
    return sorted(name for name, digest in after.items() if before.get(name) != digest)
