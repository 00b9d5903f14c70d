"""Security checks: bandit's static analysis, hard-coded secrets and unpinned dependencies."""

from __future__ import annotations

import json
import logging
import math
import re
import time
import tomllib
from collections import Counter
from functools import partial
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from codeguild.errors import CodeguildError
from codeguild.quality.findings import SEVERITY_RANK, CheckResult, Finding, Severity
from codeguild.quality.owasp import A07, bandit_owasp
from codeguild.quality.syntax import SKIPPED_DIRS, project_files, relpath
from codeguild.quality.tools import ToolFailedError, run_tool

log = logging.getLogger(__name__)

_BANDIT_SEVERITY: dict[str, Severity] = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high"}


def _passed(findings: list[Finding]) -> bool:
    return all(SEVERITY_RANK[f.severity] < SEVERITY_RANK["medium"] for f in findings)


def _severity_counts(findings: list[Finding]) -> dict[str, float]:
    counts = Counter(f.severity for f in findings)
    return {sev: float(counts.get(sev, 0)) for sev in ("low", "medium", "high")}


def severity_result(check: str, findings: list[Finding], started: float) -> CheckResult:
    """The verdict on ``findings`` (see :func:`_passed`), with their counts by severity."""
    return CheckResult(
        check=check,
        passed=_passed(findings),
        findings=findings,
        metrics=_severity_counts(findings),
        duration_s=time.perf_counter() - started,
    )


def _has_bandit_config(root: Path) -> bool:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return False
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return False
    return "bandit" in data.get("tool", {})


async def bandit_scan(root: Path) -> CheckResult:
    """``bandit -r -f json -q``, honouring the project's ``[tool.bandit]`` section when present."""
    started = time.perf_counter()
    args = ["-r", ".", "-f", "json", "-q"]
    if _has_bandit_config(root):
        args += ["-c", "pyproject.toml"]
    else:
        args += ["-x", ",".join(f"./{d}" for d in sorted(SKIPPED_DIRS))]
    try:
        out = await run_tool("bandit", args, root)
        if out.returncode not in (0, 1):
            raise ToolFailedError(f"bandit failed (exit {out.returncode}): {out.stderr[-500:]}")
        try:
            report = json.loads(out.stdout)
        except json.JSONDecodeError:
            raise ToolFailedError(
                f"bandit did not return JSON; output starts with {out.stdout[:200]!r}."
            ) from None
    except CodeguildError as exc:
        log.warning("check=bandit error=%s", exc)
        return CheckResult(
            check="bandit", passed=False, error=str(exc), duration_s=time.perf_counter() - started
        )
    findings = [
        Finding(
            check="bandit",
            file=Path(item.get("filename", "")).as_posix().removeprefix("./"),
            line=item.get("line_number"),
            rule=f"{item.get('test_id', '')} {item.get('test_name', '')}".strip(),
            severity=_BANDIT_SEVERITY.get(str(item.get("issue_severity", "")).upper(), "medium"),
            message=(
                f"{item.get('issue_text', '')} "
                f"(confidence {str(item.get('issue_confidence', '')).lower()})"
            ),
            fix_hint=str(item.get("more_info", "")),
            owasp=bandit_owasp(str(item.get("test_id", ""))),
        )
        for item in report.get("results", [])
    ]
    # Files bandit could not parse are not "clean": say so rather than pass them silently.
    for err in report.get("errors", []):
        findings.append(
            Finding(
                check="bandit",
                file=Path(err.get("filename", "")).as_posix().removeprefix("./"),
                rule="scan-error",
                severity="medium",
                message=f"bandit could not scan this file: {err.get('reason', '')}",
                fix_hint="Fix the file's syntax so it can be analysed.",
            )
        )
    return severity_result("bandit", findings, started)


# --- secrets ---------------------------------------------------------------------------------

