"""Where each paper sits on the map, scaled into the unit square and rounded.

Up to TSNE_LIMIT papers: a 2-D t-SNE embedding (seeded) of the paper vectors. Above it t-SNE takes
minutes, and PCA of everything is one round blob; so each topic (a paper's first topic) becomes a
disc, its area proportional to its papers, placed where a 2-D MDS of the topic centres puts it and
pushed apart until no two discs overlap; inside a disc, papers keep the direction and the distance
order of a 2-D PCA of their vectors, spread evenly over the disc. The discs are kept with the fitted
model while the topics are kept (topics/__init__.map_positions), so an added paper moves only the
points of its own disc.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from threadpoolctl import threadpool_limits

from ..rows import unit_rows

RANDOM_STATE = 0
TSNE_LIMIT = 1_000  # above this many papers t-SNE is slow (20 s at 2,000 here): topic discs instead
DECIMALS = 4
DISC_GAP = 0.04  # space between two topic discs, in units of the layout (discs fill about 0.8 of a unit square)
PUSH_ROUNDS = 500


@dataclass(frozen=True)
class Spread:
    """How a disc spreads its papers: the plane of a 2-D PCA of the papers it was made with (mean,
    axes) and their squared distances from the middle in that plane, sorted. A paper's point is its
    direction in that plane and its distance's rank among those: its own, whatever else joins."""

    mean: np.ndarray
    axes: np.ndarray
    distances: np.ndarray


@dataclass(frozen=True)
class Discs:
    """Where each group's disc sits (centres, k x 2), how big it is (radii) and how it spreads its
    papers (None: on a circle), groups in sorted order."""

    centres: np.ndarray
    radii: np.ndarray
    spreads: tuple[Spread | None, ...]


def layout(vectors: np.ndarray, groups: Sequence[int] | None = None, discs: Discs | None = None) -> np.ndarray:
    """One (x, y) per row, both within [0, 1]; deterministic for the same vectors.

    `groups` (each paper's topic number) is needed above TSNE_LIMIT papers, for the topic discs;
    `discs` (of those groups) places them where an earlier layout did (topic_discs makes them)."""
    n = len(vectors)
    if n == 0:
        return np.zeros((0, 2))
    if n < 4 or np.allclose(vectors, vectors[0]):
        return _on_a_circle(n)
    if uses_discs(n) and groups is not None:
        groups = np.asarray(groups)
        discs = discs or topic_discs(vectors, groups)
        return np.round(_unit_square(in_discs(vectors, groups, discs), _bounds(discs)), DECIMALS)
    from sklearn.decomposition import PCA  # imported only where a model is fitted (rows.py)
    from sklearn.manifold import TSNE

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


def uses_discs(n: int) -> bool:
    """Whether n papers are drawn as topic discs (else t-SNE)."""
    return n > TSNE_LIMIT


def topic_discs(vectors: np.ndarray, groups: np.ndarray) -> Discs:
    """One disc per group (area ~ its papers), placed by a 2-D MDS of the groups' centres and pushed
    apart until no two overlap."""
    _, groups = np.unique(groups, return_inverse=True)
    sizes = np.bincount(groups)
    radii = 0.5 * np.sqrt(sizes / sizes.sum())
    spreads = tuple(spread_of(vectors[groups == g]) for g in range(len(sizes)))
    return Discs(_separated(_centre_positions(vectors, groups, len(sizes)), radii), radii, spreads)


def in_discs(vectors: np.ndarray, groups: np.ndarray, discs: Discs) -> np.ndarray:
    """Papers spread over their group's disc: a disc's points depend on its own papers alone."""
    _, groups = np.unique(groups, return_inverse=True)
    points = np.zeros((len(vectors), 2))
    for g in range(len(discs.radii)):
        members = np.flatnonzero(groups == g)
        points[members] = discs.centres[g] + discs.radii[g] * _spread_over_disc(vectors[members], discs.spreads[g])
    return points


def _bounds(discs: Discs) -> tuple[np.ndarray, np.ndarray]:
    """The box around every disc: the map's extent whatever papers the discs hold."""
    return (discs.centres - discs.radii[:, None]).min(axis=0), (discs.centres + discs.radii[:, None]).max(axis=0)


