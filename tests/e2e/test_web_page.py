"""The web page in headless Chromium against a real uvicorn: log in, generate, watch, download."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from codeguild.api.admin import add_user
from codeguild.api.app import create_app
from codeguild.config import Settings

pytestmark = pytest.mark.e2e

BOOKSTORE = (
    "Build a REST API for a bookstore with books (title, author, price, published year) and "
    "authors (name, country). Users must log in with JWT to create, update or delete; anyone "
    "can read."
)
PASSWORD = "e2e-password-123"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("web")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'web.db'}",
        data_dir=folder / "data",
        jwt_secret="e2e-secret-" + "z" * 40,
        persist=False,
    )
    # Playwright's sync API owns this thread's event loop: create the user from another thread
    with ThreadPoolExecutor(1) as pool:
        pool.submit(
            asyncio.run, add_user("ada", PASSWORD, "developer", database_url=settings.database_url)
        ).result()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


def test_log_in_generate_watch_graph_open_log_download_and_list(
    page: Page, server_url: str, tmp_path: Path
) -> None:
    page.goto(server_url)
    page.fill("#username", "ada")
    page.fill("#password", "wrong-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("Wrong username or password")

    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-name")).to_have_text("ada")

    page.fill("#requirement", BOOKSTORE)
    page.click("#generate")
    nodes = page.locator("#graph g.node")
    expect(nodes.first).to_be_visible(timeout=60_000)
    # caught mid-run: the graph is drawn before its tasks are done
    assert page.locator('#graph g.node:not([data-state="succeeded"])').count() > 0
    # nodes change colour as the run goes; every one ends green
    expect(page.locator("#run-status")).to_have_text("succeeded", timeout=120_000)
    count = nodes.count()
    assert count >= 5
    expect(page.locator('#graph g.node[data-state="succeeded"]')).to_have_count(count)
    assert page.locator("#graph path.edge").count() >= count - 1
    fill = page.locator('#graph g.node[data-state="succeeded"] rect').first
    assert fill.evaluate("e => getComputedStyle(e).fill") == "rgb(34, 164, 93)"
    expect(page.locator("#progress-bar")).to_have_attribute("aria-valuenow", "100")

    first = nodes.first
    task = first.get_attribute("data-task")
    first.click()
    expect(page.locator("#task-log-name")).to_have_text(task or "")
    expect(page.locator("#task-log")).to_contain_text("succeeded")

    page.screenshot(path=str(tmp_path / "web-page.png"), full_page=True)

    expect(page.locator("#download")).to_be_enabled()
    with page.expect_download() as info:
        page.click("#download")
    archive_path = tmp_path / "project.zip"
    info.value.save_as(archive_path)
    with zipfile.ZipFile(archive_path) as archive:
        names = archive.namelist()
    assert any(n.endswith("/pyproject.toml") for n in names)
    assert any(n.endswith("/main.py") or n.endswith("/app.py") for n in names), names[:20]

    row = page.locator("#projects tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("succeeded")
    expect(page.locator("#agents tbody")).to_contain_text("coder")
