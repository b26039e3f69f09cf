"""Slugs: the one place that turns names into URL-safe slugs and picks the first free "slug-N"."""

from __future__ import annotations

import hashlib
from collections.abc import Container
from importlib import metadata

from slugify import slugify

SLUG_MAX_LENGTH = 80
TOPIC_SLUG_MAX_LENGTH = 60

# Names that would clash with generated index pages, or that Windows cannot store as files.
RESERVED_SLUGS = frozenset(
    {"index", "tags", "all", "topics", "papers", "search", "assets", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)


# slug_base and sort_key by their argument. python-slugify takes about 10 microseconds a name and a
# build of 10,000 papers asks for some 70,000 (titles, author names): each is made once per process,
# and pipeline.py keeps those of the last build in the cache folder (SLUGS_CACHE, `remember` and
# `made`), so a build makes only those of new names. `_used` holds the names asked for since the
# last `remember`: only those are kept, so the cache never grows beyond the collection.
_slug_bases: dict[str, str] = {}
_sort_keys: dict[str, str] = {}
_used: tuple[set[str], set[str]] = (set(), set())


def slug_base(title: str) -> str:
    """A lowercase ASCII slug for a title or name: never empty, never reserved, at most SLUG_MAX_LENGTH."""
    slug = _slug_bases.get(title)
    if slug is None:
        slug = _slug_bases[title] = _made_slug_base(title)
    _used[0].add(title)
    return slug


def sort_key(name: str) -> str:
    """A name for sorting A to Z as a reader expects: transliterated, lowercase, accents and punctuation aside."""
    key = _sort_keys.get(name)
    if key is None:
        key = _sort_keys[name] = slugify(name, separator=" ")
    _used[1].add(name)
    return key


def remember(made: tuple[dict[str, str], dict[str, str]]) -> None:
    """Take the slug bases and sort keys of `made` (what `made()` returned, in this version of
    python-slugify) as made, and start recording the names used afresh."""
    _slug_bases.update(made[0])
    _sort_keys.update(made[1])
    _used[0].clear()
    _used[1].clear()


def made() -> tuple[dict[str, str], dict[str, str]]:
    """The slug bases and sort keys of the names used since the last `remember`, by name."""
    return {t: _slug_bases[t] for t in _used[0]}, {n: _sort_keys[n] for n in _used[1]}


def memo_key() -> str:
    """What slug_base and sort_key depend on besides papersite's code: python-slugify and the
    transliteration tables it uses."""
    return "slugs-1:" + ",".join(f"{name}={_version(name)}" for name in ("python-slugify", "Unidecode", "text-unidecode"))


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


def _made_slug_base(title: str) -> str:
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
