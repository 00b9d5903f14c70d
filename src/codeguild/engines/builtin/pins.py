"""Exact versions for a generated project's dependencies: the ones its tests really ran against."""

from __future__ import annotations

from importlib import metadata

# Used only when a distribution is not installed here (the project is then pinned to a version
# known to work with the templates).
_FALLBACK: dict[str, str] = {
    "fastapi": "0.115.0",
    "sqlalchemy": "2.0.36",
    "uvicorn": "0.30.6",
    "httpx": "0.27.2",
    "pyjwt": "2.9.0",
    "pydantic": "2.9.2",
    "typer": "0.12.5",
    "pytest": "8.3.3",
    "pytest-cov": "5.0.0",
    "ruff": "0.6.9",
}


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return _FALLBACK[dist.lower()]


def pin(dist: str) -> str:
    """``'fastapi'`` -> ``'fastapi==0.165.0'``."""
    return f"{dist}=={version_of(dist)}"
