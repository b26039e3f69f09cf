"""What changed in the catalog since the last build: the papers added, changed and removed, so that
a stage can redo only what depends on them (issue 11: one paper changed, one paper's worth of work).

A paper's key is what its record was made of after read, merge and slugs, without reading the
record again: the key of the record as its reader produced it (read_cache.NormalisedReads, which
computes it anyway; `normalise` is a pure function of it) and the file it came from, under its
slug. A paper merged from several records has no key (merge folds records in an order the sources
alone do not tell): it counts as changed in every build. The line a record starts on is not in the
key: no page shows it (an error names it), and a record added above moves every later one.

The last build's keys by slug are kept in the cache folder (CATALOG_KEYS, generator/cache.py),
saved only once the build's pages were written, with their `generation`: a digest of the whole
map. A stage's own cache records the generation it was made with; the stage takes its delta path
only when that is `CatalogChanges.previous_generation` (its cache was made by the build whose keys
were kept), else its full path. So a build that failed after one cache was saved, a missing or
damaged cache, or one of another version can only cost the full path, never a wrong page.

The changed set covers the records only. What enrich adds (topics, related papers and their
reasons), the topics' labels and the authors directory can change for papers whose records did
not (a paper added beside them): a stage that reads them compares them itself (render.PaperStates).

PAPERSITE_CHECK_DELTA=1 (tests): a stage taking its delta path also runs its full path and raises
DeltaMismatch when the two differ.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .model import Paper

CATALOG_KEYS = "catalog-keys"  # the last build's paper keys by slug, with their generation
CHECK_VARIABLE = "PAPERSITE_CHECK_DELTA"

PaperKey = tuple[bytes, str]  # the read record's key (read_cache.NormalisedReads.record_key), its file


class DeltaMismatch(AssertionError):
    """Check mode: a stage's delta path gave what its full path did not (a bug, never bad input)."""


def checking() -> bool:
    """Whether stages check their delta path against their full path (PAPERSITE_CHECK_DELTA=1)."""
    return os.environ.get(CHECK_VARIABLE, "") not in ("", "0")


def paper_keys(read: Sequence[Paper], record_keys: dict[int, bytes], merged: Sequence[Paper]) -> list[PaperKey | None]:
    """The key of each paper merge returned (`merged`, from the records `read`, which must still be
    alive: `record_keys` is by id() of each record read_cache returned); None for a paper made by
    merging records, or one whose record's key is unknown."""
    alive = {id(paper) for paper in read}
    keys: list[PaperKey | None] = []
    for paper in merged:
        key = record_keys.get(id(paper)) if not paper.merged_from and id(paper) in alive else None
        keys.append(None if key is None else (key, paper.source.path))
    return keys


@dataclass(frozen=True)
class CatalogChanges:
    """The papers (by slug) added, changed (another key, or no key) and removed since the build whose
    keys were kept (`previous_generation`; None: no keys kept, so `everything` changed)."""

    added: frozenset[str]
    changed: frozenset[str]
    removed: frozenset[str]
    everything: bool
    previous_generation: str | None
    generation: str

    def follow(self, generation: str | None) -> bool:
        """Whether a stage's cache made with `generation` was made by the build these changes are from
        (then its delta path applies; else its full path)."""
        return not self.everything and generation == self.previous_generation

    def touched(self) -> frozenset[str]:
        """The slugs of this build whose record is not the one of the last build (added or changed)."""
        return self.added | self.changed


def catalog_changes(previous: tuple[str, dict[str, PaperKey | None]] | None, keys: dict[str, PaperKey | None]) -> CatalogChanges:
    """The changes from previous ((generation, keys) as kept, or None) to keys (slug -> key)."""
    generation = keys_generation(keys)
    if previous is None:
        return CatalogChanges(frozenset(keys), frozenset(), frozenset(), True, None, generation)
    previous_generation, old = previous
    if previous_generation == generation:
        return CatalogChanges(frozenset(), _keyless(keys), frozenset(), False, previous_generation, generation)
    added = frozenset(slug for slug in keys if slug not in old)
    changed = frozenset(slug for slug, key in keys.items() if slug in old and (key is None or old[slug] != key))
    removed = frozenset(slug for slug in old if slug not in keys)
    return CatalogChanges(added, changed, removed, False, previous_generation, generation)


def _keyless(keys: dict[str, PaperKey | None]) -> frozenset[str]:
    return frozenset(slug for slug, key in keys.items() if key is None)


def keys_generation(keys: dict[str, PaperKey | None]) -> str:
    """A digest of the whole map of keys (in its order), pickled: equal bytes load to equal maps, so
    an equal generation means equal keys (equal maps whose strings are shared otherwise can pickle
    differently: that costs only comparing the maps and saving them again)."""
    return hashlib.blake2b(pickle.dumps(tuple(keys.items()), protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()


def load_keys(path: Path | None) -> tuple[str, dict[str, PaperKey | None]] | None:
    """The keys kept by the last build whose pages were written, with their generation, or None."""
    return cache.load(path, CATALOG_KEYS)


def save_keys(path: Path | None, changes: CatalogChanges, keys: dict[str, PaperKey | None]) -> None:
    """Keep this build's keys (once its pages are written), unless the kept ones are these."""
    if changes.previous_generation != changes.generation:
        cache.save(path, CATALOG_KEYS, (changes.generation, keys))
