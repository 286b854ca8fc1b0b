"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Every page must load without a console error and without a single request leaving
127.0.0.1 (no CDN, no fonts, no telemetry): both fail the test.
"""

import os
import shutil
from urllib.parse import urlparse

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# test itself (fixtures) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser(live_server):
    """One Chromium per test, started after the database is set up.

    Playwright's sync API runs an event loop in this thread, and Django's connections are
    context-local: started first, the loop would hide the connection that holds the
    serialized reference data, and a flushed database would not be restored.
    """
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # The connections the test opened while Playwright's loop ran belong to that
        # context: close them here, or the test database cannot be dropped at the end.
        connections.close_all()


class PageWatch:
    """Collects console errors and requests to hosts other than the test server."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._on_request)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:")):
            return
        if host not in ("127.0.0.1", "localhost"):
            self.foreign_requests.append(request.url)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    watch = PageWatch(page)
    yield page
    context.close()
    assert watch.console_errors == [], watch.console_errors
    assert watch.foreign_requests == [], watch.foreign_requests
