"""generator/rows.py computes what the scikit-learn calls it stands in for compute, to the bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from examples import load_example
from scipy.sparse import csr_matrix, diags
from scipy.sparse import random as sparse_random
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer
from sklearn.preprocessing import normalize
from sklearn.random_projection import GaussianRandomProjection

from generator import features, rows


def _counts(seed: int, shape=(300, 500), density=0.05) -> csr_matrix:
    rng = np.random.default_rng(seed)
    matrix = csr_matrix(sparse_random(*shape, density=density, random_state=rng, data_rvs=lambda n: rng.integers(1, 9, n)))
    matrix = csr_matrix(matrix, dtype=np.int64)
    matrix.sort_indices()
    return matrix


def _same(a, b) -> bool:
    a, b = csr_matrix(a), csr_matrix(b)
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and a.data.dtype == b.data.dtype
        and a.data.tobytes() == b.data.tobytes()
    )


@pytest.mark.parametrize("seed", range(5))
def test_tfidf_rows_are_tfidf_transformers(seed: int) -> None:
    counts = _counts(seed)
    keep = np.ones(counts.shape[0])
    keep[7] = 0  # a row with no phrase at all
    counts = csr_matrix(diags(keep) @ counts, dtype=np.int64)
    counts.eliminate_zeros()
    counts.sort_indices()
    assert counts[7].nnz == 0
    idf = np.log((301) / (np.bincount(counts.indices, minlength=counts.shape[1]) + 1.0)) + 1.0
    transformer = TfidfTransformer(sublinear_tf=True)
    transformer.idf_ = idf
    assert _same(rows.tfidf_rows(counts, idf), transformer.transform(counts))


def test_tfidf_rows_of_real_papers_are_tfidf_transformers() -> None:
    papers = load_example()
    found = features.count_phrases(papers)
    idf = np.log((len(papers) + 1) / (np.bincount(found.matrix.indices, minlength=found.matrix.shape[1]) + 1.0)) + 1.0
    counts = csr_matrix(found.matrix, copy=True)
    counts.sort_indices()
    transformer = TfidfTransformer(sublinear_tf=True)
    transformer.idf_ = idf
    assert _same(rows.tfidf_rows(counts, idf), transformer.transform(counts))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_unit_rows_are_normalize(dtype) -> None:
    rng = np.random.default_rng(3)
    matrix = (rng.normal(size=(200, 40)) * 10).astype(dtype)
    matrix[5] = 0
    matrix[6] = 1e-20 if dtype != np.int64 else 0
    expected = normalize(matrix)
    got = rows.unit_rows(matrix)
    assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()
    assert matrix[0].tolist() != got[0].tolist()  # a copy: the input is left as it was


@pytest.mark.parametrize("columns", [1, 50, 3000])
def test_gaussian_projection_is_gaussian_random_projection(columns: int) -> None:
    weights = rows.tfidf_rows(_counts(9, shape=(120, columns), density=0.1), np.ones(columns))
    projection = GaussianRandomProjection(n_components=128, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fewer columns than dimensions
        expected = projection.fit_transform(weights)
    got = rows.gaussian_projection(weights, 128, 0)
    assert got.dtype == expected.dtype and got.tobytes() == np.asarray(expected).tobytes()


def test_stop_words_hold_scikit_learns() -> None:
    assert features.ENGLISH_STOP_WORDS == ENGLISH_STOP_WORDS


def test_counted_vocabulary_is_count_vectorizers() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    papers = load_example()
    terms = features.count_phrases(papers).terms[::3]
    vectorizer = CountVectorizer(analyzer=features.analyze, vocabulary={t: j for j, t in enumerate(terms)})
    expected = csr_matrix(vectorizer.transform([features.paper_text(p) for p in papers]), dtype=np.int64)
    assert _same(features.count_vocabulary(papers, terms), expected)


def test_loading_the_pipeline_does_not_import_scikit_learn() -> None:
    """scikit-learn takes over a second to import: only the functions that fit a model import it."""
    import subprocess
    import sys

    code = "import sys, generator.cli, generator.enrich, generator.pipeline, generator.related; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
