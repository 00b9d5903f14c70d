"""The LLM code review: bounded sources in, validated and deduplicated findings out.

Pure logic only (no model call): which files a review prompt carries and how big they may be,
the structured answer the model must give, and how that answer becomes ``Finding`` objects that
name real files and lines and do not repeat what ruff, mypy or bandit already said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from typing import Any, Literal

from pydantic import BaseModel, Field

from codeguild.quality.findings import Finding

#: the ``check`` name of every LLM finding and of the reviewer's CheckResult
CHECK = "llm-review"
MAX_FILE_CHARS = 6_000
MAX_TOTAL_CHARS = 40_000
MAX_TOOL_FINDINGS = 40
MAX_FINDINGS = 30
_SOURCE_SUFFIXES = (".py", ".pyi")
_SKIPPED_PARTS = frozenset({".venv", "venv", "__pycache__", "build", "dist", "node_modules"})
_SIMILAR = 0.6
_WORD = re.compile(r"[a-z0-9_]+")


class ReviewItem(BaseModel):
    """One remark of the model on one line of one file."""

    file: str = Field(description="Project-relative path, exactly as given in the prompt")
    line: int = Field(description="1-based line number in that file")
    severity: Literal["info", "low", "medium", "high"]
    rule: str = Field(description="Short kebab-case id, e.g. 'unclear-name'")
    message: str = Field(description="What is wrong, one sentence")
    fix_hint: str = Field("", description="How to fix it, one sentence")


class ReviewDraft(BaseModel):
    """The model's whole answer: possibly no findings at all."""

    findings: list[ReviewItem] = Field(default_factory=list)


class ReviewFindings(list[Finding]):
    """The validated findings of one review, with what was dropped and why.

    A plain ``list[Finding]`` for callers that only want the findings; ``notes`` counts what
    validation removed (``unknown_file``, ``bad_line``, ``duplicate``, ``truncated_files``,
    ``omitted_files``) and ``error`` says why there are no findings when the model's answer
    stayed unusable or no call could be made.
    """

    def __init__(
        self,
        findings: Iterable[Finding] = (),
        *,
        notes: Mapping[str, int] | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(findings)
        self.notes: dict[str, int] = dict(notes or {})
        self.error = error


def is_source(path: str) -> bool:
    """A project source file worth reviewing (Python, outside virtualenvs and build output)."""
    parts = path.split("/")
    if any(p in _SKIPPED_PARTS or (p.startswith(".") and p not in (".", "..")) for p in parts):
        return False
    return path.endswith(_SOURCE_SUFFIXES)


def bounded_sources(
    files: Mapping[str, str],
    *,
    max_file_chars: int = MAX_FILE_CHARS,
    max_total_chars: int = MAX_TOTAL_CHARS,
) -> tuple[dict[str, str], dict[str, int]]:
    """The source files a review prompt carries, each truncated, all within a total cap.

    Returns the files (path -> text, sorted by path) and notes: how many were truncated and
    how many left out once the total was reached.
    """
    chosen: dict[str, str] = {}
    notes = {"truncated_files": 0, "omitted_files": 0}
    total = 0
    for path in sorted(p for p in files if is_source(p)):
        text = files[path]
        if len(text) > max_file_chars:
            kept = text[:max_file_chars].rsplit("\n", 1)[0]
            rest = text.count("\n") - kept.count("\n")
            text = f"{kept}\n# [truncated by codeguild: {rest} more line(s) not shown]\n"
            notes["truncated_files"] += 1
        if total + len(text) > max_total_chars:
            notes["omitted_files"] += 1
            continue
        chosen[path] = text
        total += len(text)
    return chosen, notes


def tool_lines(tool_findings: Iterable[Mapping[str, Any]], files: Mapping[str, str]) -> list[str]:
    """The tools' findings on the reviewed files, one line each, sorted and bounded."""
    lines = sorted(
        {
            f"{f['file']}:{f.get('line') or '-'} [{f.get('rule') or f.get('check', '')}] "
            f"{str(f.get('message', '')).splitlines()[0][:200] if f.get('message') else ''}"
            for f in tool_findings
            if f.get("file") in files
        }
    )
    return lines[:MAX_TOOL_FINDINGS]


def kebab(rule: str) -> str:
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", rule).lower())
    return "-".join(words)[:40] or "llm-remark"


def validate(
    draft: ReviewDraft,
    files: Mapping[str, str],
    tool_findings: Iterable[Mapping[str, Any]],
) -> ReviewFindings:
    """The model's findings that name a given file and one of its lines, minus duplicates.

    A finding is a duplicate when a tool finding (or an earlier model finding) is on the same
    file and line with a similar message (same rule, or messages at least 60% alike).
    """
    notes = {"unknown_file": 0, "bad_line": 0, "duplicate": 0}
    seen: list[Finding] = [_as_finding(f) for f in tool_findings if f.get("file") in files]
    kept: list[Finding] = []
    for item in draft.findings:
        path = item.file.strip().removeprefix("./")
        if path not in files:
            notes["unknown_file"] += 1
            continue
        if not 1 <= item.line <= max(1, len(files[path].splitlines())):
            notes["bad_line"] += 1
            continue
        finding = Finding(
            check=CHECK,
            file=path,
            line=item.line,
            rule=kebab(item.rule),
            severity=item.severity,
            message=item.message.strip(),
            fix_hint=item.fix_hint.strip(),
        )
        if any(_same(finding, other) for other in seen):
            notes["duplicate"] += 1
            continue
        seen.append(finding)
        kept.append(finding)
    return ReviewFindings(kept[:MAX_FINDINGS], notes=notes)


def _as_finding(data: Mapping[str, Any]) -> Finding:
    return Finding(
        check=str(data.get("check", "")),
        file=str(data["file"]),
        line=data.get("line"),
        rule=str(data.get("rule") or ""),
        message=str(data.get("message") or ""),
    )


def _same(a: Finding, b: Finding) -> bool:
    if a.file != b.file or a.line != b.line:
        return False
    if a.rule and a.rule == kebab(b.rule):
        return True
    return _similarity(a.message, b.message) >= _SIMILAR


def _similarity(a: str, b: str) -> float:
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    if not wa or not wb:
        return 0.0
    overlap = len(set(wa) & set(wb)) / len(set(wa) | set(wb))
    return max(overlap, SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio())
