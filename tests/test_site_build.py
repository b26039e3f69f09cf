"""End to end: the real MkDocs build of the example collection, read back as HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitebuild import Page, make_project, papersite

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(example_site) -> Path:
    return example_site


def paper_pages(site: Path) -> list[Path]:
    return [p for p in (site / "papers").glob("*.html") if p.name != "index.html"]


def test_one_page_per_paper_and_topic_pages(example):
    site = example / "site"
    assert len(paper_pages(site)) == 203
    topics = [p for p in (site / "topics").glob("*.html") if p.name != "index.html"]
    assert 10 <= len(topics) <= 25
    for topic_page in topics:
        links = [a["href"] for a in Page(topic_page).attrs("a") if (a.get("href") or "").startswith("../papers/")]
        assert links, f"{topic_page.name} lists no papers"


def test_the_html_regions_of_paper_pages_are_passed_on_without_their_markers(example):
    """generator/html_regions.py is in the build: the regions' markers are gone, their HTML is there."""
    for page in paper_pages(example / "site"):
        text = page.read_text(encoding="utf-8")
        assert "papersite:html" not in text, page.name
        assert '<div class="highlight"><pre><code class="language-bibtex">' in text, page.name


def test_search_index_holds_every_title(example):
    """Papers, topics and authors are searched through papersite's index (search/papers.js);
    Material's index keeps the hand-written pages only."""
    text = (example / "site" / "search" / "papers.js").read_text()
    index = json.loads(text.removeprefix("papersiteSearch(").removesuffix(");\n"))
    papers = json.loads((example / "site" / "papers.json").read_text())
    assert len(papers) == 203
    indexed = {(location, title) for location, title, *_ in index["docs"]}
    assert not [p["title"] for p in papers if (p["url"], p["title"]) not in indexed]
    topics = [p for p in (example / "site" / "topics").glob("*.html") if p.name != "index.html"]
    assert {f"topics/{p.name}" for p in topics} <= {location for location, _ in indexed}
    material = json.loads((example / "site" / "search" / "search_index.json").read_text())
    assert {doc["location"].split("#")[0] for doc in material["docs"]} == {"about.html"}
    assert (example / "site" / "search" / "search_index.js").exists()  # Material's offline copy, as small


def test_papers_json_holds_one_paper_a_line(example):
    """papers.json is compact (no indentation), one paper to a line between the brackets."""
    lines = (example / "site" / "papers.json").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    papers = [json.loads(line.removesuffix(",")) for line in lines[1:-1]]
    assert len(papers) == 203 and all(set(p) >= {"slug", "title", "url"} for p in papers)
    assert all(line.endswith(",") for line in lines[1:-2]) and not lines[-2].endswith(",")
    assert not any(line.startswith(" ") for line in lines)
    assert not (example / "site" / "tags.json").exists()  # Material's tags export is off (mkdocs.yml)


def test_goedel_is_spelled_right_and_hgm_links_its_code(example):
    papers = json.loads((example / "site" / "papers.json").read_text())
    hgm = [p for p in papers if any(link["url"].startswith("https://github.com/metauto-ai/HGM") for link in p["links"])]
    assert len(hgm) == 1
    assert {"kind": "code", "url": "https://github.com/metauto-ai/HGM"} in hgm[0]["links"]
    page = Page(example / "site" / hgm[0]["url"])
    assert "Gödel" in page.text and 'G\\"odel' not in page.text
    assert "https://github.com/metauto-ai/HGM" in [a.get("href") for a in page.attrs("a")]
    goedel_titles = [p["title"] for p in papers if "Gödel" in p["title"]]
    assert goedel_titles


def test_papers_json_links_resolve_to_built_pages(example):
    papers = json.loads((example / "site" / "papers.json").read_text())
    slugs = {p["slug"] for p in papers}
    for paper in papers:
        assert (example / "site" / paper["url"]).is_file()
        assert 1 <= len(paper["topics"]) <= 3
        assert len(paper["related"]) == 5 and paper["slug"] not in paper["related"]
        assert set(paper["related"]) <= slugs


def test_paper_page_shows_title_topics_abstract_and_related(example):
    papers = json.loads((example / "site" / "papers.json").read_text())
    first = papers[0]
    assert first["title"] == "Describing a Knowledge Base"
    page = Page(example / "site" / first["url"])
    assert "Describing a Knowledge Base" in page.text
    assert "pointer network" in page.text
    hrefs = [a.get("href") or "" for a in page.attrs("a")]
    assert sum(h.startswith("../topics/") and h != "../topics/index.html" for h in hrefs) >= 1
    related_titles = [p["title"] for p in papers if p["slug"] in first["related"]]
    assert all(title in page.text for title in related_titles)


def test_sidebar_does_not_list_every_paper(example):
    home = Page(example / "site" / "index.html")
    nav_links = [a["href"] for a in home.attrs("a") if "md-nav__link" in (a.get("class") or "")]
    page_links = [href for href in nav_links if not href.startswith("#")]
    assert 3 <= len(page_links) <= 10, page_links
    assert not [href for href in page_links if href.startswith("papers/") and href != "papers/index.html"]


def test_no_request_leaves_the_site(example):
    for page in [example / "site" / "index.html", *paper_pages(example / "site")[:5]]:
        parsed = Page(page)
        remote = [
            a.get("src") or a.get("href")
            for tag in ("script", "link", "img")
            for a in parsed.attrs(tag)
            if re.match(r"(https?:)?//", (a.get("src") or a.get("href") or ""))
        ]
        assert remote == [], f"{page.name} loads {remote}"


def test_hand_written_page_survives_and_rerun_writes_nothing(example):
    assert (example / "site_src" / "about.md").read_text().startswith("# About this site")
    assert (example / "site" / "about.html").is_file()
    result = papersite(example, "generate")
    assert result.returncode == 0, result.stderr
    assert "0 written" in result.stderr


def test_bad_input_exits_1_with_file_and_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("A title\nAn abstract.\nA title with no abstract\n", encoding="utf-8")
    root = make_project(tmp_path / "project")
    result = papersite(root, "build", str(bad))
    assert result.returncode == 1
    assert re.search(r"bad\.txt:3: .*abstract", result.stderr)
    assert not (root / "site").exists()
    assert sorted(p.name for p in (root / "site_src").iterdir()) == ["about.md"]


def test_usage_errors_exit_2(tmp_path):
    assert papersite(tmp_path, "build").returncode == 2  # no mkdocs.yml here
    assert papersite(tmp_path, "build", "--no-such-option").returncode == 2