_TOKEN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    (
        "aws-secret-access-key",
        re.compile(r"(?i)aws_?secret_?(?:access_?)?key\s*[:=]\s*['\"]?([A-Za-z0-9/+=]{40})\b"),
    ),
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("openai-key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}")),
]
_SECRET_NAME = r"[A-Za-z0-9_]*(?:password|passwd|pwd|secret|token|api_?key)[A-Za-z0-9_]*"
_ASSIGNMENT = re.compile(
    rf"""(?ix)\b(?P<name>{_SECRET_NAME})['"]?\s*(?::\s*[A-Za-z_][\w\[\], .|]*)?\s*(?:=|:)\s*
    (?P<q>['"])(?P<value>[^'"\s]{{8,}})(?P=q)"""
)
_SECRETISH_NAME = (
    r"[A-Za-z0-9_]*(?:key|auth|credential|private|signature|salt|dsn|cookie)[A-Za-z0-9_]*"
)
_ENTROPY_ASSIGNMENT = re.compile(
    rf"""(?ix)\b(?P<name>{_SECRETISH_NAME})['"]?\s*(?:=|:)\s*(?P<q>['"])(?P<value>[^'"\s]{{20,}})(?P=q)"""
)
_PLACEHOLDER_WORDS = (
    "example",
    "change",
    "placeholder",
    "your",
    "dummy",
    "replace",
    "sample",
    "redacted",
    "fake",
    "todo",
    "xxxx",
    "****",
    "....",
    "<",
    "${",
    "{{",
    "%(",
    "env",
)
_SECRET_SUFFIXES = frozenset(
    {".py", ".txt", ".toml", ".cfg", ".ini", ".json", ".yaml", ".yml", ".env", ".sh", ".md", ""}
)
_MAX_SCAN_BYTES = 1_000_000


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _is_placeholder(value: str) -> bool:
    low = value.lower()
    return any(word in low for word in _PLACEHOLDER_WORDS) or len(set(value)) <= 2


