"""Atom feeds of the newest papers: one for the whole site and one per topic (written with feedgen).

Feeds need absolute links, so they are written only when mkdocs.yml sets `site_url`.
Newest first by `Paper.date` where it is known; undated papers follow in the order of the input.
When the collection records entry days (`Paper.added`), the order is the New page's: most recently
added first (see whats_new.py).

    feeds/papers.xml           the newest papers of the collection
    feeds/topics/<slug>.xml    the newest papers of one topic
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from .identifiers import date_parts
from .model import Catalog, Paper, Topic
from .paths import SITE_FEED, topic_feed, topic_page
from .whats_new import newest_added_first

if TYPE_CHECKING:  # feedgen (with lxml and dateutil) is imported only when feeds are made: a site without site_url has none
    from feedgen.feed import FeedGenerator

FEED_SIZE = 50
# Characters XML 1.0 cannot hold (lxml refuses them): C0 controls other than tab, newline, return.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FeedLink:
    """A feed as a page head announces it: its title and its path from the site root."""

    title: str
    path: str


def site_feed_link(site_name: str) -> FeedLink:
    return FeedLink(f"{site_name}: newest papers", SITE_FEED)


def topic_feed_link(site_name: str, topic: Topic) -> FeedLink:
    return FeedLink(f"{site_name}: {topic.label}", topic_feed(topic.slug))


def paper_date(paper: Paper) -> datetime | None:
    """The paper's date as a UTC datetime ("2024" is 2024-01-01), or None when unknown or unreadable."""
    parts = date_parts(paper.date)
    if not parts:
        return None
    year, month, day = [*parts, 1, 1][:3]
    return datetime(year, month, day, tzinfo=timezone.utc)


def newest_first(
    papers: Sequence[Paper], date_of: Callable[[Paper], datetime | None] = paper_date, count: int | None = None
) -> list[Paper]:
    """The New page's order when the collection records entry days (papers added most recently first,
    see whats_new.py), else dated papers newest first (ties keep input order), then undated papers in
    input order; the first `count` of them (None: all). date_of is paper_date (render_feeds passes
    each paper's, worked out once)."""
    if any(p.added for p in papers):
        return newest_added_first(papers)[:count]
    dates = [date_of(p) for p in papers]
    pairs = ((d, p) for d, p in zip(dates, papers) if d is not None)
    if count is None:
        dated = sorted(pairs, key=_first, reverse=True)
    else:  # the same as sorted(...)[:count], ties in input order too
        dated = heapq.nlargest(count, pairs, key=_first)
    return ([p for _, p in dated] + [p for d, p in zip(dates, papers) if d is None])[:count]


def _first(pair: tuple[datetime, Paper]) -> datetime:
    return pair[0]


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def source_time(paper: Paper) -> datetime:
    """When the paper's source file last changed: the `updated` time of an undated entry."""
    try:
        return datetime.fromtimestamp(Path(paper.source.path).stat().st_mtime, tz=timezone.utc).replace(microsecond=0)
    except OSError:
        return EPOCH


@dataclass(frozen=True)
class FeedSite:
    """What every feed needs to know about the site."""

    name: str
    url: str  # site_url, ending in "/"
    author: str
    page_url: Callable[[str], str]  # paper slug -> absolute URL of its page


@dataclass(frozen=True)
class Entry:
    """All that a feed's entry shows of a paper (the XML is made from this alone)."""

    url: str
    title: str
    authors: tuple[str, ...]
    updated: datetime
    published: datetime | None
    summary: str
    categories: tuple[tuple[str, str], ...]  # topic slug, label


def feed_entries(
    site: FeedSite,
    catalog: Catalog,
    papers: Sequence[Paper],
    date_of: Callable[[Paper], datetime | None] = paper_date,
) -> list[Entry]:
    """The entries of a feed of these papers: the newest FEED_SIZE."""
    entries = []
    for paper in newest_first(papers, date_of, FEED_SIZE):
        published = date_of(paper)
        categories = tuple((slug, catalog.topic(slug).label) for slug in paper.topics)
        authors = tuple(a.name for a in paper.authors if a.name)
        updated = published or source_time(paper)
        entries.append(Entry(site.page_url(paper.slug), paper.title, authors, updated, published, paper.abstract, categories))
    return entries


