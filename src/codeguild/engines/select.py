"""Choosing the engine of a run: the LLM when asked (or configured, for auto), else built-in."""

from __future__ import annotations

import logging
from typing import Literal

from codeguild.config import Settings, get_settings
from codeguild.engines.base import Engine
from codeguild.errors import CodeguildError

log = logging.getLogger(__name__)

EngineKind = Literal["llm", "builtin", "auto"]


class EngineChoiceError(CodeguildError):
    code = "invalid_engine"
    exit_code = 2


def select_engine(
    kind: str = "auto", settings: Settings | None = None, *, budget: str | None = None
) -> Engine:
    """``llm`` (fails clearly when not configured), ``builtin``, or ``auto``: the LLM engine when
    CODEGUILD_LLM_BASE_URL and CODEGUILD_LLM_MODEL are set, the built-in one otherwise.

    ``budget`` ('200k', '$0.50') overrides CODEGUILD_LLM_BUDGET for the LLM engine.
    """
    settings = settings or get_settings()
    choice = kind.strip().lower()
    if choice not in ("llm", "builtin", "auto"):
        raise EngineChoiceError(
            f"Unknown engine {kind!r}.", hint="Choose one of: llm, builtin, auto."
        )
    # imported here so the built-in path never loads the openai package
    from codeguild.engines.llm.settings import is_configured

    if choice == "builtin" or (choice == "auto" and not is_configured(settings)):
        from codeguild.engines.builtin.engine import BuiltinEngine

        log.info("engine selected kind=builtin asked=%s", choice)
        return BuiltinEngine()
    from codeguild.engines.llm.budget import Budget
    from codeguild.engines.llm.engine import LLMEngine

    engine = LLMEngine(settings=settings, budget=Budget.parse(budget) if budget else None)
    log.info("engine selected kind=llm model=%s asked=%s", engine.config.model, choice)
    return engine
