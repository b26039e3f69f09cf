""" "Find this paper" searches for records without a link, and the Hugging Face record's page (render stage)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from generator.catalog import assign_slugs
from generator.model import Catalog, Link, Paper, Source
from generator.normalise import normalise
from generator.readers import read_sources
from generator.render import render_site
from generator.search_links import find_links

DATA = Path(__file__).parent / "data"
HOSTILE = "<script>alert('x')</script> \"quoted\" & [link](javascript:alert(1)) $\\alpha$ 100% #1?"


def paper(title: str, **fields) -> Paper:
    return Paper(title=title, source=Source("papers.txt", 1), **fields)


def page_of(record: Paper) -> str:
    (slugged,) = assign_slugs([record])
    pages = render_site(Catalog(papers=(slugged,)), "Test")
    return next(p.text for p in pages if p.path == f"papers/{slugged.slug}.md")


def test_a_paper_without_links_gets_three_title_searches():
    links = find_links(paper("Self-Play in Games"))
    assert [site for site, _ in links] == ["arXiv", "Hugging Face Papers", "Semantic Scholar"]
    assert links[0][1] == "https://arxiv.org/search/?searchtype=title&query=Self-Play+in+Games"
    assert links[1][1] == "https://huggingface.co/papers?q=Self-Play+in+Games"
    assert links[2][1] == "https://www.semanticscholar.org/search?q=Self-Play+in+Games"


def test_a_paper_with_any_link_gets_no_searches():
    assert find_links(paper("T", links=(Link("landing", "https://example.org/t"),))) == []


def test_a_hostile_title_travels_only_percent_encoded_and_decodes_back():
    for _, url in find_links(paper(HOSTILE)):
        parts = urlsplit(url)
        assert not set("<>\"' `") & set(url)
        query = parse_qs(parts.query)
        assert (query.get("q") or query["query"]) == [
            "<script>alert('x')</script> \"quoted\" & [link](javascript:alert(1)) \\alpha 100% #1?"
        ]


def test_the_page_marks_them_as_searches_and_keeps_the_title_inert():
    text = page_of(paper(HOSTILE))
    assert "<p><strong>Find this paper</strong> (no link in the paper list; these are searches by title):</p>" in text
    buttons = [line for line in text.splitlines() if "papersite-search" in line]
    assert len(buttons) == 1 and buttons[0].count('class="md-button papersite-search"') == 3
    assert "<script>" not in buttons[0] and "javascript:" not in buttons[0].replace("javascript%3A", "")
    assert ">Search arXiv</a>" in buttons[0] and ">Search Semantic Scholar</a>" in buttons[0]


def test_a_linked_paper_page_has_no_find_section():
    text = page_of(normalise(paper("Linked", arxiv_id="2401.10020")))
    assert "Find this paper" not in text and "papersite-search" not in text


def test_a_hugging_face_record_page_shows_upvotes_and_its_links():
    papers, _ = read_sources([(DATA / "hf/daily_papers.json", None)])
    text = page_of(normalise(papers[0]))
    assert "<p><strong>Upvotes:</strong> 154 on Hugging Face Papers</p>" in text
    hrefs = [part.split('"')[0] for part in text.split('href="')[1:]]
    assert hrefs[:3] == [
        "https://arxiv.org/abs/2401.10020",
        "https://huggingface.co/papers/2401.10020",
        "https://github.com/lucidrains/self-rewarding-lm-pytorch",
    ]
    assert ">Hugging Face</a>" in text and "Find this paper" not in text
