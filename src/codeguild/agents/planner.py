"""The planner: turns an intent's blueprint into typed tasks with dependencies."""

from __future__ import annotations

from dataclasses import dataclass, replace

from codeguild.agents.base import (
    CODE,
    DOCUMENT,
    REVIEW,
    RUN_TESTS,
    SECURITY,
    WRITE_TESTS,
    TaskSpec,
)
from codeguild.agents.docs import EXPORT_OPENAPI
from codeguild.engines.base import Blueprint, Component
from codeguild.intent.models import ProjectIntent

_CAPABILITY_BY_KIND = {"config": CODE, "code": CODE, "tests": WRITE_TESTS, "docs": DOCUMENT}
# rough durations (seconds) so the critical path means something before history exists
_ESTIMATE = {
    CODE: 0.02,
    WRITE_TESTS: 0.02,
    DOCUMENT: 0.02,
    RUN_TESTS: 3.0,
    REVIEW: 0.8,
    SECURITY: 1.0,
}

RUN_TESTS_TASK = "run_tests"
REVIEW_TASK = "review"
SECURITY_TASK = "security_scan"
OPENAPI_TASK = "export_openapi"


@dataclass(frozen=True)
class Plan:
    blueprint: Blueprint
    tasks: tuple[TaskSpec, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "package": self.blueprint.package,
            "tasks": [
                {
                    "name": t.name,
                    "capability": t.capability,
                    "component": t.component,
                    "depends_on": list(t.depends_on),
                    "priority": t.priority,
                    "description": t.description,
                }
                for t in self.tasks
            ],
        }


def write_task_name(component: str) -> str:
    return f"write_{component}"


class Planner:
    """Pure planning rules: one task per component, then tests, review, security and docs."""

    def plan(self, intent: ProjectIntent, blueprint: Blueprint) -> Plan:
        tasks = [self._component_task(c) for c in blueprint.components]
        written: dict[str, list[str]] = {}
        for c in blueprint.components:
            written.setdefault(c.kind, []).append(write_task_name(c.name))
        code = tuple(written.get("config", []) + written.get("code", []))
        tests = tuple(written.get("tests", []))
        # the scan reads every file, so it waits for all of them: what it finds must not depend
        # on which writers happened to finish first
        everything = tuple(write_task_name(c.name) for c in blueprint.components)
        tasks = [self._docs_after_code(t, code) for t in tasks]
        tasks += [
            TaskSpec(
                name=RUN_TESTS_TASK,
                capability=RUN_TESTS,
                depends_on=code + tests,
                priority="p0",
                estimate_s=_ESTIMATE[RUN_TESTS],
                description="Run the project's tests in the sandbox",
            ),
            TaskSpec(
                name=REVIEW_TASK,
                capability=REVIEW,
                depends_on=code + tests,
                priority="p1",
                estimate_s=_ESTIMATE[REVIEW],
                description="Syntax, lint, format and complexity review",
            ),
            TaskSpec(
                name=SECURITY_TASK,
                capability=SECURITY,
                depends_on=everything,
                priority="p1",
                estimate_s=_ESTIMATE[SECURITY],
                description="bandit, secrets and dependency pins",
            ),
        ]
        if blueprint.openapi_export:
            tasks.append(
                TaskSpec(
                    name=OPENAPI_TASK,
                    capability=DOCUMENT,
                    action=EXPORT_OPENAPI,
                    depends_on=code,
                    priority="p2",
                    estimate_s=1.0,
                    description="Export openapi.json from the app (in the sandbox)",
                )
            )
        return Plan(blueprint=blueprint, tasks=tuple(tasks))

    @staticmethod
    def _component_task(component: Component) -> TaskSpec:
        capability = _CAPABILITY_BY_KIND[component.kind]
        return TaskSpec(
            name=write_task_name(component.name),
            capability=capability,
            component=component.name,
            depends_on=tuple(write_task_name(n) for n in component.needs),
            priority="p0" if component.kind in ("config", "code") else "p1",
            estimate_s=_ESTIMATE[capability],
            description=component.description or f"Write {component.kind}: {component.name}",
        )

    @staticmethod
    def _docs_after_code(task: TaskSpec, code: tuple[str, ...]) -> TaskSpec:
        # docs describe the code, so they are written once the code exists
        if task.capability != DOCUMENT:
            return task
        deps = tuple(dict.fromkeys(task.depends_on + code))
        return replace(task, depends_on=deps, priority="p2")
