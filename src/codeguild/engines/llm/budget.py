"""A per-run budget in tokens or money: checked before every model call, charged after it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codeguild.engines.llm.errors import BudgetExceededError
from codeguild.errors import CodeguildError

_MONEY = re.compile(r"^\s*\$\s*(\d+(?:\.\d+)?)\s*$|^\s*(\d+(?:\.\d+)?)\s*(?:usd|\$)\s*$", re.I)
_TOKENS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*(?:tokens?)?\s*$", re.I)


class BudgetFormatError(CodeguildError):
    code = "invalid_budget"
    exit_code = 2


@dataclass
class Budget:
    """At most ``max_tokens`` tokens and/or ``max_cost`` money for one run.

    A call is refused once the budget is spent; the call that crosses the limit still completes
    (its answer is paid for), so a run keeps what it has and stops at the next call.
    """

    max_tokens: int | None = None
    max_cost: float | None = None
    tokens: int = 0
    cost: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Budget:
        """Tokens (``"200000"``, ``"200k"``, ``"1.5m"``) or money (``"$0.50"``, ``"0.5 usd"``)."""
        money = _MONEY.match(text)
        if money:
            return cls(max_cost=float(money.group(1) or money.group(2)))
        tokens = _TOKENS.match(text)
        if tokens:
            scale = {"": 1, "k": 1_000, "m": 1_000_000}[tokens.group(2).lower()]
            return cls(max_tokens=int(float(tokens.group(1)) * scale))
        raise BudgetFormatError(
            f"Cannot read the budget {text!r}.",
            hint="Give tokens ('200000', '200k') or money ('$0.50', '0.5usd').",
        )

    @property
    def exhausted(self) -> bool:
        return (self.max_tokens is not None and self.tokens >= self.max_tokens) or (
            self.max_cost is not None and self.cost >= self.max_cost
        )

    def limits(self) -> dict[str, float]:
        limits: dict[str, float] = {}
        if self.max_tokens is not None:
            limits["tokens"] = self.max_tokens
        if self.max_cost is not None:
            limits["cost"] = self.max_cost
        return limits

    def describe(self) -> str:
        parts = []
        if self.max_tokens is not None:
            parts.append(f"{self.tokens}/{self.max_tokens} tokens")
        if self.max_cost is not None:
            parts.append(f"{self.cost:.4f}/{self.max_cost:.4f} cost")
        return ", ".join(parts) or "unlimited"

    def check(self, what: str) -> None:
        """Raise BudgetExceededError if nothing is left for ``what``."""
        if self.exhausted:
            raise BudgetExceededError(
                f"The run's budget is spent ({self.describe()}); not calling the model for {what}.",
                spent={"tokens": self.tokens, "cost": self.cost},
            )

    def charge(self, tokens: int, cost: float) -> None:
        self.tokens += tokens
        self.cost += cost
