"""Metrics fed from events, the Grafana dashboard's queries, the token bucket, and the SSE
channel under many listeners."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from codeguild.api.broadcast import ProjectChannel
from codeguild.api.ratelimit import TokenBucket
from codeguild.events import Event, EventKind
from codeguild.metrics import REGISTRY, EventMetrics, exposition, record_llm_usage

pytestmark = pytest.mark.integration

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "codeguild.json"


def value(name: str, **labels: str) -> float:
    found = REGISTRY.get_sample_value(name, labels)
    return 0.0 if found is None else found


def _event(
    kind: EventKind, task: str | None = None, agent: str | None = None, **data: object
) -> Event:
    return Event(kind=kind, run_id="r1", task=task, agent=agent, data=dict(data))


def test_event_metrics_follow_a_task_through_retry_to_success() -> None:
    sink = EventMetrics({"t": "metrics_probe"})
    before_failed = value("codeguild_tasks_total", type="metrics_probe", status="retrying")
    queue = value("codeguild_task_queue_depth")
    runs = value("codeguild_active_runs")
    sink(_event(EventKind.RUN_STARTED))
    assert value("codeguild_active_runs") == runs + 1
    sink(_event(EventKind.TASK_QUEUED, "t"))
    assert value("codeguild_task_queue_depth") == queue + 1
    sink(_event(EventKind.TASK_STARTED, "t", "probe-agent"))
    assert value("codeguild_task_queue_depth") == queue
    assert value("codeguild_agent_utilisation", agent="probe-agent") == 1.0
    sink(_event(EventKind.TASK_RETRYING, "t", "probe-agent", duration_s=0.2))
    assert value("codeguild_agent_busy_tasks", agent="probe-agent") == 0
    assert value("codeguild_task_queue_depth") == queue + 1
    sink(_event(EventKind.TASK_STARTED, "t", "probe-agent"))
    sink(_event(EventKind.TASK_SUCCEEDED, "t", "probe-agent", duration_s=0.3))
    assert value("codeguild_tasks_total", type="metrics_probe", status="succeeded") >= 1
    assert (
        value("codeguild_tasks_total", type="metrics_probe", status="retrying") == before_failed + 1
    )
    assert value("codeguild_task_duration_seconds_count", type="metrics_probe") >= 2
    assert value("codeguild_agent_busy_tasks", agent="probe-agent") == 0
    sink(_event(EventKind.RUN_FINISHED, status="passed"))
    assert value("codeguild_active_runs") == runs


def test_a_crashed_run_releases_its_gauges() -> None:
    sink = EventMetrics()
    queue, runs = value("codeguild_task_queue_depth"), value("codeguild_active_runs")
    sink(_event(EventKind.RUN_STARTED))
    sink(_event(EventKind.TASK_QUEUED, "a"))
    sink(_event(EventKind.TASK_QUEUED, "b"))
    sink(_event(EventKind.TASK_STARTED, "b", "crash-agent"))
    sink.close("failed")
    sink.close("failed")  # idempotent
    assert value("codeguild_task_queue_depth") == queue
    assert value("codeguild_active_runs") == runs
    assert value("codeguild_agent_busy_tasks", agent="crash-agent") == 0


def test_llm_usage_counters() -> None:
    before = value("codeguild_llm_tokens_total", model="m", direction="prompt")
    record_llm_usage("m", prompt_tokens=120, completion_tokens=30, cost_usd=0.01)
    assert value("codeguild_llm_tokens_total", model="m", direction="prompt") == before + 120
    assert value("codeguild_llm_cost_usd_total", model="m") >= 0.01


def test_every_dashboard_query_names_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    titles = " ".join(p["title"].lower() for p in dashboard["panels"])
    for panel in ("throughput", "utilisation", "duration", "error", "queue"):
        assert panel in titles
    exported = exposition()[0].decode()
    known = set(re.findall(r"^# TYPE (\S+)", exported, re.M))
    known |= {f"{n}_bucket" for n in known} | {f"{n}_total" for n in known}
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            for name in re.findall(r"codeguild_[a-z_]+", target["expr"]):
                assert name in known, (panel["title"], name)


def test_token_bucket_allows_a_burst_then_refills() -> None:
    now = [0.0]
    bucket = TokenBucket(2, per_minute=6, clock=lambda: now[0])
    assert bucket.take_now("u") == 0 and bucket.take_now("u") == 0
    assert bucket.take_now("u") == pytest.approx(10.0)
    assert bucket.take_now("other") == 0
    now[0] = 10.0
    assert bucket.take_now("u") == 0
    assert bucket.take_now("u") > 0


async def test_fifty_listeners_each_get_every_message_in_order() -> None:
    channel = ProjectChannel()
    count = 500

    async def listen() -> list[int]:
        return [m.id async for m in channel.listen() if m is not None]

    listeners = [asyncio.create_task(listen()) for _ in range(50)]
    for i in range(count):
        channel.publish("event", {"i": i})
        if i % 50 == 0:
            await asyncio.sleep(0)  # let listeners interleave with the publisher
    channel.close()
    results = await asyncio.gather(*listeners)
    assert all(r == list(range(1, count + 1)) for r in results)
