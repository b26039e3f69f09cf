"""Semantic mode (the optional extra papersite[semantic]): embeddings, their cache, and topics and
related papers of the example collection from them.

`make test` installs the extra and sets PAPERSITE_REQUIRE_SEMANTIC=1, so there these tests fail
rather than skip when it is missing; elsewhere they skip, saying how to install it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from generator.catalog import assign_slugs
from generator.config import SourceSpec, settings_for
from generator.enrich import enrich
from generator.model import Paper, Source
from generator.pipeline import read_all
from generator.topics import embeddings

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"
GOLD = Path(__file__).resolve().parent / "data" / "gold-topics.tsv"

if not embeddings.semantic_available():
    message = "the semantic extra is not installed: run `make semantic` (CPU torch, then pip install -e '.[semantic]')"
    if os.environ.get("PAPERSITE_REQUIRE_SEMANTIC") == "1":
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)

pytestmark = pytest.mark.slow


def paper(slug: str, title: str, abstract: str) -> Paper:
    return Paper(title=title, abstract=abstract, source=Source("t.txt", 1), slug=slug)


SMALL = [
    paper("proteins", "Protein folding", "We predict how amino acid chains fold into structures."),
    paper("robots", "Robot grasping", "A robot arm learns to pick up objects."),
    paper("enzymes", "Enzyme structure", "The three-dimensional shape of enzymes from their sequence."),
]


def test_embeddings_are_unit_vectors_and_similar_texts_are_close(tmp_path: Path) -> None:
    vectors = embeddings.embed_papers(SMALL, tmp_path / "cache.npz")
    assert vectors.shape == (3, embeddings.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    similarity = vectors @ vectors.T
    assert similarity[0, 2] > similarity[0, 1]  # proteins are nearer enzymes than robots


def test_the_cache_embeds_only_new_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache.npz"
    first = embeddings.embed_papers(SMALL[:2], cache)
    encoded: list[str] = []
    real_encode = embeddings.encode
    monkeypatch.setattr(embeddings, "encode", lambda texts: encoded.extend(texts) or real_encode(texts))
    again = embeddings.embed_papers(SMALL, cache)
    assert encoded == [embeddings.embedding_text(SMALL[2])]
    assert np.array_equal(again[:2], first)  # cached vectors are the fresh ones, bit for bit
    assert len(embeddings.load_cache(cache)) == 3


def test_a_broken_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache.npz"
    cache.write_bytes(b"not a zip file")
    vectors = embeddings.embed_papers(SMALL[:1], cache)
    assert vectors.shape == (1, embeddings.DIMENSIONS)
    assert len(embeddings.load_cache(cache)) == 1


@pytest.fixture(scope="module")
def semantic_example(tmp_path_factory):
    papers = assign_slugs(read_all([SourceSpec(EXAMPLE)])[0])
    cache = tmp_path_factory.mktemp("embeddings") / "cache.npz"
    return papers, enrich(papers, settings=settings_for(topic_vectors="semantic", embedding_cache=str(cache)))


def test_semantic_example_topics_meet_the_targets(semantic_example) -> None:
    papers, catalog = semantic_example
    assert 12 <= len(catalog.topics) <= 25
    assert max(len(t.papers) for t in catalog.topics) <= 0.2 * len(papers) + 1
    assert all(p.topics for p in catalog.papers)
    assert all(len(p.related) == 5 and all(r.reason for r in p.related) for p in catalog.papers)
    assert len(catalog.layout) == len(papers)


def test_semantic_example_agrees_with_the_gold_set(semantic_example) -> None:
    from sklearn.metrics import adjusted_mutual_info_score

    papers, catalog = semantic_example
    gold = dict(reversed(line.split("\t")) for line in GOLD.read_text(encoding="utf-8").splitlines() if line[:1] != "#")
    labelled = [p for p in catalog.papers if p.title in gold]
    ami = adjusted_mutual_info_score([gold[p.title] for p in labelled], [p.topics[0] for p in labelled])
    assert ami >= 0.5
