"""The files of a generated project: a listing, and the whole project as a zip.

Served from this process's disk when it wrote the project, else from the database's snapshot of
the finished project (any orchestrator replica serves any project).
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path, PurePath

from fastapi import APIRouter, Response

from codeguild.api.deps import State, Viewer
from codeguild.api.errors import ConflictError, NotFoundError, error_responses
from codeguild.api.schemas import ArtifactFile, ArtifactListing
from codeguild.store.db.projects import ProjectRecord
from codeguild.store.db.records import ArtifactRecord

router = APIRouter(prefix="/api/projects", tags=["artifacts"])


def _project_dir(record: ProjectRecord) -> Path | None:
    """The project's folder on this machine; None when another replica wrote it."""
    if not record.finished:
        raise ConflictError(
            f"Project {record.id} is still {record.status}; its files are not ready.",
            hint="Wait for the run to finish (follow /events or poll /progress).",
        )
    folder = Path(record.output_dir) if record.output_dir else None
    return folder if folder is not None and folder.is_dir() else None


async def _stored_files(state: State, record: ProjectRecord) -> dict[str, ArtifactRecord]:
    stored = await state.store.artifacts.project_files(record.id)
    if not stored:
        raise NotFoundError(
            f"Project {record.id} has no files ({record.status}: {record.error or 'no output'}).",
            hint="Start a new generation.",
        )
    return stored


def _top_folder(record: ProjectRecord) -> str:
    return (
        PurePath(record.output_dir).name if record.output_dir else record.project_name or record.id
    )


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in _files(folder):
            # one top folder in the archive, named like the project, as `unzip` users expect
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def _zip_stored(name: str, contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(contents):
            archive.writestr(f"{name}/{path}", contents[path])
    return buffer.getvalue()


@router.get(
    "/{project_id}/artifacts",
    response_model=ArtifactListing,
    summary="The files the run wrote",
    responses=error_responses(401, 404, 409),
)
async def list_artifacts(project_id: str, principal: Viewer, state: State) -> ArtifactListing:
    record = await state.projects.visible(project_id, principal.user_id)
    folder = _project_dir(record)
    if folder is None:
        stored = await _stored_files(state, record)
        files = [ArtifactFile(path=path, size=r.size) for path, r in sorted(stored.items())]
    else:
        files = [
            ArtifactFile(path=p.relative_to(folder).as_posix(), size=p.stat().st_size)
            for p in await asyncio.to_thread(_files, folder)
        ]
    return ArtifactListing(
        project_id=record.id,
        project_name=record.project_name,
        files=files,
        total_bytes=sum(f.size for f in files),
    )


@router.get(
    "/{project_id}/artifacts.zip",
    response_class=Response,
    summary="Download the project as a zip",
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(401, 404, 409),
    },
)
async def download_zip(project_id: str, principal: Viewer, state: State) -> Response:
    record = await state.projects.visible(project_id, principal.user_id)
    folder = _project_dir(record)
    name = _top_folder(record)
    if folder is None:
        stored = await _stored_files(state, record)
        contents = {path: await state.store.artifacts.read(r.sha256) for path, r in stored.items()}
        data = await asyncio.to_thread(_zip_stored, name, contents)
    else:
        data = await asyncio.to_thread(_zip, folder)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}.zip"'},
    )
