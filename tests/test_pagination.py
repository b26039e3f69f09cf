"""Long listings split into pages (generator/pagination.py) and the points the map draws on a page
(generator/map_points.py): rendered pages only, no MkDocs build (tests/test_pagination_site.py
builds a real site and walks its pages)."""

from __future__ import annotations

import posixpath
import re

import pytest

from generator.map_points import central_first, drawn_papers
from generator.model import Author, Catalog, Paper, Source, Topic
from generator.pagination import NEIGHBOURS, paginate
from generator.paths import listing_page, paper_slug
from generator.render import render_site


def keys(n: int, prefix: str = "paper") -> list[str]:
    return [f"{prefix}-{i}" for i in range(n)]


def same(key: str) -> str:
    return key


def test_a_listing_is_split_in_order_into_pages_of_at_most_the_budget_named_by_their_last_entry_but_the_ends():
    items = keys(500)
    pages = paginate("topics/x.md", items, 20, key=same)
    assert [entry for page in pages for entry in page.entries] == items
    assert all(1 <= len(page.entries) <= 20 for page in pages)
    assert pages[0].path == "topics/x.md"
    assert [page.path for page in pages[1:-1]] == [f"topics/x/{page.entries[-1]}.md" for page in pages[1:-1]]
    assert pages[-1].path == "topics/x/_last.md"
    assert len({page.path for page in pages}) == len(pages)
    assert pages[0].pager.previous is None and pages[0].pager.next == pages[1].path
    assert pages[-1].pager.next is None and pages[-1].pager.previous == pages[-2].path
    assert all(page.pager.first == "topics/x.md" and page.pager.last == pages[-1].path for page in pages)
    assert [page.pager.is_first for page in pages[:2]] == [True, False]


def test_pages_average_about_sixty_percent_of_the_budget():
    for budget in (10, 50, 200):
        pages = paginate("papers/index.md", keys(20_000), budget, key=same)
        assert 0.45 * budget <= 20_000 / len(pages) <= 0.75 * budget, budget


def edited(items: list[str], n: int, remove: bool) -> list[str]:
    return items[:n] + items[n + 1 :] if remove else [*items[:n], f"new-{n}", *items[n:]]


@pytest.mark.parametrize("remove", [False, True])
def test_one_entry_added_or_removed_changes_only_the_pages_around_it(remove):
    items = keys(5_000)
    budget = 50
    before = {(page.path, tuple(page.entries)) for page in paginate("papers/index.md", items, budget, key=same)}
    changes = []
    for n in range(0, len(items), 37):
        after = {
            (page.path, tuple(page.entries)) for page in paginate("papers/index.md", edited(items, n, remove), budget, key=same)
        }
        changes.append(len(after - before))
    assert len(before) > 100
    assert max(changes) <= 6 and sum(changes) / len(changes) <= 1.6, changes


def test_a_changed_weight_changes_only_the_pages_around_it():
    items = [(key, 1 + i % 7) for i, key in enumerate(keys(3_000))]
    pages = paginate("authors/index.md", items, 60, key=lambda item: item[0], weight=lambda item: item[1])
    before = {(page.path, tuple(page.entries)) for page in pages}
    for n in range(0, len(items), 101):
        heavier = [*items[:n], (items[n][0], items[n][1] + 1), *items[n + 1 :]]
        pages = paginate("authors/index.md", heavier, 60, key=lambda item: item[0], weight=lambda item: item[1])
        assert len({(page.path, tuple(page.entries)) for page in pages} - before) <= 6


def test_large_counts_are_written_with_thousands_separators():
    text = {p.path: p.text for p in render_site(collection(1_200), "Site", page_size=1_000)}
    assert "**1,200 papers**" in text["index.md"]
    assert "1,200 papers, newest first" in text["papers/index.md"]


def test_paper_pages_rendered_by_forked_processes_are_the_same_pages_in_the_same_order():
    catalog = collection(1_100)  # five tasks of render.PAPERS_PER_TASK papers
    alone = render_site(catalog, "Site", page_size=100)
    assert render_site(catalog, "Site", page_size=100, workers=3) == alone
    assert sum(p.path.startswith("papers/paper-") for p in alone) == 1_100


def test_an_empty_or_short_listing_is_one_page():
    for items in ([], ["a", "b", "c"]):
        (page,) = paginate("papers/index.md", items, 10, key=same)
        assert page.path == "papers/index.md" and page.pager.count == 1 and list(page.entries) == items


def test_a_page_size_below_one_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        paginate("papers/index.md", ["a"], 0, key=same)


def test_the_pager_names_the_neighbours_by_their_labels_and_no_number():
    pages = paginate("papers/index.md", keys(400), 10, key=same, label=lambda entries: f"from {entries[0]}")
    assert len(pages) > 2 * NEIGHBOURS + 3
    for n, page in enumerate(pages):
        shown = page.pager.neighbours()
        near = pages[max(0, n - NEIGHBOURS) : n + NEIGHBOURS + 1]
        assert [(label, path) for label, path, _ in shown] == [(f"from {p.entries[0]}", p.path) for p in near]
        assert [here for _, _, here in shown].count(True) == 1 and page.pager.label == f"from {page.entries[0]}"
    assert paginate("papers/index.md", keys(400), 10, key=same)[3].pager.neighbours() == []


