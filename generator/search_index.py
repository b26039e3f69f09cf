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

import hashlib
import json
import os
import pickle
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cache
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
    key: bytes | None = None  # a digest of everything the document is made from (its location too), or None: its text's


def terms(text: str) -> list[str]:
    """The words of text as the index and the worker see them: lower case, accents removed."""
    plain = text.lower()
    if not plain.isascii():
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", plain) if not unicodedata.category(ch).startswith("M"))
    return [word for word in _WORD.findall(plain) if len(word) > 1 and word not in STOP_WORDS]


def catalog_docs(
    catalog: Catalog,
    url_of: Callable[[str], str],
    authors: Iterable[tuple[str, str, str, int]],
    paper_keys: dict[str, bytes] | None = None,
    term_cache: TermCache | None = None,
) -> list[SearchDoc]:
    """Topics first, then the authors' entries in the directory (name, page path, anchor, paper
    count), then papers.
    url_of maps a page path of the docs folder ("papers/x.md") to its site URL. `paper_keys`: by
    paper slug, a digest of everything the paper's document is made from (the paper's record, its
    topics' labels, its URL); a paper whose key the term_cache holds takes its document from there,
    without its text (its terms are there too)."""
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
    paper_keys = paper_keys or {}
    for paper in catalog.papers:
        location = url_of(paper_page(paper.slug))
        key = paper_keys.get(paper.slug)
        known = term_cache.known_doc(key, location) if key is not None and term_cache is not None else None
        docs.append(known or paper_doc(catalog, paper, location, key))
    return docs


def paper_doc(catalog: Catalog, paper: Paper, location: str, key: bytes | None = None) -> SearchDoc:
    topics = tuple(catalog.topic(slug).label for slug in paper.topics)
    authors = ", ".join(a.name for a in paper.authors)
    byline = " · ".join(part for part in (_short_authors(paper), paper.year, paper.venue) if part)
    text = {"title": paper.title, "authors": authors, "topics": " ".join(topics), "venue": paper.venue, "year": paper.year}
    return SearchDoc(location, paper.title, byline, topics, text | {"abstract": paper.abstract}, key)


def _short_authors(paper: Paper, shown: int = 3) -> str:
    names = [a.name for a in paper.authors]
    return ", ".join(names[:shown]) + (" et al." if len(names) > shown else "")


def _papers(count: int) -> str:
    return f"{count} paper{'s' if count != 1 else ''}"


USED_SHARE = 0.75  # the least share of the term cache's vocabulary the saved documents use (TermCache.saved)
DocTerms = tuple[bytes, bytes]  # a document's distinct terms (numbers in a vocabulary, uint32) and their field masks
TERM_NUMBER = np.dtype("<u4")


Shown = tuple[str, str, tuple[str, ...]]  # what a document's result shows besides its location: title, byline, tags


