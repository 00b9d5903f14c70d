"""Running one TaskRequest on a worker: a temporary copy of the project, the local agent of the
role, and the changes it made.

Test hook: ``CODEGUILD_TEST_WORKER_DELAY="task=seconds[,task=seconds]"`` makes the worker wait
that long before running the named tasks (``*`` names every task), so a test can kill a worker
in the middle of one. Unset, nothing changes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from codeguild.agents.base import Agent, RunContext, Workspace, run_shared_context
from codeguild.context import SharedContext
from codeguild.engines.base import Blueprint, Engine
from codeguild.errors import CodeguildError
from codeguild.intent.models import ProjectIntent
from codeguild.rpc import agent_pb2 as pb
from codeguild.rpc.codec import (
    blueprint_from_json,
    changes,
    dumps,
    files_to_proto,
    loads,
    results_from_json,
    safe_path,
    snapshot,
    spec_from_proto,
)
from codeguild.rpc.errors import UnknownRoleError
from codeguild.rpc.roles import unknown_role_message

log = logging.getLogger(__name__)

DELAY_ENV = "CODEGUILD_TEST_WORKER_DELAY"
#: runs whose shared context and parsed intent a worker remembers
_RUNS_KEPT = 32

ProgressSink = Callable[[str, float | None], None]
EngineFactory = Callable[[str], Engine]


def _default_engine(kind: str) -> Engine:
    from codeguild.engines.select import select_engine

    return select_engine(kind or "builtin")


class TaskExecutor:
    """Runs tasks with the worker's local agents; keeps each run's shared context."""

    def __init__(
        self,
        agents: Mapping[str, Agent],
        *,
        engine_factory: EngineFactory = _default_engine,
        scratch_dir: Path | None = None,
    ) -> None:
        self.agents = dict(agents)
        self.scratch_dir = scratch_dir
        self.busy: dict[str, int] = dict.fromkeys(self.agents, 0)
        self._engine_factory = engine_factory
        self._engines: dict[str, Engine] = {}
        self._shared: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._parsed: OrderedDict[tuple[str, str], tuple[ProjectIntent, Blueprint]] = OrderedDict()
        self._delays = _parse_delays(os.environ.get(DELAY_ENV, ""))

    def agent(self, role: str) -> Agent:
        agent = self.agents.get(role)
        if agent is None:
            raise UnknownRoleError(
                f"This worker does not serve that role: {unknown_role_message(role, self.agents)}"
            )
        return agent

    def shared(self, run_id: str) -> dict[str, Any]:
        entries = self._shared.setdefault(run_id, {})
        self._shared.move_to_end(run_id)
        while len(self._shared) > _RUNS_KEPT:
            self._shared.popitem(last=False)
        return entries

    async def run(self, request: pb.TaskRequest, progress: ProgressSink) -> pb.TaskOutcome:
        agent = self.agent(request.role)
        spec = spec_from_proto(request.task)
        started = time.perf_counter()
        self.busy[request.role] += 1
        root = Path(tempfile.mkdtemp(prefix="codeguild-task-", dir=self.scratch_dir))
        try:
            before = {f.path: f.content for f in request.files}
            for item in request.files:
                target = safe_path(root, item.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(item.content)
            intent, blueprint = self._parse(request)
            shared = _shared_context(request.shared_json)
            ctx = RunContext(
                run_id=request.run_id,
                intent=intent,
                engine=self._engine(request.engine),
                blueprint=blueprint,
                workspace=Workspace(root),
                results=results_from_json(request.results_json),
                shared=shared,
                progress=lambda _task, message, fraction: progress(message, fraction),
            )
            delay = self._delays.get(spec.name, self._delays.get("*"))
            if delay:
                log.warning("test delay task=%s seconds=%s (%s)", spec.name, delay, DELAY_ENV)
                await asyncio.sleep(delay)
            try:
                result = await agent.execute(spec, ctx)
            except Exception as exc:  # the orchestrator decides about retries, as for a local agent
                log.info("task failed task=%s error=%s: %s", spec.name, type(exc).__name__, exc)
                failure = pb.Failure(
                    type=type(exc).__name__,
                    code=exc.code if isinstance(exc, CodeguildError) else "",
                    message=str(exc),
                )
                return pb.TaskOutcome(failure=failure, agent=agent.name)
            written, deleted = changes(before, snapshot(ctx.workspace))
            return pb.TaskOutcome(
                ok=result.ok,
                files=result.files,
                summary=result.summary,
                data_json=dumps(result.data),
                written=files_to_proto(written),
                deleted=deleted,
                shared_json=dumps(shared.writes) if shared.writes else "",
                agent=agent.name,
                duration_s=time.perf_counter() - started,
            )
        finally:
            self.busy[request.role] -= 1
            _remove(root)

    def _parse(self, request: pb.TaskRequest) -> tuple[ProjectIntent, Blueprint]:
        # one run sends the same intent and blueprint with every task: parse them once
        key = (request.intent_json, request.blueprint_json)
        parsed = self._parsed.get(key)
        if parsed is None:
            parsed = (
                ProjectIntent.model_validate_json(request.intent_json),
                blueprint_from_json(request.blueprint_json),
            )
            self._parsed[key] = parsed
            while len(self._parsed) > _RUNS_KEPT:
                self._parsed.popitem(last=False)
        return parsed

    def warm(self, kind: str = "builtin") -> None:
        """Build an engine now: its first use imports templates and rules (about a second)."""
        self._engine(kind)

    def _engine(self, kind: str) -> Engine:
        engine = self._engines.get(kind)
        if engine is None:
            engine = self._engines[kind] = self._engine_factory(kind)
        return engine


class _RecordingContext(SharedContext):
    """The run's shared context on the worker; remembers the task's writes to replay them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writes: list[tuple[str, str, Any]] = []

    def write(self, writer: str, key: str, value: Any) -> None:
        super().write(writer, key, value)
        self.writes.append((writer, key, value))


def _shared_context(checkpoint_json: str) -> _RecordingContext:
    """The run's context as the orchestrator sent it (a fresh run's declared keys without one)."""
    checkpoint = loads(checkpoint_json, None) or run_shared_context().checkpoint()
    return _RecordingContext.from_checkpoint(checkpoint)  # type: ignore[return-value]


def _remove(root: Path) -> None:
    try:
        root.rmdir()  # an empty copy (a task on an empty project): no tree walk needed
    except OSError:
        shutil.rmtree(root, ignore_errors=True)


def _parse_delays(raw: str) -> dict[str, float]:
    delays: dict[str, float] = {}
    for item in raw.split(","):
        name, sep, seconds = item.strip().partition("=")
        if not sep:
            continue
        try:
            delays[name.strip()] = float(seconds)
        except ValueError:
            log.warning("ignoring %s entry %r (use task=seconds)", DELAY_ENV, item)
    return delays
