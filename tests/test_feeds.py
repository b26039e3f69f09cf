"""Atom feeds: newest first, every field as text, read back by feedparser; none without site_url."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from sitebuild import Page, make_project, papersite

from generator.feeds import FeedSite, build_feed, newest_first, page_feeds, paper_date, site_feed_link
from generator.model import Author, Catalog, Paper, Source, Topic

HOSTILE = Path(__file__).parent / "data" / "hostile.txt"
SITE_URL = "https://example.org/papers/"


def paper(slug: str, date: str = "", title: str = "", **fields) -> Paper:
    return Paper(title=title or slug.title(), source=Source("list.txt", 1), slug=slug, date=date, **fields)


def feed_site() -> FeedSite:
    return FeedSite("Test site", SITE_URL, "Editor", lambda slug: f"{SITE_URL}papers/{slug}.html")


def parse(catalog: Catalog) -> feedparser.FeedParserDict:
    xml = build_feed(feed_site(), catalog, site_feed_link("Test site"), catalog.papers).atom_str(pretty=True)
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_partial_dates_are_read_and_nonsense_is_unknown():
    assert paper_date(paper("a", "2024")).isoformat() == "2024-01-01T00:00:00+00:00"
    assert paper_date(paper("a", "2024-05")).month == 5
    assert paper_date(paper("a", "2024-05-03")).day == 3
    assert paper_date(paper("a", "2024-13-40")) is None
    assert paper_date(paper("a", "")) is None
    assert paper_date(paper("a", "circa 1990")) is None


def test_newest_first_then_undated_in_input_order():
    papers = [paper("u1"), paper("old", "2019"), paper("u2"), paper("new", "2024-02"), paper("mid", "2021-06-01")]
    assert [p.slug for p in newest_first(papers)] == ["new", "mid", "old", "u1", "u2"]


def test_entries_carry_title_link_authors_date_abstract_and_topics():
    topic = Topic("self-play", "Self-play", papers=("b",))
    catalog = Catalog(
        papers=(
            paper("a", "2020", abstract="Older."),
            paper(
                "b",
                "2024-03-05",
                "Self-Play Wins",
                abstract="Newer $x^2$ text.",
                authors=(Author("Lovelace", "Ada"), Author("Turing")),
                topics=("self-play",),
            ),
        ),
        topics=(topic,),
    )
    parsed = parse(catalog)
    first = parsed.entries[0]
    assert [e.title for e in parsed.entries] == ["Self-Play Wins", "A"]
    assert first.link == f"{SITE_URL}papers/b.html" and first.id == first.link
    assert [a.name for a in first.authors] == ["Ada Lovelace", "Turing"]
    assert first.published.startswith("2024-03-05")
    assert first.summary == "Newer $x^2$ text." and first.summary_detail.type == "text/plain"
    assert [(t.term, t.label) for t in first.tags] == [("self-play", "Self-play")]
    assert parsed.feed.updated.startswith("2024-03-05")


def test_hostile_titles_and_abstracts_stay_text():
    title = "<script>alert('x')</script> & <b>bold</b> ]]> \x0b end"
    catalog = Catalog(papers=(paper("h", title=title, abstract="<img src=x onerror=alert(1)> &amp;"),))
    entry = parse(catalog).entries[0]
    assert entry.title == "<script>alert('x')</script> & <b>bold</b> ]]>  end"
    assert entry.title_detail.type == "text/plain"
    assert entry.summary == "<img src=x onerror=alert(1)> &amp;"


def test_topic_pages_announce_their_own_feed_and_others_the_site_feed():
    catalog = Catalog(papers=(paper("a", topics=("t",)),), topics=(Topic("t", "T", papers=("a",)),))
    assert [f.path for f in page_feeds("S", catalog, "topics/t.md")] == ["feeds/papers.xml", "feeds/topics/t.xml"]
    assert [f.path for f in page_feeds("S", catalog, "papers/a.md")] == ["feeds/papers.xml"]
    assert [f.path for f in page_feeds("S", catalog, "topics/index.md")] == ["feeds/papers.xml"]


@pytest.mark.slow
def test_built_site_feeds_validate_and_are_linked_from_pages(tmp_path):
    root = make_project(tmp_path)
    with (root / "mkdocs.yml").open("a") as config:
        config.write(f"\nsite_url: {SITE_URL}\n")
    result = papersite(root, "build", str(HOSTILE))
    assert result.returncode == 0, result.stderr
    assert "no feeds written" not in result.stderr
    site = root / "site"
    parsed = feedparser.parse((site / "feeds" / "papers.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 19
    assert "<script>alert('title')</script> Scripted Title" in [e.title for e in parsed.entries]
    topic_feeds = sorted((site / "feeds" / "topics").glob("*.xml"))
    assert topic_feeds and all(feedparser.parse(f.read_bytes()).entries for f in topic_feeds)
    topic_page = site / "topics" / f"{topic_feeds[0].stem}.html"
    hrefs = [a["href"] for a in Page(topic_page).attrs("link") if a.get("type") == "application/atom+xml"]
    assert hrefs == ["../feeds/papers.xml", f"../feeds/topics/{topic_feeds[0].name}"]
    assert all((topic_page.parent / href).is_file() for href in hrefs)


@pytest.mark.slow
def test_without_site_url_one_warning_and_no_feeds(tmp_path):
    root = make_project(tmp_path)
    result = papersite(root, "build", str(HOSTILE))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("no feeds written: set site_url") == 1
    assert not (root / "site" / "feeds").exists()
    assert not [a for a in Page(root / "site" / "index.html").attrs("link") if a.get("type") == "application/atom+xml"]


def test_feeds_made_with_the_cache_are_those_made_without(monkeypatch):
    """feeds.FeedCache: a feed whose entries, link and site are unchanged takes its XML from the cache;
    after each change the feeds are those made without any cache, and only the changed ones are made."""
    from dataclasses import replace

    from generator import feeds

    topics = (Topic("tides", "Tides", papers=("a", "b")), Topic("waves", "Waves", papers=("c",)))
    papers = [
        paper("a", "2024-01-02", topics=("tides",), authors=(Author("Ada", "Lovelace"),), abstract="On tides."),
        paper("b", "2023", topics=("tides",)),
        paper("c", "", topics=("waves",)),
    ]
    made: list[str] = []
    generator = feeds.feed_generator
    monkeypatch.setattr(
        feeds, "feed_generator", lambda site, feed, entries: made.append(feed.path) or generator(site, feed, entries)
    )
    kept: dict[bytes, bytes] = {}

    def check(catalog: Catalog, site: FeedSite, remade: int) -> None:
        nonlocal kept
        made.clear()
        cold = feeds.render_feeds(site, catalog)
        made.clear()
        cache = feeds.FeedCache(kept)
        assert feeds.render_feeds(site, catalog, cache) == cold
        assert len(made) == remade, made
        kept = cache.current

    catalog = Catalog(papers=tuple(papers), topics=topics)
    check(catalog, feed_site(), remade=3)  # the site's feed and each topic's
    check(catalog, feed_site(), remade=0)
    papers[0] = replace(papers[0], abstract="On tides and marmots.")
    check(Catalog(papers=tuple(papers), topics=topics), feed_site(), remade=2)  # the site's, Tides
    relabelled = (replace(topics[0], label="Tidal flats"), topics[1])
    check(Catalog(papers=tuple(papers), topics=relabelled), feed_site(), remade=2)
    check(Catalog(papers=tuple(papers), topics=relabelled), replace(feed_site(), author="Another editor"), remade=3)


def test_the_newest_few_are_the_first_few_of_the_whole_order():
    """newest_first(..., count) (a partial sort) is newest_first(...)[:count]: ties keep the input order, undated last."""
    import random

    rng = random.Random(7)
    dates = ["2024", "2024-05", "2024-05-03", "2023-12-31", "", "circa 1990", "2022-02"]
    papers = [paper(f"p{n}", rng.choice(dates)) for n in range(300)]
    whole = newest_first(papers)
    for count in (0, 1, 5, 50, 120, 299, 300, 400):
        assert newest_first(papers, count=count) == whole[:count]
