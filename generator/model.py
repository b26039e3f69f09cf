"""The plain data that flows through the pipeline: frozen dataclasses, no I/O.

read -> normalise -> catalog (merge, slugs) -> enrich (topics, related) -> render -> write.
Each stage returns new records with `dataclasses.replace`; nothing is mutated in place.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where a record came from: the input file and the 1-based line its entry starts on."""

    path: str
    line: int


@dataclass(frozen=True)
class Author:
    family: str
    given: str = ""

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True)
class Link:
    """A link of a paper: kind is landing, pdf, code, project, doi, arxiv or huggingface."""

    kind: str
    url: str


@dataclass(frozen=True)
class Related:
    """Another paper similar to this one, with its cosine similarity and a short reason."""

    slug: str
    score: float
    reason: str = ""


@dataclass(frozen=True)
class Paper:
    """One paper: the record every reader produces. Text fields are plain Unicode (untrusted: never markup).

    title     the title (required); may hold inline math between single dollars (`$x^2$`), kept as LaTeX
    source    the file and line the record was read from (the first one, when records were merged)
    abstract  the abstract, same rules as title ("" when unknown)
    authors   in order, each with family and given names (an organisation is a family name alone)
    date      an ISO 8601 prefix: "2024", "2024-05" or "2024-05-03" ("" when unknown)
    venue     journal, proceedings or conference ("" when unknown)
    arxiv_id  the arXiv identifier without version: "2401.01234" or "hep-th/9901001"
    doi       the DOI, bare ("10.1145/123.456"), never a URL; an arXiv DOI becomes arxiv_id instead
    links     landing, pdf, code, project, doi, arxiv and huggingface (paper page) links (http(s) only)
    tags      the source's own keywords or categories (BibTeX keywords, arXiv categories, ...)
    updated   the date of the latest version, when the source says (arXiv), else ""
    entry_type  the BibTeX entry type of a BibTeX source ("article", "inproceedings", ...), else ""
    bibtex    the original BibTeX entry of a BibTeX source (macros expanded, `file` dropped), else ""
    upvotes   the paper's upvotes on Hugging Face Papers when the source says (Hugging Face JSON), else None
    added     the day (YYYY-MM-DD) the paper entered the collection, as `papersite fetch` records it, else ""
    merged_from  the sources of the other records that were merged into this one
    slug, topics, related  filled in by the catalog and enrich stages
    """

    title: str
    source: Source
    abstract: str = ""
    authors: tuple[Author, ...] = ()
    date: str = ""
    venue: str = ""
    arxiv_id: str = ""
    doi: str = ""
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    updated: str = ""
    entry_type: str = ""
    bibtex: str = ""
    upvotes: int | None = None
    added: str = ""
    merged_from: tuple[Source, ...] = ()
    slug: str = ""
    topics: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()

    @property
    def year(self) -> str:
        """The four-digit year of `date`, or ""."""
        return self.date[:4]

    def link(self, kind: str) -> str:
        """The first URL of the given kind, or ""."""
        return next((link.url for link in self.links if link.kind == kind), "")


_PAPER_FIELD_NAMES = frozenset(f.name for f in fields(Paper))


def with_fields(paper: Paper, **changes: Any) -> Paper:
    """`dataclasses.replace(paper, **changes)` in a fifth of the time (it calls __init__, which sets
    each of the nineteen fields through object.__setattr__): a copy of the fields with the changes.
    Paper has no __post_init__ and no field with init=False, so the two give equal records."""
    if not changes.keys() <= _PAPER_FIELD_NAMES:
        raise TypeError(f"Paper has no field {sorted(changes.keys() - _PAPER_FIELD_NAMES)}")
    made = object.__new__(Paper)
    made.__dict__.update(paper.__dict__, **changes)
    return made


@dataclass(frozen=True)
class Topic:
    """A group of papers. `papers` holds paper slugs, most central first."""

    slug: str
    label: str
    description: str = ""
    papers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """The whole collection after enrichment: what the renderer sees."""

    papers: tuple[Paper, ...]
    topics: tuple[Topic, ...] = ()
    layout: dict[str, tuple[float, float]] = field(default_factory=dict, compare=False)  # paper slug -> map (x, y) in [0, 1]
    automatic_topics: tuple[Topic, ...] = field(default=(), compare=False)  # before the topics file's edits
    topic_model: bytes = field(default=b"", compare=False, repr=False)  # the fitted model's file (topics/fitted.py)
    # paper slug -> what its record was made of (changes.paper_keys; None: merged), when the read told
    paper_keys: dict[str, tuple[bytes, str] | None] = field(default_factory=dict, compare=False, repr=False)
    _by_slug: dict[str, Paper] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_slug.update((p.slug, p) for p in self.papers)

    def paper(self, slug: str) -> Paper:
        return self._by_slug[slug]

    def topic(self, slug: str) -> Topic:
        return next(t for t in self.topics if t.slug == slug)


@dataclass(frozen=True)
class RenderedPage:
    """A page to write, relative to the docs folder (posix path), and its full text."""

    path: str
    text: str


# A paper as plain tuples (its source aside), which the read caches keep: unpickling 10,000
# dataclasses costs ten times more (generator/read_cache.py, readers/records.py).
_PARTS: dict[str, type] = {"authors": Author, "links": Link, "merged_from": Source, "related": Related}
_PART_FIELDS: dict[type, tuple[str, ...]] = {part: tuple(f.name for f in fields(part)) for part in _PARTS.values()}
_FIELDS = tuple(f.name for f in fields(Paper) if f.name != "source")
PAPER_TUPLE_FIELDS = _FIELDS  # the fields paper_tuple gives, in its order
_PART_AT = frozenset(i for i, name in enumerate(_FIELDS) if name in _PARTS)
_fields_of = operator.attrgetter(*_FIELDS)
_PART_TYPE_AT = {i: _PARTS[name] for i, name in enumerate(_FIELDS) if name in _PARTS}
_INIT_ORDER = tuple(f.name for f in fields(Paper))  # the order Paper's __init__ sets its fields in
_SOURCE_AT = _INIT_ORDER.index("source")


def paper_tuple(paper: Paper) -> tuple[Any, ...]:
    """The paper's fields but its source, its parts (authors, links, ...) as tuples: plain data."""
    values = _fields_of(paper)
    return tuple(
        [tuple([_plain(part) for part in value]) if value and i in _PART_AT else value for i, value in enumerate(values)]
    )


def paper_from_tuple(values: tuple[Any, ...], source: Source) -> Paper:
    """The Paper of paper_tuple's values, at source: its fields set as Paper's __init__ sets them
    (in the same order, without __init__'s nineteen object.__setattr__ calls: half the time)."""
    given = list(values)
    for i, part_type in _PART_TYPE_AT.items():
        if given[i]:
            made = _made_parts[part_type]
            given[i] = tuple([made.get(part) or _made_part(part_type, part) for part in given[i]])
    given.insert(_SOURCE_AT, source)
    paper = object.__new__(Paper)
    paper.__dict__.update(zip(_INIT_ORDER, given))
    return paper


# The parts (frozen, so they can be shared) paper_from_tuple made, by their values: a collection
# names the same authors again and again, and a look-up costs a third of making one.
_made_parts: dict[type, dict[tuple[Any, ...], Any]] = {part_type: {} for part_type in _PARTS.values()}


def _made_part(part_type: type, values: tuple[Any, ...]) -> Any:
    made = _made_parts[part_type][values] = part_type(*values)
    return made


def _plain(part: Any) -> tuple[Any, ...]:
    return tuple([getattr(part, name) for name in _PART_FIELDS[type(part)]])
