"""The map in a real browser (Debian's chromium through playwright): it renders on the home page and
a topic page, from file://, in light and dark mode, and clicking a point opens that paper's page.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import ARTIFACTS, CHROMIUM_ARGS

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def site(example_site) -> Path:
    return example_site / "site"


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium): the browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, url: str, scheme: str):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    # what the site's Content-Security-Policy refuses counts as a request that left the site
    page.on("console", lambda message: "Content Security Policy" in message.text and requests.append(f"CSP: {message.text}"))
    page.goto(url)
    return page, requests


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_home_map_renders_offline(site: Path, browser, scheme: str) -> None:
    page, requests = open_page(browser, (site / "index.html").as_uri(), scheme)
    svg = page.locator("svg.papersite-map")
    assert svg.count() == 1
    assert page.locator("svg.papersite-map circle").count() == 203
    assert page.locator("svg.papersite-map text").count() >= 12
    box = svg.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 250
    label_colour = page.eval_on_selector("svg.papersite-map text", "e => getComputedStyle(e).fill")
    background = page.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor")
    assert label_colour != background
    ARTIFACTS.mkdir(exist_ok=True)
    svg.screenshot(path=str(ARTIFACTS / f"map-home-{scheme}.png"))
    assert [url for url in requests if not url.startswith("file://")] == []
    page.context.close()


def test_clicking_a_point_opens_its_paper(site: Path, browser) -> None:
    page, _ = open_page(browser, (site / "index.html").as_uri(), "light")
    point = page.locator("svg.papersite-map a").last  # drawn last: nothing covers it
    href = point.get_attribute("href")
    title = point.locator("title").text_content()
    point.locator("circle").click(force=True)
    page.wait_for_load_state()
    assert page.url.endswith(href)
    assert title.rsplit(" (", 1)[0] in page.locator("h1").text_content()
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_topic_page_map_draws_the_topics_papers(site: Path, browser, scheme: str) -> None:
    topic_page = sorted(p for p in (site / "topics").glob("*.html") if p.name != "index.html")[0]
    page, _ = open_page(browser, topic_page.as_uri(), scheme)
    listed = page.locator("article li a[href^='../papers/']")
    drawn = page.locator("svg.papersite-map a")
    assert sorted(a.get_attribute("href") for a in drawn.all()) == sorted(a.get_attribute("href") for a in listed.all())
    assert page.locator("svg.papersite-map circle[r='5']").count() == listed.count() >= 1
    assert page.locator("svg.papersite-map text").count() >= 12  # every topic's label, the others faded
    page.locator("svg.papersite-map").screenshot(path=str(ARTIFACTS / f"map-topic-{scheme}.png"))
    href = page.locator("svg.papersite-map a").last.get_attribute("href")
    assert href.startswith("../papers/") and href.endswith(".html")
    page.context.close()