def is_test_file(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def _redact(value: str) -> str:
    return f"{value[:4]}…({len(value)} chars)"


def _scan_line(line: str) -> list[tuple[str, Severity, str]]:
    """(rule, severity, redacted value) for each secret on one line."""
    hits: list[tuple[str, Severity, str]] = []
    for rule, pattern in _TOKEN_PATTERNS:
        for match in pattern.finditer(line):
            value = match.group(match.lastindex or 0)
            if "example" not in value.lower():
                hits.append((rule, "high", _redact(value)))
    if hits:
        return hits
    for match in _ASSIGNMENT.finditer(line):
        value = match.group("value")
        if not _is_placeholder(value):
            sev: Severity = "high" if len(value) >= 16 and _entropy(value) >= 3.5 else "medium"
            hits.append(("hardcoded-secret", sev, f"{match.group('name')} = {_redact(value)}"))
    if hits:
        return hits
    for match in _ENTROPY_ASSIGNMENT.finditer(line):
        value = match.group("value")
        if not _is_placeholder(value) and _entropy(value) >= 4.0:
            hits.append(
                ("high-entropy-secret", "medium", f"{match.group('name')} = {_redact(value)}")
            )
    return hits


def secrets_scan(root: Path) -> CheckResult:
    """Hard-coded credentials in text files; placeholders are skipped, test files rate low."""
    started = time.perf_counter()
    findings: list[Finding] = []
    for path in project_files(root, _SECRET_SUFFIXES):
        rel = relpath(path, root)
        try:
            if path.stat().st_size > _MAX_SCAN_BYTES:
                continue
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary or unreadable: not source a developer would paste a key into
        in_tests = is_test_file(rel)
        for lineno, line in enumerate(text.splitlines(), start=1):
            for rule, severity, shown in _scan_line(line):
                findings.append(
                    Finding(
                        check="secrets",
                        file=rel,
                        line=lineno,
                        rule=rule,
                        severity="low" if in_tests else severity,
                        message=f"Possible hard-coded secret ({rule}): {shown}",
                        fix_hint="Read it from the environment or a secret store; rotate it "
                        "if it was ever committed.",
                        owasp=A07,
                    )
                )
    return severity_result("secrets", findings, started)


# --- dependency pins -------------------------------------------------------------------------


#: a dependency-pins problem: medium severity, so it fails the check
_pin_finding = partial(Finding, check="pins", severity="medium")


def _requirement_finding(source: str, line: int | None, text: str) -> Finding | None:
    """The problem with one requirement, if it cannot be parsed or is not pinned with ``==``."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        return _pin_finding(
            file=source,
            line=line,
            rule="invalid-requirement",
            message=f"Cannot parse requirement {text!r}: {exc}",
            fix_hint="Write it as `name==version`.",
        )
    if req.url:
        return None  # a direct reference names one exact artifact already
    specs = list(req.specifier)
    pinned = len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
    if pinned:
        return None
    return _pin_finding(
        file=source,
        line=line,
        rule="unpinned-dependency",
        message=f"{req.name} is not pinned with == ({text!r})",
        fix_hint=f"Pin the version the tests ran against, e.g. `{req.name}==<version>`.",
    )


def _requirements_file(path: Path, root: Path, seen: set[Path], findings: list[Finding]) -> int:
    resolved = path.resolve()
    if resolved in seen:
        return 0
    seen.add(resolved)
    rel = relpath(path, root) if path.is_relative_to(root) else path.as_posix()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(
            _pin_finding(
                file=rel, rule="unreadable", message=f"Cannot read requirements file: {exc}"
            )
        )
        return 0
    count = 0
    for lineno, raw in enumerate(lines, start=1):
        line = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        included = re.match(r"^(?:-r|--requirement)(?:\s+|=)(\S+)$", line)
        if included:
            target = path.parent / included.group(1)
            if target.is_file():
                count += _requirements_file(target, root, seen, findings)
            else:
                findings.append(
                    _pin_finding(
                        file=rel,
                        line=lineno,
                        rule="missing-include",
                        message=f"{included.group(1)} does not exist",
                        fix_hint="Fix the -r path or add the file.",
                    )
                )
            continue
        if line.startswith("-"):
            continue  # pip options (index URLs, hashes, -c constraints): not requirements
        count += 1
        # Per-requirement pip options (`--hash=...`) follow the requirement itself.
        finding = _requirement_finding(rel, lineno, re.split(r"\s+--", line, maxsplit=1)[0])
        if finding is not None:
            findings.append(finding)
    return count


def _pyproject_requirements(root: Path, findings: list[Finding]) -> int:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return 0
    try:
        text = pyproject.read_text(encoding="utf-8")
        project = tomllib.loads(text).get("project", {})
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return 0  # the syntax check reports a broken pyproject
    requirements: list[str] = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        requirements.extend(group)
    lines = text.splitlines()
    for req in requirements:
        lineno = next((i for i, line in enumerate(lines, 1) if req in line), None)
        finding = _requirement_finding("pyproject.toml", lineno, req)
        if finding is not None:
            findings.append(finding)
    return len(requirements)


def dependency_pins(root: Path) -> CheckResult:
    """Every requirement (requirements*.txt, pyproject [project]) must be pinned with ``==``."""
    started = time.perf_counter()
    findings: list[Finding] = []
    seen: set[Path] = set()
    total = sum(
        _requirements_file(path, root, seen, findings)
        for path in sorted(root.glob("requirements*.txt"))
    )
    total += _pyproject_requirements(root, findings)
    return CheckResult(
        check="pins",
        passed=_passed(findings),
        findings=findings,
        metrics={
            "requirements": float(total),
            "unpinned": float(sum(1 for f in findings if f.rule == "unpinned-dependency")),
        },
        duration_s=time.perf_counter() - started,
    )
