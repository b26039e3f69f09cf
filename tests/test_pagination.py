"""Long listings split into pages (generator/pagination.py) and the points the map draws on a page
(generator/map_points.py): rendered pages only, no MkDocs build (tests/test_pagination_site.py
builds a real site and walks its pages)."""

from __future__ import annotations

import posixpath
import re

import pytest

from generator.map_points import central_first, drawn_papers
from generator.model import Author, Catalog, Paper, Source, Topic
from generator.pagination import paginate, paginate_by_weight
from generator.paths import listing_page, paper_slug
from generator.render import render_site


def test_a_listing_is_split_into_pages_of_at_most_size_entries():
    pages = paginate("topics/x.md", list(range(25)), 10)
    assert [p.path for p in pages] == ["topics/x.md", "topics/x/2.md", "topics/x/3.md"]
    assert [list(p.entries) for p in pages] == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
    assert [(p.pager.first, p.pager.last, p.pager.total) for p in pages] == [(1, 10, 25), (11, 20, 25), (21, 25, 25)]
    assert [p.pager.span for p in pages] == ["1–10", "11–20", "21–25"]
    assert pages[0].pager.previous is None and pages[0].pager.next == "topics/x/2.md"
    assert pages[2].pager.previous == "topics/x/2.md" and pages[2].pager.next is None


def test_large_counts_are_written_with_thousands_separators():
    pages = paginate("papers/index.md", list(range(10_000)), 200)
    assert pages[-1].pager.span == "9,801–10,000"
    text = {p.path: p.text for p in render_site(collection(1_200), "Site", page_size=1_000)}
    assert "**1,200 papers**" in text["index.md"]
    assert "1,200 papers, newest first" in text["papers/index.md"] and "this page: 1–1,000" in text["papers/index.md"]


def test_paper_pages_rendered_by_forked_processes_are_the_same_pages_in_the_same_order():
    catalog = collection(1_100)  # five tasks of render.PAPERS_PER_TASK papers
    alone = render_site(catalog, "Site", page_size=100)
    assert render_site(catalog, "Site", page_size=100, workers=3) == alone
    assert sum(p.path.startswith("papers/paper-") for p in alone) == 1_100


def test_an_empty_or_short_listing_is_one_page():
    for items in ([], [1, 2, 3]):
        (page,) = paginate("papers/index.md", items, 10)
        assert page.path == "papers/index.md" and page.pager.count == 1 and list(page.entries) == items


def test_a_page_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        paginate("papers/index.md", [1], 0)


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (1, [1, 2, 3, None, 20]),
        (5, [1, None, 3, 4, 5, 6, 7, None, 20]),
        (4, [1, 2, 3, 4, 5, 6, None, 20]),
        (20, [1, None, 18, 19, 20]),
    ],
)
def test_the_pager_links_the_ends_and_the_neighbours(number, shown):
    pager = paginate("papers/index.md", list(range(200)), 10)[number - 1].pager
    links = pager.links()
    assert [link[0] if link else None for link in links] == shown
    assert all(link is None or link[1] == listing_page("papers/index.md", link[0]) for link in links)


def test_listing_pages_never_meet_paper_or_topic_pages():
    assert listing_page("papers/index.md", 2) == "papers/index/2.md"
    assert listing_page("topics/robots.md", 3) == "topics/robots/3.md"
    assert listing_page("authors/index.md", 2) == "authors/index/2.md"
    assert paper_slug("papers/robots.md") == "robots"
    assert paper_slug("papers/index/2.md") is None and paper_slug("papers/index.md") is None
    assert paper_slug("topics/robots.md") is None


