"""The example site in a real browser, opened from file:// with the network cut: pages, search, math."""

from __future__ import annotations

import json

import pytest
from browser import browser, chromium_path, offline_page, screenshot, search

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium():
    chromium_path()
    with browser() as instance:
        yield instance


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Quine", "Neural Network Quine"),  # a title word
        ("curvamer", None),  # an abstract word: the paper whose abstract says it
    ],
)
def test_search_finds_papers_from_file_url_offline(chromium, example_site, query, expected):
    papers = json.loads((example_site / "site" / "papers.json").read_text())
    if expected is None:
        listing = (example_site / "papers" / "hf-papers-listing.txt").read_text().splitlines()
        expected = next(listing[i - 1] for i, line in enumerate(listing) if query in line and i % 2 == 1)
    assert any(p["title"] == expected for p in papers)
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    page.goto((example_site / "site" / "index.html").as_uri())
    titles, elapsed = search(page, query)
    print(f"search for {query!r}: first result after {elapsed:.2f}s (file://, 203 papers)")
    screenshot(page, f"search-{query}")
    page.context.close()
    assert expected in titles[:5], titles[:5]
    assert blocked == []


def test_pages_and_links_work_offline(chromium, example_site):
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    page.goto((example_site / "site" / "index.html").as_uri())
    assert "203 papers" in page.inner_text("article")
    screenshot(page, "home")
    page.locator("article h2 a").first.click()
    page.wait_for_url("**/topics/*.html")
    assert page.locator("article li a").count() > 0
    page.locator("article li a").first.click()
    page.wait_for_url("**/papers/*.html")
    assert page.inner_text("article h2:has-text('Related papers') + ul").strip()
    screenshot(page, "paper")
    page.context.close()
    assert blocked == []


def test_inline_math_is_typeset_by_the_bundled_katex(chromium, math_project):
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    page.goto((math_project / "site" / "papers" / "scaling-laws-with-n-alpha-exponents.html").as_uri())
    page.wait_for_selector(".arithmatex .katex", timeout=10_000)
    assert page.locator(".arithmatex .katex").count() >= 2
    assert "costs $5 and $6 per run" in page.inner_text("article")
    screenshot(page, "math")
    page.context.close()
    assert blocked == []
