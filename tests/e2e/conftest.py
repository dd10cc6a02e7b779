"""A headless Chromium (Debian's package) driven by Playwright; its own profile, no network
beyond loopback."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

# the browser fixture (Debian's Chromium) lives in tests/conftest.py: one Playwright per session, shared
# with the browser tests outside this folder (tests/security/test_stored_script.py)


class PageWatch:
    """Everything a page did that a test may want to refuse: errors and foreign requests."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        self.responses: list[tuple[str, int, str]] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: self.responses.append(
            (r.url, r.status, r.headers.get("content-type", ""))))

    @property
    def foreign_hosts(self) -> set[str]:
        hosts = {urlparse(u).hostname for u in self.requests if not u.startswith(("data:", "blob:"))}
        return hosts - {"127.0.0.1"}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def _open(path: str = "/", **context_args):
        context = browser.new_context(**context_args)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(live_server + path, wait_until="networkidle")
        return page, watch

    yield _open
    for c in contexts:
        c.close()
