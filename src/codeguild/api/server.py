"""``codeguild serve``: run the API with uvicorn (one worker process)."""

from __future__ import annotations

import uvicorn

from codeguild.api.app import create_app
from codeguild.config import Settings, get_settings


def serve(host: str, port: int, settings: Settings | None = None) -> None:
    """Blocking: serve the API and web page on ``host:port`` until interrupted.

    Raises InsecureConfigError before listening when production mode has an unsafe key.
    """
    app = create_app(settings or get_settings())
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
