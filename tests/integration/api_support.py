"""Shared fixtures of the API tests: a migrated SQLite store, the app with its lifespan, users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from codeguild.api.app import create_app
from codeguild.api.passwords import hash_password
from codeguild.config import Settings
from codeguild.store.db import Store
from codeguild.store.db.users import UserRepository

PASSWORD = "correct-horse-battery"
LIBRARY_REQUIREMENT = "A Python library that converts temperatures between celsius and fahrenheit"


@dataclass
class Api:
    """A running app (lifespan entered), its client and a token per role."""

    app: FastAPI
    client: httpx.AsyncClient
    store: Store
    settings: Settings
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return await self.client.post(
            "/api/auth/token", json={"username": username, "password": password}
        )


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'api.db'}",
        "data_dir": tmp_path / "data",
        "jwt_secret": "test-secret-" + "x" * 40,
        "persist": False,
        **overrides,
    }
    return Settings(**values)


USERS = {"admin": "admin", "dev": "developer", "dev2": "developer", "viewer": "viewer"}


async def start_api(settings: Settings) -> AsyncIterator[Api]:
    store = await Store.open(settings.database_url)
    repo = UserRepository(store.db)
    hashed = hash_password(PASSWORD)  # one hash for all: scrypt is slow on purpose
    for name, role in USERS.items():
        await repo.create(name, hashed, role)
    app = create_app(settings, store=store)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                api = Api(app, client, store, settings, {})
                for name in USERS:
                    response = await api.login(name)
                    assert response.status_code == 200, response.text
                    api.tokens[name] = response.json()["access_token"]
                yield api
    finally:
        await store.close()


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for running in start_api(make_settings(tmp_path)):
        yield running


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}, body
    assert body["detail"]
    if code is not None:
        assert body["error"] == code, body
    return body


class LiveServer:
    """The app under a real uvicorn on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, settings: Settings) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)


def seed_users(settings: Settings) -> None:
    """Create the USERS in the settings' database (before the server opens it)."""
    import asyncio

    async def go() -> None:
        store = await Store.open(settings.database_url)
        try:
            repo = UserRepository(store.db)
            hashed = hash_password(PASSWORD)
            for name, role in USERS.items():
                await repo.create(name, hashed, role)
        finally:
            await store.close()

    asyncio.run(go())
