"""ArtifactStore: a run's files by content hash; large content as files, metadata in the DB."""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from codeguild.store.db.database import Database
from codeguild.store.db.dialects import upsert
from codeguild.store.db.errors import ArtifactCorruptError, ArtifactNotFoundError, StoreError
from codeguild.store.db.models import artifact_blobs, task_artifacts, utcnow
from codeguild.store.db.records import ArtifactRecord, RunFence
from codeguild.store.db.run_leases import check_fence
from codeguild.store.db.url import default_blob_dir

#: content above this many bytes goes to the blob directory instead of a DB row
INLINE_LIMIT = 64 * 1024
#: the pseudo-task under which a finished run stores its whole project (what the zip holds)
PROJECT_SNAPSHOT = "@project"


def _record(row: RowMapping) -> ArtifactRecord:
    return ArtifactRecord(**{k: row[k] for k in ArtifactRecord.__slots__})


def clean_path(path: str) -> str:
    """A relative POSIX path inside the project; StoreError for absolute or escaping paths."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or not pure.parts or ".." in pure.parts:
        raise StoreError(
            f"Artifact path {path!r} is not a relative path inside the project.",
            hint="Store paths relative to the project root, without '..'.",
        )
    return pure.as_posix()


def _write_atomically(target: Path, data: bytes) -> None:
    """Temp file + fsync + rename: a reader (or a crash) never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ArtifactStore:
    def __init__(
        self, db: Database, blob_dir: Path | None = None, *, inline_limit: int = INLINE_LIMIT
    ) -> None:
        self.db = db
        self.blob_dir = blob_dir or default_blob_dir(db.url)
        self.inline_limit = inline_limit

    def blob_path(self, sha256: str) -> Path:
        return self.blob_dir / sha256[:2] / sha256

    async def put(self, run_id: str, task: str, path: str, data: bytes) -> ArtifactRecord:
        """Store ``data`` as ``path`` written by ``task``; identical content is kept once."""
        return (await self.put_many(run_id, task, {path: data}))[0]

    async def put_many(
        self,
        run_id: str,
        task: str,
        files: Mapping[str, bytes],
        *,
        fence: RunFence | None = None,
    ) -> builtins.list[ArtifactRecord]:
        """Store several files of one task in one transaction (refused whole, LeaseLostError, if
        ``fence`` no longer owns the run)."""
        prepared = []
        for path, data in files.items():
            sha = hashlib.sha256(data).hexdigest()
            big = len(data) > self.inline_limit
            if big and not self.blob_path(sha).exists():
                # the file lands before its metadata commits: a row never points at nothing
                await asyncio.to_thread(_write_atomically, self.blob_path(sha), data)
            prepared.append((clean_path(path), sha, data, big))

        async def go(conn: AsyncConnection) -> builtins.list[ArtifactRecord]:
            if fence is not None:
                await check_fence(conn, self.db, fence)
            out = []
            now = utcnow()
            for path, sha, data, big in prepared:
                await conn.execute(
                    upsert(self.db.dialect, artifact_blobs)
                    .values(
                        sha256=sha,
                        size=len(data),
                        storage="blob" if big else "inline",
                        data=None if big else data,
                        created_at=now,
                    )
                    .on_conflict_do_nothing()
                )
                key = (
                    task_artifacts.c.run_id == run_id,
                    task_artifacts.c.task == task,
                    task_artifacts.c.path == path,
                )
                # delete + insert (not update) so the newest write of a path has the highest id
                await conn.execute(delete(task_artifacts).where(*key))
                row = (
                    (
                        await conn.execute(
                            insert(task_artifacts)
                            .values(
                                run_id=run_id,
                                task=task,
                                path=path,
                                sha256=sha,
                                size=len(data),
                                storage="blob" if big else "inline",
                                created_at=now,
                            )
                            .returning(*task_artifacts.c)
                        )
                    )
                    .mappings()
                    .one()
                )
                out.append(_record(row))
            return out

        return await self.db.run(go, what="artifacts.put")

    async def list(self, run_id: str, task: str | None = None) -> builtins.list[ArtifactRecord]:
        """Every stored write of the run (or of one task), oldest first."""
        query = select(task_artifacts).where(task_artifacts.c.run_id == run_id)
        if task is not None:
            query = query.where(task_artifacts.c.task == task)

        async def go(conn: AsyncConnection) -> builtins.list[ArtifactRecord]:
            rows = await conn.execute(query.order_by(task_artifacts.c.id))
            return [_record(r) for r in rows.mappings()]

        return await self.db.run(go, what="artifacts.list")

    async def files(self, run_id: str) -> dict[str, ArtifactRecord]:
        """The run's project files: for each path, its newest write."""
        latest: dict[str, ArtifactRecord] = {}
        for record in await self.list(run_id):
            latest[record.path] = record
        return dict(sorted(latest.items()))

    async def project_files(self, run_id: str) -> dict[str, ArtifactRecord]:
        """The finished project's files by path (empty until the run finished)."""
        return {r.path: r for r in await self.list(run_id, task=PROJECT_SNAPSHOT)}

    async def get(self, run_id: str, path: str) -> bytes:
        """The newest content of ``path`` in the run."""
        record = (await self.files(run_id)).get(clean_path(path))
        if record is None:
            raise ArtifactNotFoundError(
                f"Run {run_id!r} has no artifact {path!r}.",
                hint="List the run's artifacts with ArtifactStore.files().",
            )
        return await self.read(record.sha256)

    async def read(self, sha256: str) -> bytes:
        """Content by hash, checked against the hash."""

        async def go(conn: AsyncConnection) -> RowMapping | None:
            found = await conn.execute(
                select(artifact_blobs).where(artifact_blobs.c.sha256 == sha256)
            )
            return found.mappings().first()

        row = await self.db.run(go, what="artifacts.read")
        if row is None:
            raise ArtifactNotFoundError(f"No content with sha256 {sha256} is stored.")
        if row["storage"] == "inline":
            data = bytes(row["data"])
        else:
            blob = self.blob_path(sha256)
            try:
                data = await asyncio.to_thread(blob.read_bytes)
            except FileNotFoundError as exc:
                raise ArtifactCorruptError(
                    f"The blob file {blob} of content {sha256} is missing.",
                    hint="Point the store at the blob directory this database was written with "
                    "(CODEGUILD_BLOB_DIR), or re-run the task that produced it.",
                ) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArtifactCorruptError(
                f"Stored content {sha256} does not match its hash (edited or truncated).",
                hint="Re-run the task that produced it.",
            )
        return data

    async def materialise(self, run_id: str, dest: Path) -> builtins.list[Path]:
        """Write the run's project files under ``dest``; returns the paths written."""
        written = []
        for path, record in (await self.files(run_id)).items():
            data = await self.read(record.sha256)
            target = dest / path
            await asyncio.to_thread(_write_atomically, target, data)
            written.append(target)
        return written
