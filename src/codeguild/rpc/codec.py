"""Converting the agents' types to and from the wire: task specs, blueprints, results, files.

Structured values with open shapes (intent, blueprint, results' data, shared context) travel as
JSON strings inside the messages; the proto fixes only what the transport itself needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from codeguild.agents.base import TaskResult, TaskSpec, Workspace
from codeguild.engines.base import Blueprint, Component
from codeguild.rpc import agent_pb2 as pb


def dumps(value: Any) -> str:
    # default=str: a stray Path or datetime in a result's data must not sink the whole task
    return json.dumps(value, separators=(",", ":"), default=str)


def loads(text: str, empty: Any) -> Any:
    return json.loads(text) if text else empty


def spec_to_proto(spec: TaskSpec) -> pb.TaskSpec:
    message = pb.TaskSpec(
        name=spec.name,
        capability=spec.capability,
        action=spec.action,
        depends_on=list(spec.depends_on),
        priority=spec.priority,
        estimate_s=spec.estimate_s,
        description=spec.description,
    )
    if spec.component is not None:
        message.component = spec.component
    return message


def spec_from_proto(message: pb.TaskSpec) -> TaskSpec:
    return TaskSpec(
        name=message.name,
        capability=message.capability,
        component=message.component if message.HasField("component") else None,
        action=message.action,
        depends_on=tuple(message.depends_on),
        priority=message.priority,
        estimate_s=message.estimate_s,
        description=message.description,
    )


def blueprint_to_json(blueprint: Blueprint) -> str:
    return dumps(asdict(blueprint))


def blueprint_from_json(text: str) -> Blueprint:
    raw = json.loads(text)
    export = raw.get("openapi_export")
    return Blueprint(
        package=raw["package"],
        components=tuple(
            Component(
                name=c["name"],
                kind=c["kind"],
                files=tuple(c["files"]),
                needs=tuple(c.get("needs", ())),
                description=c.get("description", ""),
            )
            for c in raw["components"]
        ),
        run_command=raw.get("run_command", ""),
        test_command=raw.get("test_command", "pytest"),
        openapi_export=tuple(export) if export is not None else None,
        notes=tuple(raw.get("notes", ())),
    )


def result_to_dict(result: TaskResult) -> dict[str, Any]:
    return {"ok": result.ok, "files": result.files, "summary": result.summary, "data": result.data}


def result_from_dict(raw: Mapping[str, Any]) -> TaskResult:
    return TaskResult(
        ok=bool(raw.get("ok", True)),
        files=list(raw.get("files", [])),
        summary=str(raw.get("summary", "")),
        data=dict(raw.get("data", {})),
    )


def results_to_json(results: Mapping[str, TaskResult]) -> str:
    return dumps({name: result_to_dict(r) for name, r in results.items()})


def results_from_json(text: str) -> dict[str, TaskResult]:
    return {name: result_from_dict(raw) for name, raw in loads(text, {}).items()}


def snapshot(workspace: Workspace) -> dict[str, bytes]:
    """Every project file as bytes (what a task starts from)."""
    return {rel: (workspace.root / rel).read_bytes() for rel in workspace.files()}


def files_to_proto(files: Mapping[str, bytes]) -> list[pb.File]:
    return [pb.File(path=path, content=content) for path, content in sorted(files.items())]


def safe_path(root: Path, rel: str) -> Path:
    """``root / rel``, refusing anything that would land outside ``root``."""
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()) or not rel or rel.startswith("/"):
        raise ValueError(f"refusing a file path outside the project: {rel!r}")
    return target


def write_files(root: Path, files: Iterable[pb.File]) -> None:
    for item in files:
        target = safe_path(root, item.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.content)


def delete_files(root: Path, paths: Iterable[str]) -> None:
    for rel in paths:
        safe_path(root, rel).unlink(missing_ok=True)


def changes(
    before: Mapping[str, bytes], after: Mapping[str, bytes]
) -> tuple[dict[str, bytes], list[str]]:
    """Files created or changed between two snapshots, and files deleted."""
    written = {path: data for path, data in after.items() if before.get(path) != data}
    deleted = sorted(set(before) - set(after))
    return written, deleted
