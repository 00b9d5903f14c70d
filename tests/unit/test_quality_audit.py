"""The dependency audit: OSV range semantics, the shipped database, updates and licenses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codeguild.quality.audit import (
    AdvisoryError,
    Pin,
    advisory_findings,
    affects,
    licenses,
    load_advisories,
    project_pins,
    update_advisories,
)


def _record(
    id_: str, name: str, *ranges: list[dict[str, str]], versions: list[str] = ()
) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "id": id_,
        "summary": f"test-only advisory {id_}",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": e} for e in ranges],
                "versions": list(versions),
            }
        ],
    }


TWO_BRANCHES = _record(
    "TEST-1",
    "Demo_Pkg",
    [{"introduced": "0"}, {"fixed": "1.26.17"}],
    [{"introduced": "2.0.0"}, {"fixed": "2.0.6"}],
)


@pytest.mark.parametrize(
    ("version", "hit"),
    [
        ("1.0", True),
        ("1.26.16", True),
        ("1.26.17", False),
        ("1.26.20", False),
        ("2.0.0", True),
        ("2.0.5", True),
        ("2.0.6", False),
        ("2.0.6rc1", True),
        ("not a version", False),
    ],
)
def test_introduced_fixed_ranges_use_pep440_order(version: str, hit: bool) -> None:
    assert affects(TWO_BRANCHES, "demo-pkg", version) is hit


def test_last_affected_and_explicit_versions() -> None:
    record = _record(
        "TEST-2", "x", [{"introduced": "1.0"}, {"last_affected": "1.4"}], versions=["0.9"]
    )
    assert [affects(record, "x", v) for v in ("0.8", "0.9", "1.0", "1.4", "1.4.1")] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_shipped_database_is_valid_and_flags_a_known_old_pin() -> None:
    records = load_advisories()
    assert len(records) >= 10
    ids = {r["id"] for r in records}
    assert "GHSA-j8r2-6x86-q33q" in ids  # requests Proxy-Authorization leak, fixed in 2.31.0
    found = advisory_findings([Pin("requests", "2.30.0", "requirements.txt", 1)], records)
    assert "GHSA-j8r2-6x86-q33q" in {f.rule for f in found}
    assert all("Upgrade to requests==" in f.fix_hint for f in found)
    assert not advisory_findings([Pin("requests", "2.32.4", "requirements.txt", 1)], records)


def test_update_merges_validated_records(tmp_path: Path) -> None:
    database = tmp_path / "db.json"
    database.write_text(json.dumps([TWO_BRANCHES]))
    source = tmp_path / "incoming"
    source.mkdir()
    (source / "a.json").write_text(
        json.dumps(_record("TEST-3", "y", [{"introduced": "0"}, {"fixed": "2"}]))
    )
    (source / "b.json").write_text(json.dumps({"vulns": [TWO_BRANCHES]}))  # unchanged: not counted
    assert update_advisories(source, database) == 1
    assert [r["id"] for r in load_advisories(database)] == ["TEST-1", "TEST-3"]
    assert update_advisories(source, database) == 0


def test_update_refuses_invalid_records_and_keeps_the_database(tmp_path: Path) -> None:
    database = tmp_path / "db.json"
    database.write_text(json.dumps([TWO_BRANCHES]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_record("TEST-4", "z", [{"introduced": "zero"}])))
    with pytest.raises(AdvisoryError, match="PEP 440"):
        update_advisories(bad, database)
    bad.write_text(json.dumps({"summary": "no id"}))
    with pytest.raises(AdvisoryError, match="'id'"):
        update_advisories(bad, database)
    assert load_advisories(database) == [TWO_BRANCHES]


def test_pins_are_read_from_requirements_and_pyproject(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("Jinja2==3.1.2  # old\nrequests>=2\n-r other.txt\n")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndependencies = [\n    "PyYAML[x]==5.3",\n]\n'
    )
    pins = {(p.name, p.version, p.file) for p in project_pins(tmp_path)}
    assert pins == {("jinja2", "3.1.2", "requirements.txt"), ("pyyaml", "5.3", "pyproject.toml")}


def test_licenses_come_from_installed_metadata() -> None:
    found = licenses(["pydantic", "surely-not-installed-pkg"])
    assert found["surely-not-installed-pkg"] == "unknown"
    assert "MIT" in found["pydantic"]
