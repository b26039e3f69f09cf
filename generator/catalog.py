"""Give every paper of the collection a unique slug (merging records of the same work is merge.py's job)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from slugify import slugify

from .model import Paper

SLUG_MAX_LENGTH = 80

# Names that would clash with generated index pages, or that Windows cannot store as files.
RESERVED_SLUGS = frozenset(
    {"index", "tags", "all", "topics", "papers", "search", "assets", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)


def slug_base(title: str) -> str:
    """A lowercase ASCII slug for a title: never empty, never reserved, at most SLUG_MAX_LENGTH."""
    slug = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True, save_order=True)
    if not slug:
        slug = "paper-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-paper"
    return slug


def assign_slugs(papers: Sequence[Paper]) -> list[Paper]:
    """Give each paper a slug unique among the collection (in input order: a later twin gets -2, -3...)."""
    taken: set[str] = set()
    result = []
    for paper in papers:
        slug = _first_free(slug_base(paper.title), taken)
        taken.add(slug)
        result.append(dataclasses.replace(paper, slug=slug))
    return result


def _first_free(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    stem = slug[: SLUG_MAX_LENGTH - 4].rstrip("-")
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"
