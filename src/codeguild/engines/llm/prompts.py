"""Prompt templates: versioned ``prompts/<name>.v<N>.j2`` files rendered with jinja2."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

#: the template version each prompt uses; a new wording is a new file, so runs stay comparable
VERSIONS: dict[str, int] = {
    "system": 1,
    "intent": 1,
    "plan": 1,
    "code": 1,
    "tests": 1,
    "docs": 1,
    "revise": 1,
    "review": 1,
    "repair": 1,
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("codeguild.engines.llm", "prompts"),
        undefined=StrictUndefined,  # a missing variable is a bug in the engine, never silent
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # nosec B701 - renders prompts (plain text), never HTML
    )


def render(prompt: str, /, **context: Any) -> str:
    template = f"{prompt}.v{VERSIONS[prompt]}.j2"
    return _environment().get_template(template).render(**context).strip() + "\n"


def messages(role: str, task: str, /, **context: Any) -> list[dict[str, Any]]:
    """The system prompt for ``role`` and the user prompt of template ``task``."""
    return [
        {"role": "system", "content": render("system", role=role)},
        {"role": "user", "content": render(task, **context)},
    ]
