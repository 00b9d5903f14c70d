"""The real openai client against a scripted server over HTTP: faults, repair, budget, cache."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from codeguild.engines.llm import (
    Budget,
    BudgetExceededError,
    LLMCallError,
    LLMClient,
    LLMConfig,
    LLMEngine,
    LLMOutputError,
    RetryPolicy,
    llm_intent,
)
from codeguild.engines.llm.answers import ask_model
from codeguild.intent.processor import IntentProcessor
from codeguild.store.memory import SharedMemoryStore, open_memory_store
from support.llm_projects import intent_draft
from support.scripted_llm import Reply, ScriptedLLM

pytestmark = pytest.mark.integration

MESSAGES = [{"role": "user", "content": "## task: test\nsay something"}]


class Point(BaseModel):
    x: int
    y: int


@pytest.fixture
def server() -> Iterator[ScriptedLLM]:
    with ScriptedLLM().running() as scripted:
        yield scripted


def _config(server: ScriptedLLM, **kw: object) -> LLMConfig:
    defaults: dict[str, object] = {
        "base_url": server.base_url,
        "model": "scripted",
        "timeout_s": 2.0,
        "retry": RetryPolicy(max_retries=3, backoff_s=0.01),
    }
    defaults.update(kw)
    return LLMConfig(**defaults)  # type: ignore[arg-type]


async def test_429_with_retry_after_and_500_are_retried_then_succeed(server: ScriptedLLM) -> None:
    server.queue(Reply.rate_limited(retry_after_s=0.3), Reply.server_error(503), Reply("ok"))
    client = LLMClient(_config(server))
    started = time.perf_counter()
    completion = await client.complete("code", MESSAGES)
    elapsed = time.perf_counter() - started
    assert completion.text == "ok"
    assert server.calls == 3 and client.ledger.report.retries == 2
    assert elapsed >= 0.3, "Retry-After must be waited out"
    await client.close()


async def test_a_timeout_is_retried_and_a_server_that_never_answers_fails_clearly(
    server: ScriptedLLM,
) -> None:
    server.queue(Reply.slow(1.0, "late"), Reply("in time"))
    client = LLMClient(_config(server, timeout_s=0.3, retry=RetryPolicy(1, backoff_s=0.01)))
    assert (await client.complete("code", MESSAGES)).text == "in time"
    server.queue(*[Reply.slow(1.0)] * 2)
    started = time.perf_counter()
    with pytest.raises(LLMCallError, match=r"timed out after 2 attempt\(s\).*TIMEOUT_S"):
        await client.complete("code", [{"role": "user", "content": "again"}])
    assert time.perf_counter() - started < 2.0, "bounded: never a hang"
    await client.close()


async def test_a_4xx_is_not_retried_and_names_the_fix(server: ScriptedLLM) -> None:
    server.queue(Reply(status=401), Reply("never reached"))
    client = LLMClient(_config(server))
    with pytest.raises(LLMCallError, match="CODEGUILD_LLM_API_KEY"):
        await client.complete("code", MESSAGES)
    assert server.calls == 1
    await client.close()


async def test_malformed_json_is_repaired_with_the_validation_error(server: ScriptedLLM) -> None:
    server.queue(Reply('{"x": 1, "y": '), Reply.json({"x": 1, "y": "two"}), Reply('{"x":1,"y":2}'))
    client = LLMClient(_config(server, repair_rounds=2))
    point = await ask_model(client, "plan", MESSAGES, Point, what="point")
    assert point == Point(x=1, y=2)
    repair = server.served[2].body["messages"]
    assert repair[-1]["role"] == "user" and "y" in repair[-1]["content"]
    assert "could not be used" in repair[-1]["content"]
    assert server.served[0].body["response_format"]["type"] == "json_schema"
    assert client.ledger.report.repairs == 2
    await client.close()


async def test_output_that_stays_invalid_fails_after_the_bounded_repairs(
    server: ScriptedLLM,
) -> None:
    server.queue(*[Reply("not json at all")] * 5)
    client = LLMClient(_config(server, repair_rounds=1))
    with pytest.raises(LLMOutputError, match=r"no usable point in 2 attempt\(s\)"):
        await ask_model(client, "plan", MESSAGES, Point, what="point")
    assert server.calls == 2
    await client.close()


async def test_usage_is_taken_from_the_stream_or_estimated_when_absent(
    server: ScriptedLLM,
) -> None:
    server.queue(
        Reply("x" * 400, prompt_tokens=11, completion_tokens=22, chunk_chars=7),
        Reply("y" * 400, usage=False),
    )
    client = LLMClient(_config(server))
    streamed = await client.complete("code", MESSAGES, stream=True)
    assert streamed.text == "x" * 400
    assert (streamed.usage.prompt_tokens, streamed.usage.completion_tokens) == (11, 22)
    assert server.served[0].body["stream_options"] == {"include_usage": True}
    estimated = await client.complete("code", [{"role": "user", "content": "z" * 80}])
    assert estimated.usage.estimated and estimated.usage.completion_tokens == 100
    assert client.ledger.report.estimated_calls == 1
    await client.close()


async def test_budget_stops_calls_cleanly_and_reports_it(server: ScriptedLLM) -> None:
    server.queue(Reply("a", prompt_tokens=60, completion_tokens=50), Reply("never"))
    client = LLMClient(_config(server), budget=Budget(max_tokens=100))
    assert (await client.complete("code", MESSAGES)).text == "a"
    with pytest.raises(BudgetExceededError, match=r"110/100 tokens") as raised:
        await client.complete("docs", [{"role": "user", "content": "more"}])
    assert raised.value.code == "budget_exceeded" and raised.value.spent["tokens"] == 110
    assert server.calls == 1, "no call is made once the budget is spent"
    report = client.ledger.report
    assert report.budget_exhausted and "budget reached" in (report.stop_reason or "")
    await client.close()


async def test_the_same_request_is_answered_from_the_cache(server: ScriptedLLM) -> None:
    store = open_memory_store()
    server.queue(Reply.json({"x": 3, "y": 4}))
    first = LLMClient(_config(server), store=store)
    assert await ask_model(first, "plan", MESSAGES, Point, what="point") == Point(x=3, y=4)
    again = LLMClient(_config(server), store=store)
    assert await ask_model(again, "plan", MESSAGES, Point, what="point") == Point(x=3, y=4)
    assert server.calls == 1 and again.ledger.report.cache_hits == 1
    other_params = LLMClient(_config(server, temperature=0.7), store=store)
    server.queue(Reply.json({"x": 5, "y": 6}))
    assert await ask_model(other_params, "plan", MESSAGES, Point, what="point") == Point(x=5, y=6)
    assert server.calls == 2, "the key includes the parameters"
    for client in (first, again, other_params):
        await client.close()


async def test_invalid_answers_are_not_cached(server: ScriptedLLM) -> None:
    store = open_memory_store()
    server.queue(Reply("junk"))
    client = LLMClient(_config(server, repair_rounds=0), store=store)
    with pytest.raises(LLMOutputError):
        await ask_model(client, "plan", MESSAGES, Point, what="point")
    server.queue(Reply.json({"x": 1, "y": 1}))
    assert await ask_model(client, "plan", MESSAGES, Point, what="point") == Point(x=1, y=1)
    assert server.calls == 2
    await client.close()


async def test_llm_intent_merges_the_models_reading(server: ScriptedLLM) -> None:
    text = "A small Python library to add and multiply integers."
    rules = IntentProcessor().process(text)
    server.route("## task: intent", Reply(f"```json\n{intent_draft()}\n```"))
    client = LLMClient(_config(server))
    intent = await llm_intent(text, rules, client)
    assert intent.project_type == "library" and intent.summary == "Small arithmetic helpers."
    assert "Integers only." in intent.assumptions
    assert any(a.startswith("Sources: ") for a in intent.assumptions)
    prompt = server.served[0].last_user
    assert text in prompt and '"project_type"' in prompt
    await client.close()


def test_engine_budget_reached_mid_generation_stops_with_a_clear_error(
    server: ScriptedLLM,
) -> None:
    from support.llm_projects import TinyLibraryModel

    server.default = TinyLibraryModel()
    intent = IntentProcessor().process("A small Python library to add and multiply integers.")
    store: SharedMemoryStore = open_memory_store()
    with LLMEngine(_config(server), store=store, budget=Budget(max_tokens=1)) as engine:
        blueprint = engine.blueprint(intent)  # the first call is within budget
        code = next(c for c in blueprint.components if c.kind == "code")
        with pytest.raises(BudgetExceededError, match="budget is spent"):
            engine.write_component(intent, code.name)
        usage = engine.usage().as_dict()
    assert server.calls == 1
    assert usage["budget_exhausted"] and usage["budget"] == {"tokens": 1}
    assert usage["calls"] == 1 and usage["total_tokens"] > 1
