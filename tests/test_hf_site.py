"""End to end: a Hugging Face Papers export and a scraped listing build into a site; a person sees the
upvotes and links of a Hugging Face record, and title searches on a paper without any link."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import browser, offline_page, screenshot
from sitebuild import Page, make_project, papersite

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data"


def paper_pages(site: Path) -> list[Path]:
    return [p for p in sorted((site / "papers").glob("*.html")) if p.name != "index.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hf"), [DATA / "hf/daily_papers.json", DATA / "listing/crlf.txt"])
    result = papersite(root, "build", "papers/daily_papers.json", "papers/crlf.txt")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_hf_paper_page_shows_upvotes_and_links(site):
    page = Page(site / "papers/self-rewarding-language-models.html")
    assert "Upvotes: 154 on Hugging Face Papers" in page.text
    buttons = {a.get("href") for a in page.attrs("a") if "md-button" in (a.get("class") or "")}
    assert {
        "https://arxiv.org/abs/2401.10020",
        "https://huggingface.co/papers/2401.10020",
        "https://github.com/lucidrains/self-rewarding-lm-pytorch",
    } <= buttons


def test_listing_paper_page_offers_title_searches(site):
    pages = [Page(p) for p in paper_pages(site)]
    listed = [p for p in pages if "Find this paper" in p.text]
    assert listed, "no page of a listing record offers searches"
    searches = [a for a in listed[0].attrs("a") if "papersite-search" in (a.get("class") or "")]
    assert [urlsplit(a["href"]).netloc for a in searches] == ["arxiv.org", "huggingface.co", "www.semanticscholar.org"]
    title = parse_qs(urlsplit(searches[2]["href"]).query)["q"][0]
    assert title and title in listed[0].text


def test_screenshots_of_a_hf_paper_page_and_a_listing_paper_page(site):
    with browser() as chromium:
        page = offline_page(chromium, [])
        page.goto((site / "papers/self-rewarding-language-models.html").as_uri())
        assert page.get_by_text("154 on Hugging Face Papers").is_visible()
        assert page.get_by_role("link", name="Hugging Face").is_visible()
        screenshot(page, "hf-paper-page")
        listed = next(p for p in paper_pages(site) if "Find this paper" in p.read_text())
        page.goto(listed.as_uri())
        assert page.get_by_role("link", name="Search Semantic Scholar").is_visible()
        screenshot(page, "find-this-paper")
