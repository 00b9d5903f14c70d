"""The FastAPI app factory: routers, auth, limits, error mapping and the generation runner."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import platformdirs
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from codeguild import __version__
from codeguild.api.broadcast import Broadcaster
from codeguild.api.caching import CachedProjectRepository, CachedUserRepository
from codeguild.api.deps import AppState
from codeguild.api.errors import InsecureConfigError, install_error_handlers
from codeguild.api.fastlane import StatusFastLane
from codeguild.api.jobs import GenerationJobs
from codeguild.api.limits import BodySizeLimit
from codeguild.api.ratelimit import open_rate_limiter
from codeguild.api.routers import agents, artifacts, auth, projects, streams, system, tasks, users
from codeguild.api.routers.system import WEB_DIR
from codeguild.api.tokens import TokenCodec
from codeguild.config import DEFAULT_JWT_SECRET, Settings, get_settings
from codeguild.store.db import Store

log = logging.getLogger(__name__)

MIN_SECRET_CHARS = 32

DESCRIPTION = """\
Turn a plain-language requirement into a tested, documented project, and follow it live.

Authenticate with `Authorization: Bearer <token>` (from `POST /api/auth/token`) or, for
machines, `X-API-Key: <key>` (created by an admin). Roles: **admin** (agents, users, keys, and
everything a developer may do), **developer** (start and cancel own generations), **viewer**
(read own and shared projects). Errors are `{"error": <code>, "detail": <message>}`.
"""


def check_secret(settings: Settings) -> None:
    """Refuse a guessable JWT signing key in production mode (tokens could be forged)."""
    if not settings.production:
        if settings.jwt_secret == DEFAULT_JWT_SECRET:
            log.warning("using the default JWT signing key: set CODEGUILD_JWT_SECRET")
        return
    if settings.jwt_secret == DEFAULT_JWT_SECRET or len(settings.jwt_secret) < MIN_SECRET_CHARS:
        raise InsecureConfigError(
            "Production mode needs a private JWT signing key; the configured one is the "
            f"shipped default or shorter than {MIN_SECRET_CHARS} characters.",
            hint="Set CODEGUILD_JWT_SECRET to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
        )


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("codeguild")) / "projects"


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The API app. Without ``store`` it opens (and migrates) the configured database at start
    and closes it at shutdown; a store passed in stays the caller's to close."""
    settings = settings or get_settings()
    check_secret(settings)
    data_dir = (settings.data_dir or default_data_dir()).resolve()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        opened = store or await Store.open(settings.database_url)
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            project_repo = CachedProjectRepository(opened.db)
            # runs leased to a replica are resumed by the recovery loop, not failed
            stale = await project_repo.mark_orphans_failed()
            if stale:
                log.warning("marked %d project(s) of a previous process as failed", stale)
            broadcaster = Broadcaster()
            generate_limit = open_rate_limiter(settings)
            jobs = GenerationJobs(settings, opened, project_repo, broadcaster, data_dir)
            app.state.codeguild = AppState(
                settings=settings,
                store=opened,
                users=CachedUserRepository(opened.db),
                projects=project_repo,
                tokens=TokenCodec(settings.jwt_secret, settings.token_expiry_s),
                jobs=jobs,
                broadcaster=broadcaster,
                generate_limit=generate_limit,
                data_dir=data_dir,
            )
            jobs.start_background()
            yield
            await jobs.shutdown()
            await generate_limit.aclose()
        finally:
            if own_store:
                await opened.close()

    app = FastAPI(
        title="codeguild",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(StatusFastLane)
    for module in (system, auth, users, agents, tasks, projects, streams, artifacts):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