def build_feed(
    site: FeedSite,
    catalog: Catalog,
    feed: FeedLink,
    papers: Sequence[Paper],
    date_of: Callable[[Paper], datetime | None] = paper_date,
) -> FeedGenerator:
    return feed_generator(site, feed, feed_entries(site, catalog, papers, date_of))


def feed_generator(site: FeedSite, feed: FeedLink, entries: Sequence[Entry]) -> FeedGenerator:
    """The feed of these entries; reads nothing else of the site than its url and author."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(site.url + feed.path)
    generator.title(xml_text(feed.title))
    generator.author({"name": xml_text(site.author)})
    generator.link(href=site.url + feed.path, rel="self")
    generator.link(href=site.url, rel="alternate")
    for entry in entries:
        _add_entry(generator, entry)
    generator.updated(max((e.updated for e in entries), default=EPOCH))
    return generator


def _add_entry(generator: FeedGenerator, entry: Entry) -> None:
    item = generator.add_entry(order="append")
    item.id(entry.url)
    item.title(xml_text(entry.title))
    item.link(href=entry.url, rel="alternate")
    if entry.authors:
        item.author([{"name": xml_text(name)} for name in entry.authors])
    item.updated(entry.updated)
    if entry.published is not None:
        item.published(entry.published)
    if entry.summary:
        item.summary(xml_text(entry.summary))  # no type: Atom text, never markup
    for slug, label in entry.categories:
        item.category(term=slug, label=xml_text(label))


def render_feeds(site: FeedSite, catalog: Catalog, kept: FeedCache | None = None) -> dict[str, bytes]:
    """The site feed and one feed per topic: path from the site folder -> Atom XML. `kept`: the XML
    of the feeds made before, by a digest of what they show (a feed is made only when that changed)."""
    kept = kept if kept is not None else FeedCache()
    feeds = [(site_feed_link(site.name), list(catalog.papers))]
    feeds += [(topic_feed_link(site.name, t), [catalog.paper(s) for s in t.papers]) for t in catalog.topics]
    by_text: dict[str, datetime | None] = {}  # paper_date reads only the date's text, which papers share
    dates = {}  # every paper is in several feeds
    for paper in catalog.papers:
        if paper.date not in by_text:
            by_text[paper.date] = paper_date(paper)
        dates[paper.slug] = by_text[paper.date]

    def date_of(paper: Paper) -> datetime | None:
        return dates[paper.slug]

    written = {}
    for link, papers in feeds:
        entries = feed_entries(site, catalog, papers, date_of)
        written[link.path] = kept.xml(site, link, entries)
    return written


class FeedCache:
    """The XML of feeds by a digest of all a feed shows (its site's url and author, its link and its
    entries: feed_generator reads nothing else): `previous` an earlier build's, `current` this one's."""

    def __init__(self, previous: dict[bytes, bytes] | None = None) -> None:
        self.previous = previous or {}
        self.current: dict[bytes, bytes] = {}

    def xml(self, site: FeedSite, feed: FeedLink, entries: Sequence[Entry]) -> bytes:
        key = hashlib.blake2b(repr((site.url, site.author, feed, list(entries))).encode("utf-8"), digest_size=20).digest()
        found = self.current.get(key) or self.previous.get(key)
        if found is None:
            found = feed_generator(site, feed, entries).atom_str(pretty=True)
        self.current[key] = found
        return found

    def changed(self) -> bool:
        return self.current.keys() != self.previous.keys()


def cache_key() -> str:
    """The feeds' cache key: feedgen's version (papersite's code is in every key)."""
    return f"feeds:feedgen {version('feedgen')}"


def page_feeds(site_name: str, catalog: Catalog, src_uri: str) -> list[FeedLink]:
    """The feeds a page's head announces: the site feed, and a topic page's own feed."""
    links = [site_feed_link(site_name)]
    links += [topic_feed_link(site_name, t) for t in catalog.topics if src_uri == topic_page(t.slug)]
    return links
