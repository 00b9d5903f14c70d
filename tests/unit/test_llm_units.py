"""Pure parts of the LLM engine: budget, retry policy, plan rules, intent merge, code reading."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import openai
import pytest

from codeguild.engines.llm.answers import parse_json, strip_fences
from codeguild.engines.llm.budget import Budget, BudgetFormatError
from codeguild.engines.llm.errors import BudgetExceededError
from codeguild.engines.llm.intent import IntentDraft, merge_intent
from codeguild.engines.llm.planning import ComponentDraft, PlanDraft, plan_problems, to_blueprint
from codeguild.engines.llm.retry import RetryPolicy, retry_after_s
from codeguild.engines.llm.source import file_text, signatures
from codeguild.engines.llm.usage import CallUsage, Prices, estimate_prompt_tokens
from codeguild.intent.models import Entity, EntityField, Feature
from codeguild.intent.processor import IntentProcessor


@pytest.mark.parametrize(
    ("text", "tokens", "cost"),
    [
        ("200000", 200_000, None),
        ("200k", 200_000, None),
        ("1.5m tokens", 1_500_000, None),
        ("$0.50", None, 0.5),
        ("2 usd", None, 2.0),
    ],
)
def test_budget_parses_tokens_or_money(text: str, tokens: int | None, cost: float | None) -> None:
    budget = Budget.parse(text)
    assert (budget.max_tokens, budget.max_cost) == (tokens, cost)


def test_budget_refuses_the_call_after_the_one_that_crossed_it() -> None:
    budget = Budget(max_tokens=100)
    budget.check("plan")
    budget.charge(150, 0.0)  # the crossing call completed: its answer is kept
    with pytest.raises(BudgetExceededError, match=r"150/100 tokens.*code"):
        budget.check("code")
    with pytest.raises(BudgetFormatError, match="Give tokens"):
        Budget.parse("lots")


def test_money_budget_uses_prices_per_1k() -> None:
    prices = Prices(input_per_1k=0.5, output_per_1k=1.5)
    assert prices.cost(CallUsage(2000, 1000)) == pytest.approx(2.5)
    budget = Budget(max_cost=2.0)
    budget.charge(3000, prices.cost(CallUsage(2000, 1000)))
    assert budget.exhausted


def _status_error(status: int, headers: dict[str, str]) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers, request=request)
    cls = openai.RateLimitError if status == 429 else openai.InternalServerError
    return cls("fault", response=response, body=None)


def test_retry_after_is_read_as_seconds_milliseconds_or_a_date() -> None:
    assert retry_after_s(httpx.Headers({"retry-after": "3"})) == 3.0
    assert retry_after_s(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    now = datetime.now(UTC)
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert 28 <= (retry_after_s(httpx.Headers({"retry-after": date})) or 0) <= 31
    assert retry_after_s(httpx.Headers({"retry-after": "soon"})) is None


def test_retry_policy_honours_retry_after_backs_off_with_jitter_and_stops() -> None:
    policy = RetryPolicy(max_retries=3, backoff_s=1.0, retry_after_max_s=10, rng=random.Random(7))
    assert policy.delay(1, _status_error(429, {"retry-after": "2"})) == 2.0
    assert policy.delay(1, _status_error(429, {"retry-after": "60"})) is None  # too long
    delays = [policy.delay(n, _status_error(500, {})) for n in (1, 2, 3)]
    for n, d in zip((1, 2, 3), delays, strict=True):
        cap = 2 ** (n - 1)
        assert d is not None and cap / 2 <= d <= cap
    assert policy.delay(4, _status_error(500, {})) is None
    bad_request = openai.BadRequestError(
        "no", response=httpx.Response(400, request=httpx.Request("POST", "http://x")), body=None
    )
    assert policy.delay(1, bad_request) is None


def _plan(*components: ComponentDraft) -> PlanDraft:
    return PlanDraft(components=list(components))


def test_a_sound_plan_has_no_problems_and_gets_the_scaffold() -> None:
    plan = _plan(
        ComponentDraft(name="core", kind="code", files=["pkg/__init__.py", "pkg/core.py"]),
        ComponentDraft(name="tests", kind="tests", files=["tests/test_core.py"], needs=["core"]),
    )
    assert plan_problems(plan, "pkg") == []
    blueprint = to_blueprint(plan, "pkg")
    assert [c.name for c in blueprint.components] == ["scaffold", "core", "tests"]
    assert "pyproject.toml" in blueprint.component("scaffold").files


def test_plan_rules_name_every_problem() -> None:
    plan = _plan(
        ComponentDraft(name="a", kind="code", files=["pkg/a.py", "../evil.py"], needs=["b"]),
        ComponentDraft(name="b", kind="code", files=["pkg/a.py", "/etc/x.py"], needs=["a"]),
        ComponentDraft(name="c", kind="docs", files=["pyproject.toml"], needs=["ghost"]),
    )
    problems = " | ".join(plan_problems(plan, "pkg"))
    for expected in (
        "'../evil.py' must be a relative path",
        "'/etc/x.py' must be a relative path",
        "'pkg/a.py' is planned in both 'a' and 'b'",
        "needs 'ghost'",
        "is written by the engine",
        "no 'tests' component",
        "must include pkg/__init__.py",
        "cycle: a -> b -> a",
    ):
        assert expected in problems


def test_merge_keeps_explicit_rule_findings_and_takes_what_rules_missed() -> None:
    rules = IntentProcessor().process(
        "A REST API for a bookstore with books (title, author, price)."
    )
    draft = IntentDraft(
        project_type="library",
        summary="A bookstore service.",
        entities=[Entity(name="Shelf", plural="shelves", fields=[EntityField(name="label")])],
        features=[Feature(name="search", acceptance_criteria=["search by title works"])],
        dependencies=["httpx"],
        assumptions=["Prices are in EUR."],
    )
    merged = merge_intent(rules, draft)
    assert merged.project_type == rules.project_type  # explicit in the text: rules win
    assert [e.name for e in merged.entities] == [e.name for e in rules.entities]
    assert merged.summary == "A bookstore service."
    assert "search" in {f.name for f in merged.features}
    assert "httpx" in merged.tech_stack.other
    assert "Prices are in EUR." in merged.assumptions
    sources = next(a for a in merged.assumptions if a.startswith("Sources: "))
    assert "project_type=rules" in sources and "summary=llm" in sources


def test_the_model_fills_a_project_type_the_rules_were_unsure_of() -> None:
    rules = IntentProcessor().process(
        "Something to keep track of my plants and when to water them."
    )
    assert rules.confidence["project_type"] < 0.6
    merged = merge_intent(rules, IntentDraft(project_type="cli_tool"))
    assert merged.project_type == "cli_tool"
    assert "project_type=llm" in merged.assumptions[-1]


def test_code_is_taken_from_the_fence_and_must_parse() -> None:
    assert file_text("Here:\n```python\nx = 1\n```\nbye", "m.py") == "x = 1\n"
    with pytest.raises(ValueError, match="not valid Python: line 1"):
        file_text("```python\ndef f(:\n```", "m.py")
    with pytest.raises(ValueError, match="empty"):
        file_text("```\n\n```", "README.md")
    assert parse_json('```json\n{"a": [1]}\n```') == {"a": [1]}
    assert strip_fences("no fence") == "no fence"


def test_signatures_keep_the_api_and_drop_bodies() -> None:
    source = '''"""Mod."""
import math

LIMIT = 10


def area(r: float) -> float:
    """Area of a circle."""
    return math.pi * r * r


def _helper() -> None:
    pass


class Shape:
    """A shape."""

    name: str

    def scale(self, k: float) -> "Shape":
        return self
'''
    sig = signatures("pkg/mod.py", source)
    assert "def area(r: float) -> float:" in sig and '"""Area of a circle."""' in sig
    assert "class Shape:" in sig and "def scale(self, k: float)" in sig and "name: str" in sig
    assert "_helper" not in sig and "math.pi" not in sig
    assert len(sig) < len(source)


def test_prompt_tokens_are_estimated_from_the_text() -> None:
    small = estimate_prompt_tokens([{"role": "user", "content": "x" * 40}])
    large = estimate_prompt_tokens([{"role": "user", "content": "x" * 4000}])
    assert 10 <= small < large and 900 <= large <= 1100
