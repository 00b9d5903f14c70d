"""Locating and running the quality pipeline's external tools (ruff, bandit) as subprocesses."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from codeguild.errors import CodeguildError, ToolMissingError

log = logging.getLogger(__name__)

DEFAULT_TOOL_TIMEOUT_S = 300.0


class ToolFailedError(CodeguildError):
    """A quality tool started but did not produce a usable answer (timeout, crash, bad output)."""

    code = "tool_failed"


@dataclass(frozen=True)
class ToolOutput:
    """What one tool invocation returned."""

    returncode: int
    stdout: str
    stderr: str


def resolve_tool(name: str) -> list[str]:
    """The argv prefix that runs ``name``: the script next to our interpreter, else ``python -m``.

    Looking next to ``sys.executable`` first means a virtualenv's own tool wins over whatever
    happens to be on PATH, so results do not depend on the caller's shell.
    """
    script = Path(sys.executable).parent / name
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    if importlib.util.find_spec(name) is not None:
        return [sys.executable, "-m", name]
    raise ToolMissingError(
        f"{name} is not installed in the interpreter running codeguild ({sys.executable}).",
        hint=f"Install it into that environment: `{sys.executable} -m pip install {name}`.",
    )


async def run_tool(
    name: str,
    args: Sequence[str],
    cwd: Path,
    *,
    timeout_s: float = DEFAULT_TOOL_TIMEOUT_S,
) -> ToolOutput:
    """Run ``name args...`` in ``cwd`` without blocking the event loop; kill it on timeout."""
    argv = [*resolve_tool(name), *args]
    log.debug("tool=%s argv=%s cwd=%s", name, argv, cwd)
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=str(cwd),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout_s)
    except asyncio.CancelledError:
        # a cancelled run must not leave the tool running on its own
        if proc.returncode is None:
            proc.kill()
            await asyncio.shield(proc.wait())
        raise
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise ToolFailedError(
            f"{name} did not finish within {timeout_s:.0f} s on {cwd}.",
            hint="Check the project for huge or generated files and exclude them.",
        ) from None
    return ToolOutput(
        returncode=proc.returncode if proc.returncode is not None else -1,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
    )
