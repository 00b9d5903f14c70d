"""Prometheus metrics of codeguild, in one registry, fed from the event bus.

``EventMetrics`` is an event sink (``bus.subscribe(EventMetrics())``) that turns task and run
events into counters, histograms and gauges; ``record_llm_usage`` and ``record_error`` are for
code that is not on the bus (the LLM engine, the API's error handler).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from codeguild.events import Event, EventKind

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

TASKS = Counter(
    "codeguild_tasks",
    "Tasks that reached an end state (or were retried), by type (capability) and status.",
    ["type", "status"],
    registry=REGISTRY,
)
TASK_DURATION = Histogram(
    "codeguild_task_duration_seconds",
    "Wall time of one task attempt, by type (capability).",
    ["type"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "codeguild_task_queue_depth",
    "Tasks waiting for an agent, over all active runs.",
    registry=REGISTRY,
)
AGENT_BUSY = Gauge(
    "codeguild_agent_busy_tasks",
    "Tasks an agent is working on right now.",
    ["agent"],
    registry=REGISTRY,
)
AGENT_UTILISATION = Gauge(
    "codeguild_agent_utilisation",
    "Busy slots divided by capacity, per agent (0..1).",
    ["agent"],
    registry=REGISTRY,
)
ACTIVE_RUNS = Gauge("codeguild_active_runs", "Generation runs in progress.", registry=REGISTRY)
RUNS = Counter(
    "codeguild_runs", "Generation runs that finished, by status.", ["status"], registry=REGISTRY
)
ERRORS = Counter(
    "codeguild_errors",
    "Errors by kind (a task failure, or an error code of codeguild.errors).",
    ["kind"],
    registry=REGISTRY,
)
LLM_TOKENS = Counter(
    "codeguild_llm_tokens",
    "LLM tokens used, by model and direction (prompt or completion).",
    ["model", "direction"],
    registry=REGISTRY,
)
LLM_COST = Counter(
    "codeguild_llm_cost_usd", "LLM spend in US dollars, by model.", ["model"], registry=REGISTRY
)

_END_STATUS = {
    EventKind.TASK_SUCCEEDED: "succeeded",
    EventKind.TASK_FAILED: "failed",
    EventKind.TASK_CANCELLED: "cancelled",
    EventKind.TASK_SKIPPED: "skipped",
    EventKind.TASK_RETRYING: "retrying",
}
_QUEUED = "queued"
_RUNNING = "running"


def record_error(kind: str) -> None:
    ERRORS.labels(kind=kind).inc()


def record_llm_usage(
    model: str, *, prompt_tokens: int = 0, completion_tokens: int = 0, cost_usd: float = 0.0
) -> None:
    """Count one LLM call's tokens and cost (call it once per completion)."""
    if prompt_tokens:
        LLM_TOKENS.labels(model=model, direction="prompt").inc(prompt_tokens)
    if completion_tokens:
        LLM_TOKENS.labels(model=model, direction="completion").inc(completion_tokens)
    if cost_usd:
        LLM_COST.labels(model=model).inc(cost_usd)


def set_agent_capacity(agent: str, capacity: int) -> None:
    """Declare an agent's slots so utilisation can be computed (default: one slot)."""
    _capacity[agent] = max(1, capacity)
    _publish_agent(agent)


def exposition() -> tuple[bytes, str]:
    """The registry in the Prometheus text format, with its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


_capacity: dict[str, int] = {}
_busy: dict[str, int] = {}


def _publish_agent(agent: str) -> None:
    busy = _busy.get(agent, 0)
    AGENT_BUSY.labels(agent=agent).set(busy)
    AGENT_UTILISATION.labels(agent=agent).set(min(1.0, busy / _capacity.get(agent, 1)))


def _agent_delta(agent: str, delta: int) -> None:
    _busy[agent] = max(0, _busy.get(agent, 0) + delta)
    _publish_agent(agent)


class EventMetrics:
    """Event sink for one run: tracks each task's state so gauges move by exact transitions.

    ``task_types`` maps task names to their capability (the metric's ``type`` label); call
    ``set_task_types`` once the plan is known. Unknown tasks are labelled ``unknown``.
    """

    __slots__ = ("_agents", "_finished", "_started", "_states", "task_types")

    def __init__(self, task_types: Mapping[str, str] | None = None) -> None:
        self.task_types: dict[str, str] = dict(task_types or {})
        self._states: dict[str, str] = {}
        self._agents: dict[str, str] = {}
        self._finished = False
        self._started = False

    def set_task_types(self, task_types: Mapping[str, str]) -> None:
        self.task_types.update(task_types)

    def __call__(self, event: Event) -> None:
        try:
            self._observe(event)
        except Exception:  # metrics must never break a run
            log.exception("metrics could not observe event kind=%s", event.kind)

    def close(self, status: str | None = None) -> None:
        """End of the run (also on a crash): release gauges the run still holds."""
        for name in list(self._states):
            self._leave(name)
        if not self._finished:
            self._finished = True
            if self._started:  # a run stopped before it started was never counted as active
                ACTIVE_RUNS.dec()
            RUNS.labels(status=status or "failed").inc()

    def _observe(self, event: Event) -> None:
        kind = event.kind
        if kind is EventKind.RUN_STARTED:
            if not self._started:
                self._started = True
                ACTIVE_RUNS.inc()
        elif kind is EventKind.RUN_FINISHED:
            self.close(str(event.data.get("status") or event.message or "finished"))
        elif event.task is not None:
            self._observe_task(event, event.task)

    def _observe_task(self, event: Event, name: str) -> None:
        kind = event.kind
        task_type = self.task_types.get(name, "unknown")
        if kind in (EventKind.TASK_QUEUED, EventKind.TASK_RETRYING):
            self._leave(name)
            self._states[name] = _QUEUED
            QUEUE_DEPTH.inc()
        elif kind is EventKind.TASK_STARTED:
            self._leave(name)
            self._states[name] = _RUNNING
            if event.agent:
                self._agents[name] = event.agent
                _agent_delta(event.agent, +1)
        if kind in _END_STATUS:
            TASKS.labels(type=task_type, status=_END_STATUS[kind]).inc()
            duration = event.data.get("duration_s")
            if isinstance(duration, int | float):
                TASK_DURATION.labels(type=task_type).observe(float(duration))
            if kind is EventKind.TASK_FAILED:
                record_error("task_failed")
            if kind is not EventKind.TASK_RETRYING:
                self._leave(name)

    def _leave(self, name: str) -> None:
        """The task leaves its current state: undo that state's gauge contribution."""
        state = self._states.pop(name, None)
        if state == _QUEUED:
            QUEUE_DEPTH.dec()
        elif state == _RUNNING:
            agent = self._agents.pop(name, None)
            if agent:
                _agent_delta(agent, -1)
