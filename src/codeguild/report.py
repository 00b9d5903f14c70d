"""The run report: what was asked, planned, done and found, as JSON and as Markdown."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel, Field

from codeguild import __version__

REPORT_JSON = "codeguild-report.json"
REPORT_MD = "codeguild-report.md"


class TaskReport(BaseModel):
    name: str
    capability: str
    component: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    agent: str | None = None
    state: str
    attempts: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    summary: str = ""
    error: str | None = None


class RunReport(BaseModel):
    codeguild_version: str = __version__
    run_id: str
    status: str = Field(description="passed | passed_with_warnings | failed")
    stop_reason: str
    requirement: str
    project_name: str
    project_type: str
    engine: str
    output_dir: str
    started_at: float
    finished_at: float
    total_s: float
    stages: dict[str, float] = Field(description="Seconds spent per stage.")
    intent: dict[str, Any]
    plan: dict[str, Any]
    tasks: list[TaskReport]
    tests: dict[str, Any] | None = None
    review: list[dict[str, Any]] = Field(default_factory=list)
    security: list[dict[str, Any]] = Field(default_factory=list)
    openapi: dict[str, Any] | None = None
    iterations: dict[str, Any] = Field(default_factory=dict)
    shared_context: dict[str, Any] = Field(
        default_factory=dict,
        description="What the agents shared: values, each key's reducer, steps and conflicts.",
    )
    llm: dict[str, Any] | None = Field(
        default=None, description="Model calls, tokens, cost and budget when an LLM engine ran."
    )
    decision: dict[str, Any] = Field(
        default_factory=dict, description="The ship/fix vote of the checking agents."
    )
    files: list[str] = Field(default_factory=list)
    how_to_run: list[str] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def to_markdown(self) -> str:
        template = _environment().get_template("report.md.j2")
        return template.render(r=self).rstrip() + "\n"


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("codeguild", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # nosec B701 - renders Markdown for a file, never HTML
    )
