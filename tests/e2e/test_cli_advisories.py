"""`codeguild advisories update`: new OSV records reach the audit; a bad file changes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codeguild.quality.audit import DATABASE_FILE, affects, load_advisories

pytestmark = pytest.mark.e2e

RECORD = {
    "id": "CG-TEST-0001",
    "summary": "A made-up advisory used only by this test",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "examplepkg"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}],
        }
    ],
}


CLI = [sys.executable, "-m", "codeguild", "advisories"]


def _update(source: Path, database: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "update", str(source), "--database", str(database)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_update_merges_valid_records_and_refuses_bad_ones(tmp_path: Path) -> None:
    database = tmp_path / "pypi.json"
    shutil.copy(DATABASE_FILE, database)
    before = database.read_bytes()

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "CG-BROKEN", "affected": "not a list"}))
    refused = _update(bad, database)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert database.read_bytes() == before

    good = tmp_path / "good.json"
    good.write_text(json.dumps({"vulns": [RECORD]}))
    added = _update(good, database)
    assert added.returncode == 0, added.stderr
    assert "1 advisory record(s)" in added.stdout
    (record,) = [r for r in load_advisories(database) if r["id"] == "CG-TEST-0001"]
    assert affects(record, "examplepkg", "1.1.0") and not affects(record, "examplepkg", "1.2.0")
    assert len(load_advisories(database)) == len(json.loads(before)) + 1
