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

Same input, same candidates: the projection is seeded and ties are broken by row. And a paper's
candidates never depend on how the collection is cut into blocks: the dense vectors are rounded to
integer multiples of 1/QUANTUM before the products, so every dot product is a sum of integers that
float32 holds exactly, whatever order BLAS adds them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from .forked import map_parts
from .rows import gaussian_projection, unit_rows

RANDOM_STATE = 0
SKETCH_DIMENSIONS = 128
ROWS_PER_BLOCK = 512  # a block of sketch similarities is ROWS_PER_BLOCK x n float32
SAMPLE_STRIDE = 16  # the cut-off of a row is estimated on every SAMPLE_STRIDE-th similarity
NONE = -1  # marks a missing candidate (fewer other papers than asked for)
BLOCKS_PER_PROCESS = 4  # fewer blocks than this per core are not worth a process
# Unit vectors times QUANTUM, rounded: |q . r| <= |q| |r| <= (QUANTUM + sqrt(d) / 2)^2, below 2^24 (float32's
# exact integers) for d up to about 10,000 dimensions.
QUANTUM = 2048


@dataclass(frozen=True)
class CandidateLists:
    """Per space of dense vectors, each row's best `take` other rows (best first, ties: lower row
    first; NONE where there are fewer) and their similarities (exact integers)."""

    best: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...]

    def merged(self, count: int) -> np.ndarray:
        """An n x (count x spaces) array of each row's distinct candidates, in no particular order."""
        n = len(self.best[0]) if self.best else 0
        candidates = np.full((n, count * len(self.best)), NONE, dtype=np.int64)
        for s, best in enumerate(self.best):
            candidates[:, s * count : s * count + best.shape[1]] = best
        return _distinct_per_row(candidates)


def candidate_spaces(matrix: csr_matrix, vectors: np.ndarray | None = None) -> list[np.ndarray]:
    """The dense vectors candidates are found in: the sketches of the rows, and `vectors` when given."""
    return [quantised(sketches(matrix))] + ([quantised(vectors)] if vectors is not None else [])


def candidate_lists(spaces: Sequence[np.ndarray], count: int) -> CandidateLists:
    """Every row's best `count` other rows in each space, a block of rows at a time on every core."""
    n = len(spaces[0])
    take = max(0, min(count, n - 1))
    found = [_best_of_rows(space, np.arange(n), take) for space in spaces] if n else []
    return CandidateLists(tuple(best for best, _ in found), tuple(values for _, values in found))


def _best_of_rows(space: np.ndarray, rows: np.ndarray, take: int) -> tuple[np.ndarray, np.ndarray]:
    """The best `take` other rows of each of `rows` in one space, and their similarities."""
    best = np.full((len(rows), take), NONE, dtype=np.int64)
    values = np.zeros((len(rows), take), dtype=np.float32)
    if take <= 0 or not len(rows):
        return best, values

    def best_of_blocks(blocks: range) -> tuple[np.ndarray, np.ndarray]:
        part = rows[blocks.start * ROWS_PER_BLOCK : blocks.stop * ROWS_PER_BLOCK]
        found_best, found_values = best[: len(part)].copy(), values[: len(part)].copy()
        for start in range(0, len(part), ROWS_PER_BLOCK):
            block = part[start : start + ROWS_PER_BLOCK]
            similarity = space[block] @ space.T
            similarity[np.arange(len(block)), block] = -np.inf  # never itself
            chosen = best_columns(similarity, take)
            found_best[start : start + len(block)] = chosen
            found_values[start : start + len(block)] = np.take_along_axis(similarity, chosen, axis=1)
        return found_best, found_values

    parts = map_parts(best_of_blocks, -(-len(rows) // ROWS_PER_BLOCK), minimum=BLOCKS_PER_PROCESS)
    return np.vstack([b for b, _ in parts]), np.vstack([v for _, v in parts])


def updated_lists(spaces: Sequence[np.ndarray], kept: CandidateLists, fresh: np.ndarray, added: np.ndarray) -> CandidateLists:
    """The candidate lists of the current rows, from `kept` (the lists of an earlier build, already
    renumbered to the current rows): the `fresh` rows (new rows, and rows that lost a candidate)
    are found afresh, the `added` rows enter every other row's lists where they beat its last.
    Exactly candidate_lists(spaces, take): similarities are exact integers, ties go to the lower row."""
    best_lists, value_lists = [], []
    for space, best, values in zip(spaces, kept.best, kept.values):
        best, values = best.copy(), values.copy()
        take = best.shape[1]
        if len(fresh):
            best[fresh], values[fresh] = _best_of_rows(space, fresh, take)
        others = np.setdiff1d(np.arange(len(space)), fresh)
        for column in added.tolist():
            similarity = (space[others] @ space[column]).astype(np.float32)
            last, last_row = values[others, -1], best[others, -1]
            beats = (similarity > last) | ((similarity == last) & (column < last_row))
            for row, value in zip(others[beats].tolist(), similarity[beats].tolist()):
                merged_rows = np.append(best[row], column)
                merged_values = np.append(values[row], np.float32(value))
                order = np.lexsort((merged_rows, -merged_values))[:take]
                best[row], values[row] = merged_rows[order], merged_values[order]
        best_lists.append(best)
        value_lists.append(values)
    return CandidateLists(tuple(best_lists), tuple(value_lists))


def _distinct_per_row(candidates: np.ndarray) -> np.ndarray:
    """Each row's indices sorted, a repeated one replaced by NONE."""
    ordered = np.sort(candidates, axis=1)
    repeated = np.zeros(ordered.shape, dtype=bool)
    repeated[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
    ordered[repeated] = NONE
    return ordered


def quantised(vectors: np.ndarray) -> np.ndarray:
    """Unit-length rows as float32 integers (QUANTUM per unit): their dot products are exact."""
    return np.rint(np.asarray(vectors, dtype=np.float64) * QUANTUM).astype(np.float32)


def sketches(matrix: csr_matrix) -> np.ndarray:
    """Unit-length float32 random projections of the rows (zeros when there are no columns)."""
    if matrix.shape[1] == 0:
        return np.zeros((matrix.shape[0], 1), dtype=np.float32)
    return unit_rows(gaussian_projection(matrix, SKETCH_DIMENSIONS, RANDOM_STATE)).astype(np.float32)


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
