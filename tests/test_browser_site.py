"""The built sites in a real browser, from file:// (a copy moved elsewhere) and over http on 127.0.0.1.

Two sites: the example collection, and a new site made by `papersite init mysite && papersite build`.
Every request that is not file://, 127.0.0.1, data: or blob: is blocked and recorded; each test
asserts there were none, and that every request it made went to the site itself.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import browser, chromium_path, offline_page, record_requests, screenshot, search, serve_folder, site_base

pytestmark = pytest.mark.slow

SEARCH_BOUND_SECONDS = 10.0  # generous: the example's 203 papers show in about a second
TARGETS = [("example", "file"), ("example", "http"), ("new", "file"), ("new", "http")]


@dataclass(frozen=True)
class Target:
    """One built site opened one way: where it lives, how to reach a page, what it holds."""

    name: str  # "example" or "new" (made by papersite init)
    mode: str  # "file" or "http"
    base: str  # URL of the site folder, ending in "/"
    home: str  # the generated overview page
    papers: list[dict]

    def url(self, path: str) -> str:
        return self.base + path

    def shot(self, page, what: str) -> Path:
        return screenshot(page, f"{self.name}-{self.mode}-{what}")


@pytest.fixture(scope="module")
def chromium():
    chromium_path()
    with browser() as instance:
        yield instance


def moved_copy(site: Path, parent: Path) -> Path:
    """The built folder copied somewhere else: nothing may point back at where it was built."""
    target = parent / "moved" / "copy of site"
    shutil.copytree(site, target)
    return target


@pytest.fixture(scope="module", params=TARGETS, ids=["-".join(t) for t in TARGETS])
def target(request, tmp_path_factory):
    name, mode = request.param
    project = request.getfixturevalue("example_site" if name == "example" else "new_site")
    home = "index.html" if name == "example" else "overview.html"
    site = moved_copy(project / "site", tmp_path_factory.mktemp(f"{name}-{mode}"))
    papers = json.loads((site / "papers.json").read_text())
    with site_base(site, mode) as base:
        yield Target(name, mode, base, home, papers)


@pytest.fixture
def visit(chromium, target):
    """Open pages of the target with the network cut; afterwards assert nothing left the site."""
    blocked: list[str] = []
    seen: list[str] = []
    contexts = []

    def open_page(path: str, color_scheme: str = "light", **context_options):
        page = offline_page(chromium, blocked, color_scheme=color_scheme, **context_options)
        contexts.append(page.context)
        page.on("request", lambda request: seen.append(request.url))
        page.goto(target.url(path))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert blocked == []
    foreign = [url for url in seen if not url.startswith((target.base, "data:", "blob:"))]
    assert foreign == []
    assert seen or not contexts


def test_home_shows_the_collection(visit, target):
    page = visit(target.home)
    text = page.inner_text("article")
    assert f"{len(target.papers)} papers" in text
    assert page.locator("article h2 a[href^='topics/']").count() >= 3
    target.shot(page, "home-light")
    dark = visit(target.home, color_scheme="dark")
    assert dark.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    target.shot(dark, "home-dark")


def test_a_topic_page_lists_its_papers(visit, target):
    page = visit(target.home)
    page.locator("article h2 a[href^='topics/']").first.click()
    page.wait_for_url(re.compile(r".*/topics/[^/]+\.html$"))
    count = int(re.search(r"(\d+) papers?", page.inner_text("article")).group(1))
    links = page.locator("article li a[href^='../papers/']")
    assert links.count() == count >= 1
    titles = {p["title"] for p in target.papers}
    assert set(links.all_inner_texts()) <= titles
    target.shot(page, "topic-light")
    dark = visit(page.url.removeprefix(target.base), color_scheme="dark")
    target.shot(dark, "topic-dark")


@pytest.mark.parametrize("mode", ["file", "http"])
def test_a_new_sites_own_welcome_page_leads_to_the_overview(chromium, new_site, tmp_path, mode):
    site = moved_copy(new_site / "site", tmp_path)
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    with site_base(site, mode) as base:
        follow_welcome_to_overview(page, base)
    page.context.close()
    assert blocked == []


def follow_welcome_to_overview(page, base: str) -> None:
    page.goto(base + "index.html")
    assert "This is your paper site" in page.inner_text("article")
    screenshot(page, f"new-{base.split(':')[0]}-welcome-light")
    page.locator("article a:has-text('overview')").click()
    page.wait_for_url("**/overview.html")
    assert re.search(r"\d+ papers in \d+ topics", page.inner_text("article"))


def distinctive_title_word(papers: list[dict]) -> tuple[str, str]:
    """A word of six letters or more found in exactly one title, and that title."""

    def words(title: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z]{6,}", title)}

    counts = Counter(w for p in papers for w in words(p["title"]))
    middle = len(papers) // 2  # not the first paper: it would also lead the "All papers" list
    for paper in papers[middle:] + papers[:middle]:
        unique = sorted(w for w in words(paper["title"]) if counts[w] == 1)
        if unique:
            return unique[0], paper["title"]
    raise AssertionError("no title has a word of its own")


def test_search_finds_a_paper_by_a_title_word_in_bounded_time(visit, target):
    word, title = distinctive_title_word(target.papers)
    page = visit(target.home)
    titles, elapsed = search(page, word)
    print(
        f"search {target.name} site over {target.mode}: {word!r} -> first results after {elapsed:.2f}s "
        f"({len(target.papers)} papers)"
    )
    page.wait_for_timeout(500)  # let the results panel finish fading in, for the screenshot only
    target.shot(page, "search")
    assert title in titles[:5], titles[:5]
    assert elapsed < SEARCH_BOUND_SECONDS


def test_related_paper_and_topic_links_work(visit, target):
    paper = next(p for p in target.papers if p["related"] and p["topics"])
    page = visit(paper["url"])
    assert heading(page) == paper["title"]
    target.shot(page, "paper-light")
    target.shot(visit(paper["url"], color_scheme="dark"), "paper-dark")
    related = {p["slug"]: p for p in target.papers}[paper["related"][0]]
    page.locator("article h2:has-text('Related papers') + ul a").first.click()
    page.wait_for_url(f"**/papers/{related['slug']}.html")
    assert heading(page) == related["title"]
    page.locator("article p:has-text('Topics:') a").first.click()
    page.wait_for_url(re.compile(r".*/topics/[^/]+\.html$"))
    assert related["title"] in page.locator("article li a").all_inner_texts()


COPY_BUTTON = ".md-code__button[data-md-type=copy]"


def test_every_code_block_on_a_paper_page_has_a_working_copy_button(visit, target):
    paper = target.papers[len(target.papers) // 2]
    page = visit(paper["url"], permissions=["clipboard-read", "clipboard-write"])
    blocks = page.locator("article pre code")
    if blocks.count():
        page.wait_for_selector(f"article {COPY_BUTTON}", state="attached")  # Material adds them by script
    assert page.locator(f"article {COPY_BUTTON}").count() == blocks.count()  # no code block yet: 0 == 0
    if blocks.count():
        page.hover("article pre")
        page.locator(f"article {COPY_BUTTON}").first.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.strip() == blocks.first.inner_text().strip()


def test_the_tag_index_lists_topics_and_a_papers_tags_lead_to_its_topics(visit, target):
    page = visit("tags.html")
    tags = page.locator("article li a[href^='topics/']")
    assert tags.count() >= 3
    label = tags.first.inner_text().strip()
    tags.first.click()
    page.wait_for_url(re.compile(r".*/topics/[^/]+\.html$"))
    assert heading(page) == label
    paper = next(p for p in target.papers if p["topics"])
    page = visit(paper["url"])
    chips = page.locator(".md-tags a.md-tag")
    assert chips.count() == len(paper["topics"])
    label = chips.first.inner_text().strip()
    chips.first.click()
    page.wait_for_url(f"**/topics/{paper['topics'][0]}.html")
    assert heading(page) == label


def test_all_papers_leads_page_by_page_to_every_paper(visit, target):
    page = visit("papers/index.html")
    seen = page.locator("article li a[href$='.html']").all_inner_texts()
    while page.locator("article p a:has-text('Next')").count():
        page.locator("article p a:has-text('Next')").first.click()
        page.wait_for_load_state()
        seen += page.locator("article li a[href$='.html']").all_inner_texts()
    target.shot(page, "all-papers-last-page")
    assert sorted(seen) == sorted(p["title"] for p in target.papers)


def heading(page) -> str:
    """The page's title as shown, without the permalink sign."""
    return page.inner_text("article h1").removesuffix("¶").strip()


@pytest.fixture(scope="module")
def math_site(math_project, tmp_path_factory) -> Path:
    return moved_copy(math_project / "site", tmp_path_factory.mktemp("math-moved"))


@pytest.mark.parametrize("mode", ["file", "http"])
def test_inline_math_is_typeset_by_the_bundled_katex(chromium, math_site, mode):
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    seen = record_requests(page)
    path = "papers/scaling-laws-with-n-alpha-exponents.html"
    if mode == "file":
        page.goto((math_site / path).as_uri())
        check_math(page)
    else:
        with serve_folder(math_site) as base:
            page.goto(base + path)
            check_math(page)
    screenshot(page, f"math-{mode}")
    page.context.close()
    assert blocked == []
    assert any("katex" in url for url in seen)


def check_math(page) -> None:
    page.wait_for_selector(".arithmatex .katex", timeout=10_000)
    assert page.locator(".arithmatex .katex").count() >= 2
    assert "costs $5 and $6 per run" in page.inner_text("article")
