"""`codeguild generate --engine llm` against a scripted OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.llm_projects import TinyLibraryModel
from support.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.e2e

REQUIREMENT = "A small Python library to add and multiply integers."


@pytest.fixture
def server() -> Iterator[ScriptedLLM]:
    with ScriptedLLM().running() as scripted:
        scripted.default = TinyLibraryModel(buggy=True)
        yield scripted


def _generate(tmp_path: Path, server: ScriptedLLM, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CODEGUILD_LLM_BASE_URL": server.base_url,
        "CODEGUILD_LLM_MODEL": "scripted",
        "CODEGUILD_LLM_API_KEY": "test-key",
    }
    return subprocess.run(
        [sys.executable, "-m", "codeguild", "generate", REQUIREMENT, "-o", "out", "-q", *extra],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_llm_engine_generates_fixes_and_reports_its_cost(
    tmp_path: Path, server: ScriptedLLM
) -> None:
    result = _generate(tmp_path, server, "--engine", "llm", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["engine"] != "builtin"
    assert report["status"] == "passed"
    assert report["stop_reason"] == "quality threshold met after round 1"
    assert report["llm"]["calls"] >= 5


def test_auto_picks_the_configured_model_and_builtin_ignores_it(
    tmp_path: Path, server: ScriptedLLM
) -> None:
    (tmp_path / "b").mkdir()
    builtin = _generate(tmp_path / "b", server, "--engine", "builtin", "--json")
    assert builtin.returncode == 0, builtin.stderr[-2000:]
    assert json.loads(builtin.stdout)["engine"] == "builtin"
    assert server.served == [], "the built-in engine must not call the model"


def test_unknown_engine_and_unconfigured_llm_are_clear_errors(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEGUILD_LLM_")}
    result = subprocess.run(
        [sys.executable, "-m", "codeguild", "generate", REQUIREMENT, "--engine", "llm"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "CODEGUILD_LLM" in result.stderr
