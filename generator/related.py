"""Related papers: nearest neighbours by cosine similarity of TF-IDF vectors of title + abstract."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

from .model import Paper, Related
from .topics import build_tfidf

SCORE_SCALE = 10_000  # scores are rounded to 4 decimals
ROWS_PER_CHUNK = 512  # a chunk's dense similarity block is ROWS_PER_CHUNK x n floats
EXCLUDED = -1


def related_papers(papers: Sequence[Paper], k: int = 5) -> dict[str, tuple[Related, ...]]:
    """For each paper slug, up to k other papers by descending similarity, ties broken by slug.

    Never the paper itself, an exact duplicate of it, or a paper sharing no phrase with it.
    """
    if not papers:
        return {}
    # Phrases of a single paper add nothing to any similarity, only dilute its vector: leave them out.
    matrix = build_tfidf(papers, min_df=min(2, len(papers))).matrix  # L2-normalised rows: dot = cosine
    keys = _ranking_keys(papers)
    duplicates = _duplicate_indices(papers)
    neighbours: list[list[Related]] = []
    for start in range(0, len(papers), ROWS_PER_CHUNK):
        rows = range(start, min(start + ROWS_PER_CHUNK, len(papers)))
        neighbours.extend(_chunk_neighbours(matrix, rows, keys, duplicates, papers, k))
    return {paper.slug: tuple(found) for paper, found in zip(papers, neighbours)}


def _ranking_keys(papers: Sequence[Paper]) -> np.ndarray:
    """Per paper, n - 1 - (its rank by slug): added to scaled scores, it orders ties by slug."""
    order = sorted(range(len(papers)), key=lambda i: papers[i].slug)
    keys = np.empty(len(papers), dtype=np.int64)
    keys[order] = np.arange(len(papers) - 1, -1, -1)
    return keys


def _duplicate_indices(papers: Sequence[Paper]) -> dict[int, list[int]]:
    """Paper index -> indices of the other papers with the same normalised title and abstract."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, paper in enumerate(papers):
        groups[(_normalised(paper.title), _normalised(paper.abstract))].append(i)
    return {i: [j for j in group if j != i] for group in groups.values() if len(group) > 1 for i in group}


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _chunk_neighbours(
    matrix: csr_matrix,
    rows: range,
    keys: np.ndarray,
    duplicates: dict[int, list[int]],
    papers: Sequence[Paper],
    k: int,
) -> list[list[Related]]:
    scores = _rounded_scores(matrix, rows)
    ranking = _ranking(scores, rows, keys, duplicates)
    take = min(k, len(papers))
    if take <= 0:
        return [[] for _ in rows]
    top = np.argpartition(-ranking, take - 1, axis=1)[:, :take]
    result = []
    for offset, candidates in enumerate(top):
        best = sorted(candidates, key=lambda j: -ranking[offset, j])
        result.append(
            [
                Related(slug=papers[j].slug, score=float(scores[offset, j]) / SCORE_SCALE)
                for j in best
                if ranking[offset, j] != EXCLUDED
            ]
        )
    return result


def _rounded_scores(matrix: csr_matrix, rows: range) -> np.ndarray:
    """Cosine similarities of the chunk's rows to every paper, as integers in 1/SCORE_SCALE units."""
    block = (matrix[rows.start : rows.stop] @ matrix.T).toarray()
    return np.rint(block * SCORE_SCALE).astype(np.int64)


def _ranking(scores: np.ndarray, rows: range, keys: np.ndarray, duplicates: dict[int, list[int]]) -> np.ndarray:
    """One integer per candidate, rounded score first and slug order second, so the keys of a row are
    all distinct and argpartition's cut is exact; EXCLUDED for self, duplicates and unrelated papers."""
    ranking = scores * len(keys) + keys
    ranking[scores <= 0] = EXCLUDED
    for offset, i in enumerate(rows):
        ranking[offset, i] = EXCLUDED
        ranking[offset, duplicates.get(i, [])] = EXCLUDED
    return ranking
