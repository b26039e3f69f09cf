"""Authors of the collection and the authors directory: the authors of two or more papers, A to Z by
family name, each an entry (a stable anchor, the name, their papers newest first) on paginated pages.

A directory page holds at most `page_size` paper links (the option listing_page_size), so a page
stays small however prolific its authors are: an author with more papers than that is split into
parts, the first holding the anchor, each later one starting a page as "(continued)". Where pages
end depends on the entries around that place only (pagination.py), and a page is named by the
anchor of its last entry, so an author's page changes only when entries near theirs change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .model import Author, Paper
from .normalise import title_key
from .pagination import ListingPage, paginate
from .paths import AUTHORS_INDEX
from .slugs import first_free, slug_base, sort_key

MIN_PAPERS_FOR_AN_ENTRY = 2
TYPICAL_PAPERS = 4  # paper links of an entry on average, for the size of pages (4.5 in bench/scale.py's collections)
OTHER_LETTER = "#"  # names that do not start with a letter A to Z (after transliteration)


@dataclass(frozen=True)
class AuthorEntry:
    """An author in the directory: as first written, the entry's anchor (a slug unique among the
    authors) and the paper slugs, newest first."""

    key: str
    author: Author
    anchor: str
    papers: tuple[str, ...]
    # A to Z by family name, then given name (accents and case aside): made once (author_order), sorting and letters read it.
    order: tuple[str, str, str] = field(default=("", "", ""), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.order == ("", "", ""):
            object.__setattr__(self, "order", author_order(self.author))

    @property
    def name(self) -> str:
        return self.author.name

    @property
    def directory_name(self) -> str:
        """ "Lovelace, Ada"; an organisation (a family name alone) as it is."""
        return f"{self.author.family}, {self.author.given}" if self.author.given else self.author.family

    @property
    def letter(self) -> str:
        first = self.order[0][:1]
        return first.upper() if "a" <= first <= "z" else OTHER_LETTER


@dataclass(frozen=True)
class DirectoryPart:
    """An author's entry on one directory page: all their papers, or one part of a long list.
    `continued`: a part after the first (it holds no anchor); `more`: the next page continues it."""

    entry: AuthorEntry
    papers: tuple[str, ...]
    continued: bool = False
    more: bool = False
    number: int = 1  # of the part, from 1

    @property
    def key(self) -> str:
        """The part's name in the directory: the entry's anchor, with ".2", ".3"... for later parts
        (a slug never holds a dot)."""
        return self.entry.anchor if self.number == 1 else f"{self.entry.anchor}.{self.number}"


@lru_cache(maxsize=1 << 16)  # asked for every author of every paper several times a build
def author_key(author: Author) -> str:
    """Equal for names that differ only in case, spacing or punctuation ("J. Smith" is not "John Smith")."""
    return title_key(author.name)


def author_order(author: Author) -> tuple[str, str, str]:
    """A to Z by family name, then given name (accents and case aside)."""
    return sort_key(author.family), sort_key(author.given), author.name.casefold()


NameParts = tuple[str, str, tuple[str, str, str]]  # author_key, the slug an anchor starts from, author_order


class AuthorNames:
    """What the directory derives from an author's name (author_key, the anchor's slug, author_order),
    worked out once a name: `known` holds an earlier build's (pipeline.generate keeps them in the
    cache folder, keyed by papersite's code and the slug library's versions), `used` this build's."""

    def __init__(self, known: dict[tuple[str, str], NameParts] | None = None) -> None:
        self.known = known or {}
        self.used: dict[tuple[str, str], NameParts] = {}

    def parts(self, author: Author) -> NameParts:
        name = (author.family, author.given)
        parts = self.used.get(name)
        if parts is None:
            parts = self.known.get(name) or (author_key(author), slug_base(author.name), author_order(author))
            self.used[name] = parts
        return parts

    def changed(self) -> bool:
        """Whether this build used other names than the known ones."""
        return self.used != self.known


