"""The render cache (render.PageCache, kept by pipeline.generate in the cache folder): a paper or
listing page whose inputs have the recorded digest takes the recorded text. With the cache, after any
sequence of edits, every page is the page rendered without it."""

from __future__ import annotations

import dataclasses

import jinja2.meta
import pytest

from generator.config import settings_for
from generator.enrich import enrich
from generator.model import Author, Paper
from generator.paths import paper_page
from generator.pipeline import AUTHOR_NAMES, PAGES_CACHE, PAGES_CACHE_PARTS, generate, load_rendered_pages
from generator.render import PAPER_TEMPLATE, PageCache, make_environment, render_site
from tests.examples import load_example, make_paper

PAGE_SIZE = 4  # small: the authors directory has many pages, so entries move between them


def with_authors(papers: list[Paper]) -> list[Paper]:
    """Authors shared between papers (so they have directory entries), some of one paper only."""
    return [
        dataclasses.replace(paper, authors=(Author(f"Family{n % 7}", "Ann"), Author(f"Solo{n}"), Author(f"Other{n % 3}")))
        for n, paper in enumerate(papers)
    ]


def edits(papers: list[Paper]) -> list[tuple[str, list[Paper]]]:
    """The bench's kinds of edit, one after the other."""
    middle = len(papers) // 2
    added = make_paper("999-marmots", "Marmots learn to hibernate with transformers", "Marmots and transformers.")
    added = dataclasses.replace(added, authors=papers[middle].authors)
    steps = [("start", papers)]
    steps.append(("add a paper in the middle", papers[:middle] + [added] + papers[middle:]))
    current = steps[-1][1]
    changed = dataclasses.replace(current[3], abstract=current[3].abstract + " It also studies marmots.")
    steps.append(("change an abstract", current[:3] + [changed] + current[4:]))
    current = steps[-1][1]
    retitled = dataclasses.replace(current[5], title="A new title for a related paper")
    steps.append(("change a title", current[:5] + [retitled] + current[6:]))
    current = steps[-1][1]
    many = [
        dataclasses.replace(p, abstract="Marmots first. " + p.abstract, venue="Marmot Journal") if i % 7 == 0 else p
        for i, p in enumerate(current)
    ]
    steps.append(("change every seventh abstract and venue", many))  # some on later pages of each listing
    current = steps[-1][1]
    steps.append(("remove a paper", current[:middle] + current[middle + 1 :]))
    current = steps[-1][1]
    steps.append(("reorder", current[::-1]))
    steps.append(("back to the start", papers))
    return steps


def test_pages_rendered_with_the_cache_are_the_pages_rendered_without_it():
    previous: dict[str, tuple[str, str]] = {}
    reused = reused_listings = 0
    for name, papers in edits(with_authors(load_example())):
        catalog = enrich(papers)
        cache = PageCache(previous)
        cached = render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=cache)
        fresh = render_site(catalog, "Site", page_size=PAGE_SIZE)
        assert [page.path for page in cached] == [page.path for page in fresh], name
        for got, expected in zip(cached, fresh):
            assert got.text == expected.text, f"{name}: {got.path}"
        assert set(cache.current) >= {paper_page(paper.slug) for paper in catalog.papers}
        listings = set(cache.current) - {paper_page(paper.slug) for paper in catalog.papers}
        assert {path.split("/")[0] for path in listings} == {"index.md", "papers", "topics", "authors"}, name
        reused += sum(previous.get(path, ("",))[0] == digest for path, (digest, _) in cache.current.items())
        reused_listings += sum(previous.get(path, ("",))[0] == cache.current[path][0] for path in listings)
        previous = cache.current
    assert reused > 0 and reused_listings > 0  # the cache did serve pages of both kinds: the comparison above tested it


def test_a_recorded_text_is_used_only_under_its_digest():
    catalog = enrich(with_authors(load_example()))
    cache = PageCache()
    render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=cache)
    wrong = {path: ("not the digest", "stale text") for path in cache.current}
    pages = render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=PageCache(wrong))
    assert "stale text" not in {page.text for page in pages}
    other_urls = render_site(catalog, "Site", page_size=PAGE_SIZE, directory_urls=True, page_cache=PageCache(cache.current))
    assert other_urls == render_site(catalog, "Site", page_size=PAGE_SIZE, directory_urls=True)


