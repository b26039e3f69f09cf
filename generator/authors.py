"""Authors of the collection: who gets a page (two or more papers), under which slug, with which papers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model import Author, Paper
from .normalise import title_key
from .slugs import first_free, slug_base

MIN_PAPERS_FOR_A_PAGE = 2


@dataclass(frozen=True)
class AuthorPage:
    """An author with a page: the name as first written, the page's slug and the paper slugs, newest first."""

    name: str
    slug: str
    papers: tuple[str, ...]


@lru_cache(maxsize=1 << 16)  # asked for every author of every paper several times a build
def author_key(author: Author) -> str:
    """Equal for names that differ only in case, spacing or punctuation ("J. Smith" is not "John Smith")."""
    return title_key(author.name)


def author_pages(papers: Sequence[Paper]) -> dict[str, AuthorPage]:
    """The author pages by author_key, in order of first appearance; only authors of two or more papers."""
    names: dict[str, str] = {}
    papers_by_key: dict[str, list[Paper]] = {}
    for paper in papers:
        for key in dict.fromkeys(author_key(a) for a in paper.authors if author_key(a)):
            names.setdefault(key, next(a.name for a in paper.authors if author_key(a) == key))
            papers_by_key.setdefault(key, []).append(paper)
    pages: dict[str, AuthorPage] = {}
    taken: set[str] = set()
    for key, written in papers_by_key.items():
        if len(written) >= MIN_PAPERS_FOR_A_PAGE:
            slug = first_free(slug_base(names[key]), taken)
            taken.add(slug)
            newest_first = sorted(written, key=lambda p: p.date, reverse=True)
            pages[key] = AuthorPage(names[key], slug, tuple(p.slug for p in newest_first))
    return pages
