"""The site's search index of papers, topics and authors, built once at build time.

Material's search worker downloads every page's text and builds a lunr index in the browser on
every page load: 13 s from a folder at 10,000 papers. papersite instead writes `search/papers.js`:
a compact inverted index of the paper fields people search (title, authors, topics, venue, year,
abstract), ready to use, which our own worker (assets/papersite/search-worker.js, behind
Material's unchanged search box) loads with `importScripts`, so it works from file:// too.
Material's own index keeps the hand-written pages; generated pages are left out of it.

Format (a call `papersiteSearch({...})`, JSON inside):
  fields    the field names; a posting's mask has bit i set when the term is in field i
  weights   the weight of each field in a match
  docs      [location, title, byline, [tag indices]] per document: topics, authors (their directory entries), papers
  tags      the topic labels the docs refer to
  terms     every term, sorted, joined by newlines
  postings  per term, joined by commas: for each document holding it, the gap from the previous
            document number as a base-32 varint, then the field mask, in the DIGITS alphabet

The worker tokenises queries exactly as `terms` does here (lower case, accents removed, runs of
letters and digits); tests/test_search_browser.py checks that the two agree.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .model import Catalog, Paper
from .paths import paper_page, topic_page, with_anchor

FIELDS = ("title", "authors", "topics", "venue", "year", "abstract")
WEIGHTS = (10, 8, 6, 4, 4, 1)
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
# Words too common to help; the worker drops them from queries too.
STOP_WORDS = frozenset("a an and are as at be by for from in into is it of on or the to via with we our this that".split())
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchDoc:
    """One search result: where it goes, what it shows, and its searchable text by field."""

    location: str
    title: str
    byline: str
    tags: tuple[str, ...]
    text: dict[str, str]


def terms(text: str) -> list[str]:
    """The words of text as the index and the worker see them: lower case, accents removed."""
    plain = text.lower()
    if not plain.isascii():
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", plain) if not unicodedata.category(ch).startswith("M"))
    return [word for word in _WORD.findall(plain) if len(word) > 1 and word not in STOP_WORDS]


def catalog_docs(catalog: Catalog, url_of: Callable[[str], str], authors: Iterable[tuple[str, str, str, int]]) -> list[SearchDoc]:
    """Topics first, then the authors' entries in the directory (name, page path, anchor, paper
    count), then papers.
    url_of maps a page path of the docs folder ("papers/x.md") to its site URL."""
    docs = [
        SearchDoc(
            url_of(topic_page(t.slug)),
            t.label,
            f"Topic · {_papers(len(t.papers))}",
            (),
            {"title": t.label, "abstract": t.description},
        )
        for t in catalog.topics
    ]
    docs += [
        SearchDoc(with_anchor(url_of(page), anchor), name, f"Author · {_papers(count)}", (), {"title": name})
        for name, page, anchor, count in authors
    ]
    docs += [paper_doc(catalog, paper, url_of(paper_page(paper.slug))) for paper in catalog.papers]
    return docs


def paper_doc(catalog: Catalog, paper: Paper, location: str) -> SearchDoc:
    topics = tuple(catalog.topic(slug).label for slug in paper.topics)
    authors = ", ".join(a.name for a in paper.authors)
    byline = " · ".join(part for part in (_short_authors(paper), paper.year, paper.venue) if part)
    text = {"title": paper.title, "authors": authors, "topics": " ".join(topics), "venue": paper.venue, "year": paper.year}
    return SearchDoc(location, paper.title, byline, topics, text | {"abstract": paper.abstract})


def _short_authors(paper: Paper, shown: int = 3) -> str:
    names = [a.name for a in paper.authors]
    return ", ".join(names[:shown]) + (" et al." if len(names) > shown else "")


def _papers(count: int) -> str:
    return f"{count} paper{'s' if count != 1 else ''}"


def build_index(docs: Sequence[SearchDoc]) -> dict:
    """The index of docs as plain data (see the module docstring for the format)."""
    tags = sorted({tag for doc in docs for tag in doc.tags})
    tag_number = {tag: i for i, tag in enumerate(tags)}
    masks: dict[str, dict[int, int]] = {}
    for number, doc in enumerate(docs):
        for bit, field in enumerate(FIELDS):
            for term in set(terms(doc.text.get(field, ""))):
                per_doc = masks.setdefault(term, {})
                per_doc[number] = per_doc.get(number, 0) | (1 << bit)
    ordered = sorted(masks)
    return {
        "version": 1,
        "fields": list(FIELDS),
        "weights": list(WEIGHTS),
        "docs": [[d.location, d.title, d.byline, [tag_number[t] for t in d.tags]] for d in docs],
        "tags": tags,
        "terms": "\n".join(ordered),
        "postings": ",".join(_postings(masks[term]) for term in ordered),
    }


def _postings(per_doc: dict[int, int]) -> str:
    out, previous = [], 0
    for number in sorted(per_doc):
        out.append(varint(number - previous) + DIGITS[per_doc[number]])
        previous = number
    return "".join(out)


def varint(value: int) -> str:
    """value in base 32, lowest digits first; DIGITS[32:] mark that more digits follow."""
    out = []
    while value >= 32:
        out.append(DIGITS[32 + (value & 31)])
        value >>= 5
    out.append(DIGITS[value])
    return "".join(out)


def index_script(docs: Sequence[SearchDoc]) -> str:
    """search/papers.js: the index as a script the worker loads with importScripts."""
    data = json.dumps(build_index(docs), ensure_ascii=False, separators=(",", ":"))
    return f"papersiteSearch({data});\n"
