"""Browser fixtures: pytest-playwright on the system Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return os.environ.get("CODEGUILD_CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def page() -> Iterator[Page]:
    """A page in the system Chromium, with Playwright stopped again after the test.

    Replaces pytest-playwright's session-wide fixtures: those keep Playwright's event loop
    running in the main thread until the session ends, which breaks every later test that
    calls asyncio.run().
    """
    executable = _chromium()
    if executable is None:
        message = "Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 1000}, accept_downloads=True
        )
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
