"""Running a generated project's pytest suite inside the sandbox and reading back the results."""

from __future__ import annotations

import importlib.util
import json
import logging
import xml.etree.ElementTree as ET  # nosec B405 - bounded input; expat >= 2.4 refuses entity bombs
from pathlib import Path

from codeguild.quality.findings import TestRunResult
from codeguild.quality.sandbox import Sandbox, SandboxLimits, SandboxResult

log = logging.getLogger(__name__)

JUNIT_PATH = ".codeguild/junit.xml"
COVERAGE_PATH = ".codeguild/coverage.json"
_MESSAGE_LIMIT = 2000
_TAIL_LIMIT = 8000
_NO_TESTS_EXIT = 5


#: the host's own pytest plugins (browser, API fuzzing, ...) are not the project's: loading them
#: all would cost seconds per run and could change how the project's tests behave
PYTEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def pytest_argv(package: str | None) -> list[str]:
    """The pytest command run in the box (paths relative to the box, which is the cwd)."""
    argv = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={JUNIT_PATH}"]
    if package and importlib.util.find_spec("pytest_cov") is not None:
        # plugin autoload is off in the box (PYTEST_ENV), so coverage is loaded by name
        argv += ["-p", "pytest_cov", f"--cov={package}", f"--cov-report=json:{COVERAGE_PATH}"]
    elif package:
        log.warning("testrun coverage=skipped reason=pytest-cov-not-installed package=%s", package)
    return argv


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_junit(xml_text: str) -> list[dict[str, object]]:
    """One dict per test case: name, outcome (passed/failed/error/skipped), duration_s, message."""
    try:
        root = ET.fromstring(xml_text)  # nosec B314 - see import note
    except ET.ParseError as exc:
        log.warning("testrun junit=unreadable error=%s", exc)
        return []
    tests: list[dict[str, object]] = []
    for case in root.iter("testcase"):
        classname = case.get("classname", "")
        name = f"{classname}::{case.get('name', '')}" if classname else case.get("name", "")
        outcome, message = "passed", ""
        for tag, label in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
            node = case.find(tag)
            if node is not None:
                outcome = label
                detail = (node.text or "").strip()
                message = node.get("message", "") or detail
                if detail and label != "skipped" and detail not in message:
                    message = f"{message}\n{detail}"
                break
        try:
            duration = float(case.get("time", "0") or 0)
        except ValueError:
            duration = 0.0
        tests.append(
            {
                "name": name,
                "outcome": outcome,
                "duration_s": duration,
                "message": _trim(message.strip(), _MESSAGE_LIMIT),
            }
        )
    return tests


def parse_coverage(json_text: str) -> float | None:
    """``totals.percent_covered`` of a coverage.py JSON report, if present."""
    try:
        value = json.loads(json_text)["totals"]["percent_covered"]
    except (ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _result(run: SandboxResult) -> TestRunResult:
    tests = parse_junit(run.files[JUNIT_PATH]) if JUNIT_PATH in run.files else []
    counts = {k: sum(1 for t in tests if t["outcome"] == k) for k in ("passed", "failed", "error")}
    tail = _trim_tail(f"{run.stdout}\n{run.stderr}".strip())
    if run.exit_code == _NO_TESTS_EXIT:
        tail = (
            "pytest collected no tests (exit code 5): the project has no test functions pytest "
            "can find; add tests named test_*.py under tests/.\n" + tail
        )
    elif run.timed_out:
        tail = "pytest hit the sandbox wall-clock limit and was killed.\n" + tail
    elif run.stopped_by:
        tail = f"the sandbox stopped pytest: {', '.join(run.stopped_by)}.\n" + tail
    elif not tests and run.exit_code != 0:
        tail = f"pytest exited with code {run.exit_code} and wrote no results.\n" + tail
    return TestRunResult(
        passed=counts["passed"],
        failed=counts["failed"],
        errors=counts["error"],
        skipped=sum(1 for t in tests if t["outcome"] == "skipped"),
        duration_s=run.duration_s,
        coverage_percent=parse_coverage(run.files[COVERAGE_PATH])
        if COVERAGE_PATH in run.files
        else None,
        tests=tests,
        exit_code=run.exit_code,
        timed_out=run.timed_out,
        output_tail=tail,
        isolation=run.isolation,
        stopped_by=run.stopped_by,
    )


def _trim_tail(text: str) -> str:
    return text if len(text) <= _TAIL_LIMIT else "..." + text[-_TAIL_LIMIT:]


async def run_tests(
    project_dir: Path,
    *,
    package: str | None = None,
    sandbox: Sandbox | None = None,
    limits: SandboxLimits | None = None,
) -> TestRunResult:
    """Run the project's tests in the sandbox; coverage of ``package`` when pytest-cov is here.

    Raises SandboxError when the sandbox cannot start pytest at all.
    """
    sandbox = sandbox or Sandbox()
    run = await sandbox.run(
        pytest_argv(package),
        project_dir,
        limits=limits,
        env=PYTEST_ENV,
        collect=(JUNIT_PATH, COVERAGE_PATH),
    )
    result = _result(run)
    log.info(
        "testrun passed=%d failed=%d errors=%d coverage=%s exit=%s",
        result.passed,
        result.failed,
        result.errors,
        result.coverage_percent,
        result.exit_code,
    )
    return result
