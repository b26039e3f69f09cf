"""End to end: a paper list written by an attacker builds into a site where everything stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitebuild import Page, make_project, papersite

pytestmark = pytest.mark.slow

HOSTILE = Path(__file__).parent / "data" / "hostile.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile"))
    result = papersite(root, "build", str(HOSTILE))
    assert result.returncode == 0, result.stderr
    assert "duplicate of the paper at" in result.stderr  # the exact twin is merged with a warning
    return root / "site"


def all_pages(site: Path) -> list[Page]:
    return [Page(p) for p in sorted(site.rglob("*.html"))]


def test_every_paper_gets_a_page_inside_the_site(site):
    papers = json.loads((site / "papers.json").read_text())
    assert len(papers) == 19  # 20 records, one exact twin merged
    for paper in papers:
        page = (site / paper["url"]).resolve()
        assert page.is_file() and page.is_relative_to(site.resolve() / "papers")
    assert len({p["slug"].casefold() for p in papers}) == 19
    assert sum(p["title"].casefold() == "duplicate title" for p in papers) == 3


def test_no_injected_script_handler_or_javascript_link(site):
    for page in all_pages(site):
        for tag, attrs in page.elements:
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            for value in attrs.values():
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
        assert not any("alert(" in script for script in page.scripts)
        assert [tag for tag, _ in page.elements if tag == "img"] == []


def test_hostile_titles_and_abstracts_show_as_literal_text(site):
    papers = json.loads((site / "papers.json").read_text())
    for paper in papers:
        page = Page(site / paper["url"])
        assert paper["title"] in page.text, paper["title"]
        assert page.attrs("h1")
    by_title = {p["title"]: p for p in papers}
    scripted = Page(site / by_title["<script>alert('title')</script> Scripted Title"]["url"])
    assert "<img src=x onerror=alert(1)>" in scripted.text
    template = Page(site / by_title["Template {{ 7*7 }} and {% raw %}"]["url"])
    assert "{{ config }}" in template.text and "49" not in template.text


def test_unclosed_comment_hides_nothing(site):
    papers = json.loads((site / "papers.json").read_text())
    paper = next(p for p in papers if p["title"] == "Unclosed Comment")
    page = Page(site / paper["url"])
    assert "so everything after could vanish." in page.text
    assert "From hostile.txt" in page.text  # the line after the abstract is still on the page
    assert not any("never closes" in comment for comment in page.comments)


def test_markdown_syntax_makes_no_structure(site):
    papers = json.loads((site / "papers.json").read_text())
    paper = next(p for p in papers if p["title"] == "# Heading Title")
    page = Page(site / paper["url"])
    article = [tag for tag, _ in page.elements]
    assert "table" not in article
    assert "## Not a heading" in page.text
    assert "# Heading Title" in page.text


def test_no_page_was_written_outside_the_docs_folder(site):
    root = site.parent
    assert not (root / "etc").exists() and not (root.parent / "etc").exists()
    generated = json.loads((root / "site_src" / ".papersite-manifest.json").read_text())
    assert all(not path.startswith(("/", "..")) and ".." not in path.split("/") for path in generated)


def test_map_shows_hostile_titles_as_tooltip_text(site):
    home = Page(site / "index.html")
    assert [tag for tag, _ in home.elements if tag == "svg"]
    assert "<script>alert('title')</script> Scripted Title" in home.text  # as text, in a <title> tooltip
    hrefs = [a.get("href") or "" for a in home.attrs("a")]
    assert all(not h.startswith(("http", "//", "javascript")) for h in hrefs if "papers/" in h)
