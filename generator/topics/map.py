"""Where each paper sits on the map: a 2-D embedding of the paper vectors (t-SNE, seeded, on the
LSA or sentence vectors; PCA for very large collections), scaled into the unit square and rounded."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

RANDOM_STATE = 0
TSNE_LIMIT = 3_000  # above this many papers t-SNE is slow (17 s at 3,000 here); PCA is used instead
DECIMALS = 4


def layout(vectors: np.ndarray) -> np.ndarray:
    """One (x, y) per row, both within [0, 1]; deterministic for the same vectors."""
    n = len(vectors)
    if n == 0:
        return np.zeros((0, 2))
    if n < 4 or np.allclose(vectors, vectors[0]):
        return _on_a_circle(n)
    if n > TSNE_LIMIT:
        points = PCA(n_components=2, random_state=RANDOM_STATE).fit_transform(vectors)
    else:
        tsne = TSNE(
            n_components=2, perplexity=min(30.0, (n - 1) / 3), init="pca", random_state=RANDOM_STATE, metric="cosine", n_jobs=1
        )
        # One thread: the same numbers every run, and no OpenMP spin-waiting on a busy machine
        # (seen here: 4.6 s instead of 0.05 s for 12 papers).
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore")
            points = tsne.fit_transform(vectors)
    return np.round(_unit_square(points), DECIMALS)


def _on_a_circle(n: int) -> np.ndarray:
    angles = 2 * np.pi * np.arange(n) / max(n, 1)
    return np.round(0.5 + 0.4 * np.column_stack([np.cos(angles), np.sin(angles)]), DECIMALS)


def _unit_square(points: np.ndarray) -> np.ndarray:
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    return (points - low) / span
