"""A run's events reach a reader in another connection, in order, over the shared memory store."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest

from codeguild.events import EventBus
from codeguild.live import EVENTS_CHANNEL, EventPublisher
from codeguild.pipeline import Pipeline
from codeguild.store.memory import open_memory_store

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("CODEGUILD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_a_reader_follows_a_run_live(tmp_path: Path, backend: str) -> None:
    url = "memory://" if backend == "memory" else REDIS_URL
    memory = open_memory_store(url)
    try:
        await memory.connect()
    except Exception as exc:
        if os.environ.get("CI") == "true" or backend == "memory":
            raise
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    bus = EventBus(keep_log=True)
    publisher = EventPublisher(memory)
    bus.subscribe(publisher.sink)
    pipeline = Pipeline(bus=bus)
    pipeline.run_id = f"live-{uuid.uuid4().hex[:8]}"
    received: list[dict[str, object]] = []

    async def follow() -> None:
        async with memory.namespace(pipeline.run_id).subscribe(EVENTS_CHANNEL) as sub:
            ready.set()
            async for message in sub:
                received.append(message)
                if message["kind"] == "run_finished":
                    return

    ready = asyncio.Event()
    reader = asyncio.create_task(follow())
    await ready.wait()
    publisher.start()
    try:
        report = await pipeline.generate("A library that turns titles into URL slugs.", tmp_path)
        await asyncio.wait_for(reader, timeout=30)
    finally:
        await publisher.close()
        await memory.close()
    assert report.status == "passed"
    assert [m["kind"] for m in received] == [str(e.kind) for e in bus.log]
    assert received[0]["kind"] == "run_started" and received[-1]["kind"] == "run_finished"
    assert {m["run_id"] for m in received} == {pipeline.run_id}
