"""Jinja2 rendering of the built-in engine's templates (packaged under ``templates/``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("codeguild.engines.builtin", "templates"),
        undefined=StrictUndefined,  # a missing variable is a bug in the engine, never silent
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # nosec B701 - renders Python/Markdown/TOML, never HTML
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>``; output always ends with exactly one newline."""
    text = environment().get_template(template).render(**context)
    return text.rstrip() + "\n"
