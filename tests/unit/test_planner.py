"""The planner turns a blueprint into a task graph whose order is what the agents rely on."""

from __future__ import annotations

import pytest

from codeguild.agents.base import CODE, DOCUMENT, RUN_TESTS, WRITE_TESTS
from codeguild.agents.planner import (
    OPENAPI_TASK,
    REVIEW_TASK,
    RUN_TESTS_TASK,
    SECURITY_TASK,
    Planner,
    write_task_name,
)
from codeguild.engines.base import Blueprint, Component
from codeguild.errors import CycleError
from codeguild.intent.models import ProjectIntent


def _intent() -> ProjectIntent:
    return ProjectIntent(
        requirement="r", project_type="web_api", name="shop-api", summary="A shop API."
    )


def _blueprint(openapi: bool = True, cyclic: bool = False) -> Blueprint:
    return Blueprint(
        package="shop_api",
        components=(
            Component("scaffold", "config", ("pyproject.toml",)),
            Component("core", "code", ("shop_api/db.py",), needs=("app",) if cyclic else ()),
            Component("api_items", "code", ("shop_api/items.py",), needs=("core",)),
            Component("app", "code", ("shop_api/main.py",), needs=("api_items",)),
            Component("tests_items", "tests", ("tests/test_items.py",), needs=("app",)),
            Component("docs", "docs", ("README.md",)),
        ),
        openapi_export=("python", "-c", "print(1)") if openapi else None,
    )


def test_every_component_becomes_one_task_with_the_right_capability() -> None:
    plan = Planner().plan(_intent(), _blueprint())
    by_name = {t.name: t for t in plan.tasks}
    assert by_name[write_task_name("scaffold")].capability == CODE
    assert by_name[write_task_name("api_items")].capability == CODE
    assert by_name[write_task_name("tests_items")].capability == WRITE_TESTS
    assert by_name[write_task_name("docs")].capability == DOCUMENT
    assert by_name[RUN_TESTS_TASK].capability == RUN_TESTS
    assert by_name[write_task_name("app")].depends_on == (write_task_name("api_items"),)


def test_checks_wait_for_everything_they_check() -> None:
    plan = Planner().plan(_intent(), _blueprint())
    by_name = {t.name: t for t in plan.tasks}
    code = {write_task_name(n) for n in ("scaffold", "core", "api_items", "app")}
    assert set(by_name[RUN_TESTS_TASK].depends_on) == code | {write_task_name("tests_items")}
    assert set(by_name[REVIEW_TASK].depends_on) >= code
    # the scan reads every file, so it runs after every writer
    assert set(by_name[SECURITY_TASK].depends_on) == {t.name for t in plan.tasks if t.component}
    # docs describe the code, so they come after it
    assert set(by_name[write_task_name("docs")].depends_on) == code
    assert set(by_name[OPENAPI_TASK].depends_on) == code


def test_no_openapi_task_when_the_project_has_no_api() -> None:
    plan = Planner().plan(_intent(), _blueprint(openapi=False))
    assert OPENAPI_TASK not in {t.name for t in plan.tasks}


def test_plan_loads_into_a_task_graph_and_independent_tasks_share_a_level() -> None:
    from codeguild.orchestration.graph import TaskGraph

    graph = TaskGraph.from_tasks(Planner().plan(_intent(), _blueprint()).tasks)
    levels = graph.levels()
    first = set(levels[0])
    assert {write_task_name("scaffold"), write_task_name("core")} <= first
    assert {REVIEW_TASK, RUN_TESTS_TASK} <= set(levels[-1]) | set(levels[-2])


def test_a_blueprint_with_a_cycle_is_rejected_with_the_cycle_named() -> None:
    from codeguild.orchestration.graph import TaskGraph

    plan = Planner().plan(_intent(), _blueprint(cyclic=True))
    with pytest.raises(CycleError) as info:
        TaskGraph.from_tasks(plan.tasks)
    assert set(info.value.cycle) == {"write_core", "write_api_items", "write_app"}
    assert "write_core" in str(info.value) and "->" in str(info.value)
