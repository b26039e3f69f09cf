"""Candidate neighbours of every paper in large collections, cheaply.

Each TF-IDF row is sketched by a seeded Gaussian random projection to SKETCH_DIMENSIONS floats
(dot products of sketches approximate the cosines; a sparse product of TF-IDF rows costs about
as much per pair as the phrases the papers share, a sketch product a fixed 128 multiplications
that BLAS runs on every core). Every paper is compared with every other by its sketch, a block of
ROWS_PER_BLOCK papers at a time (never an n x n matrix; the blocks shared between the cores,
forked.py), and keeps its best few candidates; the
best few by other dense vectors (the LSA vectors topics are made of) join them. related.py
scores the candidates exactly. Why both: sketches find papers that share rare phrases (in
collections where similarities are high), LSA finds papers of one subject when similarities are
low and a sketch's noise (about 1/sqrt(128)) drowns them. Recall: bench/related_recall.py.

Same input, same candidates: the projection is seeded and ties are broken by row.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.exceptions import DataDimensionalityWarning
from sklearn.preprocessing import normalize
from sklearn.random_projection import GaussianRandomProjection

from .forked import map_parts

RANDOM_STATE = 0
SKETCH_DIMENSIONS = 128
ROWS_PER_BLOCK = 512  # a block of sketch similarities is ROWS_PER_BLOCK x n float32
SAMPLE_STRIDE = 16  # the cut-off of a row is estimated on every SAMPLE_STRIDE-th similarity
NONE = -1  # marks a missing candidate (fewer other papers than asked for)
BLOCKS_PER_PROCESS = 4  # fewer blocks than this per core are not worth a process


def candidate_neighbours(matrix: csr_matrix, count: int, vectors: np.ndarray | None = None) -> np.ndarray:
    """Per row, the `count` other rows of the highest sketch similarity and (with `vectors`, one
    row per paper) the `count` of the highest dot product of `vectors`: an n x (count or 2 count)
    array of distinct row indices per row, in no particular order, NONE where there are fewer."""
    spaces = [sketches(matrix)] + ([np.asarray(vectors, dtype=np.float32)] if vectors is not None else [])
    n = matrix.shape[0]
    candidates = np.full((n, count * len(spaces)), NONE, dtype=np.int64)
    take = min(count, n - 1)
    if take <= 0:
        return candidates

    def best_of_blocks(blocks: range) -> np.ndarray:
        rows = range(blocks.start * ROWS_PER_BLOCK, min(blocks.stop * ROWS_PER_BLOCK, n))
        found = candidates[rows.start : rows.stop]
        for start in range(rows.start, rows.stop, ROWS_PER_BLOCK):
            stop = min(start + ROWS_PER_BLOCK, n)
            for s, space in enumerate(spaces):
                similarity = space[start:stop] @ space.T
                similarity[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # never itself
                found[start - rows.start : stop - rows.start, s * count : s * count + take] = best_columns(similarity, take)
        return found

    blocks = -(-n // ROWS_PER_BLOCK)
    return _distinct_per_row(np.vstack(map_parts(best_of_blocks, blocks, minimum=BLOCKS_PER_PROCESS)))


def _distinct_per_row(candidates: np.ndarray) -> np.ndarray:
    """Each row's indices sorted, a repeated one replaced by NONE."""
    ordered = np.sort(candidates, axis=1)
    repeated = np.zeros(ordered.shape, dtype=bool)
    repeated[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
    ordered[repeated] = NONE
    return ordered


def sketches(matrix: csr_matrix) -> np.ndarray:
    """Unit-length float32 random projections of the rows (zeros when there are no columns)."""
    if matrix.shape[1] == 0:
        return np.zeros((matrix.shape[0], 1), dtype=np.float32)
    projection = GaussianRandomProjection(n_components=SKETCH_DIMENSIONS, random_state=RANDOM_STATE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataDimensionalityWarning)  # fewer phrases than dimensions: fine
        return normalize(projection.fit_transform(matrix)).astype(np.float32)


def best_columns(similarity: np.ndarray, take: int) -> np.ndarray:
    """Per row, the columns of the `take` highest values, best first (ties: lower column first).

    Sorting or partitioning whole rows is slow; so each row first keeps only the values above a cut-off
    estimated on a sample of its columns (about 4 x take survive), and rows where too few
    survive are sorted whole."""
    rows = np.arange(len(similarity))
    sample = similarity[:, ::SAMPLE_STRIDE]
    rank = min(sample.shape[1], max(1, 4 * take // SAMPLE_STRIDE))
    cut = np.partition(sample, sample.shape[1] - rank, axis=1)[:, sample.shape[1] - rank]
    # flatnonzero of the flattened mask, then row and column: many times faster than 2-D nonzero
    survivor_rows, survivor_columns = np.divmod(np.flatnonzero(similarity >= cut[:, None]), similarity.shape[1])
    enough = np.bincount(survivor_rows, minlength=len(rows)) >= take
    keep = enough[survivor_rows]
    survivor_rows, survivor_columns = survivor_rows[keep], survivor_columns[keep]
    values = similarity[survivor_rows, survivor_columns]
    order = np.lexsort((survivor_columns, -values, survivor_rows))
    starts = np.searchsorted(survivor_rows[order], rows[enough])
    best = np.empty((len(rows), take), dtype=np.int64)
    best[enough] = survivor_columns[order][starts[:, None] + np.arange(take)]
    for row in np.flatnonzero(~enough):
        best[row] = np.argsort(-similarity[row], kind="stable")[:take]
    return best
