"""The worker's service in-process behind a real gRPC server: a real agent's files, shared
context writes and failures come back to the run as if the agent were local."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from codeguild.agents.base import FIX_NOTES_KEY, RunContext, TaskResult, TaskSpec, Workspace
from codeguild.agents.coder import CoderAgent
from codeguild.agents.planner import Planner
from codeguild.config import Settings
from codeguild.engines.builtin.engine import BuiltinEngine
from codeguild.intent.models import ProjectIntent
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.client import RemoteAgent
from codeguild.rpc.codec import loads
from codeguild.rpc.errors import RemoteTaskError, RpcError
from codeguild.rpc.executor import TaskExecutor
from codeguild.rpc.worker_service import AgentWorkerService


class NoteTaker:
    """Writes the shared context and fails on demand, like a real agent could."""

    name = "notes"
    capabilities = frozenset({"code"})

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        if task.action == "fail":
            raise ValueError("no notes today")
        ctx.shared.write(self.name, FIX_NOTES_KEY, [f"note from {task.name}"])
        ctx.progress(task.name, "noted", 1.0)
        ctx.workspace.write("notes.txt", "written on the worker\n")
        return TaskResult(files=["notes.txt"], summary="noted")


@pytest.fixture
async def address() -> AsyncIterator[str]:
    executor = TaskExecutor({"coder": CoderAgent(), "notes": NoteTaker()})
    server = grpc.aio.server()
    pb_grpc.add_AgentWorkerServicer_to_server(AgentWorkerService(executor, capacity=2), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(0)


def _ctx(root: Path) -> RunContext:
    intent = ProjectIntent(
        requirement="A Python library to convert integers to Roman numerals and back.",
        project_type="library",
        name="roman-lib",
        summary="Roman numerals",
    )
    engine = BuiltinEngine()
    return RunContext(
        run_id="r1",
        intent=intent,
        engine=engine,
        blueprint=engine.blueprint(intent),
        workspace=Workspace(root),
    )


def _remote(address: str, role: str, capabilities: frozenset[str]) -> RemoteAgent:
    return RemoteAgent(f"{role}@w", role, capabilities, address, Settings())


async def test_a_remote_coder_writes_what_the_local_one_writes(
    address: str, tmp_path: Path
) -> None:
    local_ctx, remote_ctx = _ctx(tmp_path / "local"), _ctx(tmp_path / "remote")
    (tmp_path / "local").mkdir()
    (tmp_path / "remote").mkdir()
    plan = Planner().plan(local_ctx.intent, local_ctx.blueprint)
    coder = _remote(address, "coder", frozenset({"code"}))
    for task in plan.tasks:
        if task.capability != "code":
            continue
        local = await CoderAgent().execute(task, local_ctx)
        remote = await coder.execute(task, remote_ctx)
        assert (remote.ok, remote.files, remote.summary) == (local.ok, local.files, local.summary)
    await coder.close()
    files = local_ctx.workspace.files()
    assert files and remote_ctx.workspace.files() == files
    for rel in files:
        assert remote_ctx.workspace.read(rel) == local_ctx.workspace.read(rel)


async def test_shared_context_writes_progress_and_failures_come_back(
    address: str, tmp_path: Path
) -> None:
    ctx = _ctx(tmp_path)
    progress: list[str] = []
    ctx.progress = lambda task, message, _f: progress.append(f"{task}: {message}")
    ctx.shared.write("coder", FIX_NOTES_KEY, ["a local note"])
    notes = _remote(address, "notes", frozenset({"code"}))
    result = await notes.execute(TaskSpec(name="t1", capability="code"), ctx)
    assert result.summary == "noted" and ctx.workspace.read("notes.txt").startswith("written")
    assert ctx.shared.get(FIX_NOTES_KEY) == ["a local note", "note from t1"]
    assert progress == ["t1: noted"]
    with pytest.raises(RemoteTaskError, match="ValueError on notes@w: no notes today"):
        await notes.execute(TaskSpec(name="t2", capability="code", action="fail"), ctx)
    await notes.close()


async def test_unknown_role_topic_collaboration_and_shared_context(address: str) -> None:
    channel = grpc.aio.insecure_channel(address)
    stub = pb_grpc.AgentWorkerStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ExecuteTask(pb.TaskRequest(role="painter"), timeout=5)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "Unknown role 'painter'; known roles: coder, notes." in (caught.value.details() or "")

    reply = await stub.CollaborateRequest(
        pb.CollaborationRequest(run_id="r1", role="coder", topic="describe"), timeout=5
    )
    assert reply.accepted
    assert loads(reply.payload_json, {}) == {
        "agent": "coder",
        "role": "coder",
        "capabilities": ["code"],
        "busy": 0,
        "capacity": 2,
    }
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.CollaborateRequest(pb.CollaborationRequest(role="coder", topic="gossip"))
    assert "known topics: describe" in (caught.value.details() or "")

    await channel.close()

    coder = _remote(address, "coder", frozenset({"code"}))
    assert (await coder.collaborate("describe"))["capabilities"] == ["code"]
    assert await coder.share_context("r1", {"a": 1}) == {"a": 1}
    assert await coder.share_context("r1", {"b": 2}) == {"a": 1, "b": 2}
    assert await coder.share_context("r2", {}) == {}
    await coder.close()
    painter = _remote(address, "painter", frozenset({"code"}))
    with pytest.raises(RpcError, match=r"declined 'describe': .*Unknown role 'painter'"):
        await painter.collaborate("describe")
    await painter.close()


async def test_a_request_for_an_unserved_role_is_refused_not_retried(
    address: str, tmp_path: Path
) -> None:
    agent = _remote(address, "painter", frozenset({"code"}))
    with pytest.raises(RpcError, match="INVALID_ARGUMENT"):
        await agent.execute(TaskSpec(name="t", capability="code"), _ctx(tmp_path))
    await agent.close()
