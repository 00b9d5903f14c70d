"""RemoteAgent against a real local gRPC server: retries, deadlines, failures, file changes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from codeguild.agents.base import RunContext, TaskSpec, Workspace
from codeguild.config import Settings
from codeguild.engines.base import Blueprint
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.intent.models import ProjectIntent
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.client import RemoteAgent
from codeguild.rpc.errors import RemoteTaskError, RpcError, WorkerUnavailableError
from codeguild.rpc.policy import Deadlines, RpcRetryPolicy

TASK = TaskSpec(name="review", capability="review")


class ScriptedWorker(pb_grpc.AgentWorkerServicer):
    """Answers StreamTaskProgress as scripted: fail with a status N times, sleep, or raise."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail_with: grpc.StatusCode | None = None
        self.failures_left = 0
        self.sleep_s = 0.0
        self.failure: pb.Failure | None = None
        self.seen_files: dict[str, bytes] = {}

    async def StreamTaskProgress(  # noqa: N802
        self, request: pb.TaskRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.TaskUpdate]:
        self.calls += 1
        if self.fail_with is not None and self.failures_left > 0:
            self.failures_left -= 1
            await context.abort(self.fail_with, "scripted failure")
        self.seen_files = {f.path: f.content for f in request.files}
        yield pb.TaskUpdate(progress=pb.Progress(message="half way", fraction=0.5))
        await asyncio.sleep(self.sleep_s)
        if self.failure is not None:
            yield pb.TaskUpdate(outcome=pb.TaskOutcome(failure=self.failure))
            return
        outcome = pb.TaskOutcome(
            ok=True,
            files=["out.txt"],
            summary="done",
            data_json='{"n": 1}',
            written=[pb.File(path="out.txt", content=b"written remotely\n")],
            deleted=["old.txt"],
        )
        yield pb.TaskUpdate(outcome=outcome)


@pytest.fixture
async def worker() -> AsyncIterator[tuple[ScriptedWorker, str]]:
    servicer = ScriptedWorker()
    server = grpc.aio.server()
    pb_grpc.add_AgentWorkerServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield servicer, f"127.0.0.1:{port}"
    await server.stop(0)


def _ctx(root: Path, progress: list[tuple[str, float | None]]) -> RunContext:
    (root / "old.txt").write_text("to be deleted\n")
    (root / "keep.py").write_text("x = 1\n")
    intent = ProjectIntent(
        requirement="A library for ISBN numbers", project_type="library", name="isbn", summary="x"
    )
    return RunContext(
        run_id="run1",
        intent=intent,
        engine=BuiltinEngine(),
        blueprint=Blueprint(package="isbn", components=()),
        workspace=Workspace(root),
        progress=lambda _t, message, fraction: progress.append((message, fraction)),
    )


def _agent(address: str, lost: list[str], *, task_s: float = 5.0) -> RemoteAgent:
    return RemoteAgent(
        "reviewer@test",
        "reviewer",
        frozenset({"review"}),
        address,
        Settings(),
        retry=RpcRetryPolicy(attempts=3, backoff_s=0.01, max_backoff_s=0.05),
        deadlines=Deadlines(control_s=1.0, task_s=task_s),
        on_lost=lost.append,
    )


async def test_unavailable_is_retried_then_the_result_and_files_arrive(
    worker: tuple[ScriptedWorker, str], tmp_path: Path
) -> None:
    servicer, address = worker
    servicer.fail_with, servicer.failures_left = grpc.StatusCode.UNAVAILABLE, 2
    progress: list[tuple[str, float | None]] = []
    lost: list[str] = []
    agent = _agent(address, lost)
    result = await agent.execute(TASK, _ctx(tmp_path, progress))
    await agent.close()
    assert servicer.calls == 3
    assert result.ok and result.summary == "done" and result.data == {"n": 1}
    assert servicer.seen_files == {"keep.py": b"x = 1\n", "old.txt": b"to be deleted\n"}
    assert (tmp_path / "out.txt").read_text() == "written remotely\n"
    assert not (tmp_path / "old.txt").exists()
    assert progress == [("half way", 0.5)]
    assert lost == []


async def test_a_worker_unavailable_past_the_retries_is_reported_lost(
    worker: tuple[ScriptedWorker, str], tmp_path: Path
) -> None:
    servicer, address = worker
    servicer.fail_with, servicer.failures_left = grpc.StatusCode.UNAVAILABLE, 10
    lost: list[str] = []
    agent = _agent(address, lost)
    with pytest.raises(WorkerUnavailableError, match="was lost while running 'review'"):
        await agent.execute(TASK, _ctx(tmp_path, []))
    await agent.close()
    assert servicer.calls == 3
    assert len(lost) == 1 and "worker unreachable" in lost[0]


async def test_other_statuses_are_answers_and_not_retried(
    worker: tuple[ScriptedWorker, str], tmp_path: Path
) -> None:
    servicer, address = worker
    servicer.fail_with, servicer.failures_left = grpc.StatusCode.INVALID_ARGUMENT, 10
    agent = _agent(address, [])
    with pytest.raises(RpcError, match="INVALID_ARGUMENT: scripted failure"):
        await agent.execute(TASK, _ctx(tmp_path, []))
    await agent.close()
    assert servicer.calls == 1


async def test_the_deadline_ends_a_task_that_runs_too_long(
    worker: tuple[ScriptedWorker, str], tmp_path: Path
) -> None:
    servicer, address = worker
    servicer.sleep_s = 5.0
    agent = _agent(address, [], task_s=0.3)
    started = time.perf_counter()
    with pytest.raises(WorkerUnavailableError, match=r"did not finish 'review' within 0\.3s"):
        await agent.execute(TASK, _ctx(tmp_path, []))
    await agent.close()
    assert time.perf_counter() - started < 2.0
    assert servicer.calls == 1  # a deadline is not retried: the task may still be running


async def test_a_remote_agent_error_is_raised_as_such(
    worker: tuple[ScriptedWorker, str], tmp_path: Path
) -> None:
    servicer, address = worker
    servicer.failure = pb.Failure(type="ComponentError", code="component_error", message="boom")
    agent = _agent(address, [])
    with pytest.raises(RemoteTaskError, match="ComponentError on reviewer@test: boom") as caught:
        await agent.execute(TASK, _ctx(tmp_path, []))
    await agent.close()
    assert caught.value.remote_code == "component_error"


async def test_no_server_at_all_is_retried_with_backoff_then_lost(tmp_path: Path) -> None:
    lost: list[str] = []
    agent = _agent("127.0.0.1:1", lost)
    started = time.perf_counter()
    with pytest.raises(WorkerUnavailableError):
        await agent.execute(TASK, _ctx(tmp_path, []))
    await agent.close()
    assert len(lost) == 1
    assert time.perf_counter() - started < 3.0


def test_backoff_doubles_up_to_the_cap_with_bounded_jitter() -> None:
    policy = RpcRetryPolicy(attempts=None, backoff_s=0.1, max_backoff_s=0.5, jitter=0.1)
    for attempt, base in [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.5), (9, 0.5)]:
        delay = policy.delay(attempt)
        assert base <= delay <= base * 1.1 + 1e-9
