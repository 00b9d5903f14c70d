"""RemoteAgent: the Agent protocol behind a gRPC client, so a worker's agent runs a run's tasks.

``execute(task, ctx)`` sends the task, the intent, the blueprint, a snapshot of the project's
files, the finished tasks' results and the shared context; the worker runs its local agent of the
role in a temporary copy of the project and answers with the result and the files the agent
wrote, changed or deleted, which are applied to the run's workspace here. The agent's progress
streams back and is re-emitted through ``ctx.progress`` (so it becomes the run's events).

Every call has a deadline; UNAVAILABLE is retried by the policy. When the worker stays
unreachable in the middle of a task, ``on_lost`` is told (the registry then marks the worker's
agents unhealthy and the scheduler re-queues the task elsewhere without charging its retry
budget); the attempt then ends with WorkerUnavailableError.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Callable
from typing import Any

import grpc

from codeguild.agents.base import RunContext, TaskResult, TaskSpec
from codeguild.config import Settings
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.channels import open_channel
from codeguild.rpc.codec import (
    blueprint_to_json,
    delete_files,
    dumps,
    files_to_proto,
    loads,
    results_to_json,
    snapshot,
    spec_to_proto,
    write_files,
)
from codeguild.rpc.errors import RemoteTaskError, RpcError, WorkerUnavailableError
from codeguild.rpc.policy import Deadlines, RpcRetryPolicy

log = logging.getLogger(__name__)

LostCallback = Callable[[str], None]
_executions = itertools.count(1)


class RemoteAgent:
    """One role of one worker, seen as an ordinary agent."""

    def __init__(
        self,
        name: str,
        role: str,
        capabilities: frozenset[str],
        address: str,
        settings: Settings,
        *,
        retry: RpcRetryPolicy | None = None,
        deadlines: Deadlines | None = None,
        on_lost: LostCallback | None = None,
        stream_progress: bool = True,
    ) -> None:
        self.name = name
        self.role = role
        self.capabilities = capabilities
        self.address = address
        self._settings = settings
        self._retry = retry or RpcRetryPolicy.from_settings(settings)
        self._deadlines = deadlines or Deadlines.from_settings(settings)
        self._on_lost = on_lost
        self._stream = stream_progress
        self._channel: grpc.aio.Channel | None = None
        self._stub: pb_grpc.AgentWorkerStub | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"RemoteAgent({self.name!r} at {self.address})"

    @property
    def stub(self) -> pb_grpc.AgentWorkerStub:
        """The worker's stub on a channel of the running event loop (opened on first use)."""
        loop = asyncio.get_running_loop()
        if self._stub is None or self._loop is not loop:
            self._channel = open_channel(self.address, self._settings)
            self._stub = pb_grpc.AgentWorkerStub(self._channel)
            self._loop = loop
        return self._stub

    async def close(self) -> None:
        if self._channel is not None and self._loop is asyncio.get_running_loop():
            await self._channel.close()
        self._channel = self._stub = self._loop = None

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        request = self.request(task, ctx)
        try:
            outcome = await self._retry.call(
                lambda: self._call(request, task, ctx), what=f"execute {task.name} on {self.name}"
            )
        except grpc.aio.AioRpcError as exc:
            raise await self._failed(exc, task) from None
        return self.apply(outcome, task, ctx)

    async def collaborate(
        self, topic: str, payload: dict[str, Any] | None = None, *, run_id: str = ""
    ) -> dict[str, Any]:
        """Ask the worker's agent about ``topic`` (e.g. "describe"); its JSON answer."""
        request = pb.CollaborationRequest(
            run_id=run_id, role=self.role, topic=topic, payload_json=dumps(payload or {})
        )
        reply: pb.CollaborationReply = await self._retry.call(
            lambda: self.stub.CollaborateRequest(request, timeout=self._deadlines.control_s),
            what=f"collaborate {topic} with {self.name}",
        )
        if not reply.accepted:
            raise RpcError(f"Agent {self.name} declined {topic!r}: {reply.reason}")
        answer: dict[str, Any] = loads(reply.payload_json, {})
        return answer

    async def share_context(self, run_id: str, entries: dict[str, Any]) -> dict[str, Any]:
        """Merge ``entries`` into the worker's view of the run; returns that whole view."""
        share = pb.ContextShare(run_id=run_id, entries_json=dumps(entries))
        view: pb.ContextShare = await self._retry.call(
            lambda: self.stub.ShareContext(share, timeout=self._deadlines.control_s),
            what=f"share context with {self.name}",
        )
        merged: dict[str, Any] = loads(view.entries_json, {})
        return merged

    def request(self, task: TaskSpec, ctx: RunContext) -> pb.TaskRequest:
        # the snapshot is read synchronously: no other coroutine can write a file half-way
        return pb.TaskRequest(
            execution_id=f"{os.getpid()}-{next(_executions)}",
            run_id=ctx.run_id,
            role=self.role,
            task=spec_to_proto(task),
            engine=str(getattr(ctx.engine, "name", "builtin")),
            intent_json=ctx.intent.model_dump_json(),
            blueprint_json=blueprint_to_json(ctx.blueprint),
            files=files_to_proto(snapshot(ctx.workspace)),
            shared_json=dumps(ctx.shared.checkpoint()),
            results_json=results_to_json(ctx.results),
        )

    async def _call(
        self, request: pb.TaskRequest, task: TaskSpec, ctx: RunContext
    ) -> pb.TaskOutcome:
        timeout = self._deadlines.task_s
        if not self._stream:
            outcome: pb.TaskOutcome = await self.stub.ExecuteTask(request, timeout=timeout)
            return outcome
        async for update in self.stub.StreamTaskProgress(request, timeout=timeout):
            if update.HasField("outcome"):
                return update.outcome
            progress = update.progress
            fraction = progress.fraction if progress.HasField("fraction") else None
            ctx.progress(task.name, progress.message, fraction)
        raise WorkerUnavailableError(
            f"Worker {self.name} ended the task stream of {task.name!r} without an outcome.",
            hint="The worker probably stopped; the task is retried.",
        )

    def apply(self, outcome: pb.TaskOutcome, task: TaskSpec, ctx: RunContext) -> TaskResult:
        """Bring the worker's file changes and shared context into the run; the task's result."""
        if outcome.HasField("failure"):
            failure = outcome.failure
            raise RemoteTaskError(
                f"{failure.type} on {self.name}: {failure.message}",
                remote_type=failure.type,
                remote_code=failure.code,
            )
        root = ctx.workspace.root
        write_files(root, outcome.written)
        delete_files(root, outcome.deleted)
        # the worker's writes replayed here, so the run's reducers combine them as if local
        for writer, key, value in loads(outcome.shared_json, []):
            ctx.shared.write(writer, key, value)
        return TaskResult(
            ok=outcome.ok,
            files=list(outcome.files),
            summary=outcome.summary,
            data=loads(outcome.data_json, {}),
        )

    async def _failed(self, exc: grpc.aio.AioRpcError, task: TaskSpec) -> RpcError:
        code, detail = exc.code(), exc.details() or ""
        if code is grpc.StatusCode.DEADLINE_EXCEEDED:
            return WorkerUnavailableError(
                f"Worker {self.name} did not finish {task.name!r} within "
                f"{self._deadlines.task_s:g}s.",
                hint="Raise CODEGUILD_TASK_TIMEOUT_S, or give the worker more capacity.",
            )
        if code is not grpc.StatusCode.UNAVAILABLE:
            return RpcError(f"Worker {self.name} refused {task.name!r}: {code.name}: {detail}")
        reason = f"worker unreachable at {self.address} ({detail})"
        log.warning("remote agent lost agent=%s task=%s reason=%s", self.name, task.name, reason)
        if self._on_lost is not None:
            self._on_lost(reason)
            # under a scheduler, being marked unhealthy interrupts this attempt (it is re-queued
            # without charging its retries): let that cancellation arrive before failing it
            for _ in range(2):
                await asyncio.sleep(0)
        return WorkerUnavailableError(
            f"Worker {self.name} was lost while running {task.name!r}: {detail}.",
            hint="Its tasks are retried on other workers; check the worker's logs.",
        )