def test_the_paper_template_reads_only_its_context_and_pure_globals():
    """The digest covers the context; a template reading anything else (the catalog, the map) would
    make cached pages stale. Globals allowed here are functions of their arguments and the page."""
    env = make_environment()
    source, _, _ = env.loader.get_source(env, PAPER_TEMPLATE)
    read = jinja2.meta.find_undeclared_variables(env.parse(source))
    pure_globals = {"page_link", "page_href", "anchor_href", "paper_page", "topic_page", "TOPICS_INDEX", "PAPERS_INDEX"}
    pure_globals |= {"AUTHORS_INDEX", "TAGS_PAGE", "NEW_PAGE"}
    assert read <= {"paper", "topics", "related", "authors", "page_path"} | pure_globals, read


def test_listing_pages_follow_each_field_they_show():
    """The same topics, order and related papers, with the text a listing shows changed on every
    seventh paper (title, first sentence, venue, date, first author): every page rendered with the
    cache is the page rendered without it, and the cache served the listing pages that did not change."""
    catalog = enrich(with_authors(load_example()))
    cache = PageCache()
    render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=cache)
    edited = catalog
    for field, change in [  # one after the other: dated papers first, so All papers shows venues and authors
        ("date", lambda p: "1999-01-01"),
        ("title", lambda p: "Marmots: " + p.title),
        ("abstract", lambda p: "Marmots first. " + p.abstract),
        ("venue", lambda p: "Marmot Journal"),
        ("authors", lambda p: (Author("Aardvark", "Zed"), *p.authors)),
    ]:
        papers = tuple(dataclasses.replace(p, **{field: change(p)}) if i % 7 == 0 else p for i, p in enumerate(edited.papers))
        edited = dataclasses.replace(edited, papers=papers, _by_slug={})
        warm = PageCache(cache.current)
        cached = render_site(edited, "Site", page_size=PAGE_SIZE, page_cache=warm)
        fresh = render_site(edited, "Site", page_size=PAGE_SIZE)
        assert [(page.path, page.text) for page in cached] == [(page.path, page.text) for page in fresh], field
        listings = [path for path in warm.current if not path.startswith("papers/") or path.startswith("papers/index")]
        assert any(warm.previous.get(path, ("",))[0] == warm.current[path][0] for path in listings), field
        cache = warm
        assert any(warm.previous.get(path, ("",))[0] == warm.current[path][0] for path in listings), field


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("all_papers.md.j2", {"site", "entries", "pager", "total"}),
        ("topic.md.j2", {"topic", "entries", "pager", "total", "topic_map", "map"}),  # map: set from topic_map
        ("authors_index.md.j2", {"entries", "pager", "count", "letters", "catalog"}),
        ("pager.md.j2", {"pager"}),
        ("home.md.j2", {"site", "topic_map", "map"}),  # site: its name, catalog, topics, new (render._home_inputs)
    ],
)
def test_the_listing_templates_read_only_what_their_digests_cover(template: str, context: set[str]) -> None:
    """render._all_papers_inputs, _topic_inputs and _authors_directory digest these names (site: only
    its years and has_authors; topic_map: only on a topic's first page, whose digest covers its MapData; catalog:
    only the titles and years of the entries' papers)."""
    env = make_environment()
    source, _, _ = env.loader.get_source(env, template)
    read = jinja2.meta.find_undeclared_variables(env.parse(source))
    pure_globals = {"page_link", "page_href", "anchor_href", "paper_page", "topic_page", "TOPICS_INDEX", "PAPERS_INDEX"}
    pure_globals |= {"AUTHORS_INDEX", "TAGS_PAGE", "NEW_PAGE", "page_path"}
    assert read <= context | pure_globals, read


