"""Suite-wide settings: runs recorded by tests go to a throwaway database, never the user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from codeguild.config import get_settings

    db = tmp_path_factory.mktemp("codeguild-data") / "codeguild.db"
    patcher = pytest.MonkeyPatch()
    patcher.setenv("CODEGUILD_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    patcher.setenv("CODEGUILD_BLOB_DIR", str(db.parent / "blobs"))
    get_settings.cache_clear()
    yield db
    patcher.undo()
    get_settings.cache_clear()
