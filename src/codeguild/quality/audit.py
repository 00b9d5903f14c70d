"""Dependency audit: pins, known advisories (a local OSV database) and licenses.

The advisory database is OSV-format JSON shipped under ``codeguild/data/advisories/`` so the
audit works offline; ``update_advisories`` merges newer OSV records into it from a local file or
folder (an OSV export, a GHSA download) after validating them.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from codeguild.errors import CodeguildError
from codeguild.quality.findings import SEVERITY_RANK, CheckResult, Finding, Severity
from codeguild.quality.owasp import A06
from codeguild.quality.security import dependency_pins

log = logging.getLogger(__name__)

ADVISORY_DIR = Path(__file__).resolve().parent.parent / "data" / "advisories"
DATABASE_FILE = ADVISORY_DIR / "pypi.json"
_SEVERITY: dict[str, Severity] = {
    "LOW": "low",
    "MODERATE": "medium",
    "MEDIUM": "medium",
    "HIGH": "high",
    "CRITICAL": "high",
}
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;#,]+)")


class AdvisoryError(CodeguildError):
    """An advisory record or database file is not valid OSV JSON."""

    code = "invalid_advisory"


@dataclass(frozen=True)
class Pin:
    name: str  # canonical (PEP 503) name
    version: str
    file: str
    line: int | None


def _validate(record: object, where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise AdvisoryError(f"{where}: an OSV record must be a JSON object.")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise AdvisoryError(f"{where}: the record has no string 'id'.", hint="Use OSV records.")
    affected = record.get("affected")
    if not isinstance(affected, list) or not affected:
        raise AdvisoryError(f"{where} ({record['id']}): 'affected' must be a non-empty list.")
    for entry in affected:
        package = entry.get("package") if isinstance(entry, dict) else None
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            raise AdvisoryError(f"{where} ({record['id']}): affected[].package.name is missing.")
        for rng in entry.get("ranges", []):
            events = rng.get("events") if isinstance(rng, dict) else None
            if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
                raise AdvisoryError(f"{where} ({record['id']}): ranges[].events must be objects.")
            if rng.get("type") == "ECOSYSTEM":
                for event in events:
                    for value in event.values():
                        _version(str(value), f"{where} ({record['id']})")
    return record


def _version(text: str, where: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise AdvisoryError(
            f"{where}: {text!r} is not a PEP 440 version.",
            hint="PyPI advisories use ECOSYSTEM ranges with PEP 440 versions.",
        ) from None


def _records(data: object, where: str) -> list[dict[str, Any]]:
    """One OSV record, a list of them, or ``{"vulns": [...]}`` (the OSV API's answer)."""
    if isinstance(data, dict) and isinstance(data.get("vulns"), list):
        data = data["vulns"]
    items = data if isinstance(data, list) else [data]
    return [_validate(item, where) for item in items]


def load_advisories(path: Path = DATABASE_FILE) -> list[dict[str, Any]]:
    """The records of one OSV database file (a JSON list)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AdvisoryError(
            f"Cannot read the advisory database {path}: {exc}",
            hint="Reinstall codeguild or restore the file with `codeguild advisories update`.",
        ) from exc
    return _records(data, path.name)


def _source_files(source: Path) -> Iterator[Path]:
    if source.is_dir():
        yield from sorted(p for p in source.rglob("*.json") if p.is_file())
    elif source.is_file():
        yield source
    else:
        raise AdvisoryError(
            f"{source} does not exist.", hint="Pass an OSV JSON file or a folder of them."
        )


def update_advisories(source: Path, database: Path = DATABASE_FILE) -> int:
    """Merge the OSV records in ``source`` (file or folder) into ``database``; returns how many
    records were added or replaced. Every record is validated before anything is written."""
    incoming: dict[str, dict[str, Any]] = {}
    for path in _source_files(source):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AdvisoryError(f"{path} is not readable JSON: {exc}") from exc
        for record in _records(data, path.name):
            incoming[record["id"]] = record
    current = {r["id"]: r for r in load_advisories(database)} if database.exists() else {}
    changed = sum(1 for key, record in incoming.items() if current.get(key) != record)
    current.update(incoming)
    merged = sorted(current.values(), key=lambda r: str(r["id"]))
    tmp = database.with_suffix(".json.tmp")
    try:
        tmp.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
        tmp.replace(database)  # atomic: a crash never leaves half a database behind
    except OSError as exc:
        raise AdvisoryError(
            f"Cannot write the advisory database {database}: {exc}",
            hint="Run the update with write access to the codeguild installation.",
        ) from exc
    log.info("advisories updated=%d total=%d file=%s", changed, len(merged), database)
    return changed


def _in_range(version: Version, events: list[dict[str, str]]) -> bool:
    """OSV ECOSYSTEM semantics: sorted events open at ``introduced``, close at ``fixed`` (not
    affected) or after ``last_affected`` (affected)."""

    def key(event: dict[str, str]) -> Version:
        value = next(iter(event.values()))
        return Version("0") if value == "0" else Version(value)

    affected = False
    for event in sorted(events, key=key):
        kind, value = next(iter(event.items()))
        bound = Version("0") if value == "0" else Version(value)
        if kind == "introduced" and version >= bound:
            affected = True
        elif (kind == "fixed" and version >= bound) or (
            kind == "last_affected" and version > bound
        ):
            affected = False
    return affected


def affects(record: dict[str, Any], name: str, version: str) -> bool:
    """Whether the OSV ``record`` covers PyPI package ``name`` at ``version``."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    for entry in record.get("affected", []):
        package = entry.get("package", {})
        if package.get("ecosystem", "PyPI") != "PyPI":
            continue
        if canonicalize_name(package.get("name", "")) != name:
            continue
        listed = {Version(v) for v in entry.get("versions", []) if _parses(v)}
        if parsed in listed:
            return True
        for rng in entry.get("ranges", []):
            if rng.get("type") == "ECOSYSTEM" and _in_range(parsed, rng.get("events", [])):
                return True
    return False


def _parses(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def project_pins(root: Path) -> list[Pin]:
    """``name==version`` requirements of requirements*.txt and pyproject.toml."""
    pins: list[Pin] = []
    sources = sorted(root.glob("requirements*.txt"))
    if (root / "pyproject.toml").is_file():
        sources.append(root / "pyproject.toml")
    for path in sources:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the pins check reports unreadable files
        for lineno, line in enumerate(lines, start=1):
            text = line.strip().strip('",')
            match = _PIN.match(text)
            if match:
                name = canonicalize_name(match.group(1))
                pins.append(Pin(name, match.group(2), path.name, lineno))
    return pins


def _fixed_versions(record: dict[str, Any]) -> list[str]:
    return [
        event["fixed"]
        for entry in record.get("affected", [])
        for rng in entry.get("ranges", [])
        for event in rng.get("events", [])
        if "fixed" in event
    ]


def advisory_findings(pins: Iterable[Pin], records: list[dict[str, Any]]) -> list[Finding]:
    findings: list[Finding] = []
    for pin in pins:
        for record in records:
            if not affects(record, pin.name, pin.version):
                continue
            aliases = ", ".join(record.get("aliases", []))
            fixed = [v for v in _fixed_versions(record) if _parses(v)]
            later = sorted(Version(v) for v in fixed if Version(v) > Version(pin.version))
            sev = str(record.get("database_specific", {}).get("severity", "HIGH")).upper()
            findings.append(
                Finding(
                    check="advisories",
                    file=pin.file,
                    line=pin.line,
                    rule=record["id"],
                    severity=_SEVERITY.get(sev, "high"),
                    message=f"{pin.name}=={pin.version}: {record.get('summary', record['id'])}"
                    + (f" ({aliases})" if aliases else ""),
                    fix_hint=f"Upgrade to {pin.name}=={later[0]} or later."
                    if later
                    else f"No fixed release is recorded; replace {pin.name}.",
                    owasp=A06,
                )
            )
    return findings


def _first(meta: metadata.PackageMetadata, key: str) -> str:
    values = meta.get_all(key) or []
    return str(values[0]) if values else ""


def licenses(names: Iterable[str]) -> dict[str, str]:
    """License of each installed distribution from its metadata; "unknown" when not found."""
    result: dict[str, str] = {}
    for name in sorted(set(names)):
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            result[name] = "unknown"
            continue
        expression = _first(meta, "License-Expression")
        classifiers = [
            c.rsplit("::", 1)[-1].strip()
            for c in meta.get_all("Classifier") or []
            if c.startswith("License ::")
        ]
        short = _first(meta, "License").strip()
        short = short if short and len(short) < 80 and "\n" not in short else ""
        result[name] = expression or ", ".join(classifiers) or short or "unknown"
    return result


def dependency_audit(root: Path, database: Path = DATABASE_FILE) -> list[CheckResult]:
    """Pins, advisories against the pins and licenses: three results, in that order."""
    started = time.perf_counter()
    pins_result = dependency_pins(root)
    pins = project_pins(root)
    try:
        records = load_advisories(database)
        findings = advisory_findings(pins, records)
        advisories = CheckResult(
            check="advisories",
            passed=all(SEVERITY_RANK[f.severity] < SEVERITY_RANK["medium"] for f in findings),
            findings=findings,
            metrics={"pins": float(len(pins)), "advisories": float(len(records))},
            duration_s=time.perf_counter() - started,
        )
    except AdvisoryError as exc:
        advisories = CheckResult(check="advisories", passed=False, error=str(exc))
    found = licenses(pin.name for pin in pins)
    license_result = CheckResult(
        check="licenses",
        passed=True,
        metrics={"unknown": float(sum(1 for v in found.values() if v == "unknown"))},
        details={"licenses": found},
        duration_s=time.perf_counter() - started,
    )
    return [pins_result, advisories, license_result]
