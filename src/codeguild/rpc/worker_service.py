"""The worker's gRPC service: ExecuteTask, StreamTaskProgress, CollaborateRequest, ShareContext."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import grpc

from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc import agent_pb2_grpc as pb_grpc
from codeguild.rpc.codec import dumps, loads
from codeguild.rpc.errors import UnknownRoleError
from codeguild.rpc.executor import TaskExecutor

#: what CollaborateRequest answers; anything else is refused with the list
TOPICS = ("describe",)


class AgentWorkerService(pb_grpc.AgentWorkerServicer):
    def __init__(self, executor: TaskExecutor, capacity: int) -> None:
        self.executor = executor
        self.capacity = capacity

    async def ExecuteTask(  # noqa: N802 - the name is the RPC's
        self, request: pb.TaskRequest, context: grpc.aio.ServicerContext
    ) -> pb.TaskOutcome:
        try:
            return await self.executor.run(request, lambda _m, _f: None)
        except UnknownRoleError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
            raise  # abort() raises; this line only tells type checkers so

    async def StreamTaskProgress(  # noqa: N802
        self, request: pb.TaskRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.TaskUpdate]:
        updates: asyncio.Queue[pb.TaskUpdate | None] = asyncio.Queue()

        def progress(message: str, fraction: float | None) -> None:
            update = pb.Progress(message=message)
            if fraction is not None:
                update.fraction = fraction
            updates.put_nowait(pb.TaskUpdate(progress=update))

        try:
            self.executor.agent(request.role)
        except UnknownRoleError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        running = asyncio.ensure_future(self.executor.run(request, progress))
        # the end is queued behind every progress update sent before it, so order is kept
        running.add_done_callback(lambda _: updates.put_nowait(None))
        try:
            while (update := await updates.get()) is not None:
                yield update
            yield pb.TaskUpdate(outcome=running.result())
        finally:
            # the orchestrator went away (cancelled, deadline, lost): stop the work too
            if not running.done():
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await running

    async def CollaborateRequest(  # noqa: N802
        self, request: pb.CollaborationRequest, context: grpc.aio.ServicerContext
    ) -> pb.CollaborationReply:
        if request.topic not in TOPICS:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"Unknown collaboration topic {request.topic!r}; "
                f"known topics: {', '.join(TOPICS)}.",
            )
        try:
            agent = self.executor.agent(request.role)
        except UnknownRoleError as exc:
            return pb.CollaborationReply(accepted=False, reason=str(exc))
        payload = {
            "agent": agent.name,
            "role": request.role,
            "capabilities": sorted(agent.capabilities),
            "busy": self.executor.busy.get(request.role, 0),
            "capacity": self.capacity,
        }
        return pb.CollaborationReply(accepted=True, payload_json=dumps(payload))

    async def ShareContext(  # noqa: N802
        self, request: pb.ContextShare, context: grpc.aio.ServicerContext
    ) -> pb.ContextShare:
        entries = self.executor.shared(request.run_id)
        entries.update(loads(request.entries_json, {}))
        return pb.ContextShare(run_id=request.run_id, entries_json=dumps(entries))
