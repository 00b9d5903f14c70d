import asyncio
import os
import sys
from pathlib import Path

import pytest

from codeguild.quality import tools
from codeguild.quality.lint import ruff_check, ruff_fix, ruff_format_check

CLEAN = 'def greet(name: str) -> str:\n    return f"hello {name}"\n'


def _project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


async def test_clean_code_passes_lint_and_format(tmp_path: Path) -> None:
    _project(tmp_path, {"app/main.py": CLEAN})
    lint = await ruff_check(tmp_path)
    fmt = await ruff_format_check(tmp_path)
    assert lint.passed and lint.error is None and lint.findings == []
    assert fmt.passed and fmt.error is None


async def test_violation_becomes_finding_with_rule_line_and_fix_hint(tmp_path: Path) -> None:
    _project(tmp_path, {"app/main.py": "import os\n\n\nx = undefined_name\n"})
    result = await ruff_check(tmp_path)
    assert not result.passed
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["F401"].file == "app/main.py"
    assert by_rule["F401"].line == 1
    assert "fix" in by_rule["F401"].fix_hint
    assert by_rule["F821"].line == 4
    assert by_rule["F821"].severity == "medium"
    assert by_rule["F821"].fix_hint == ""


async def test_project_config_is_used(tmp_path: Path) -> None:
    # Line too long is not in ruff's default rule set; the project's own config selects it.
    long_line = "x = '" + "a" * 120 + "'\n"
    _project(tmp_path, {"m.py": long_line})
    assert (await ruff_check(tmp_path)).passed
    _project(tmp_path, {"pyproject.toml": '[tool.ruff.lint]\nselect = ["E501"]\n'})
    result = await ruff_check(tmp_path)
    assert [f.rule for f in result.findings] == ["E501"]


async def test_unformatted_file_is_a_format_finding(tmp_path: Path) -> None:
    _project(tmp_path, {"ok.py": CLEAN, "ugly.py": "def f( a ):\n  return a\n"})
    result = await ruff_format_check(tmp_path)
    assert not result.passed
    assert [f.file for f in result.findings] == ["ugly.py"]


async def test_ruff_fix_fixes_and_reports_changed_files(tmp_path: Path) -> None:
    _project(tmp_path, {"ok.py": CLEAN, "dirty.py": "import os\ndef f( a ):\n  return a\n"})
    changed = await ruff_fix(tmp_path)
    assert changed == ["dirty.py"]
    assert "import os" not in (tmp_path / "dirty.py").read_text()
    assert (await ruff_check(tmp_path)).passed
    assert (await ruff_format_check(tmp_path)).passed
    assert await ruff_fix(tmp_path) == []


async def test_a_cancelled_tool_run_leaves_no_process_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "slow.py"
    script.write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setattr(tools, "resolve_tool", lambda _name: [sys.executable, str(script)])
    task = asyncio.create_task(tools.run_tool("slow", [], tmp_path, timeout_s=30))
    await asyncio.sleep(0.5)
    running = _children()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert running, "the tool process should have been running"
    assert not (_children() & running), "the killed tool must not outlive its run"


def _children() -> set[int]:
    """Live (not zombie) child processes of this process, from /proc."""
    me = str(os.getpid())
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if stat[1] == me and stat[0] != "Z":
            found.add(int(entry))
    return found
