"""Atom feeds of the newest papers: one for the whole site and one per topic (written with feedgen).

Feeds need absolute links, so they are written only when mkdocs.yml sets `site_url`.
Newest first by `Paper.date` where it is known; undated papers follow in the order of the input.
When the collection records entry days (`Paper.added`), the order is the New page's: most recently
added first (see whats_new.py).

    feeds/papers.xml           the newest papers of the collection
    feeds/topics/<slug>.xml    the newest papers of one topic
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from feedgen.feed import FeedGenerator

from .identifiers import date_parts
from .model import Catalog, Paper, Topic
from .paths import SITE_FEED, topic_feed, topic_page
from .whats_new import newest_added_first

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


def newest_first(papers: Sequence[Paper], date_of: Callable[[Paper], datetime | None] = paper_date) -> list[Paper]:
    """The New page's order when the collection records entry days (papers added most recently first,
    see whats_new.py), else dated papers newest first (ties keep input order), then undated papers in
    input order. date_of is paper_date (render_feeds passes each paper's, worked out once)."""
    if any(p.added for p in papers):
        return newest_added_first(papers)
    dates = [date_of(p) for p in papers]
    dated = sorted(((d, p) for d, p in zip(dates, papers) if d is not None), key=lambda pair: pair[0], reverse=True)
    return [p for _, p in dated] + [p for d, p in zip(dates, papers) if d is None]


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


def build_feed(
    site: FeedSite,
    catalog: Catalog,
    feed: FeedLink,
    papers: Sequence[Paper],
    date_of: Callable[[Paper], datetime | None] = paper_date,
) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(site.url + feed.path)
    generator.title(xml_text(feed.title))
    generator.author({"name": xml_text(site.author)})
    generator.link(href=site.url + feed.path, rel="self")
    generator.link(href=site.url, rel="alternate")
    entries = newest_first(papers, date_of)[:FEED_SIZE]
    for paper in entries:
        _add_entry(generator, site, catalog, paper)
    generator.updated(max((_updated(p) for p in entries), default=EPOCH))
    return generator


def _add_entry(generator: FeedGenerator, site: FeedSite, catalog: Catalog, paper: Paper) -> None:
    entry = generator.add_entry(order="append")
    url = site.page_url(paper.slug)
    entry.id(url)
    entry.title(xml_text(paper.title))
    entry.link(href=url, rel="alternate")
    if paper.authors:
        entry.author([{"name": xml_text(a.name)} for a in paper.authors if a.name])
    entry.updated(_updated(paper))
    if paper_date(paper) is not None:
        entry.published(paper_date(paper))
    if paper.abstract:
        entry.summary(xml_text(paper.abstract))  # no type: Atom text, never markup
    for slug in paper.topics:
        topic = catalog.topic(slug)
        entry.category(term=topic.slug, label=xml_text(topic.label))


def _updated(paper: Paper) -> datetime:
    return paper_date(paper) or source_time(paper)


def render_feeds(site: FeedSite, catalog: Catalog) -> dict[str, bytes]:
    """The site feed and one feed per topic: path from the site folder -> Atom XML."""
    feeds = [(site_feed_link(site.name), list(catalog.papers))]
    feeds += [(topic_feed_link(site.name, t), [catalog.paper(s) for s in t.papers]) for t in catalog.topics]
    dates = {paper.slug: paper_date(paper) for paper in catalog.papers}  # every paper is in several feeds

    def date_of(paper: Paper) -> datetime | None:
        return dates[paper.slug]

    return {link.path: build_feed(site, catalog, link, papers, date_of).atom_str(pretty=True) for link, papers in feeds}


def page_feeds(site_name: str, catalog: Catalog, src_uri: str) -> list[FeedLink]:
    """The feeds a page's head announces: the site feed, and a topic page's own feed."""
    links = [site_feed_link(site_name)]
    links += [topic_feed_link(site_name, t) for t in catalog.topics if src_uri == topic_page(t.slug)]
    return links
