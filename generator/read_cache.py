"""The read stage's cache (cache_folder/normalised.pickle): normalised records by their read record.

`normalise` is a pure function of a Paper in which the source (file and line) only passes through,
so the cache maps each record as a reader produced it, without its source, to the record after
normalise, without its source; the source is put back from the current read, so a record inserted
in the middle leaves every line number right. A record added, changed or moved costs one normalise;
every other record is a look-up. Only the records of the current read are saved, so the file never
grows beyond the collection. A missing, damaged or other-version cache (generator/cache.py) only
means normalising afresh: the result is the same.

Records are kept as plain tuples (unpickling 10,000 dataclasses costs ten times more), keyed by a
digest of the read record's tuple.

The readers' author names (cache_folder/author-names.pickle, `names_kept`): each name the last
read parsed, with the author readers.common.author_from_name made of it (a pure function of the
name), so that a name read again is looked up, not parsed again.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from . import cache
from .model import Author, Link, Paper, Related, Source
from .normalise import normalise
from .readers.common import names_used

CACHE_FILE = "normalised.pickle"
CACHE_KEY = "normalised-1"
NAMES_FILE = "author-names.pickle"
NAMES_KEY = "author-names-1"
_FIELDS = tuple(f.name for f in fields(Paper) if f.name != "source")
_PARTS: dict[str, type] = {"authors": Author, "links": Link, "merged_from": Source, "related": Related}
_PART_FIELDS: dict[type, tuple[str, ...]] = {part: tuple(f.name for f in fields(part)) for part in _PARTS.values()}


def normalise_all(papers: Sequence[Paper], cache_folder: Path | None = None) -> list[Paper]:
    """normalise(p) for every paper, reusing the results kept in cache_folder (None: no cache)."""
    path = cache_folder / CACHE_FILE if cache_folder is not None else None
    kept: dict[bytes, tuple[Any, ...]] = cache.load(path, CACHE_KEY) or {}
    now: dict[bytes, tuple[Any, ...]] = {}
    result = []
    for paper in papers:
        key = hashlib.blake2b(repr(as_tuple(paper)).encode()).digest()
        done = now.get(key) or kept.get(key)
        if done is None:
            result.append(normalise(paper))
            done = as_tuple(result[-1])
        else:
            result.append(from_tuple(done, paper.source))
        now[key] = done
    if now.keys() != kept.keys():
        cache.save(path, CACHE_KEY, now)
    return result


def as_tuple(paper: Paper) -> tuple[Any, ...]:
    """The paper's fields but its source, its parts (authors, links, ...) as tuples: plain data."""
    return tuple(
        tuple(_plain(part) for part in getattr(paper, name)) if name in _PARTS else getattr(paper, name) for name in _FIELDS
    )


def from_tuple(values: tuple[Any, ...], source: Source) -> Paper:
    """The Paper of as_tuple's values, at source."""
    given = {
        name: tuple(_PARTS[name](*part) for part in value) if name in _PARTS else value for name, value in zip(_FIELDS, values)
    }
    return Paper(source=source, **given)


def _plain(part: Any) -> tuple[Any, ...]:
    return tuple([getattr(part, name) for name in _PART_FIELDS[type(part)]])


@contextlib.contextmanager
def names_kept(cache_folder: Path | None) -> Iterator[None]:
    """Within the block, readers take the author names the last read kept in cache_folder as parsed;
    when it ends, the names of this read are kept (None: nothing kept)."""
    path = cache_folder / NAMES_FILE if cache_folder is not None else None
    saved: dict[str, tuple[str, str]] = cache.load(path, NAMES_KEY) or {}
    with names_used({name: Author(*parts) for name, parts in saved.items()}) as used:
        yield
    now = {name: (author.family, author.given) for name, author in used.items()}
    if now != saved:
        cache.save(path, NAMES_KEY, now)