class TermCache:
    """The terms of documents by a digest of their text (`text_digest`), or by the document's own
    key when it has one, so a document whose text is unchanged is not split into words again: its
    distinct terms, as numbers in `vocabulary`, and the mask of the fields holding each
    (`doc_terms`), a pure function of the text. A document with a key (a digest of all it is made
    from) has its title, byline and tags kept too (`shown`), so that it need not be made again
    (`known_doc`). `previous` is the last build's (`saved()` of its cache), `current` is filled by
    build_index with every document of this one. Kept by the plugin in the cache folder."""

    def __init__(
        self, saved: tuple[list[str], dict[bytes, DocTerms], dict[bytes, Shown]] | None = None, generation: str | None = None
    ) -> None:
        vocabulary, self.previous, self.previous_shown = saved or ([], {}, {})
        self.generation = generation if saved else None  # the numbering of the saved terms (see saved)
        self.vocabulary = list(vocabulary)
        self.numbers = {term: i for i, term in enumerate(self.vocabulary)}
        self.current: dict[bytes, DocTerms] = {}
        self.shown: dict[bytes, Shown] = {}

    def known_doc(self, key: bytes, location: str) -> SearchDoc | None:
        """The document recorded under key, without its text (its terms are recorded under the key:
        terms_of finds them, and keeps them for the next build), or None."""
        shown = self.shown.get(key) or self.previous_shown.get(key)
        if shown is None or (key not in self.current and key not in self.previous):
            return None
        return SearchDoc(location, *shown, text={}, key=key)

    def terms_of(self, doc: SearchDoc) -> DocTerms:
        key = text_digest(doc) if doc.key is None else doc.key
        found = self.current.get(key) or self.previous.get(key)
        if doc.key is not None:
            shown = (doc.title, doc.byline, doc.tags)
            kept = self.previous_shown.get(key)
            self.shown[key] = kept if kept == shown else shown  # the kept object: its cache row is seen unchanged
        if found is None:
            masks = doc_terms(doc)
            for term in masks:
                if term not in self.numbers:
                    self.numbers[term] = len(self.vocabulary)
                    self.vocabulary.append(term)
            numbers = np.array([self.numbers[term] for term in masks], dtype=TERM_NUMBER)
            found = (numbers.tobytes(), bytes(masks.values()))
        self.current[key] = found
        return found

    def changed(self) -> bool:
        return self.current.keys() != self.previous.keys()

    def saved(self) -> tuple[list[str], dict[bytes, DocTerms], dict[bytes, Shown]]:
        """What to keep for the next build: this build's documents. Their terms keep their numbers (a
        kept document its bytes) while the vocabulary, grown by this build's new terms, is at least
        USED_SHARE their terms, or it continues a `generation`; else the vocabulary is made of only their
        terms, renumbered, and `generation` is a new one: rows of two numberings never share one."""
        every = np.frombuffer(b"".join(doc_numbers for doc_numbers, _ in self.current.values()), dtype=TERM_NUMBER)
        used = np.flatnonzero(np.bincount(every, minlength=len(self.vocabulary)))  # sorted, as np.unique
        if self.generation is not None and len(used) >= USED_SHARE * len(self.vocabulary):
            return self.vocabulary, self.current, self.shown
        self.generation = os.urandom(8).hex()
        renumber = np.zeros(len(self.vocabulary), dtype=TERM_NUMBER)
        renumber[used] = np.arange(len(used), dtype=TERM_NUMBER)
        vocabulary = [self.vocabulary[i] for i in used]
        docs = {
            key: (renumber[np.frombuffer(numbers, dtype=TERM_NUMBER)].tobytes(), masks)
            for key, (numbers, masks) in self.current.items()
        }
        return vocabulary, docs, self.shown


