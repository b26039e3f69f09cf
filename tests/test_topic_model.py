"""The fitted model kept beside the topic state (generator/topics/fitted.py): its file, and what
keeping it guarantees (a paper's vectors and topics depend on that paper alone)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from generator.catalog import assign_slugs
from generator.config import SourceSpec, settings_for
from generator.enrich import enrich
from generator.model import Paper
from generator.pipeline import read_all, save_topic_state
from generator.topics import find_topics, fitted
from generator.topics import map as topic_map

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"
SIGNATURE = "vectors=tfidf"


@pytest.fixture(scope="module")
def example() -> list[Paper]:
    papers, _ = read_all([SourceSpec(EXAMPLE)])
    return assign_slugs(papers)


@pytest.fixture(scope="module")
def model(example: list[Paper]) -> fitted.FittedModel:
    return find_topics(example, settings_for()).model


def test_the_file_holds_the_model_and_the_same_model_gives_the_same_bytes(model: fitted.FittedModel, tmp_path: Path) -> None:
    path = tmp_path / "topics-model.npz"
    path.write_bytes(fitted.to_bytes(model))
    loaded = fitted.load(path, SIGNATURE)
    assert loaded is not None
    for ours, theirs in ((loaded.related, model.related), (loaded.topic, model.topic)):
        assert ours.terms == theirs.terms and ours.papers == theirs.papers
        assert np.array_equal(ours.document_frequency, theirs.document_frequency)
    assert np.array_equal(loaded.components, model.components) and len(model.components)
    assert loaded.centres.keys() == model.centres.keys()
    assert all(np.array_equal(loaded.centres[s], model.centres[s]) for s in model.centres)
    assert loaded.forms == model.forms and any(form != word for word, form in model.forms.items())
    assert fitted.to_bytes(loaded) == path.read_bytes()
    assert fitted.to_bytes(replace(loaded, loaded_bytes=None)) == path.read_bytes()  # made afresh, not handed back


def test_a_damaged_foreign_or_missing_file_is_no_model(model: fitted.FittedModel, tmp_path: Path) -> None:
    path = tmp_path / "topics-model.npz"
    data = bytearray(fitted.to_bytes(model))
    assert fitted.load(path, SIGNATURE) is None
    path.write_bytes(bytes(data))
    assert fitted.load(path, "vectors=semantic") is None
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert fitted.load(path, SIGNATURE) is None
    path.write_bytes(b"not a zip")
    assert fitted.load(path, SIGNATURE) is None


def test_with_the_model_kept_an_added_paper_changes_no_other_papers_vectors_or_topics(
    example: list[Paper], tmp_path: Path
) -> None:
    state = tmp_path / "topics.json"
    settings = settings_for(topic_state=str(state), topic_map=False)
    first = enrich(example, settings=settings)
    save_topic_state(settings, first.automatic_topics, first.topic_model)
    before = find_topics(example, settings)
    new = replace(example[5], title="Tidal Marmots and " + example[5].title, abstract=example[9].abstract)
    after = find_topics(assign_slugs([*example[:50], new, *example[50:]]), settings)
    assert after.refit_report == () and after.model.centres.keys() == before.model.centres.keys()
    rows = [i for i in range(len(example) + 1) if i != 50]
    assert np.array_equal(after.vectors[rows], before.vectors)
    assert (after.related_features.matrix[rows] != before.related_features.matrix).nnz == 0
    assert all(after.of(p.slug) == before.of(p.slug) for p in example)
    assert {t.slug: t.label for t in after.topics} == {t.slug: t.label for t in before.topics}
    assert after.of(assign_slugs([*example[:50], new, *example[50:]])[50].slug)  # the new paper joined a topic


def test_with_the_model_kept_an_added_paper_moves_no_other_point_on_the_map(
    example: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_map, "TSNE_LIMIT", 50)  # the example drawn as topic discs
    state = tmp_path / "topics.json"
    settings = settings_for(topic_state=str(state))
    first = enrich(example, settings=settings)
    save_topic_state(settings, first.automatic_topics, first.topic_model)
    before = enrich(example, settings=settings)
    new = replace(example[5], title="Tidal Marmots and " + example[5].title, abstract=example[9].abstract)
    grown = assign_slugs([*example, new])
    after = enrich(grown, settings=settings)
    assert fitted.load(state.with_name("topics-model.npz"), SIGNATURE).discs  # kept with the model
    assert all(after.layout[slug] == point for slug, point in before.layout.items())
    assert len(after.layout) == len(before.layout) + 1
    fresh = enrich(grown, settings=settings_for())  # no state: the discs of the grown collection
    assert fresh.layout != after.layout


def test_a_kept_model_gives_back_the_bytes_it_was_loaded_from_and_a_changed_one_new_bytes(
    example: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_map, "TSNE_LIMIT", 50)  # the example drawn as topic discs (kept with the model)
    state = tmp_path / "topics.json"
    settings = settings_for(topic_state=str(state))
    first = enrich(example, settings=settings)
    save_topic_state(settings, first.automatic_topics, first.topic_model)
    saved = state.with_name("topics-model.npz").read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(fitted, "_json_bytes", None)  # the kept model is not made into bytes again
        again = enrich(example, settings=settings)
    assert again.topic_model == saved and again.layout == first.layout
    loaded = fitted.load(state.with_name("topics-model.npz"), SIGNATURE)
    assert loaded is not None and loaded.loaded_bytes == saved
    assert loaded.with_discs(dict(loaded.discs)) is loaded
    slug = sorted(loaded.discs)[0]
    moved = {**loaded.discs, slug: replace(loaded.discs[slug], radius=loaded.discs[slug].radius * 2)}
    for changed in (loaded.with_discs(moved), loaded.with_centres(loaded.centres), loaded.with_discs({})):
        assert changed.loaded_bytes is None and fitted.to_bytes(changed) != saved
    assert fitted.to_bytes(loaded.with_discs(moved)) == fitted.to_bytes(replace(loaded, discs=moved, loaded_bytes=None))
