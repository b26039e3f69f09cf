"""Ways to group papers into topics. Each returns a paper x topic weight matrix (non-negative, one
column per topic); topics.py turns weights into memberships and labels.

- `nmf_weights`: non-negative matrix factorisation of the TF-IDF phrase matrix (soft, overlapping).
- `kmeans_weights`: k-means on unit-length vectors (LSA of TF-IDF, or sentence embeddings); a
  paper's weight for a topic is its cosine similarity to the topic's centre.
- `agglomerative_weights`: Ward clustering of the same vectors, weighted the same way.

Clustering methods split any topic above `max_share` of the papers, so no topic swallows the
collection. Everything is seeded and rounded: same input, same topics.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.sparse import csr_matrix

from ..rows import unit_rows

RANDOM_STATE = 0
MIN_LSA_DIMENSIONS, MAX_LSA_DIMENSIONS = 20, 100  # few dimensions cluster better (see bench/topics.py)
WARD_LIMIT = 5_000  # Ward needs n^2/2 distances: above this many papers, k-means is used instead
ROUNDING = 6  # decimals kept of vectors and weights, so float noise cannot flip a tie
NMF_TOLERANCE = 1e-3
KMEANS_RUNS = 10


def lsa_dimensions(n_papers: int) -> int:
    """1.5 sqrt(n) latent dimensions, within [MIN_LSA_DIMENSIONS, MAX_LSA_DIMENSIONS]."""
    return min(MAX_LSA_DIMENSIONS, max(MIN_LSA_DIMENSIONS, round(1.5 * math.sqrt(n_papers))))


def lsa_vectors(matrix: csr_matrix, dimensions: int | None = None) -> np.ndarray:
    """Unit-length latent semantic vectors of a TF-IDF matrix (TruncatedSVD), one row per paper."""
    n_papers, n_terms = matrix.shape
    k = min(dimensions or lsa_dimensions(n_papers), n_papers - 1, n_terms - 1)
    if k < 1:
        return unit_rows(matrix.toarray()) if n_terms else np.zeros((n_papers, 1))
    from sklearn.decomposition import TruncatedSVD  # imported only where a model is fitted (rows.py)

    with np.errstate(invalid="ignore", divide="ignore"):  # copies of one text: no variance to explain
        reduced = TruncatedSVD(n_components=k, random_state=RANDOM_STATE).fit_transform(matrix)
    return np.round(unit_rows(reduced), ROUNDING)


def nmf_weights(matrix: csr_matrix, n_topics: int) -> np.ndarray:
    """Paper x topic weights of an NMF of the TF-IDF matrix."""
    from sklearn.decomposition import NMF  # imported only where a model is fitted (rows.py)
    from sklearn.exceptions import ConvergenceWarning

    nmf = NMF(n_components=n_topics, init="nndsvda", random_state=RANDOM_STATE, tol=NMF_TOLERANCE, max_iter=1000)
    # Degenerate input (one paper, copies of one text) can stall or fit exactly; the factors are fine.
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return np.round(nmf.fit_transform(matrix), ROUNDING)


def kmeans_weights(vectors: np.ndarray, n_topics: int, max_share: float = 1.0) -> np.ndarray:
    """Cosine similarity of each paper to each k-means centre, oversized clusters split in two."""
    labels = _kmeans_labels(vectors, n_topics)
    return _centre_similarities(vectors, _split_oversized(vectors, labels, max_share))


def agglomerative_weights(vectors: np.ndarray, n_topics: int, max_share: float = 1.0) -> np.ndarray:
    """Like kmeans_weights, with the clusters of Ward's agglomerative clustering (k-means above WARD_LIMIT)."""
    if len(vectors) > WARD_LIMIT:
        return kmeans_weights(vectors, n_topics, max_share)
    if n_topics < 2 or len(vectors) < 2:
        labels = np.zeros(len(vectors), dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering  # imported only where a model is fitted (rows.py)

        labels = AgglomerativeClustering(n_clusters=n_topics, linkage="ward").fit_predict(vectors)
    return _centre_similarities(vectors, _split_oversized(vectors, labels, max_share))


def _kmeans_labels(vectors: np.ndarray, n_clusters: int) -> np.ndarray:
    from sklearn.cluster import KMeans  # imported only where a model is fitted (rows.py)
    from sklearn.exceptions import ConvergenceWarning

    distinct = len(np.unique(vectors, axis=0))
    n_clusters = max(1, min(n_clusters, distinct))
    kmeans = KMeans(n_clusters=n_clusters, n_init=KMEANS_RUNS, random_state=RANDOM_STATE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return kmeans.fit_predict(vectors)


def _split_oversized(vectors: np.ndarray, labels: np.ndarray, max_share: float) -> np.ndarray:
    """Split the largest cluster in two while it holds more than max_share of the papers."""
    labels = _renumbered(labels)
    limit = max(2, int(max_share * len(labels)))
    for _ in range(len(labels)):
        sizes = np.bincount(labels)
        largest = int(np.argmax(sizes))
        if sizes[largest] <= limit:
            break
        members = np.flatnonzero(labels == largest)
        halves = _kmeans_labels(vectors[members], 2)
        if halves.min() == halves.max():
            break  # identical papers: cannot be split
        labels[members[halves == 1]] = labels.max() + 1
    return labels


def _renumbered(labels: np.ndarray) -> np.ndarray:
    """Cluster numbers 0..k-1 in order of each cluster's first paper (stable across equal runs)."""
    first_seen = {label: n for n, label in enumerate(dict.fromkeys(labels.tolist()))}
    return np.array([first_seen[label] for label in labels.tolist()], dtype=int)


def _centre_similarities(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Paper x cluster cosine similarity to the cluster's mean direction, negatives as 0; a paper's
    own cluster always weighs most (set just above its best), so memberships follow the clustering."""
    centres = unit_rows(np.vstack([vectors[labels == c].mean(axis=0) for c in range(labels.max() + 1)]))
    weights = np.clip(np.round(vectors @ centres.T, ROUNDING), 0, None)
    rows = np.arange(len(labels))
    weights[rows, labels] = np.maximum(weights.max(axis=1), 1e-6) + 1e-6
    return weights