def author_entries(papers: Sequence[Paper], names: AuthorNames | None = None) -> dict[str, AuthorEntry]:
    """The directory's authors by author_key, in order of first appearance; only authors of two or more papers."""
    names = names or AuthorNames()
    written_as: dict[str, Author] = {}
    papers_by_key: dict[str, list[Paper]] = {}
    for paper in papers:
        first_written: dict[str, Author] = {}  # each author of the paper once, as first written there
        for author in paper.authors:
            key = names.parts(author)[0]
            if key and key not in first_written:
                first_written[key] = author
        for key, author in first_written.items():
            written_as.setdefault(key, author)
            papers_by_key.setdefault(key, []).append(paper)
    entries: dict[str, AuthorEntry] = {}
    taken: set[str] = set()
    for key, written in papers_by_key.items():
        if len(written) >= MIN_PAPERS_FOR_AN_ENTRY:
            _, slug, order = names.parts(written_as[key])
            anchor = first_free(slug, taken)
            taken.add(anchor)
            newest_first = sorted(written, key=lambda p: p.date, reverse=True)
            entries[key] = AuthorEntry(key, written_as[key], anchor, tuple(p.slug for p in newest_first), order)
    return entries


def directory_pages(entries: dict[str, AuthorEntry], page_size: int) -> list[ListingPage[DirectoryPart]]:
    """The directory's pages, A to Z, each with at most page_size paper links (one empty page when
    there is no author)."""
    parts = [part for entry in sorted(entries.values(), key=lambda e: e.order) for part in _parts(entry, page_size)]
    return paginate(
        AUTHORS_INDEX, parts, page_size, key=_part_key, weight=_part_weight, label=_page_label, typical_weight=TYPICAL_PAPERS
    )


def _part_key(part: DirectoryPart) -> str:
    return part.key


def _part_weight(part: DirectoryPart) -> int:
    return len(part.papers)


def _page_label(parts: Sequence[DirectoryPart]) -> str:
    """A page in the links of its neighbours: the name of its first author."""
    return parts[0].entry.directory_name + (" (continued)" if parts[0].continued else "")


def _parts(entry: AuthorEntry, page_size: int) -> list[DirectoryPart]:
    """An entry whole, or split into parts of page_size papers when it has more."""
    chunks = [entry.papers[i : i + page_size] for i in range(0, len(entry.papers), page_size)]
    return [
        DirectoryPart(entry, chunk, continued=i > 0, more=i < len(chunks) - 1, number=i + 1) for i, chunk in enumerate(chunks)
    ]


def entry_pages(pages: Sequence[ListingPage[DirectoryPart]]) -> dict[str, str]:
    """The directory page holding each author's entry (its anchor), by author_key."""
    return {part.entry.key: page.path for page in pages for part in page.entries if not part.continued}


def letters(pages: Sequence[ListingPage[DirectoryPart]]) -> list[tuple[str, str, str]]:
    """(letter, page, anchor) of the first author under each letter: the directory's A to Z links."""
    first: dict[str, tuple[str, str, str]] = {}
    for page in pages:
        for part in page.entries:
            first.setdefault(part.entry.letter, (part.entry.letter, page.path, part.entry.anchor))
    return list(first.values())


@dataclass(frozen=True)
class Directory:
    """The authors directory of a collection: its entries by author_key (author_entries), its pages
    (directory_pages) and the page holding each entry (entry_pages)."""

    entries: dict[str, AuthorEntry]
    pages: list[ListingPage[DirectoryPart]]
    places: dict[str, str]


_last_directory: tuple[tuple[Paper, ...], int, Directory] | None = None


def directory(papers: Sequence[Paper], page_size: int, names: AuthorNames | None = None) -> Directory:
    """The authors directory of papers. Made once for a tuple of papers (frozen: the same tuple is the
    same papers): a build's render and its search index ask for the same catalog's, and so does each
    rebuild of `papersite serve` until the catalog changes. Callers do not change what they get.
    names: what earlier builds derived from the authors' names (AuthorNames), when the caller keeps it."""
    global _last_directory
    last = _last_directory
    if last is not None and last[0] is papers and last[1] == page_size:
        return last[2]
    entries = author_entries(papers, names)
    pages = directory_pages(entries, page_size)
    made = Directory(entries, pages, entry_pages(pages))
    if isinstance(papers, tuple):
        _last_directory = (papers, page_size, made)
    return made


def directory_places(papers: Sequence[Paper], page_size: int) -> list[tuple[str, str, str, int]]:
    """(name, directory page, anchor, paper count) of every author in the directory: the search
    index's author results."""
    made = directory(papers, page_size)
    return [(entry.name, made.places[key], entry.anchor, len(entry.papers)) for key, entry in made.entries.items()]
