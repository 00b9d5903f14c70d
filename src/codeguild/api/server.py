"""``codeguild serve``: run the API with uvicorn (one worker process)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from codeguild.api.app import create_app
from codeguild.config import Settings, get_settings


def serve(host: str, port: int, settings: Settings | None = None) -> None:
    """Blocking: serve the API and web page on ``host:port`` until interrupted.

    Raises InsecureConfigError before listening when production mode has an unsafe key.
    """
    settings = settings or get_settings()
    run_app(create_app(settings), host, port, settings)


def run_app(app: FastAPI, host: str, port: int, settings: Settings) -> None:
    """Blocking: serve ``app`` with uvicorn (one worker process) until interrupted."""
    # httptools and uvloop (uvicorn[standard]) parse and schedule in C; the access log line per
    # request is opt-in (CODEGUILD_API_ACCESS_LOG) because it costs ~10% of a status request
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=True,
        http="httptools",
        loop="uvloop",
        access_log=settings.api_access_log,
    )
