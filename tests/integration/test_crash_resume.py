"""kill -9 a generation at several points, resume it, and get exactly the uninterrupted result."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import conftest_store
import pytest

from codeguild.recording import CRASH_ENV
from codeguild.report import REPORT_JSON, REPORT_MD
from codeguild.store.db import Store

pytestmark = pytest.mark.integration

REQUIREMENT = "A Python library to convert integers to Roman numerals and back."

database_url = conftest_store.database_url


def _codeguild(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codeguild", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _project_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in (REPORT_JSON, REPORT_MD) and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("crash_at", ["after_tasks:1", "after_tasks:4", "mid_artifact:3"])
def test_killed_run_resumes_to_the_same_project(
    tmp_path: Path, database_url: str, crash_at: str
) -> None:
    env = {**os.environ, "CODEGUILD_DATABASE_URL": database_url, "COLUMNS": "120"}
    env["CODEGUILD_BLOB_DIR"] = str(tmp_path / "blobs")
    env.pop(CRASH_ENV, None)

    reference = _codeguild(["generate", REQUIREMENT, "-o", "ref", "-q"], tmp_path, env)
    assert reference.returncode == 0, reference.stderr[-2000:]
    (ref_project,) = (tmp_path / "ref").iterdir()

    crashed = _codeguild(
        ["generate", REQUIREMENT, "-o", "out", "-q"], tmp_path, {**env, CRASH_ENV: crash_at}
    )
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr[-2000:])
    # nothing that looks finished was left behind
    assert not (tmp_path / "out" / ref_project.name).exists()

    run_id = asyncio.run(_latest_unfinished_run(database_url))
    before = asyncio.run(_succeeded_attempts(database_url, run_id))
    assert before, "the crash point is after at least one committed task"

    resumed = _codeguild(["resume", run_id, "-q"], tmp_path, env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    project = tmp_path / "out" / ref_project.name
    assert _project_files(project) == _project_files(ref_project)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".partial")]

    attempts, seqs, succeeded_events = asyncio.run(_history(database_url, run_id))
    # no task ran again after it had succeeded
    for task, rows in attempts.items():
        wins = [a for a in rows if a.state == "succeeded"]
        assert len(wins) == 1, (task, rows)
        assert all(a.started_at <= wins[0].started_at for a in rows), (task, rows)
    for task, finished_before in before.items():
        assert [a.attempt for a in attempts[task] if a.state == "succeeded"] == [finished_before]
    # no event lost: one gap-free sequence, and every task's success is in it
    assert seqs == list(range(1, len(seqs) + 1))
    assert set(attempts) <= succeeded_events


async def _latest_unfinished_run(url: str) -> str:
    async with await Store.open(url) as store:
        runs = await store.runs.list(limit=5)
        unfinished = [r for r in runs if r.report is None]
        assert unfinished, [(r.id, r.status) for r in runs]
        return unfinished[0].id


async def _succeeded_attempts(url: str, run_id: str) -> dict[str, int]:
    async with await Store.open(url) as store:
        return {
            a.task: a.attempt for a in await store.tasks.attempts(run_id) if a.state == "succeeded"
        }


async def _history(url: str, run_id: str) -> tuple[dict[str, list], list[int], set[str]]:
    async with await Store.open(url) as store:
        attempts: dict[str, list] = {}
        for a in await store.tasks.attempts(run_id):
            attempts.setdefault(a.task, []).append(a)
        events = await store.events.list(run_id)
        seqs = [e.seq for e in events]
        succeeded = {
            e.event.task for e in events if str(e.event.kind) == "succeeded" and e.event.task
        }
        return attempts, seqs, succeeded
