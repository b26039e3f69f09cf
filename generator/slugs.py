"""Slugs: the one place that turns names into URL-safe slugs and picks the first free "slug-N"."""

from __future__ import annotations

import hashlib
from collections.abc import Container
from functools import lru_cache

from slugify import slugify

SLUG_MAX_LENGTH = 80
TOPIC_SLUG_MAX_LENGTH = 60

# Names that would clash with generated index pages, or that Windows cannot store as files.
RESERVED_SLUGS = frozenset(
    {"index", "tags", "all", "topics", "papers", "search", "assets", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)


@lru_cache(maxsize=1 << 17)  # authors' names: the directory's anchors are made by the render stage and the search index
def slug_base(title: str) -> str:
    """A lowercase ASCII slug for a title or name: never empty, never reserved, at most SLUG_MAX_LENGTH."""
    slug = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True, save_order=True)
    if not slug:
        slug = "paper-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-paper"
    return slug


def topic_slug_base(label: str) -> str:
    """The slug of a topic label (or a hand-made topic's own slug): never empty."""
    return slugify(label, max_length=TOPIC_SLUG_MAX_LENGTH, word_boundary=True) or "topic"


def first_free(slug: str, taken: Container[str], max_length: int | None = None) -> str:
    """slug itself when it is not taken, else the first free slug-2, slug-3...; with max_length, the
    stem is cut so that slug-N stays within it."""
    if slug not in taken:
        return slug
    stem = slug[: max_length - 4].rstrip("-") if max_length else slug
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


@lru_cache(maxsize=1 << 17)  # every author's names, sorted by the directory's pages and again by the search index's
def sort_key(name: str) -> str:
    """A name for sorting A to Z as a reader expects: transliterated, lowercase, accents and punctuation aside."""
    return slugify(name, separator=" ")