def _centre_positions(vectors: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """2-D positions of the groups' mean directions: similar topics near each other."""
    if k == 1:
        return np.zeros((1, 2))
    centres = unit_rows(np.vstack([vectors[groups == g].mean(axis=0) for g in range(k)]))
    if k < 3:
        return np.array([[-1.0, 0.0], [1.0, 0.0]])[:k]
    from sklearn.manifold import MDS  # imported only where a model is fitted (rows.py)

    distances = np.clip(1 - np.round(centres @ centres.T, 6), 0, None)
    np.fill_diagonal(distances, 0)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        mds = MDS(n_components=2, dissimilarity="precomputed", random_state=RANDOM_STATE, n_init=1, normalized_stress="auto")
        positions = mds.fit_transform(distances)
    spread = float(np.abs(positions).max()) or 1.0
    return positions / spread * 0.5


def _separated(centres: np.ndarray, radii: np.ndarray) -> np.ndarray:
    """The centres pushed apart, a little at a time, until no two discs overlap."""
    centres = centres.copy()
    k = len(centres)
    angles = 2 * np.pi * np.arange(k) / max(k, 1)
    jitter = 1e-3 * np.column_stack([np.cos(angles), np.sin(angles)])  # coinciding centres get a direction
    centres += jitter
    needed = radii[:, None] + radii[None, :] + DISC_GAP
    for _ in range(PUSH_ROUNDS):
        apart = centres[:, None, :] - centres[None, :, :]
        distance = np.sqrt((apart**2).sum(axis=2))
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(needed - distance, 0, None)
        np.fill_diagonal(overlap, 0)
        if overlap.max() <= 1e-9:
            break
        push = (apart / np.where(np.isfinite(distance), distance, 1)[:, :, None]) * (overlap / 2)[:, :, None]
        centres += 0.5 * push.sum(axis=1)  # half steps: many discs pushing one do not overshoot
    return centres


def spread_of(vectors: np.ndarray) -> Spread | None:
    """The Spread of a disc's papers: a 2-D PCA; None for fewer than 3 or identical papers."""
    if len(vectors) < 3 or np.allclose(vectors, vectors[0]):
        return None
    from sklearn.decomposition import PCA  # imported only where a model is fitted (rows.py)

    pca = PCA(n_components=2, svd_solver="covariance_eigh").fit(vectors)  # d x d: fast for many papers
    spread = Spread(pca.mean_, pca.components_, np.zeros(0))
    return replace(spread, distances=np.sort(_plane_distances(vectors, spread)[1]))


def _spread_over_disc(vectors: np.ndarray, spread: Spread | None) -> np.ndarray:
    """Points within the unit disc: the direction of each paper in the spread's plane, and the rank
    of its distance from the middle as the radius (evenly spread, like a sunflower)."""
    m = len(vectors)
    if spread is None:
        return _on_a_circle(m) * 2 - 1 if m > 1 else np.zeros((m, 2))
    angle, distance = _plane_distances(vectors, spread)
    rank = np.minimum(np.searchsorted(spread.distances, distance), len(spread.distances) - 1)
    radius = np.sqrt((rank + 0.5) / len(spread.distances))
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _plane_distances(vectors: np.ndarray, spread: Spread) -> tuple[np.ndarray, np.ndarray]:
    """Each paper's angle in the spread's plane and its squared distance from the middle (rounded);
    einsum, not BLAS: a paper's numbers never depend on the other papers."""
    flat = np.einsum("ij,kj->ik", vectors - spread.mean, spread.axes, optimize=False)
    return np.arctan2(flat[:, 1], flat[:, 0]), np.round(np.einsum("ij,ij->i", flat, flat, optimize=False), 9)


def _on_a_circle(n: int) -> np.ndarray:
    angles = 2 * np.pi * np.arange(n) / max(n, 1)
    return np.round(0.5 + 0.4 * np.column_stack([np.cos(angles), np.sin(angles)]), DECIMALS)


def _unit_square(points: np.ndarray, bounds: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    low, high = bounds or (points.min(axis=0), points.max(axis=0))
    span = np.where(high - low > 0, high - low, 1.0)
    return (points - low) / span