def test_listing_pages_never_meet_paper_or_topic_pages():
    assert listing_page("papers/index.md", None) == "papers/index.md"
    assert listing_page("papers/index.md", "some-paper") == "papers/index/some-paper.md"
    assert listing_page("topics/robots.md", "x") == "topics/robots/x.md"
    assert listing_page("authors/index.md", "ada-lovelace.2") == "authors/index/ada-lovelace.2.md"
    assert paper_slug("papers/robots.md") == "robots"
    assert paper_slug("papers/index/some-paper.md") is None and paper_slug("papers/index.md") is None
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
    """The paper slugs a listing's pages link to (the map left out), in order, page after page (the
    order render_site gives them)."""
    slugs = []
    folder = first.removesuffix(".md") + "/"
    for page in [first] + [p for p in pages if p.startswith(folder)]:
        for target in LINK.findall(MAP.sub("", pages[page])):
            slug = paper_slug(posixpath.normpath(posixpath.join(posixpath.dirname(page), target)))
            slugs += [slug] if slug else []
    return slugs


def test_every_listing_holds_each_of_its_papers_once_across_its_pages():
    catalog = collection(95)
    pages = {p.path: p.text for p in render_site(catalog, "Site", page_size=10)}
    assert sum(p.startswith("papers/index/") for p in pages) >= 10
    newest_first = [p.slug for p in sorted(catalog.papers, key=lambda p: p.date, reverse=True)]
    assert listed(pages, "papers/index.md") == newest_first
    for topic in catalog.topics:
        assert listed(pages, f"topics/{topic.slug}.md") == list(topic.papers)
    even = catalog.topic("even").papers
    assert len([p for p in pages if p.startswith("topics/even")]) >= -(-len(even) // 10) > 1


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
    items = [(key, 1 + i % 5) for i, key in enumerate(keys(300))] + [("heavy", 12), ("after", 2)]
    pages = paginate("authors/index.md", items, 8, key=lambda item: item[0], weight=lambda item: item[1])
    assert [entry for page in pages for entry in page.entries] == items
    assert all(sum(weight for _, weight in page.entries) <= 8 for page in pages if len(page.entries) > 1)
    assert [list(page.entries) for page in pages if ("heavy", 12) in page.entries] == [[("heavy", 12)]]


def test_pages_by_weight_of_nothing_are_one_empty_page():
    (page,) = paginate("authors/index.md", [], 8, key=same, weight=len)
    assert list(page.entries) == [] and page.pager.count == 1


def many_authors(n: int, extra: bool = False, initial: str = "") -> Catalog:
    """n papers by two of 150 authors each, dated over a year; with extra, one more paper in the middle;
    initial follows each given name ("Given7 M.")."""
    people = [Author(f"Family{i:03d}", f"Given{i}{initial}") for i in range(150)]
    numbers = list(range(n)) + ([n] if extra else [])
    papers = tuple(
        Paper(
            title=f"Paper {i}",
            abstract=f"Sentence {i}.",
            source=Source("t", i),
            slug=f"paper-{i}",
            date=f"2024-{1 + i * 7 % 12:02d}-{1 + i % 28:02d}",
            authors=(people[i * 7 % 150], people[(i * 11 + 3) % 150]),
            topics=("all",),
        )
        for i in numbers
    )
    topics = (Topic("all", "All", papers=tuple(p.slug for p in papers)),)
    return Catalog(papers=papers, topics=topics, layout={p.slug: (0.5, 0.5) for p in papers})


def test_an_authors_page_ending_on_an_initial_has_one_full_stop():
    """A directory page's sentence ends with the span's last name: "... this page: X to Hopper, Grace M." has
    no second full stop after the initial."""
    pages = [p for p in render_site(many_authors(1_500, initial=" M."), "Site", page_size=50) if p.path.startswith("authors/")]
    assert len(pages) > 2
    for page in pages:
        sentence = re.search(r"<p>.*?with two or more papers in this collection.*?</p>", page.text)
        assert sentence and "this page: " in sentence[0] and sentence[0].endswith("M.</p>"), page.path
        assert not sentence[0].endswith("..</p>"), page.path


def test_one_paper_added_rewrites_only_the_listing_pages_around_it_and_no_other_paper_page():
    before = {p.path: p.text for p in render_site(many_authors(1_500), "Site", page_size=50)}
    after = {p.path: p.text for p in render_site(many_authors(1_500, extra=True), "Site", page_size=50)}
    changed = {path for path in after if before.get(path) != after[path]} | (set(before) - set(after))
    listings = [path for path in after if path.startswith(("authors/", "papers/index", "topics/all"))]
    assert len(listings) > 100
    paper_pages = {path for path in changed if paper_slug(path)}
    assert paper_pages <= {"papers/paper-1500.md"}  # the new paper's authors' pages kept their names
    assert len(changed - paper_pages) <= 12, sorted(changed)  # of the directory, All papers, the topic, the home page
