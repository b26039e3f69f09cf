"""Records of the same work, from one source or several, merged into one paper.

Two records are the same work when they share a DOI or an arXiv id, or when their titles are equal
after normalisation (normalise.title_key) and nothing says otherwise: a different DOI or arXiv id,
or, for two records of the same file, two different abstracts (two papers can share a title).
Merging is field by field, the richer value winning (longer text, more authors, a more precise
date; the earlier record on a tie); links, tags and sources are united. Each merge is reported:
records of different files as a note ("merged"), of the same file as a duplicate warning.
Every record is looked up in dicts by its keys, so merging n records takes O(n).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from .errors import Problem, ProblemKind
from .identifiers import doi_key
from .model import Author, Link, Paper, Source
from .normalise import title_key, unique_tags

_title_key = functools.lru_cache(maxsize=1 << 16)(title_key)  # a work's title is looked up several times
SINGULAR_LINK_KINDS = frozenset({"landing", "pdf", "doi", "arxiv"})

Key = tuple[str, str]


@dataclass
class Work:
    """The records of one work so far, merged into `paper`."""

    paper: Paper
    abstracts_by_file: dict[str, str] = field(default_factory=dict)
    keys: dict[Key, str] = field(default_factory=dict)  # of every record merged in: key -> how it reads


def merge_same_works(records: Sequence[Paper]) -> tuple[list[Paper], list[Problem]]:
    """One paper per work, in the order of each work's first record, and a problem per merge."""
    works = _Works()
    problems: list[Problem] = []
    for record in records:
        found = works.find(record)
        if found is None:
            works.add(record)
            continue
        number, reason = found
        problems.append(_merge_problem(record, works.paper(number).source, reason))
        works.absorb(number, record)
        problems += works.fold_linked(number)
    return works.papers(), problems


class _Works:
    """The works found so far, and dicts from each key (DOI, arXiv id, title) to the work holding it.

    A record can link two works found earlier (a title matching one, an arXiv id the other); they
    are then folded into the earlier one, and `moved` sends lookups of the later one there.
    """

    def __init__(self) -> None:
        self.works: list[Work | None] = []
        self.index: dict[Key, int] = {}
        self.moved: dict[int, int] = {}

    def paper(self, number: int) -> Paper:
        work = self.works[number]
        assert work is not None
        return work.paper

    def papers(self) -> list[Paper]:
        return [work.paper for work in self.works if work is not None]

    def live(self, number: int) -> int:
        while number in self.moved:
            number = self.moved[number]
        return number

    def add(self, record: Paper) -> None:
        self.works.append(Work(record, {record.source.path: record.abstract.casefold()}))
        self._index(len(self.works) - 1, record)

    def find(self, record: Paper) -> tuple[int, str] | None:
        """The work the record belongs to, and why; None for a new work."""
        for key, reason in keys(record):
            if key in self.index:
                number = self.live(self.index[key])
                work = self.works[number]
                if work is not None and (key[0] != "title" or _same_work_by_title(work, record)):
                    return number, reason
        return None

    def absorb(self, number: int, record: Paper) -> None:
        work = self.works[number]
        assert work is not None
        work.paper = merge_records(work.paper, record)
        work.abstracts_by_file.setdefault(record.source.path, record.abstract.casefold())
        self._index(number, record)

    def fold_linked(self, number: int) -> list[Problem]:
        """Fold into one every other work that a key of this (just grown) work points to."""
        problems = []
        found = self.find_other(number)
        while found is not None:
            other, reason = found
            first, later = min(number, other), max(number, other)
            later_work, first_work = self.works[later], self.works[first]
            assert later_work is not None and first_work is not None
            problems.append(_merge_problem(later_work.paper, first_work.paper.source, reason))
            first_work.paper = merge_records(first_work.paper, later_work.paper)
            for path, abstract in later_work.abstracts_by_file.items():
                first_work.abstracts_by_file.setdefault(path, abstract)
            for key, how in later_work.keys.items():
                first_work.keys.setdefault(key, how)
            self.works[later], self.moved[later], number = None, first, first
            self._index(number, first_work.paper)
            found = self.find_other(number)
        return problems

    def find_other(self, number: int) -> tuple[int, str] | None:
        work = self.works[number]
        assert work is not None
        for key, reason in list(work.keys.items()):
            other = self.live(self.index[key])
            other_work = self.works[other]
            if other != number and other_work is not None:
                if key[0] != "title" or _same_work_by_title(work, other_work.paper):
                    return other, reason
        return None

    def _index(self, number: int, record: Paper) -> None:
        """Remember the keys of a record (and of the work's merged paper) as keys of the work."""
        work = self.works[number]
        assert work is not None
        for key, how in keys(record) + keys(work.paper):
            work.keys.setdefault(key, how)
            self.index.setdefault(key, number)


