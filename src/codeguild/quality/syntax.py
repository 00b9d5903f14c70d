"""The syntax check: every Python, JSON, TOML and YAML file of a project must parse."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from codeguild import pyast
from codeguild.quality.findings import CheckResult, Finding

log = logging.getLogger(__name__)

# Directories that hold tool state or third-party code, never the project's own sources.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "build",
        "dist",
        ".eggs",
    }
)


def project_files(root: Path, suffixes: frozenset[str] | set[str]) -> Iterator[Path]:
    """Files under ``root`` with one of ``suffixes``, skipping tool and vendored directories."""
    for dirpath, dirnames, filenames in os.walk(root):
        # Pruning in place keeps os.walk out of virtualenvs, which can hold 100k files.
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIPPED_DIRS and not d.endswith(".egg-info")
        )
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix.lower() in suffixes and not path.is_symlink() and path.is_file():
                yield path


def relpath(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


#: a file no tool can read: always high severity
_syntax_finding = partial(Finding, check="syntax", severity="high")


def _python_error(text: str, rel: str) -> Finding | None:
    try:
        pyast.parse(text, filename=rel)
    except SyntaxError as exc:
        return _syntax_finding(
            file=rel,
            line=exc.lineno,
            rule="python",
            message=f"SyntaxError: {exc.msg}",
            fix_hint="Fix the Python syntax at this line; the module cannot be imported.",
        )
    return None


def _json_error(text: str, rel: str) -> Finding | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return _syntax_finding(
            file=rel,
            line=exc.lineno,
            rule="json",
            message=f"Invalid JSON: {exc.msg}",
            fix_hint="Fix the JSON document (quotes, commas, brackets).",
        )
    return None


def _toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    # Python 3.11's TOMLDecodeError has no lineno attribute; the position is only in the text.
    match = re.search(r"at line (\d+)", str(exc))
    return getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)


def _toml_error(text: str, rel: str) -> Finding | None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _syntax_finding(
            file=rel,
            line=_toml_line(exc),
            rule="toml",
            message=f"Invalid TOML: {exc}",
            fix_hint="Fix the TOML document; tools reading it will refuse to start.",
        )
    return None


def _yaml_checker() -> Callable[[str, str], Finding | None] | None:
    try:
        import yaml
    except ImportError:
        return None

    def check(text: str, rel: str) -> Finding | None:
        try:
            # safe_load_all: multi-document files (k8s manifests) are valid YAML too.
            for _ in yaml.safe_load_all(text):
                pass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return _syntax_finding(
                file=rel,
                line=mark.line + 1 if mark is not None else None,
                rule="yaml",
                message=f"Invalid YAML: {exc}".splitlines()[0],
                fix_hint="Fix the YAML document (indentation, quoting).",
            )
        return None

    return check


def check_syntax(root: Path) -> CheckResult:
    """Parse every .py, .json, .toml and (when PyYAML is importable) .yaml/.yml file under root."""
    started = time.perf_counter()
    checkers: dict[str, Callable[[str, str], Finding | None]] = {
        ".py": _python_error,
        ".json": _json_error,
        ".toml": _toml_error,
    }
    yaml_check = _yaml_checker()
    if yaml_check is not None:
        checkers[".yaml"] = yaml_check
        checkers[".yml"] = yaml_check
    else:
        log.info("check=syntax yaml=skipped reason=PyYAML-not-installed")
    findings: list[Finding] = []
    counted = 0
    for path in project_files(root, set(checkers)):
        rel = relpath(path, root)
        counted += 1
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            findings.append(
                _syntax_finding(
                    file=rel,
                    rule="encoding",
                    message=f"Cannot read as UTF-8: {exc}",
                    fix_hint="Save the file as UTF-8.",
                )
            )
            continue
        finding = checkers[path.suffix.lower()](text, rel)
        if finding is not None:
            findings.append(finding)
    return CheckResult(
        check="syntax",
        passed=not findings,
        findings=findings,
        metrics={"files": float(counted), "errors": float(len(findings))},
        duration_s=time.perf_counter() - started,
    )
