"""Search in the example site opened from file:// with the network cut (pages, links and math: test_browser_site.py)."""

from __future__ import annotations

import json

import pytest

from browser import browser, chromium_path, offline_page, screenshot, search

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def needs_chromium():
    chromium_path()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Quine", "Neural Network Quine"),  # a title word
        ("curvamer", None),  # an abstract word: the paper whose abstract says it
    ],
)
def test_search_finds_papers_from_file_url_offline(example_site, query, expected):
    papers = json.loads((example_site / "site" / "papers.json").read_text())
    if expected is None:
        listing = (example_site / "papers" / "hf-papers-listing.txt").read_text().splitlines()
        expected = next(listing[i - 1] for i, line in enumerate(listing) if query in line and i % 2 == 1)
    assert any(p["title"] == expected for p in papers)
    blocked: list[str] = []
    with browser() as chromium:
        page = offline_page(chromium, blocked)
        page.goto((example_site / "site" / "index.html").as_uri())
        titles, elapsed = search(page, query)
        print(f"search for {query!r}: first result after {elapsed:.2f}s (file://, 203 papers)")
        screenshot(page, f"search-{query}")
    assert expected in titles[:5], titles[:5]
    assert blocked == []
