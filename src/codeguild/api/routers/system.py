"""Liveness, readiness, Prometheus metrics, and the web page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from codeguild.api.deps import State
from codeguild.api.errors import error_responses
from codeguild.api.schemas import Health, Ready
from codeguild.metrics import exposition

router = APIRouter(tags=["system"])

WEB_DIR = Path(__file__).resolve().parent.parent.parent / "web"


@router.get("/health", response_model=Health, summary="The process is up")
async def health() -> Health:
    return Health()


@router.get(
    "/ready",
    response_model=Ready,
    summary="The database answers (503 if not)",
    responses=error_responses(503),
)
async def ready(state: State) -> Ready:
    await state.store.db.ping()
    return Ready(database=state.store.db.dialect)


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics (text exposition format)",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics() -> Response:
    body, content_type = exposition()
    return Response(body, media_type=content_type)


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-cache"})
