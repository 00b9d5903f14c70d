"""The LLM engine: any OpenAI-compatible chat-completions server behind the agents.

Bounded (retries, repair rounds, fix rounds), budgeted (tokens or money), cached (exact
completions in the shared memory store). See README.md in this folder for configuration.
"""

from codeguild.engines.llm.budget import Budget
from codeguild.engines.llm.client import Completion, LLMClient
from codeguild.engines.llm.engine import LLMEngine
from codeguild.engines.llm.errors import (
    BudgetExceededError,
    LLMCallError,
    LLMConfigError,
    LLMOutputError,
)
from codeguild.engines.llm.intent import IntentDraft, llm_intent, merge_intent
from codeguild.engines.llm.retry import RetryPolicy
from codeguild.engines.llm.review import ReviewDraft, ReviewFindings
from codeguild.engines.llm.settings import LLMConfig, is_configured
from codeguild.engines.llm.usage import UsageReport

__all__ = [
    "Budget",
    "BudgetExceededError",
    "Completion",
    "IntentDraft",
    "LLMCallError",
    "LLMClient",
    "LLMConfig",
    "LLMConfigError",
    "LLMEngine",
    "LLMOutputError",
    "RetryPolicy",
    "ReviewDraft",
    "ReviewFindings",
    "UsageReport",
    "is_configured",
    "llm_intent",
    "merge_intent",
]