def collection(n: int) -> Catalog:
    """n papers in two topics (every third paper in both), by three authors, over five years."""
    people = [Author("Lovelace", "Ada"), Author("Turing", "Alan"), Author("Hopper", "Grace")]
    papers = tuple(
        Paper(
            title=f"Paper {i}",
            abstract=f"Sentence {i}. More.",
            source=Source("t", i),
            slug=f"paper-{i}",
            date=str(2020 + i % 5),
            authors=(people[i % 3], people[(i + 1) % 3]),
            topics=("even",) if i % 2 == 0 else ("odd", "even") if i % 3 == 0 else ("odd",),
        )
        for i in range(n)
    )
    topics = (
        Topic("even", "Even", papers=tuple(p.slug for p in papers if "even" in p.topics)),
        Topic("odd", "Odd", papers=tuple(p.slug for p in papers if "odd" in p.topics)),
    )
    layout = {p.slug: ((i % 37) / 36, (i % 23) / 22) for i, p in enumerate(papers)}
    return Catalog(papers=papers, topics=topics, layout=layout)


LINK = re.compile(r"\]\(([^)]+\.md)\)")
MAP = re.compile(r'<div class="papersite-map-box".*?</svg></div>')


def listed(pages: dict[str, str], first: str) -> list[str]:
    """The paper slugs a listing's pages link to (the map left out), in order, page after page."""
    slugs = []
    number = 1
    while (page := listing_page(first, number)) in pages:
        for target in LINK.findall(MAP.sub("", pages[page])):
            slug = paper_slug(posixpath.normpath(posixpath.join(posixpath.dirname(page), target)))
            slugs += [slug] if slug else []
        number += 1
    return slugs


def test_every_listing_holds_each_of_its_papers_once_across_its_pages():
    catalog = collection(95)
    pages = {p.path: p.text for p in render_site(catalog, "Site", page_size=10)}
    assert "papers/index/10.md" in pages and "papers/index/11.md" not in pages
    newest_first = [p.slug for p in sorted(catalog.papers, key=lambda p: p.date, reverse=True)]
    assert listed(pages, "papers/index.md") == newest_first
    for topic in catalog.topics:
        assert listed(pages, f"topics/{topic.slug}.md") == list(topic.papers)
    even = catalog.topic("even").papers
    assert len([p for p in pages if p.startswith("topics/even")]) == -(-len(even) // 10) > 1


def test_only_the_first_page_of_a_topic_shows_its_map_with_only_its_papers():
    catalog = collection(95)
    pages = {p.path: p.text for p in render_site(catalog, "Site", page_size=10)}
    odd = catalog.topic("odd")
    assert pages["topics/odd.md"].count("<svg") == 1
    assert not any("<svg" in text for path, text in pages.items() if path.startswith("topics/odd/"))
    drawn = re.findall(r'<a href="\.\./papers/([^"]+)\.html">', pages["topics/odd.md"])
    assert sorted(drawn) == sorted(odd.papers)


def test_a_large_map_draws_at_most_the_limit_spread_over_the_whole_map():
    catalog = collection(3000)
    order = central_first(catalog)
    assert sorted(order) == sorted(catalog.layout)
    drawn = drawn_papers(catalog, order, limit=500)
    assert 250 <= len(drawn) <= 500
    xs = sorted(catalog.layout[s][0] for s in drawn)
    assert xs[0] < 0.05 and xs[-1] > 0.95  # the thinned map still spans the collection
    assert drawn_papers(catalog, order[:100], limit=500) == set(order[:100])


def test_the_most_central_papers_of_each_topic_come_first():
    catalog = collection(30)
    order = central_first(catalog)
    firsts = {catalog.topic(t).papers[0] for t in ("even", "odd")}
    assert set(order[:2]) == firsts


def test_pages_by_weight_hold_at_most_the_budget_and_a_heavier_entry_alone():
    pages = paginate_by_weight("authors/index.md", [3, 4, 12, 2, 5, 1], 8, lambda w: w)
    assert [list(page.entries) for page in pages] == [[3, 4], [12], [2, 5, 1]]
    assert [page.path for page in pages] == ["authors/index.md", "authors/index/2.md", "authors/index/3.md"]
    assert [(page.pager.first, page.pager.last, page.pager.total) for page in pages] == [(1, 2, 6), (3, 3, 6), (4, 6, 6)]


def test_pages_by_weight_of_nothing_are_one_empty_page():
    (page,) = paginate_by_weight("authors/index.md", [], 8, lambda w: w)
    assert list(page.entries) == [] and page.pager.count == 1
