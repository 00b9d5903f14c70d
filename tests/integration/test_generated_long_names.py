"""Generated projects stay lint-, format- and type-clean whatever the length of the names in them.

Entity names up to 40 characters, field names up to 30 and package names up to 40 are realistic
(they come straight from the requirement), and every line that interpolates one must still fit the
line limit and keep its formatter shape, under the project's ruff config and ruff's defaults alike.
Each project is written by its builder into a temp dir and checked with the review's own ruff and
mypy checks, two projects at a time, once for the module.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from codeguild.engines.builtin.cli_tool import CliToolBuilder
from codeguild.engines.builtin.engine import ProjectBuilder
from codeguild.engines.builtin.library import LibraryBuilder
from codeguild.engines.builtin.web_api import WebApiBuilder
from codeguild.intent.models import AuthSpec, Command, Entity, EntityField, ProjectIntent
from codeguild.quality.findings import CheckResult, Finding
from codeguild.quality.lint import ruff_check, ruff_format_check
from codeguild.quality.typecheck import mypy_check

pytestmark = pytest.mark.integration

LONG_ENTITY = "VeterinaryVaccinationAppointmentReminder"  # 40 characters
LONG_PLURAL = "veterinary_vaccination_appointment_reminders"
OTHER_ENTITY = "InternationalConferenceTravelExpenseClaim"
OTHER_PLURAL = "international_conference_travel_expense_claims"


def _f(name: str, type_: str = "str", **extra: object) -> EntityField:
    return EntityField(name=name, type=type_, **extra)  # type: ignore[arg-type]


def _fields() -> list[EntityField]:
    """Every field type, with names up to 30 characters."""
    return [
        _f("veterinary_patient_full_name"),
        _f("pet_owner_contact_email_address", "email"),
        _f("vaccination_due_date_for_pet", "date"),
        _f("reminder_sent_timestamp_value", "datetime", required=False),
        _f("vaccine_dose_amount_milliliter", "decimal"),
        _f("number_of_previous_reminders", "int"),
        _f("clinic_average_rating_score", "float", required=False),
        _f("reminder_acknowledged_by_owner", "bool"),
        _f("clinic_public_website_address", "url", required=False),
        _f("additional_free_text_comments", "text", required=False),
    ]


def _entities() -> list[Entity]:
    return [
        Entity(name=LONG_ENTITY, plural=LONG_PLURAL, fields=_fields()),
        Entity(
            name=OTHER_ENTITY,
            plural=OTHER_PLURAL,
            fields=[
                _f("reimbursement_claim_title_text"),
                _f("reimbursement_amount_in_euros", "decimal"),
                _f("related_appointment_reminder_id", "int", references=LONG_ENTITY),
            ],
        ),
    ]


def _intent(kind: str, name: str, requirement: str, **extra: object) -> ProjectIntent:
    return ProjectIntent(
        requirement=requirement,
        project_type=kind,  # type: ignore[arg-type]
        name=name,
        summary=requirement,
        entities=_entities(),
        **extra,  # type: ignore[arg-type]
    )


_REQUIREMENT = (
    "Manage veterinary vaccination appointment reminders (pet name, owner email, vaccine, due "
    "date) and the international conference travel expense claims of the clinic's staff."
)

INTENTS: dict[str, ProjectIntent] = {
    "library": _intent(
        "library",
        "veterinary-vaccination-reminder-toolkit",  # 39 characters
        f"A library to {_REQUIREMENT[0].lower()}{_REQUIREMENT[1:]}",
    ),
    "cli_tool": _intent(
        "cli_tool",
        "veterinary-vaccination-reminder-command",
        f"A CLI tool to {_REQUIREMENT[0].lower()}{_REQUIREMENT[1:]}",
        commands=[Command(name=n) for n in ("add", "list", "search", "export", "remove")],
    ),
    "web_api": _intent(
        "web_api",
        "veterinary-vaccination-reminder-service",
        f"A REST API to {_REQUIREMENT[0].lower()}{_REQUIREMENT[1:]}",
        auth=AuthSpec(protect_writes=True, protect_reads=True),
    ),
}

_BUILDERS: dict[str, Callable[[], ProjectBuilder]] = {
    "library": LibraryBuilder,
    "cli_tool": CliToolBuilder,
    "web_api": WebApiBuilder,
}


@dataclass
class Outcome:
    """The review's ruff and mypy results, plus ruff's default-settings format check."""

    results: dict[str, CheckResult]
    format_defaults: subprocess.CompletedProcess[str]


def _write(intent: ProjectIntent, root: Path) -> None:
    builder = _BUILDERS[intent.project_type.value]()
    for component in builder.blueprint(intent).components:
        for rel, text in builder.write_component(intent, component.name).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")


async def _review(root: Path) -> dict[str, CheckResult]:
    results = await asyncio.gather(ruff_check(root), ruff_format_check(root), mypy_check(root))
    return {r.check: r for r in results}


def _check(key: str, root: Path) -> Outcome:
    _write(INTENTS[key], root)
    results = asyncio.run(_review(root))
    # ruff's default line length is 88: the generated shape must not depend on the config
    defaults = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--no-cache", "--isolated", "--check", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    return Outcome(results, defaults)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(_check, key, tmp_path_factory.mktemp(key)) for key in INTENTS}
        return {key: future.result() for key, future in futures.items()}


def _shown(findings: list[Finding]) -> list[str]:
    return [f"{f.file}:{f.line} {f.rule} {f.message}" for f in findings]


@pytest.mark.parametrize("key", INTENTS)
def test_ruff_finds_nothing(outcomes: dict[str, Outcome], key: str) -> None:
    result = outcomes[key].results["ruff"]
    assert result.error is None, result.error
    assert not result.findings, _shown(result.findings)


@pytest.mark.parametrize("key", INTENTS)
def test_no_line_is_too_long(outcomes: dict[str, Outcome], key: str) -> None:
    too_long = [f for f in outcomes[key].results["ruff"].findings if f.rule == "E501"]
    assert not too_long, _shown(too_long)


@pytest.mark.parametrize("key", INTENTS)
def test_formatter_keeps_the_shape(outcomes: dict[str, Outcome], key: str) -> None:
    result = outcomes[key].results["ruff-format"]
    assert result.error is None, result.error
    assert not result.findings, _shown(result.findings)


@pytest.mark.parametrize("key", ["library", "cli_tool"])
def test_formatter_keeps_the_shape_at_its_default_line_length(
    outcomes: dict[str, Outcome], key: str
) -> None:
    # libraries and CLI tools promise a shape stable under ruff's defaults too (web APIs do not)
    run = outcomes[key].format_defaults
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]


@pytest.mark.parametrize("key", INTENTS)
def test_mypy_finds_nothing(outcomes: dict[str, Outcome], key: str) -> None:
    result = outcomes[key].results["mypy"]
    assert result.error is None, result.error
    assert "skipped" not in result.details, result.details
    assert not result.findings, _shown(result.findings)
