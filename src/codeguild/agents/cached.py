"""Check results cached by a hash of the project's files: an identical project is not re-checked.

Wraps a checking agent (tests, review, security). The key covers the agent, the task, codeguild's
version and every file's path and content, so any change to the project is a miss; a hit says so
in its summary and data (``cached``), never pretending the check ran again.
"""

from __future__ import annotations

import hashlib

from codeguild import __version__
from codeguild.agents.base import Agent, RunContext, TaskResult, TaskSpec
from codeguild.store.memory.cache import ResultCache, input_hash


class CachedCheckAgent:
    def __init__(self, inner: Agent, cache: ResultCache) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self._cache = cache

    async def execute(self, task: TaskSpec, ctx: RunContext) -> TaskResult:
        inputs = (
            "check",
            __version__,
            self.name,
            task.capability,
            task.action,
            project_fingerprint(ctx),
        )
        digest = input_hash(*inputs)
        hit, stored = await self._cache.lookup(digest)
        if hit and isinstance(stored, dict):
            ctx.progress(task.name, "same files as a checked project: result reused", 1.0)
            return TaskResult(
                ok=bool(stored["ok"]),
                files=list(stored["files"]),
                summary=f"{stored['summary']} (cached)",
                data={**stored["data"], "cached": True},
            )
        result = await self.inner.execute(task, ctx)
        # check tasks that write files (e.g. openapi.json) change the project: never cached
        if not result.files:
            await self._cache.put(
                digest,
                {"ok": result.ok, "files": [], "summary": result.summary, "data": result.data},
            )
        return result


def project_fingerprint(ctx: RunContext) -> str:
    digest = hashlib.sha256()
    for rel in ctx.workspace.files():
        digest.update(rel.encode())
        digest.update(hashlib.sha256((ctx.workspace.root / rel).read_bytes()).digest())
    return digest.hexdigest()
