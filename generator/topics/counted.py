"""The phrase counts of each paper over the fitted model's phrases, kept between builds
(cache_folder/phrase-counts.pickle).

Counting phrases (features.analyze on every title and abstract) is most of the enrich stage's
time; with the model kept, a paper's counts depend only on its text and the model's phrases. So
the cache maps a digest of each paper's `paper_text` to its row of counts, under a key naming the
model's phrases: a paper added or changed is counted, every other row is a look-up. Only the
current papers' rows are saved. A missing, damaged or other-model cache (generator/cache.py) means
counting afresh: the same numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack

from .. import cache
from ..features import count_vocabulary, paper_text
from ..model import Paper

CACHE_FILE = "phrase-counts.pickle"


def counts(
    papers: Sequence[Paper],
    digests: Sequence[bytes],
    terms: Sequence[str],
    cache_folder: Path | None,
    known: csr_matrix | None = None,
) -> csr_matrix:
    """count_vocabulary(papers, terms), reusing the rows kept in cache_folder (`digests`: the papers'
    text_digests); `known` (the same counts, e.g. taken from the collection's phrase counts when
    the model was fitted) is only saved."""
    path = cache_folder / CACHE_FILE if cache_folder is not None else None
    key = _terms_key(terms)
    digests = list(digests)
    if known is None:
        kept: tuple[list[bytes], csr_matrix] | None = cache.load(path, key)
        row_of = {digest: i for i, digest in enumerate(kept[0])} if kept else {}
        missing = [i for i, d in enumerate(digests) if d not in row_of]
        counted = count_vocabulary([papers[i] for i in missing], terms) if missing else None
        known = _assembled(digests, row_of, kept[1] if kept else None, missing, counted, len(terms))
        if not missing and kept and kept[0] == digests:
            return known
    cache.save(path, key, (digests, csr_matrix(known)))
    return known


def text_digests(papers: Sequence[Paper]) -> list[bytes]:
    """A digest of each paper's `paper_text`: all that its phrase counts depend on."""
    return [hashlib.blake2b(paper_text(p).encode("utf-8"), digest_size=16).digest() for p in papers]


def _assembled(
    digests, row_of, kept: csr_matrix | None, missing: list[int], counted: csr_matrix | None, width: int
) -> csr_matrix:
    """Rows in the papers' order: counted ones where missing, else the kept row of the same text."""
    source = np.empty(len(digests), dtype=np.int64)  # row in [kept; counted]
    offset = kept.shape[0] if kept is not None else 0
    source[missing] = offset + np.arange(len(missing))
    for i, digest in enumerate(digests):
        if digest in row_of:
            source[i] = row_of[digest]
    parts = [m for m in (kept, counted) if m is not None]
    pool = csr_matrix(vstack(parts, format="csr")) if parts else csr_matrix((0, width), dtype=np.int64)
    return csr_matrix(pool[source], dtype=np.int64)


def _terms_key(terms: Sequence[str]) -> str:
    return "phrase-counts-1:" + hashlib.blake2b("\n".join(terms).encode("utf-8"), digest_size=16).hexdigest()
