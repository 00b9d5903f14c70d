"""A fast lane for the pollers: ``GET /api/tasks/{id}/status`` and ``/api/projects/{id}/progress``.

Clients poll these two far more than anything else. Through FastAPI each answer costs routing
and five dependency calls, over half of its CPU; this ASGI layer answers the ordinary case, an
authorised reader of a visible project, with the very same functions (``authenticate``,
``ProjectRepository.visible``, ``json_response``) and nothing else.

Anything else goes on to the app untouched: other paths and methods, a request without plain
credentials, and every failure (bad or expired credentials, an unknown or invisible project),
so errors, their metrics and the OpenAPI description stay the app's, in one place.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from codeguild.api.deps import AppState, authenticate
from codeguild.api.views import json_response, progress_out, task_status_out
from codeguild.errors import CodeguildError

log = logging.getLogger(__name__)

_TASKS = "/api/tasks/"
_PROJECTS = "/api/projects/"


def _route(path: str) -> tuple[str, str] | None:
    """``(what, id)`` for the two polled paths, else None."""
    if path.startswith(_TASKS) and path.endswith("/status"):
        ident = path[len(_TASKS) : -len("/status")]
        what = "task_status"
    elif path.startswith(_PROJECTS) and path.endswith("/progress"):
        ident = path[len(_PROJECTS) : -len("/progress")]
        what = "progress"
    else:
        return None
    return (what, ident) if ident and "/" not in ident else None


def _credentials(scope: Scope) -> tuple[str | None, str | None] | None:
    """The bearer token and API key sent, or None when the app should judge the headers."""
    token: str | None = None
    api_key: str | None = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not credentials:
                return None
            token = credentials
        elif name == b"x-api-key":
            api_key = value.decode("latin-1")
    if token is None and not api_key:
        return None
    return token, api_key


class StatusFastLane:
    """ASGI middleware answering the polled GETs of readers who may see the project."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            route = _route(scope["path"])
            if route is not None:
                sent = await self._answer(scope, send, *route)
                if sent:
                    return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send, what: str, ident: str) -> bool:
        state: AppState | None = getattr(scope["app"].state, "codeguild", None)
        credentials = _credentials(scope)
        if state is None or credentials is None:
            return False
        try:
            principal = await authenticate(state, *credentials)
            # viewer is the lowest role: any known role may read what is visible to it
            if not principal.at_least("viewer"):
                return False
            record = await state.projects.visible(ident, principal.user_id)
        except CodeguildError:
            return False  # the app answers it again, with its error body and metrics
        build = task_status_out if what == "task_status" else progress_out
        response = json_response(state, record, what, lambda: build(state, record))
        await response(scope, _no_receive, send)
        return True


async def _no_receive() -> dict[str, object]:
    # a GET answered here never reads its body
    return {"type": "http.disconnect"}
