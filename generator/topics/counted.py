"""The phrase counts of each paper over the fitted model's phrases, kept between builds
(cache_folder/phrase-counts-NN, a cache.SavedRows).

Counting phrases (features.analyze on every title and abstract) is most of the enrich stage's
time; with the model kept, a paper's counts depend only on its text and the model's phrases. So
the cache maps a digest of each paper's `paper_text` to its row of counts (the row's column numbers
and counts as bytes), under a key naming the model's phrases: a paper added or changed is counted,
every other row is a look-up, and a build rewrites only the shards holding changed rows. Only the
current papers' rows are saved. A missing, damaged or other-model cache (generator/cache.py) means
counting afresh: the same numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from .. import cache
from ..features import count_vocabulary, paper_text
from ..model import Paper

CACHE_FILE = "phrase-counts"
COLUMN = np.dtype("<i4")  # a row's column numbers as kept
COUNT = np.dtype("<i8")  # and its counts
Row = tuple[bytes, bytes]  # column numbers, counts


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
    saved = cache.SavedRows(cache_folder / CACHE_FILE if cache_folder is not None else None, _terms_key(terms))
    digests = list(digests)
    if known is None:
        kept: dict[bytes, Row] = saved.previous or {}
        missing = [i for i, d in enumerate(digests) if d not in kept]
        counted = count_vocabulary([papers[i] for i in missing], terms) if missing else None
        rows = {d: kept[d] for d in digests if d in kept}
        rows.update((digests[i], _row(counted, j)) for j, i in enumerate(missing))
        known = _matrix([rows[d] for d in digests], len(terms))
        if not missing and saved.previous is not None and rows.keys() == kept.keys():
            return known
    else:
        rows = {d: _row(known, i) for i, d in enumerate(digests)}
    saved.save(rows)
    return known


def text_digests(papers: Sequence[Paper]) -> list[bytes]:
    """A digest of each paper's `paper_text`: all that its phrase counts depend on."""
    return [hashlib.blake2b(paper_text(p).encode("utf-8"), digest_size=16).digest() for p in papers]


def _row(matrix: csr_matrix, i: int) -> Row:
    start, stop = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:stop].astype(COLUMN).tobytes(), matrix.data[start:stop].astype(COUNT).tobytes()


def _matrix(rows: Sequence[Row], width: int) -> csr_matrix:
    """The rows, in order, as one matrix of int64 counts."""
    indices = np.frombuffer(b"".join(columns for columns, _ in rows), dtype=COLUMN).astype(np.int32)
    data = np.frombuffer(b"".join(values for _, values in rows), dtype=COUNT).astype(np.int64)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(columns) // COLUMN.itemsize for columns, _ in rows], out=indptr[1:])
    return csr_matrix((data, indices, indptr), shape=(len(rows), width), dtype=np.int64)


def _terms_key(terms: Sequence[str]) -> str:
    return "phrase-counts-2:" + hashlib.blake2b("\n".join(terms).encode("utf-8"), digest_size=16).hexdigest()