class SavedTerms:
    """A TermCache kept in the cache folder (the plugin's `search-terms`): the vocabulary with its
    generation in `path`, and as cache.SavedRows beside it each document's terms (`path`-docs-NN, under
    a key holding the generation) and what it shows (`path`-shown-NN). Within a generation the
    vocabulary only grows (terms appended), so a document's numbers stay right and a build rewrites
    only the shards of documents it added or changed; a renumbered vocabulary is a new generation,
    whose rows are another key. The vocabulary is saved before the rows: rows name only terms it holds."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path, self.key = path, key
        kept = cache.load(path, key)
        self.generation, self.vocabulary = kept if isinstance(kept, tuple) and len(kept) == 2 else (None, None)
        self.docs = self._docs(self.generation)
        self.shown = cache.SavedRows(self._beside("shown"), key)

    def term_cache(self) -> TermCache:
        if self.vocabulary is None or self.docs.previous is None or self.shown.previous is None:
            return TermCache()
        return TermCache((self.vocabulary, self.docs.previous, self.shown.previous), self.generation)

    def save(self, terms: TermCache) -> None:
        """Keep what terms found (nothing when its documents are the ones kept)."""
        if not terms.changed():
            return
        vocabulary, docs, shown = terms.saved()
        if terms.generation != self.generation or vocabulary != self.vocabulary:
            cache.save(self.path, self.key, (terms.generation, list(vocabulary)))
        (self.docs if terms.generation == self.generation else self._docs(terms.generation, load=False)).save(docs)
        self.shown.save(shown)

    def _docs(self, generation: str | None, *, load: bool = True) -> cache.SavedRows:
        return cache.SavedRows(self._beside("docs"), f"{self.key}:{generation}", load=load and generation is not None)

    def _beside(self, part: str) -> Path | None:
        return self.path.with_name(f"{self.path.name}-{part}") if self.path is not None else None


def text_digest(doc: SearchDoc) -> bytes:
    """A digest of the searchable text of doc, field by field (all its terms depend on)."""
    fields = tuple(doc.text.get(field, "") for field in FIELDS)
    return hashlib.blake2b(pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()


def doc_terms(doc: SearchDoc) -> dict[str, int]:
    """The distinct terms of doc, each with the mask of the fields holding it."""
    masks: dict[str, int] = {}
    for bit, field in enumerate(FIELDS):
        for term in terms(doc.text.get(field, "")):
            masks[term] = masks.get(term, 0) | (1 << bit)
    return masks


def build_index(docs: Sequence[SearchDoc], term_cache: TermCache | None = None) -> dict:
    """The index of docs as plain data (see the module docstring for the format). With a
    term_cache, a document whose text has a recorded digest is not split into words again."""
    cache = term_cache or TermCache()
    tags = sorted({tag for doc in docs for tag in doc.tags})
    tag_number = {tag: i for i, tag in enumerate(tags)}
    per_doc = [cache.terms_of(doc) for doc in docs]
    numbers = np.frombuffer(b"".join(doc_numbers for doc_numbers, _ in per_doc), dtype=TERM_NUMBER)
    masks = np.frombuffer(b"".join(doc_masks for _, doc_masks in per_doc), dtype=np.uint8)
    doc_numbers = np.repeat(np.arange(len(docs), dtype=np.int64), [len(doc_masks) for _, doc_masks in per_doc])
    used = np.unique(numbers)
    ordered = sorted(cache.vocabulary[i] for i in used)  # terms sort by code point, as sorted() does
    rank = np.zeros(len(cache.vocabulary), dtype=np.int64)
    rank[[cache.numbers[term] for term in ordered]] = np.arange(len(ordered))
    return {
        "version": 1,
        "fields": list(FIELDS),
        "weights": list(WEIGHTS),
        "docs": [[d.location, d.title, d.byline, [tag_number[t] for t in d.tags]] for d in docs],
        "tags": tags,
        "terms": "\n".join(ordered),
        "postings": _postings(rank[numbers], doc_numbers, masks),
    }


_DIGIT_BYTES = np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)


def _postings(term_numbers: np.ndarray, doc_numbers: np.ndarray, masks: np.ndarray) -> str:
    """Every posting (term, document, mask) as the index writes them: per term in term order, its
    documents in order, each as the gap from the previous one (varint) and the mask's digit; the
    terms' postings joined by commas. Numpy does it all at once (a posting at a time in Python was
    most of the index's time at 10,000 papers)."""
    if len(term_numbers) == 0:
        return ""
    order = np.argsort(term_numbers, kind="stable")  # stable: each term's documents stay in order
    term_numbers, doc_numbers, masks = term_numbers[order], doc_numbers[order], masks[order]
    first = np.empty(len(order), dtype=bool)
    first[0] = True
    first[1:] = term_numbers[1:] != term_numbers[:-1]
    previous = np.empty_like(doc_numbers)
    previous[0] = 0
    previous[1:] = doc_numbers[:-1]
    gaps = np.where(first, doc_numbers, doc_numbers - previous)
    digits = np.ones(len(gaps), dtype=np.int64)  # varint digits of each gap
    rest = gaps >> 5
    while rest.any():
        digits += rest > 0
        rest >>= 5
    commas = np.cumsum(first) - 1  # the commas before each posting
    sizes = digits + 1
    starts = np.cumsum(sizes) - sizes + commas
    out = np.empty(int(sizes.sum() + commas[-1]), dtype=np.uint8)
    out[starts[first][1:] - 1] = ord(",")
    for place in range(int(digits.max())):
        has = digits > place
        value = (gaps[has] >> (5 * place)) & 31
        more = digits[has] > place + 1
        out[starts[has] + place] = _DIGIT_BYTES[value + 32 * more]
    out[starts + digits] = _DIGIT_BYTES[masks]
    return out.tobytes().decode("ascii")


def varint(value: int) -> str:
    """value in base 32, lowest digits first; DIGITS[32:] mark that more digits follow."""
    out = []
    while value >= 32:
        out.append(DIGITS[32 + (value & 31)])
        value >>= 5
    out.append(DIGITS[value])
    return "".join(out)


def index_script(docs: Sequence[SearchDoc], term_cache: TermCache | None = None) -> str:
    """search/papers.js: the index as a script the worker loads with importScripts."""
    data = json.dumps(build_index(docs, term_cache), ensure_ascii=False, separators=(",", ":"))
    return f"papersiteSearch({data});\n"
