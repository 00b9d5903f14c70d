"""The one database URL setting: where it comes from, how it is normalised and shown."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url

from codeguild.store.db.errors import StoreError

ENV_VAR = "CODEGUILD_DATABASE_URL"
BLOB_DIR_ENV_VAR = "CODEGUILD_BLOB_DIR"

_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def default_sqlite_path() -> Path:
    """The embedded database file under the user's data directory."""
    return Path(platformdirs.user_data_dir("codeguild")) / "codeguild.db"


def default_database_url() -> str:
    """``CODEGUILD_DATABASE_URL`` if set, else the SQLite file under the user's data dir."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return normalise_url(configured)
    return f"sqlite+aiosqlite:///{default_sqlite_path()}"


def normalise_url(url: str) -> str:
    """Map ``postgresql://``/``postgres://``/``sqlite://`` URLs to the async drivers we use."""
    text = url.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        parsed = make_url(text)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise StoreError(
            f"The database URL {mask_url(text)!r} is not a valid URL: {exc}.",
            hint="Use e.g. postgresql://user@host:5432/db or sqlite+aiosqlite:///path/codeguild.db.",
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in _DRIVERS:
        raise StoreError(
            f"The database URL {mask_url(text)!r} uses {backend!r}; only PostgreSQL and SQLite "
            "are supported.",
            hint="Use a postgresql:// or sqlite+aiosqlite:/// URL.",
        )
    parsed = parsed.set(drivername=_DRIVERS[backend])
    return parsed.render_as_string(hide_password=False)


def dialect_of(url: str) -> str:
    """``"postgresql"`` or ``"sqlite"``."""
    return make_url(url).get_backend_name()


def mask_url(url: str | URL) -> str:
    """The URL with its password replaced by ``***`` (safe for messages and logs)."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        return "<unparseable database URL>"
    if parsed.password:
        parsed = parsed.set(password="***")
    return parsed.render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL; None for in-memory databases or other dialects."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def default_blob_dir(url: str) -> Path:
    """Large artifacts live next to the SQLite file, else under the user's data directory."""
    configured = os.environ.get(BLOB_DIR_ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    db_file = sqlite_file(url)
    if db_file is not None:
        return db_file.parent / f"{db_file.stem}-blobs"
    return Path(platformdirs.user_data_dir("codeguild")) / "blobs"
