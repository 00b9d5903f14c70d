"""Where a project is written: beside its destination, moved into place only when complete,
so a crash or an error never leaves a half-written project that looks finished."""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

from codeguild.errors import OutputExistsError

log = logging.getLogger(__name__)


def check_destination(destination: Path, force: bool) -> None:
    if destination.exists() and not force:
        raise OutputExistsError(
            f"The output folder {destination} already exists.",
            hint="Pass --force to replace it, or choose another folder with -o.",
        )


def fresh_staging(destination: Path, project: str, run_id: str) -> Path:
    """An empty folder beside ``destination``, named after the run, so a resumed run clears
    what a killed process left behind."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = destination.parent / f".{project}.{run_id}.partial"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(mode=0o755)
    return staging


def move_into_place(staging: Path, destination: Path) -> None:
    """Replace ``destination`` with ``staging`` so the folder is never seen half-written."""
    if destination.exists():
        trash = destination.with_name(f".{destination.name}.replaced-{uuid.uuid4().hex[:8]}")
        destination.rename(trash)
        staging.rename(destination)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        staging.rename(destination)
    log.info("project written to %s", destination)