def keys(paper: Paper) -> list[tuple[Key, str]]:
    """The lookup keys of a paper, strongest first, each with how a merge on it is described."""
    found = []
    if paper.doi:
        found.append((("doi", doi_key(paper.doi)), f"DOI {paper.doi}"))
    if paper.arxiv_id:
        found.append((("arxiv", paper.arxiv_id.casefold()), f"arXiv id {paper.arxiv_id}"))
    title = _title_key(paper.title)
    if title:
        found.append((("title", title), "title"))
    return found


def _same_work_by_title(work: Work, record: Paper) -> bool:
    """Equal titles: the same work unless an identifier differs or the same file gives another abstract."""
    paper = work.paper
    if paper.doi and record.doi and doi_key(paper.doi) != doi_key(record.doi):
        return False
    if paper.arxiv_id and record.arxiv_id and paper.arxiv_id.casefold() != record.arxiv_id.casefold():
        return False
    earlier_abstract = work.abstracts_by_file.get(record.source.path)
    if earlier_abstract is None:
        return True
    return not earlier_abstract or not record.abstract or earlier_abstract == record.abstract.casefold()


def _merge_problem(record: Paper, first: Source, reason: str) -> Problem:
    where = f"{first.path}:{first.line}"
    if record.source.path == first.path:
        return Problem(
            record.source.path,
            record.source.line,
            f"duplicate of the paper at {where} (same {reason}); merged into it",
            fatal=False,
            kind=ProblemKind.DUPLICATE,
        )
    return Problem(
        record.source.path,
        record.source.line,
        f"same work as {where} (same {reason}); merged",
        fatal=False,
        kind=ProblemKind.MERGED,
    )


def merge_records(first: Paper, other: Paper) -> Paper:
    """One paper from two records of the same work: the richer value of each field, unions of the rest."""
    return replace(
        first,
        title=_richer_text(first.title, other.title),
        abstract=_richer_text(first.abstract, other.abstract),
        authors=_richer_authors(first.authors, other.authors),
        date=other.date if len(other.date) > len(first.date) else first.date,
        venue=_richer_text(first.venue, other.venue),
        arxiv_id=first.arxiv_id or other.arxiv_id,
        doi=first.doi or other.doi,
        links=merge_link_lists(first.links, other.links),
        tags=unique_tags(first.tags + other.tags),
        updated=max(first.updated, other.updated),
        entry_type=(first.entry_type if first.bibtex or not other.bibtex else other.entry_type) or other.entry_type,
        bibtex=first.bibtex or other.bibtex,
        merged_from=first.merged_from + (other.source,) + other.merged_from,
    )


def _richer_text(first: str, other: str) -> str:
    return other if len(other) > len(first) else first


def _richer_authors(first: tuple[Author, ...], other: tuple[Author, ...]) -> tuple[Author, ...]:
    """More authors win; for as many, fuller given names (full names over initials)."""

    def richness(authors: tuple[Author, ...]) -> tuple[int, int]:
        return len(authors), sum(len(a.given) for a in authors)

    return other if richness(other) > richness(first) else first


def merge_link_lists(first: Iterable[Link], other: Iterable[Link]) -> tuple[Link, ...]:
    """All links, each URL once; of landing, pdf, doi and arxiv links only the first of each kind."""
    links: list[Link] = []
    seen_urls: set[str] = set()
    seen_kinds: set[str] = set()
    for link in [*first, *other]:
        if link.url in seen_urls or (link.kind in SINGULAR_LINK_KINDS and link.kind in seen_kinds):
            continue
        links.append(link)
        seen_urls.add(link.url)
        seen_kinds.add(link.kind)
    return tuple(links)
