"""The coder: writes code and configuration components, and fixes what the checks flagged."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from codeguild.agents.base import CODE, FIX_NOTES_KEY, RunContext, TaskResult, TaskSpec
from codeguild.agents.planner import REVIEW_TASK, RUN_TESTS_TASK, SECURITY_TASK
from codeguild.agents.writing import write_component
from codeguild.engines.base import AsyncEngine, Blueprint, Component, Feedback, RevisingEngine
from codeguild.errors import CodeguildError
from codeguild.intent.models import ProjectIntent
from codeguild.quality.lint import ruff_fix

log = logging.getLogger(__name__)

# bounds on what one fix round sends to a model: enough to act on, never the whole run's output
MAX_FAILING_TESTS = 5
MAX_TRACEBACK_CHARS = 1500
MAX_FINDINGS_PER_FILE = 10
MAX_TARGET_FILES = 4
MAX_RELATED_CHARS = 4000
#: where fix-round notes (a revision that failed, a budget stop) are left for the report

_PATH_IN_TEXT = re.compile(r"[\w./-]+\.py")
_DURATION = re.compile(r"\b\d+\.\d+s\b")


class CoderAgent:
    def __init__(self, name: str = "coder") -> None:
        self.name = name
        self.capabilities = frozenset({CODE})

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        return await write_with_engine(task, ctx)

    async def fix(self, ctx: RunContext, failed_files: set[str]) -> list[str]:
        """One fix round: lint/format autofix, then rewrite what the checks flagged.

        An engine that can revise gets the failing tests' trimmed tracebacks and the findings of
        the files involved; otherwise flagged files are regenerated from their component.
        Returns what was done, one line each, for the report (empty: nothing could be fixed).
        """
        actions: list[str] = []
        changed = await ruff_fix(ctx.workspace.root)
        if changed:
            actions.append(f"ruff --fix and format changed {len(changed)} file(s): {changed}")
        # a file the autofix just changed keeps that change; only files it could not touch are
        # candidates for a rewrite (e.g. a syntax error, or a file damaged after it was written)
        if isinstance(ctx.engine, RevisingEngine):
            actions += await self._revise(ctx, ctx.engine, failed_files - set(changed))
            return actions
        rewritten = self._rewrite(ctx, failed_files - set(changed))
        if rewritten:
            actions.append(f"regenerated {len(rewritten)} file(s) from the engine: {rewritten}")
        return actions

    def _rewrite(self, ctx: RunContext, failed_files: set[str]) -> list[str]:
        """Regenerate flagged files whose content differs from what the engine produces."""
        rewritten: list[str] = []
        for component in ctx.blueprint.components:
            if not failed_files.intersection(component.files):
                continue
            for path, text in ctx.engine.write_component(ctx.intent, component.name).items():
                target = ctx.workspace.root / path
                current = target.read_text(encoding="utf-8") if target.exists() else None
                if path in failed_files and current != text:
                    ctx.workspace.write(path, text)
                    rewritten.append(path)
        return rewritten

    async def _revise(
        self, ctx: RunContext, engine: RevisingEngine, flagged: set[str]
    ) -> list[str]:
        present = set(ctx.workspace.files())
        failures, named, failing_tests = _test_failures(ctx, present)
        findings = _findings(ctx, flagged)
        plan = _targets(ctx.blueprint, named, flagged, failing_tests)
        related = _related(ctx, failing_tests)
        actions: list[str] = []
        for component, targets in plan:
            feedback = Feedback(
                targets=targets,
                failures=tuple(failures),
                findings={p: findings[p] for p in targets if p in findings},
                files={p: ctx.workspace.read(p) for p in targets if p in present},
                related=related,
            )
            try:
                files = await engine.revise(ctx.intent, component.name, feedback)
            except CodeguildError as exc:
                _note(ctx, self.name, f"could not revise {component.name}: {exc}")
                if exc.code == "budget_exceeded":
                    break  # every further call would be refused too
                continue
            for path, text in sorted(files.items()):
                ctx.workspace.write(path, text)
            if files:
                why = _why(len(failing_tests), sum(len(findings.get(p, ())) for p in files))
                actions.append(f"revised {sorted(files)} from {why} ({_engine_name(ctx)})")
        return actions


async def write_with_engine(task: TaskSpec, ctx: RunContext) -> TaskResult:
    """Write a component; an engine with awaitable methods is awaited, not blocking the loop."""
    engine = ctx.engine
    if (
        isinstance(engine, AsyncEngine)
        and task.component is not None
        and any(c.name == task.component for c in ctx.blueprint.components)
    ):
        files = await engine.awrite_component(ctx.intent, task.component)
        return write_component(task, replace(ctx, engine=_Prepared(files)))
    return write_component(task, ctx)


class _Prepared:
    """An engine stand-in handing over files already fetched, so writing stays in one place."""

    name = "prepared"

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        raise NotImplementedError("a prepared engine only hands over written files")

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        return dict(self._files)


def _engine_name(ctx: RunContext) -> str:
    return str(getattr(ctx.engine, "name", "engine"))


def _why(tests: int, findings: int) -> str:
    parts = [f"{tests} failing test(s)"] if tests else []
    if findings:
        parts.append(f"{findings} finding(s)")
    return " and ".join(parts) or "the failed checks"


def _note(ctx: RunContext, writer: str, text: str) -> None:
    log.warning("coder fix note: %s", text)
    ctx.shared.write(writer, FIX_NOTES_KEY, [text])


def _trim(text: str, limit: int) -> str:
    # the end of a traceback says what went wrong; keep it
    return text if len(text) <= limit else "..." + text[-(limit - 3) :]


def _normalise(text: str, root: Path) -> str:
    """Paths relative to the project and no timings, so prompts (and cache keys) are stable."""
    for prefix in {str(root), str(root.resolve())}:
        text = text.replace(prefix + "/", "").replace(prefix, ".")
    return _DURATION.sub("", text)


def _files_in(text: str, present: set[str]) -> set[str]:
    found = set()
    for match in _PATH_IN_TEXT.findall(text):
        candidate = match.lstrip("./")
        if candidate in present:
            found.add(candidate)
    return found


def _test_file(name: str, present: set[str]) -> str | None:
    """``tests.test_calc::test_add`` (junit classname::name) -> ``tests/test_calc.py``."""
    module = name.split("::", 1)[0]
    parts = module.split(".")
    for end in range(len(parts), 0, -1):  # a class name may follow the module
        path = "/".join(parts[:end]) + ".py"
        if path in present:
            return path
    return None


def _test_failures(ctx: RunContext, present: set[str]) -> tuple[list[str], set[str], set[str]]:
    """Trimmed tracebacks, project files they name, and the test files that failed."""
    result = ctx.results.get(RUN_TESTS_TASK)
    data: dict[str, Any] = result.data.get("tests", {}) if result is not None else {}
    root = ctx.workspace.root
    failures: list[str] = []
    named: set[str] = set()
    test_files: set[str] = set()
    failing = [t for t in data.get("tests", []) if t.get("outcome") in ("failed", "error")]
    for test in failing[:MAX_FAILING_TESTS]:
        message = _normalise(str(test.get("message", "")), root)
        failures.append(f"{test.get('name', '?')}\n{_trim(message, MAX_TRACEBACK_CHARS)}")
        named |= _files_in(message, present)
        test_file = _test_file(str(test.get("name", "")), present)
        if test_file:
            test_files.add(test_file)
    if not failing and result is not None and not result.ok:
        # e.g. a collection error: no test case, but the output says what broke
        tail = _normalise(str(data.get("output_tail", "")), root)
        failures.append(_trim(tail, MAX_TRACEBACK_CHARS))
        named |= _files_in(tail, present)
    return failures, named, test_files


def _findings(ctx: RunContext, flagged: set[str]) -> dict[str, tuple[str, ...]]:
    """One line per finding of a failed check, for the flagged files."""
    out: dict[str, list[str]] = {}
    for name in (REVIEW_TASK, SECURITY_TASK):
        result = ctx.results.get(name)
        for check in result.data.get("checks", []) if result is not None else []:
            if check.get("passed"):
                continue
            for f in check.get("findings", []):
                path = f.get("file")
                if path in flagged and len(out.setdefault(path, [])) < MAX_FINDINGS_PER_FILE:
                    line = f"line {f['line']}: " if f.get("line") else ""
                    out[path].append(f"{line}[{f.get('rule') or f.get('check')}] {f['message']}")
    return {p: tuple(lines) for p, lines in out.items()}


def _targets(
    blueprint: Blueprint, named: set[str], flagged: set[str], failing_tests: set[str]
) -> list[tuple[Component, tuple[str, ...]]]:
    """Which files of which components to revise, bounded.

    Code named in a traceback or flagged by a check comes first; when the tracebacks name no
    code (an assertion on a wrong result), the code the failing tests' components need is the
    suspect. Tests are the specification: they are revised only when a check flagged them.
    """
    chosen: dict[str, list[str]] = {}
    test_components = {c.name for c in blueprint.components if failing_tests & set(c.files)}
    suspects = {n for c in blueprint.components if c.name in test_components for n in c.needs}
    blame_needs = not _names_code(named)
    for c in blueprint.components:
        if c.kind == "config":
            continue
        wanted = flagged if c.kind == "tests" else named | flagged
        hit = [p for p in c.files if p in wanted]
        if not hit and blame_needs and c.name in suspects and c.kind == "code":
            hit = [p for p in c.files if p.endswith(".py") and not p.endswith("__init__.py")]
        if hit:
            chosen[c.name] = hit
    plan: list[tuple[Component, tuple[str, ...]]] = []
    budget = MAX_TARGET_FILES
    for c in blueprint.components:
        if c.name in chosen and budget > 0:
            files = tuple(chosen[c.name][:budget])
            budget -= len(files)
            plan.append((c, files))
    return plan


def _names_code(named: set[str]) -> bool:
    return any(not p.startswith("tests/") for p in named)


def _related(ctx: RunContext, test_files: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(test_files):
        try:
            out[path] = _trim(ctx.workspace.read(path), MAX_RELATED_CHARS)
        except OSError:
            continue
    return out
