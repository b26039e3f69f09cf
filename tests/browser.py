"""Drive the built site in Debian's chromium through Python playwright (never `playwright install`)."""

from __future__ import annotations

import functools
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("chromium is not installed (make test installs it with apt-get when run as root)")
    return path


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def offline_page(chromium, requests: list[str], **context_options):
    """A page on which every request that is not file:// or 127.0.0.1 is recorded and blocked.

    Whatever the site's Content-Security-Policy refuses is recorded in requests too (as "CSP: the
    browser's message"), so a test that asserts nothing was blocked also asserts the policy held.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    page.on("console", lambda message: _record_csp_violation(message.text, requests))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file://", "http://127.0.0.1", "data:", "blob:")):
            request_route.continue_()
        else:
            requests.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page


def _record_csp_violation(text: str, requests: list[str]) -> None:
    if "Content Security Policy" in text:
        requests.append(f"CSP: {text}")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def search(page, query: str) -> tuple[list[str], float]:
    """Type a query in Material's search box; the result titles and the seconds until they showed.

    Material reads the box on keyup, on focus and when its search worker becomes ready, not on the
    input event `fill` sends: without the key press, a query typed after the worker is ready is
    sometimes never run. (Clicking the box first, `click(force=True)`, broke the search here.)
    """
    box = page.locator("input.md-search__input")
    started = time.perf_counter()
    box.fill(query)
    box.press("End")
    # a function, not an expression: playwright re-evaluates an expression with eval, which the site's CSP refuses
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=30_000)
    elapsed = time.perf_counter() - started
    titles = page.locator(".md-search-result__article h1, .md-search-result__article h2").all_inner_texts()
    return [t.strip() for t in titles if t.strip()], elapsed


def search_offline(chromium, url: str, query: str, shot: str = "") -> list[str]:
    """Open url in a fresh page with every outside request blocked, search, and return the result
    titles; fails if the page asked for anything outside the site. `shot` names a screenshot."""
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    page.goto(url)
    titles, elapsed = search(page, query)
    print(f"search {query!r} at {url}: {elapsed:.2f}s")
    if shot:
        screenshot(page, shot)
    page.context.close()
    assert blocked == []
    return titles


def record_requests(page) -> list[str]:
    """Every URL the page asks for from now on, allowed or not."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name is the standard library's
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve folder over http on 127.0.0.1 (a free port) in a thread; yields the base URL, then stops."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def site_base(site: Path, mode: str) -> Iterator[str]:
    """The base URL (ending in /) of a built site, opened from its folder ("file") or served ("http")."""
    if mode == "file":
        yield site.as_uri() + "/"
    else:
        with serve_folder(site) as base:
            yield base
