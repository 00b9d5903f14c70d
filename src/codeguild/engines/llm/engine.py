"""LLMEngine: the Engine protocol answered by any OpenAI-compatible model.

Planning is structured output validated into a Blueprint; each file is one streamed completion
whose prompt carries the plan and the signatures of the files it needs (not the whole project);
packaging files are rendered, never generated, so every project builds and tests the same way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from codeguild.config import Settings, get_settings
from codeguild.engines.base import Blueprint, Component, Feedback
from codeguild.engines.builtin.pins import pin
from codeguild.engines.builtin.project_files import DEV_DEPENDENCIES, gitignore
from codeguild.engines.builtin.rendering import render as render_builtin
from codeguild.engines.llm.answers import ask, ask_model
from codeguild.engines.llm.budget import Budget
from codeguild.engines.llm.client import LLMClient
from codeguild.engines.llm.errors import BudgetExceededError, LLMCallError, LLMOutputError
from codeguild.engines.llm.intent import llm_intent
from codeguild.engines.llm.planning import (
    SCAFFOLD,
    PlanDraft,
    dependencies_of,
    plan_problems,
    to_blueprint,
)
from codeguild.engines.llm.portal import Portal
from codeguild.engines.llm.prompts import VERSIONS, messages
from codeguild.engines.llm.review import (
    MAX_FINDINGS,
    ReviewDraft,
    ReviewFindings,
    bounded_sources,
    tool_lines,
    validate,
)
from codeguild.engines.llm.settings import LLMConfig
from codeguild.engines.llm.source import file_text, signatures
from codeguild.engines.llm.usage import UsageReport
from codeguild.intent.models import ProjectIntent
from codeguild.store.memory import SharedMemoryStore, open_memory_store

log = logging.getLogger(__name__)

_ROLE_BY_KIND = {"code": "code", "config": "code", "tests": "tests", "docs": "docs"}
_PERSONA = {"code": "coder", "tests": "tester", "docs": "documentation writer", "fix": "coder"}
_MAX_CRITERIA = 40
_FILE_ANSWER = "the file content in one fenced code block"


class LLMEngine:
    """Engine protocol (sync) plus awaitable variants, ``revise``, ``refine_intent``, ``review``.

    One engine serves one run at a time: it remembers the files it wrote so later prompts can
    carry their signatures. ``usage()`` reports calls, tokens, cost and any budget stop.
    """

    name = "llm"

    def __init__(
        self,
        config: LLMConfig | None = None,
        *,
        settings: Settings | None = None,
        store: SharedMemoryStore | None = None,
        budget: Budget | None = None,
    ) -> None:
        settings = settings or get_settings()
        self.config = config or LLMConfig.from_settings(settings)
        if budget is None and settings.llm_budget:
            budget = Budget.parse(settings.llm_budget)
        self.budget = budget or Budget()
        # the store is used from the portal's loop only: pass one no other loop uses
        self.store = store if store is not None else open_memory_store()
        self.client = LLMClient(self.config, store=self.store, budget=self.budget)
        self.client.ledger.report.budget = self.budget.limits() or None
        self._portal = Portal()
        self._plans: dict[str, Blueprint] = {}
        self._written: dict[str, str] = {}

    # -- lifecycle and reporting ---------------------------------------------------------------

    def close(self) -> None:
        self._portal.close(self.client.close())

    def __enter__(self) -> LLMEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def usage(self) -> UsageReport:
        """A snapshot of what the model calls cost so far (``.as_dict()`` for the run report)."""
        report = self.client.ledger.report.model_copy(deep=True)
        report.budget = self.budget.limits() or None
        return report

    @property
    def prompt_versions(self) -> dict[str, int]:
        return dict(VERSIONS)

    # -- the Engine protocol (sync) ------------------------------------------------------------

    def blueprint(self, intent: ProjectIntent) -> Blueprint:
        return self._portal.run(self._blueprint(intent))

    def write_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        return self._portal.run(self._write_component(intent, component))

    def refine_intent(self, text: str, rule_based: ProjectIntent) -> ProjectIntent:
        return self._portal.run(llm_intent(text, rule_based, self.client))

    def review(
        self, intent: ProjectIntent, files: dict[str, str], tool_findings: list[dict[str, Any]]
    ) -> ReviewFindings:
        """Findings of a model review of ``files`` (path -> text), validated and deduplicated
        against ``tool_findings`` (``Finding`` dicts). Never raises for a bad answer, a failed
        call or a spent budget: the result is then empty and its ``error`` says why (see
        :class:`~codeguild.engines.llm.review.ReviewFindings`)."""
        return self._portal.run(self._review(intent, files, tool_findings))

    # -- awaitable variants --------------------------------------------------------------------

    async def ablueprint(self, intent: ProjectIntent) -> Blueprint:
        return await self._portal.arun(self._blueprint(intent))

    async def awrite_component(self, intent: ProjectIntent, component: str) -> dict[str, str]:
        return await self._portal.arun(self._write_component(intent, component))

    async def arefine_intent(self, text: str, rule_based: ProjectIntent) -> ProjectIntent:
        return await self._portal.arun(llm_intent(text, rule_based, self.client))

    async def revise(
        self, intent: ProjectIntent, component: str, feedback: Feedback
    ) -> dict[str, str]:
        return await self._portal.arun(self._revise(intent, component, feedback))

    async def areview(
        self, intent: ProjectIntent, files: dict[str, str], tool_findings: list[dict[str, Any]]
    ) -> ReviewFindings:
        return await self._portal.arun(self._review(intent, files, tool_findings))

    # -- the work, on the portal's loop --------------------------------------------------------

    async def _blueprint(self, intent: ProjectIntent) -> Blueprint:
        key = intent.model_dump_json()
        if key in self._plans:
            return self._plans[key]
        package = intent.package

        def check(plan: PlanDraft) -> None:
            problems = plan_problems(plan, package)
            if problems:
                raise ValueError("the plan breaks these rules: " + "; ".join(problems))

        prompt = messages(
            "planner",
            "plan",
            project_type=str(intent.project_type),
            name=intent.name,
            package=package,
            summary=intent.summary,
            features=intent.features,
            entities=intent.entities,
            commands=intent.commands,
            schema=json.dumps(PlanDraft.model_json_schema()),
        )
        plan = await ask_model(self.client, "plan", prompt, PlanDraft, what="plan", check=check)
        blueprint = to_blueprint(plan, package)
        self._plans[key] = blueprint
        log.info(
            "llm plan project=%s components=%d files=%d",
            intent.name,
            len(blueprint.components),
            sum(len(c.files) for c in blueprint.components),
        )
        return blueprint

    async def _write_component(self, intent: ProjectIntent, name: str) -> dict[str, str]:
        blueprint = await self._blueprint(intent)
        component = _component(blueprint, name)
        if component.name == SCAFFOLD:
            rendered = _scaffold(intent, dependencies_of(blueprint))
            self._written.update(rendered)
            return rendered
        files: dict[str, str] = {}
        for path in component.files:
            if path.endswith("py.typed"):
                files[path] = ""  # a marker file: nothing to ask a model for
            else:
                files[path] = await self._write_file(intent, blueprint, component, path, files)
            self._written[path] = files[path]
        return files

    async def _write_file(
        self,
        intent: ProjectIntent,
        blueprint: Blueprint,
        component: Component,
        path: str,
        siblings: dict[str, str],
    ) -> str:
        role = _ROLE_BY_KIND[component.kind]
        context = self._context(blueprint, component, siblings, everything=role == "docs")
        common: dict[str, Any] = {
            "path": path,
            "name": intent.name,
            "package": blueprint.package,
            "summary": intent.summary,
            "context": context,
        }
        if role == "tests":
            prompt = messages(_PERSONA[role], "tests", criteria=_criteria(intent), **common)
        elif role == "docs":
            prompt = messages(_PERSONA[role], "docs", test_command=blueprint.test_command, **common)
        else:
            plan = [c for c in blueprint.components if c.name != SCAFFOLD]
            prompt = messages(_PERSONA[role], "code", plan=plan, component=component, **common)
        return await ask(
            self.client,
            role,
            prompt,
            lambda answer: file_text(answer, path),
            what=f"content of {path}",
            expected=_FILE_ANSWER,
            stream=True,
        )

    def _context(
        self,
        blueprint: Blueprint,
        component: Component,
        siblings: dict[str, str],
        *,
        everything: bool,
    ) -> dict[str, str]:
        """Signatures of the Python files this component may use: its needs, transitively."""
        if everything:
            names = {c.name for c in blueprint.components if c.kind == "code"}
        else:
            names = _closure(blueprint, component.needs)
        paths = [p for c in blueprint.components if c.name in names for p in c.files]
        available = {p: self._written[p] for p in paths if p in self._written}
        available.update(siblings)
        return {
            p: signatures(p, text)
            for p, text in sorted(available.items())
            if p.endswith(".py") and text.strip()
        }

    async def _revise(self, intent: ProjectIntent, name: str, feedback: Feedback) -> dict[str, str]:
        blueprint = await self._blueprint(intent)
        component = _component(blueprint, name)
        revised: dict[str, str] = {}
        for path in feedback.targets:
            if path not in component.files or path.endswith("py.typed"):
                continue
            current = feedback.files.get(path, self._written.get(path, ""))
            prompt = messages(
                _PERSONA["fix"],
                "revise",
                path=path,
                name=intent.name,
                package=blueprint.package,
                current=current,
                failures=list(feedback.failures),
                findings=list(feedback.findings.get(path, ())),
                related={p: t for p, t in sorted(feedback.related.items()) if p != path},
            )
            text = await ask(
                self.client,
                "fix",
                prompt,
                lambda answer, p=path: file_text(answer, p),  # type: ignore[misc]
                what=f"fix of {path}",
                expected=_FILE_ANSWER,
                stream=True,
            )
            if text != current:
                revised[path] = text
                self._written[path] = text
        return revised

    async def _review(
        self, intent: ProjectIntent, files: dict[str, str], tool_findings: list[dict[str, Any]]
    ) -> ReviewFindings:
        sources, notes = bounded_sources(files)
        if not sources:
            return ReviewFindings(notes=notes)
        prompt = messages(
            "reviewer",
            "review",
            name=intent.name,
            package=intent.package,
            summary=intent.summary,
            files=sources,
            tool_findings=tool_lines(tool_findings, sources),
            max_findings=MAX_FINDINGS,
            schema=json.dumps(ReviewDraft.model_json_schema()),
        )
        try:
            draft = await ask_model(self.client, "review", prompt, ReviewDraft, what="review")
        except (LLMOutputError, LLMCallError, BudgetExceededError) as exc:
            log.warning("llm review gave no findings: %s", exc)
            return ReviewFindings(notes=notes, error=str(exc))
        found = validate(draft, {p: files[p] for p in sources}, tool_findings)
        found.notes.update(notes)
        log.info(
            "llm review files=%d findings=%d dropped=%s",
            len(sources),
            len(found),
            {k: v for k, v in found.notes.items() if v},
        )
        return found


def _component(blueprint: Blueprint, name: str) -> Component:
    try:
        return blueprint.component(name)
    except KeyError:
        raise LLMOutputError(
            f"The plan has no component {name!r}.",
            hint="Re-plan the run; the blueprint and the task graph are out of step.",
        ) from None


def _closure(blueprint: Blueprint, needs: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(needs)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            stack.extend(blueprint.component(name).needs)
        except KeyError:
            continue
    return seen


def _criteria(intent: ProjectIntent) -> list[str]:
    criteria = [c for f in intent.features for c in f.acceptance_criteria]
    return criteria[:_MAX_CRITERIA]


def _pinned(dist: str) -> str:
    try:
        return pin(dist)
    except KeyError:
        # not installed here and unknown to the pin table: leave it to the installer
        return dist


def _scaffold(intent: ProjectIntent, dependencies: list[str]) -> dict[str, str]:
    deps = [_pinned(d) for d in dependencies]
    dev = [_pinned(d) for d in DEV_DEPENDENCIES]
    pyproject = render_builtin(
        "common/pyproject.toml.j2",
        intent=intent,
        dependencies=deps,
        dev_dependencies=dev,
        scripts={},
    )
    return {
        "pyproject.toml": pyproject,
        "requirements.txt": "".join(f"{d}\n" for d in deps),
        "requirements-dev.txt": "-r requirements.txt\n" + "".join(f"{d}\n" for d in dev),
        ".gitignore": gitignore(),
    }
