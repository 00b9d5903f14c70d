"""The CLI as a new user meets it: the three reference requirements, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codeguild.quality.sandbox import Sandbox

pytestmark = pytest.mark.e2e

BOOKSTORE = (
    "Build a REST API for a bookstore with books (title, author, price, published year) and "
    "authors (name, country). Users must log in with JWT to create, update or delete; anyone "
    "can read."
)
CSV_TOOL = (
    "A command line tool that converts CSV files to JSON and back, with options to pick columns "
    "and to pretty-print."
)
ISBN_LIB = (
    "A small Python library for parsing and validating ISBN-10 and ISBN-13 numbers, converting "
    "between them."
)


def codeguild(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "codeguild", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def _assert_clean_project(report: dict, project: Path, min_tests: int) -> None:
    assert report["status"] == "passed", report["stop_reason"]
    tests = report["tests"]
    assert tests["failed"] == 0 and tests["errors"] == 0
    assert tests["passed"] >= min_tests
    review = {c["check"]: c for c in report["review"]}
    security = {c["check"]: c for c in report["security"]}
    assert all(c["passed"] for c in review.values()), review
    assert all(c["passed"] for c in security.values()), security
    severities = {f["severity"] for c in security.values() for f in c["findings"]}
    assert not severities & {"medium", "high"}
    for name in ("README.md", "pyproject.toml", "requirements.txt", "codeguild-report.md"):
        assert (project / name).is_file(), name
    # a new user's `cd <project> && pytest`, run where generated code belongs: the sandbox
    import asyncio

    rerun = asyncio.run(Sandbox().run(["python", "-m", "pytest", "-q"], project))
    assert rerun.exit_code == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]


@pytest.mark.parametrize(
    ("requirement", "name", "kind", "min_tests"),
    [
        (BOOKSTORE, "bookstore-api", "web_api", 5),
        (CSV_TOOL, None, "cli_tool", 3),
        (ISBN_LIB, None, "library", 3),
    ],
    ids=["bookstore", "csv-tool", "isbn-library"],
)
def test_reference_requirements_produce_passing_projects(
    tmp_path: Path, requirement: str, name: str | None, kind: str, min_tests: int
) -> None:
    result = codeguild("generate", requirement, "-o", "out", "--json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["project_type"] == kind
    if name:
        assert report["project_name"] == name
    project = tmp_path / "out" / report["project_name"]
    assert Path(report["output_dir"]).resolve() == project.resolve()
    _assert_clean_project(report, project, min_tests)
    if kind == "web_api":
        spec = json.loads((project / "openapi.json").read_text())
        paths = " ".join(spec["paths"])
        assert "books" in paths and "authors" in paths
        assert (project / "Dockerfile").is_file()
    # only the finished project is left behind: no staging folders
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [report["project_name"]]


BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "huge": "Build an API for books. " * 9000,
    "binary": "\x00\x01\x02\udcff\udcfe" * 50 + "\x7f\x00",
    "german": "Erstelle eine REST-Schnittstelle für eine Buchhandlung mit Büchern und Autoren.",
    "chinese": "为书店构建一个带有书籍和作者的REST接口",
    "weather": "what's the weather like in Paris today?",
}


def test_argument_requirements_with_bad_text_are_refused_too(tmp_path: Path) -> None:
    result = codeguild("generate", "tell me a joke", "-o", "out", "-q", cwd=tmp_path)
    assert result.returncode == 2 and "invalid_requirement" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_requirement_from_stdin_and_missing_requirement(tmp_path: Path) -> None:
    missing = codeguild("generate", "-o", "out", cwd=tmp_path)
    assert missing.returncode == 2 and "either as an argument or with --file" in missing.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "codeguild", "generate", "-f", "-", "-o", "out", "-q"],
        cwd=tmp_path,
        input="   ",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert piped.returncode == 2 and "invalid_requirement" in piped.stderr


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_clearly_and_writes_nothing(tmp_path: Path, case: str) -> None:
    # through a file, since an argv cannot carry every byte (NUL) a user may paste
    requirement = tmp_path / "requirement.txt"
    requirement.write_bytes(BAD_INPUTS[case].encode("utf-8", errors="surrogateescape"))
    result = codeguild("generate", "-f", str(requirement), "-o", "out", "-q", cwd=tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr + result.stdout
    assert "invalid_requirement" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_existing_output_is_never_overwritten_without_force(tmp_path: Path) -> None:
    from codeguild.intent.processor import IntentProcessor

    project = tmp_path / "out" / IntentProcessor().process(ISBN_LIB).name
    project.mkdir(parents=True)
    (project / "mine.txt").write_text("keep me")
    result = codeguild("generate", ISBN_LIB, "-o", "out", "-q", cwd=tmp_path)
    assert result.returncode == 2 and "output_exists" in result.stderr, result.stderr[-2000:]
    assert "--force" in result.stderr
    assert (project / "mine.txt").read_text() == "keep me"

    forced = codeguild("generate", ISBN_LIB, "-o", "out", "-q", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert not (project / "mine.txt").exists()
    assert (project / "codeguild-report.json").is_file()
