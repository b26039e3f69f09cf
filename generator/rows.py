"""The row arithmetic every build runs on the paper vectors, in numpy and scipy alone.

Weighing counted phrases (TF-IDF), making rows unit-length and projecting them (the sketches of
neighbours.py) happen in every build, fitted model or not; scikit-learn, which takes over a second to
import, is imported only where a model is fitted (topics/clusters.py, topics/fitted.py, ...), so a
build that keeps the saved model never loads it. Each function computes what the scikit-learn call
named in its docstring computes, to the bit, in the same order of operations: tests/test_rows.py
compares them on random and real rows.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

_FLOATS = (np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.float16))


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """A copy of the dense matrix with each row divided by its L2 norm, rows of (near) zero norm left
    as they are: `sklearn.preprocessing.normalize(matrix)`."""
    dtype = matrix.dtype if matrix.dtype in _FLOATS else np.dtype(np.float64)
    rows = np.array(matrix, dtype=dtype, copy=True)
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
    norms[norms < 10 * np.finfo(norms.dtype).eps] = 1.0
    rows /= norms[:, None]
    return rows


def tfidf_rows(counts: csr_matrix, idf: np.ndarray) -> csr_matrix:
    """Sublinear TF-IDF rows of phrase counts, each of unit L2 norm: `TfidfTransformer(sublinear_tf=True)`
    with `idf_ = idf`, `.transform(counts)`."""
    weights = csr_matrix(counts, dtype=np.float64, copy=True)
    np.log(weights.data, weights.data)
    weights.data += 1.0
    weights.data *= idf[weights.indices]
    _unit_sparse_rows(weights)
    return weights


def _unit_sparse_rows(matrix: csr_matrix) -> None:
    """Divide each row (float64) with a non-zero sum of squares by its L2 norm, in place: scikit-learn's
    `inplace_csr_row_normalize_l2`, whose sum runs along each row in order (so does this one: one
    column position of every row at a time)."""
    assert matrix.data.dtype == np.float64
    starts = matrix.indptr[:-1].astype(np.int64)
    lengths = np.diff(matrix.indptr).astype(np.int64)
    squares = np.zeros(matrix.shape[0], dtype=np.float64)
    for position in range(int(lengths.max(initial=0))):
        rows = np.flatnonzero(lengths > position)
        values = matrix.data[starts[rows] + position]
        squares[rows] += values * values
    norms = np.sqrt(squares)
    norms[squares == 0.0] = 1.0  # x / 1.0 is x: such rows stay as they are
    matrix.data /= np.repeat(norms, lengths)


def gaussian_projection(matrix: csr_matrix, dimensions: int, seed: int) -> np.ndarray:
    """The rows projected on `dimensions` random Gaussian directions (dense):
    `GaussianRandomProjection(n_components=dimensions, random_state=seed).fit_transform(matrix)`."""
    rng = np.random.RandomState(seed)
    components = rng.normal(loc=0.0, scale=1.0 / np.sqrt(dimensions), size=(dimensions, matrix.shape[1]))
    projected = csr_matrix(matrix, dtype=np.float64) @ components.T
    return np.asarray(projected)
