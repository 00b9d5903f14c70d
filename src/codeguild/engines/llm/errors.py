"""Errors of the LLM engine: configuration, transport, unusable output and the budget stop."""

from __future__ import annotations

from codeguild.errors import CodeguildError


class LLMConfigError(CodeguildError):
    """The LLM engine was asked for but is not configured."""

    code = "llm_not_configured"
    exit_code = 2


class LLMCallError(CodeguildError):
    """A call to the model server failed after its retries, or in a way not worth retrying."""

    code = "llm_call_failed"


class LLMOutputError(CodeguildError):
    """The model's answer stayed unusable (invalid JSON, failed validation, empty or broken code)
    after the bounded repair rounds."""

    code = "llm_output_invalid"


class BudgetExceededError(CodeguildError):
    """The run's token or money budget is spent; no further model calls are made."""

    code = "budget_exceeded"

    def __init__(self, message: str, *, spent: dict[str, float] | None = None) -> None:
        self.spent = dict(spent or {})
        super().__init__(
            message,
            hint="The run stopped with what it had. Raise the budget (--budget, "
            "CODEGUILD_LLM_BUDGET) or rerun: answers already paid for come from the cache.",
        )
