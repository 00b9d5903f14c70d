"""URLs of a project's resources, as returned in responses (clients follow them, not guess)."""

from __future__ import annotations

from codeguild.api.schemas import ProjectLinks


def project_links(project_id: str) -> ProjectLinks:
    base = f"/api/projects/{project_id}"
    return ProjectLinks(
        self=base,
        progress=f"{base}/progress",
        events=f"{base}/events",
        artifacts=f"{base}/artifacts",
        zip=f"{base}/artifacts.zip",
        cancel=f"{base}/cancel",
    )
