"""Asking for an answer of a given shape, with a bounded repair round when it comes back wrong."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from codeguild.engines.llm.client import Completion, LLMClient, Messages
from codeguild.engines.llm.errors import LLMOutputError
from codeguild.engines.llm.prompts import render

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_FENCE = re.compile(r"```[ \t]*([\w.+-]*)[ \t]*\n(.*?)(?:\n```|\Z)", re.S)
_ERROR_CHARS = 1500


def strip_fences(text: str) -> str:
    """The body of the first fenced block, or the text itself when there is none."""
    match = _FENCE.search(text)
    return match.group(2) if match else text


def response_format(mode: str, model: type[BaseModel]) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": model.__name__, "schema": model.model_json_schema()},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def parse_json(text: str) -> Any:
    body = strip_fences(text).strip()
    start, end = body.find("{"), body.rfind("}")
    if start == -1 or end < start:
        raise ValueError("the answer contains no JSON object")
    return json.loads(body[start : end + 1])


async def ask(
    client: LLMClient,
    role: str,
    messages: Messages,
    accept: Callable[[str], T],
    *,
    what: str,
    expected: str,
    stream: bool = False,
    fmt: dict[str, Any] | None = None,
) -> T:
    """Call the model and ``accept`` its text; on ValueError repair up to the configured rounds.

    Every completion of a conversation that ends well is cached together, so a rerun replays
    the same repairs without calling the server; a conversation that fails caches nothing.
    """
    conversation = list(messages)
    used: list[Completion] = []
    rounds = client.config.repair_rounds
    error = ""
    for attempt in range(rounds + 1):
        completion = await client.complete(
            role, conversation, stream=stream, response_format=fmt, repair=attempt > 0
        )
        used.append(completion)
        try:
            result = accept(completion.text)
        except (ValueError, ValidationError) as exc:
            error = _short(exc)
            log.warning(
                "llm answer rejected role=%s what=%s attempt=%d: %s", role, what, attempt, error
            )
            conversation = [
                *conversation,
                {"role": "assistant", "content": completion.text},
                {"role": "user", "content": render("repair", error=error, expected=expected)},
            ]
            continue
        await client.remember(*used)
        return result
    raise LLMOutputError(
        f"The model gave no usable {what} in {rounds + 1} attempt(s); last problem: {error}.",
        hint="Try a stronger model (CODEGUILD_LLM_MODEL or a per-role override), or raise "
        "CODEGUILD_LLM_REPAIR_ROUNDS.",
    )


async def ask_model(
    client: LLMClient,
    role: str,
    messages: Messages,
    model: type[M],
    *,
    what: str,
    check: Callable[[M], None] | None = None,
) -> M:
    """A pydantic-validated JSON answer (schema sent as response_format when the server allows)."""

    def accept(text: str) -> M:
        value = model.model_validate(parse_json(text))
        if check is not None:
            check(value)
        return value

    fmt = response_format(client.config.structured_output, model)
    return await ask(client, role, messages, accept, what=what, expected="the JSON object", fmt=fmt)


def _short(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    return text if len(text) <= _ERROR_CHARS else text[: _ERROR_CHARS - 3] + "..."
