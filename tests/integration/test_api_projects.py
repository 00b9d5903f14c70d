"""A real generation through the API: SSE in order, progress, artifacts, zip, metrics."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from api_support import LIBRARY_REQUIREMENT, Api, api, assert_error

pytestmark = pytest.mark.integration
__all__ = ["api"]


def parse_sse(text: str) -> list[dict[str, Any]]:
    messages = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value
        if fields:
            messages.append(
                {
                    "id": int(fields["id"]),
                    "event": fields["event"],
                    "data": json.loads(fields["data"]),
                }
            )
    return messages


def metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_generation_streams_events_in_order_and_yields_a_valid_zip(api: Api) -> None:
    before = (await api.client.get("/metrics")).text
    started = await api.client.post(
        "/api/projects/generate",
        json={"requirement": LIBRARY_REQUIREMENT},
        headers=api.auth("dev"),
    )
    assert started.status_code == 202, started.text
    project = started.json()
    pid = project["id"]
    assert project["links"]["events"] == f"/api/projects/{pid}/events"

    stream = await api.client.get(project["links"]["events"], headers=api.auth("dev"))
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    messages = parse_sse(stream.text)
    assert [m["id"] for m in messages] == list(range(1, len(messages) + 1))
    kinds = [m["event"] for m in messages]
    assert kinds[-1] == "end" and messages[-1]["data"]["status"] == "succeeded"
    plan = next(m["data"]["tasks"] for m in messages if m["event"] == "plan")
    events = [m["data"] for m in messages if m["event"] == "event"]
    assert events[0]["kind"] == "run_started" and events[-1]["kind"] == "run_finished"
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    finished = {e["task"] for e in events if e["kind"] == "succeeded"}
    assert finished == {t["name"] for t in plan}
    for task in plan:  # a task starts only after everything it depends on succeeded
        start = next(
            i for i, e in enumerate(events) if e["task"] == task["name"] and e["kind"] == "started"
        )
        for dep in task["depends_on"]:
            done = next(
                i for i, e in enumerate(events) if e["task"] == dep and e["kind"] == "succeeded"
            )
            assert done < start

    # a late listener replays the whole run, and Last-Event-ID resumes after a drop
    replay = parse_sse(
        (await api.client.get(project["links"]["events"], headers=api.auth("dev"))).text
    )
    assert replay == messages
    resumed = await api.client.get(
        project["links"]["events"], headers={**api.auth("dev"), "Last-Event-ID": "5"}
    )
    assert parse_sse(resumed.text)[0]["id"] == 6

    progress = (await api.client.get(project["links"]["progress"], headers=api.auth("dev"))).json()
    assert progress["status"] == "succeeded" and progress["percent"] == 100
    assert {t["state"] for t in progress["tasks"]} == {"succeeded"}
    assert {t["name"] for t in progress["tasks"]} == {t["name"] for t in plan}

    listing = (await api.client.get(project["links"]["artifacts"], headers=api.auth("dev"))).json()
    paths = {f["path"] for f in listing["files"]}
    assert {"pyproject.toml", "README.md"} <= paths
    download = await api.client.get(project["links"]["zip"], headers=api.auth("dev"))
    assert download.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert archive.testzip() is None
    name = listing["project_name"]
    assert {f"{name}/{p}" for p in paths} == set(archive.namelist())
    assert any(n.endswith(".py") and "/tests/" in n for n in archive.namelist())

    listed = (await api.client.get("/api/projects", headers=api.auth("dev"))).json()
    assert [p["id"] for p in listed] == [pid]
    assert listed[0]["result"] == "passed"
    task = (await api.client.get(f"/api/tasks/{pid}/status", headers=api.auth("dev"))).json()
    assert task["state"] == "succeeded" and task["percent"] == 100

    after = (await api.client.get("/metrics")).text
    succeeded = metric(after, "codeguild_tasks_total", status="succeeded")
    assert succeeded - metric(before, "codeguild_tasks_total", status="succeeded") == len(plan)
    assert metric(after, "codeguild_task_duration_seconds_count") > metric(
        before, "codeguild_task_duration_seconds_count"
    )
    assert metric(after, "codeguild_runs_total", status="passed") >= 1
    assert metric(after, "codeguild_active_runs") == 0
    assert metric(after, "codeguild_task_queue_depth") == 0

    agents = (await api.client.get("/api/agents/status", headers=api.auth("viewer"))).json()
    assert sum(a["completed"] for a in agents["agents"]) >= len(plan)

    finished_cancel = await api.client.post(project["links"]["cancel"], headers=api.auth("dev"))
    assert_error(finished_cancel, 409, "conflict")


async def test_cancel_stops_a_running_generation(api: Api) -> None:
    started = await api.client.post(
        "/api/tasks/submit",
        json={"type": "generate_project", "requirement": LIBRARY_REQUIREMENT},
        headers=api.auth("dev"),
    )
    assert started.status_code == 202
    tid = started.json()["task_id"]
    assert_error(await api.client.post(f"/api/tasks/{tid}/cancel", headers=api.auth("dev2")), 404)
    cancelled = await api.client.post(f"/api/tasks/{tid}/cancel", headers=api.auth("dev"))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    stream = await api.client.get(f"/api/projects/{tid}/events", headers=api.auth("dev"))
    assert parse_sse(stream.text)[-1]["data"]["status"] == "cancelled"
    assert_error(
        await api.client.get(f"/api/projects/{tid}/artifacts.zip", headers=api.auth("dev")), 404
    )
