"""End to end: two recorded days fetched and built; the New page, the digest of each build and the
feed order as a reader sees them (real MkDocs build, chromium for the screenshots)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from browser import browser, offline_page, screenshot
from sitebuild import Page, make_project
from test_fetch import fetch, recorded_server

pytestmark = pytest.mark.slow


def build(root: Path, today: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PAPERSITE_TODAY": today}
    command = [sys.executable, "-m", "generator.cli", "build", "papers/hf.json"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def daily(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("daily"))
    with (root / "mkdocs.yml").open("a") as config:
        config.write("\nsite_url: https://example.org/papers/\n")
    with recorded_server() as endpoint:
        assert fetch(root, endpoint, "hf", "--date", "2024-01-18", today="2024-01-18").returncode == 0
        first = build(root, "2024-01-18")
        assert first.returncode == 0, first.stderr
        assert fetch(root, endpoint, "hf", "--date", "2024-01-19", today="2024-01-19").returncode == 0
    second = build(root, "2024-01-19")
    assert second.returncode == 0, second.stderr
    return root


def test_each_build_digests_only_what_it_added(daily):
    digests = sorted(p.name for p in (daily / "site/digest").iterdir())
    assert digests == ["2024-01-18.html", "2024-01-18.md", "2024-01-19.html", "2024-01-19.md"]
    kept = sorted(p.name for p in (daily / ".papersite/digest").iterdir())  # a build empties site/, not this
    assert kept == [*digests, "last-build.json"]
    first = Page(daily / "site/digest/2024-01-18.html").text
    second = Page(daily / "site/digest/2024-01-19.html").text
    assert "Self-Rewarding Language Models" in first and "Mixtral of Experts" in first and "DeepSeekMath" not in first
    assert "DeepSeekMath" in second and "Mixtral" not in second and "1 paper(s) added since the previous build" in second
    markdown = (daily / "site/digest/2024-01-19.md").read_text()
    url = markdown.split("](", 1)[1].split(")", 1)[0]
    assert url.startswith("https://example.org/papers/papers/deepseekmath")
    assert (daily / "site" / url.removeprefix("https://example.org/papers/")).is_file()  # the link reaches the page


def test_new_page_lists_the_week_newest_first(daily):
    page = Page(daily / "site/new.html")
    text = page.text
    assert text.index("DeepSeekMath") < text.index("Self-Rewarding") and text.index("Mixtral") < text.index("Self-Rewarding")
    assert "By upvotes" in text
    home = Page(daily / "site/index.html")
    assert any(a.get("href") == "new.html" for a in home.attrs("a"))


def test_the_feed_follows_the_new_page_order(daily):
    feed = feedparser.parse((daily / "site/feeds/papers.xml").read_text())
    titles = [entry.title for entry in feed.entries]
    assert titles[0].startswith("DeepSeekMath") and titles[1:] == ["Mixtral of Experts", "Self-Rewarding Language Models"]


def test_screenshots_of_the_digest_and_the_new_page(daily):
    with browser() as chromium:
        page = offline_page(chromium, [])
        page.goto((daily / "site/digest/2024-01-18.html").as_uri())
        assert page.get_by_role("link", name="Mixtral of Experts").is_visible()
        screenshot(page, "digest")
        page.goto((daily / "site/new.html").as_uri())
        assert page.get_by_role("heading", name="New papers").is_visible()
        screenshot(page, "new-page")
