"""Constraint phenomena, each with invented wordings: units as written, comparison words,
percentiles, rates per unit, schedules stated many ways, compliance, retention, targets."""

from __future__ import annotations

import pytest

from codeguild.intent.constraints import extract_constraints
from codeguild.intent.models import ProjectType


def _keys(text: str, project_type: ProjectType | None = None) -> set[str]:
    return {c.key for c in extract_constraints(text, project_type).parsed}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("the p95 has to remain under 120 ms", "performance:latency_p95<120ms"),
        ("answer within 150 ms at the 99th percentile", "performance:latency_p99<150ms"),
        ("searches must come back in less than 0.5 s", "performance:response_time<0.5s"),
        ("every request is answered in under 2 seconds", "performance:response_time<2s"),
        ("one conversion must return in under 3 ms", "performance:response_time<3ms"),
        ("roughly 12k concurrent shoppers", "performance:concurrent_users>=12000"),
        ("up to 900 spectators at the same time", "performance:concurrent_users>=900"),
        ("it should cope with 5,000 viewers", "performance:concurrent_users>=5000"),
        ("ingest up to 40,000 writes per second", "performance:writes_per_second>=40000"),
        ("traffic is low: fewer than 200 orders a day", "performance:orders_per_day<=200"),
        ("availability of 99.99% is required", "performance:uptime>=99.99%"),
        ("it must be up 99.5% of the time", "performance:uptime>=99.5%"),
        ("the batch has to complete in under 3 hours", "performance:run_time<=3h"),
        ("end-to-end delay must stay below 45 s", "performance:lag<45s"),
        ("data no more than 1 minute stale", "performance:lag<1min"),
    ],
)
def test_performance_figures(text: str, key: str) -> None:
    assert key in _keys(text)


@pytest.mark.parametrize(
    "text",
    [
        "our gym has 300 members who come 2 times a week",
        "loans last 14 days and there are 40 branches",
        "readings are averaged over 15 minutes",
    ],
)
def test_scale_facts_are_not_demands(text: str) -> None:
    assert not {k for k in _keys(text) if k.startswith("performance:")}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Sync the CRM every 2 hours and send a digest every Friday.", {"2h", "weekly"}),
        ("On the last day of each month, archive the invoices.", {"monthly"}),
        ("Runs on weekdays at 6am.", {"daily"}),
        ("Sundays 01:00: rebuild the search index.", {"weekly"}),
        ("copy the tables into the lake hourly.", {"hourly"}),
        ("A nightly export plus a refresh every 20 minutes.", {"daily", "20min"}),
    ],
)
def test_schedules_stated_many_ways(text: str, values: set[str]) -> None:
    found = {k.split("=")[1] for k in _keys(text, ProjectType.CLI_TOOL) if "schedule" in k}
    assert found == values


@pytest.mark.parametrize(
    "text",
    [
        "Currently the clerks re-key the forms every morning.",
        "The suppliers upload price lists every week; merge them into Postgres.",
        "Sensor files land in the bucket every 5 minutes; load them into the warehouse.",
        "show the nightly rate and the weekly timetable",
    ],
)
def test_frequencies_that_are_not_the_projects_schedule(text: str) -> None:
    assert not {k for k in _keys(text, ProjectType.CLI_TOOL) if "schedule" in k}


def test_a_periodic_job_inside_a_service_is_a_feature() -> None:
    text = "Inside the API, a daily job emails overdue reminders."
    assert "other:schedule=daily" not in _keys(text, ProjectType.WEB_API)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("results must be ready by 8:30am", "other:deadline=08:30"),
        ("everything loaded before 05:45 when the shop opens", "other:deadline=05:45"),
    ],
)
def test_deadlines(text: str, key: str) -> None:
    assert key in _keys(text, ProjectType.CLI_TOOL)


def test_arrival_times_are_not_deadlines() -> None:
    assert not _keys("files arrive before 04:00", ProjectType.CLI_TOOL)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("staff sign in through the council's OpenID Connect provider", "security:oauth2"),
        ("log in with Google", "security:oauth2"),
        ("only moderators can remove posts", "security:rbac"),
        ("salaries visible to the finance team only", "security:rbac"),
        ("the head chef is the only one who may change prices", "security:rbac"),
        ("patient data retained for ten years", "security:data_retention=10y"),
        ("uploads are purged after 30 days", "security:data_retention=30d"),
        ("accounts are deleted 2 years after the last login", "security:data_retention=2y"),
        ("members have the right to be forgotten", "security:gdpr"),
        ("the disks are stored encrypted", "security:encryption"),
    ],
)
def test_security(text: str, key: str) -> None:
    assert key in _keys(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("a tool to encrypt and decrypt files with a passphrase", "security:encryption"),
        ("only one booking can be made per slot", "security:rbac"),
        ("only logged-in users can comment", "security:rbac"),
        ("members can borrow a book for 3 weeks", "security:data_retention=3w"),
    ],
)
def test_security_look_alikes(text: str, absent: str) -> None:
    assert absent not in _keys(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Deployed to a Raspberry Pi 4 in the greenhouse.", "deployment:raspberry_pi"),
        ("we rent a small VPS", "deployment:vps"),
        ("it lives on our shared web hosting", "deployment:shared_hosting"),
        ("Apache-2.0 licensed", "other:license=apache-2.0"),
        ("released under the MIT licence", "other:license=mit"),
        ("needs no internet connection", "other:offline"),
        ("must run air-gapped", "other:offline"),
        ("attachments of up to 25 MB", "other:max_file_size<=25MB"),
        ("events up to 5 minutes late must still count", "other:allowed_lateness=5min"),
        ("it must scale horizontally", "other:horizontally_scalable"),
        ("a stateless worker", "other:stateless"),
        ("works on Linux and macOS", "other:cross_platform"),
    ],
)
def test_targets_and_other_limits(text: str, key: str) -> None:
    assert key in _keys(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Host it on a VPS; no Docker please.", "deployment:docker"),
        ("We don't want Kubernetes, it is overkill.", "deployment:kubernetes"),
        ("a Kubernetes helper that lists failing pods", "deployment:kubernetes"),
        ("a CI check that fails when the Dockerfile uses latest tags", "deployment:docker"),
        ("a launcher for Windows only", "other:cross_platform"),
    ],
)
def test_rejected_or_subject_matter_targets(text: str, absent: str) -> None:
    assert absent not in _keys(text)