def test_generate_with_a_warm_or_damaged_cache_writes_what_it_writes_without(tmp_path):
    papers = with_authors(load_example())
    cache_folder = tmp_path / "cache"
    settings = settings_for(tmp_path, cache_folder=str(cache_folder), listing_page_size=10)
    plain = settings_for(tmp_path, listing_page_size=10)
    for step, (name, edited) in enumerate(edits(papers)):
        catalog = enrich(edited)
        if step == 3:  # damage a part of the cache and remove another: thrown away, their pages rendered afresh
            data = bytearray(_part(cache_folder, 0).read_bytes())
            data[len(data) // 2] ^= 0xFF
            _part(cache_folder, 0).write_bytes(bytes(data))
            _part(cache_folder, 1).unlink()
            names = cache_folder / AUTHOR_NAMES
            names.write_bytes(names.read_bytes()[:-100])
        generate(catalog, settings, tmp_path / "cached", "Site")
        generate(catalog, plain, tmp_path / "fresh", "Site")
        assert load_rendered_pages(cache_folder).keys() == set(_cached_paths(tmp_path / "cached"))
        files = sorted(p.relative_to(tmp_path / "fresh") for p in (tmp_path / "fresh").rglob("*.md"))
        assert files == sorted(p.relative_to(tmp_path / "cached") for p in (tmp_path / "cached").rglob("*.md")), name
        for file in files:
            assert (tmp_path / "cached" / file).read_text() == (tmp_path / "fresh" / file).read_text(), f"{name}: {file}"


def test_a_topics_first_page_follows_everything_its_map_shows():
    """A topic's first page and the home page (which draw the map) are cached by what their map shows: moving a point,
    retitling a paper, relabelling or reordering topics, or changing a paper's main topic renders the
    pages whose map changed, exactly as without the cache; with nothing changed, every one is reused."""
    catalog = enrich(with_authors(load_example()))
    assert catalog.layout and len(catalog.topics) > 2
    first_pages = {f"topics/{topic.slug}.md" for topic in catalog.topics} | {"index.md"}  # the home page has a map too
    cache = PageCache()
    render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=cache)
    moved, *_ = catalog.layout
    some = catalog.papers[len(catalog.papers) // 2]
    edits = [
        ("nothing", lambda c: c),
        ("move a point", lambda c: dataclasses.replace(c, layout={**c.layout, moved: (0.01, 0.99)})),
        ("retitle a paper", lambda c: _with_paper(c, dataclasses.replace(some, title="Marmots: " + some.title))),
        ("retitle a topic's first paper", lambda c: _with_paper(c, _retitled(c.paper(c.topics[0].papers[0])))),
        (
            "relabel a topic",
            lambda c: dataclasses.replace(
                c, topics=(dataclasses.replace(c.topics[1], label="Marmots"), *c.topics[2:], c.topics[0]), _by_slug={}
            ),
        ),
        ("reorder the topics", lambda c: dataclasses.replace(c, topics=c.topics[::-1], _by_slug={})),
        ("another main topic", lambda c: _with_paper(c, dataclasses.replace(some, topics=(*some.topics[1:], some.topics[0])))),
    ]
    edited = catalog
    for name, edit in edits:
        edited = edit(edited)
        warm = PageCache(cache.current)
        cached = render_site(edited, "Site", page_size=PAGE_SIZE, page_cache=warm)
        fresh = render_site(edited, "Site", page_size=PAGE_SIZE)
        assert [(page.path, page.text) for page in cached] == [(page.path, page.text) for page in fresh], name
        maps = {page.path: page.text for page in fresh if page.path in first_pages}
        assert maps and all("<svg" in text for text in maps.values()), name
        reused = {path for path in maps if warm.previous.get(path, ("",))[0] == warm.current[path][0]}
        if name == "nothing":
            assert reused == set(maps)
        else:
            assert reused != set(maps), name  # the edit changed some map, and the cache did not hide it
        cache = warm


def _with_paper(catalog, paper: Paper):
    papers = tuple(paper if p.slug == paper.slug else p for p in catalog.papers)
    return dataclasses.replace(catalog, papers=papers, _by_slug={})


def _part(cache_folder, part: int):
    return cache_folder / f"{PAGES_CACHE}-{part:02}"


def _cached_paths(docs):
    """The generated pages the render cache keeps: paper pages, listings and the home page (not the topics index, tags)."""
    kept = {"papers", "topics", "authors", "index.md"}
    pages = [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
    return [page for page in pages if page.split("/")[0] in kept and page != "topics/index.md"]


def test_a_build_saves_only_the_parts_of_the_cache_holding_a_changed_page(tmp_path):
    papers = with_authors(load_example())
    cache_folder = tmp_path / "cache"
    settings = settings_for(tmp_path, cache_folder=str(cache_folder), listing_page_size=10)
    generate(enrich(papers), settings, tmp_path / "docs", "Site")
    before = {part: _part(cache_folder, part).read_bytes() for part in range(PAGES_CACHE_PARTS)}
    generate(enrich(papers), settings, tmp_path / "docs", "Site")
    assert all(_part(cache_folder, part).read_bytes() == data for part, data in before.items())  # nothing changed
    changed = dataclasses.replace(papers[3], abstract=papers[3].abstract + " It also studies marmots.")
    catalog = enrich(papers[:3] + [changed] + papers[4:])
    generate(catalog, settings, tmp_path / "docs", "Site")
    rewritten = [part for part, data in before.items() if _part(cache_folder, part).read_bytes() != data]
    assert 0 < len(rewritten) < PAGES_CACHE_PARTS // 2
    fresh = PageCache()
    render_site(catalog, "Site", page_size=10, page_cache=fresh)
    assert load_rendered_pages(cache_folder) == fresh.current  # every part holds what this build rendered


def test_the_one_file_render_cache_of_earlier_versions_is_removed(tmp_path):
    cache_folder = tmp_path / "cache"
    cache_folder.mkdir()
    (cache_folder / PAGES_CACHE).write_bytes(b"a render cache of one file, as papersite kept before the parts")
    settings = settings_for(tmp_path, cache_folder=str(cache_folder), listing_page_size=10)
    generate(enrich(with_authors(load_example())), settings, tmp_path / "docs", "Site")
    assert not (cache_folder / PAGES_CACHE).exists()
    assert _part(cache_folder, 0).exists()


def _retitled(paper: Paper) -> Paper:
    return dataclasses.replace(paper, title="Hibernation: " + paper.title)


def test_the_home_page_follows_its_topics_without_a_map():
    """Without a map, the home page still follows what it lists: each topic's label, count and first papers' titles."""
    catalog = enrich(with_authors(load_example()), settings=settings_for(topic_map=False))
    assert not catalog.layout
    cache = PageCache()
    render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=cache)
    first = catalog.topics[0]
    for name, edited in [
        ("retitle a topic's first paper", _with_paper(catalog, _retitled(catalog.paper(first.papers[0])))),
        (
            "relabel a topic",
            dataclasses.replace(catalog, topics=(dataclasses.replace(first, label="Marmots"), *catalog.topics[1:])),
        ),
        (
            "fewer papers in a topic",
            dataclasses.replace(catalog, topics=(dataclasses.replace(first, papers=first.papers[1:]), *catalog.topics[1:])),
        ),
    ]:
        edited = dataclasses.replace(edited, _by_slug={})
        warm = PageCache(cache.current)
        cached = {page.path: page.text for page in render_site(edited, "Site", page_size=PAGE_SIZE, page_cache=warm)}
        fresh = {page.path: page.text for page in render_site(edited, "Site", page_size=PAGE_SIZE)}
        assert cached["index.md"] == fresh["index.md"] != render_site(catalog, "Site", page_size=PAGE_SIZE)[0].text, name


def test_a_paper_moved_to_another_line_keeps_its_page_and_digest():
    """The page names the files a paper was read from, not the lines: a paper added above every other
    (all later records one line further) leaves every other paper's page in the cache."""
    catalog = enrich(with_authors(load_example()))
    cache = PageCache()
    before = render_site(catalog, "Site", page_size=PAGE_SIZE, page_cache=cache)

    def moved(source):
        return dataclasses.replace(source, line=source.line + 1000)

    papers = tuple(
        dataclasses.replace(p, source=moved(p.source), merged_from=tuple(map(moved, p.merged_from))) for p in catalog.papers
    )
    shifted = dataclasses.replace(catalog, papers=papers, _by_slug={})
    warm = PageCache(cache.current)
    after = render_site(shifted, "Site", page_size=PAGE_SIZE, page_cache=warm)
    assert [(page.path, page.text) for page in after] == [(page.path, page.text) for page in before]
    assert not {paper_page(p.slug) for p in papers} & warm.rendered
    renamed = tuple(dataclasses.replace(p, source=dataclasses.replace(p.source, path="other/list.bib")) for p in papers)
    elsewhere = PageCache(cache.current)
    pages = render_site(
        dataclasses.replace(catalog, papers=renamed, _by_slug={}), "Site", page_size=PAGE_SIZE, page_cache=elsewhere
    )
    assert {paper_page(p.slug) for p in papers} <= elsewhere.rendered
    assert all("list.bib" in page.text for page in pages if page.path in elsewhere.rendered and page.path.startswith("papers/"))
