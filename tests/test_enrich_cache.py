"""The enrich stage's caches (phrase counts, candidate lists and related papers, shared phrases):
enrich with the caches kept from earlier builds equals enrich without any cache, given the same
saved topic state and model.

On the example collection, with candidates in force (EXACT_LIMIT 0) and short candidate lists (so
that edits change many of them), a sequence of edits: add a paper in the middle and at the end,
change an abstract, change a title, remove papers, reorder, add a copy of a paper (an exact
duplicate is never related). After each, the whole catalog (papers with their topics, related
papers, scores and reasons; topics; automatic topics; the model; the map) is compared with enrich
without a cache.
A damaged cache file gives the same result too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from generator import cache, neighbours, related
from generator import enrich as enrich_module
from generator.catalog import assign_slugs
from generator.config import SourceSpec, settings_for
from generator.enrich import enrich
from generator.model import Catalog, Paper
from generator.pipeline import read_all, save_topic_state
from generator.topics import map as topic_map

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"
Edit = Callable[[list[Paper]], list[Paper]]


@pytest.fixture(scope="module")
def example() -> list[Paper]:
    papers, _ = read_all([SourceSpec(EXAMPLE)])
    return papers


def add_in_the_middle(papers: list[Paper]) -> list[Paper]:
    donor = papers[40]
    new = replace(donor, title="Marmot Burrows as " + donor.title, abstract=papers[41].abstract + " " + donor.abstract)
    return [*papers[:100], new, *papers[100:]]


def add_at_the_end(papers: list[Paper]) -> list[Paper]:
    return [*papers, replace(papers[7], title="Tidal " + papers[7].title, abstract=papers[8].abstract)]


def change_an_abstract(papers: list[Paper]) -> list[Paper]:
    changed = list(papers)
    changed[60] = replace(changed[60], abstract=changed[60].abstract + " " + changed[61].abstract)
    return changed


def change_a_title(papers: list[Paper]) -> list[Paper]:
    changed = list(papers)
    changed[30] = replace(changed[30], title="Reward Models for " + changed[30].title)
    return changed


def remove_papers(papers: list[Paper]) -> list[Paper]:
    return papers[:10] + papers[12:150] + papers[151:]


def reorder(papers: list[Paper]) -> list[Paper]:
    return papers[100:] + papers[:100]


def add_a_copy(papers: list[Paper]) -> list[Paper]:
    return [*papers, replace(papers[20], title=papers[20].title + " (copy)", abstract=papers[20].abstract)]


EDITS: tuple[Edit, ...] = (
    add_in_the_middle,
    add_at_the_end,
    change_an_abstract,
    change_a_title,
    remove_papers,
    reorder,
    add_a_copy,
)


def comparable(catalog: Catalog) -> tuple[object, ...]:
    return catalog.papers, catalog.topics, catalog.automatic_topics, catalog.topic_model, catalog.layout


def test_warm_caches_give_what_no_cache_gives(example: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    monkeypatch.setattr(related, "CANDIDATES", 6)
    monkeypatch.setattr(related, "ROWS_PER_CHUNK", 32)
    monkeypatch.setattr(neighbours, "ROWS_PER_BLOCK", 32)
    monkeypatch.setattr(topic_map, "TSNE_LIMIT", 50)  # topic discs, kept with the model
    state = tmp_path / "topics.json"
    cached = settings_for(topic_state=str(state), cache_folder=str(tmp_path / "cache"))
    uncached = settings_for(topic_state=str(state))
    first = enrich(assign_slugs(example), settings=cached)
    save_topic_state(cached, first.automatic_topics, first.topic_model)
    papers = list(example)
    for edit in EDITS:
        papers = edit(papers)
        warm = enrich(assign_slugs(papers), settings=cached)
        assert comparable(warm) == comparable(enrich(assign_slugs(papers), settings=uncached)), edit.__name__
    assert {p.name for p in (tmp_path / "cache").iterdir()} >= {
        enrich_module.RELATED_CACHE,
        enrich_module.SHARED_PHRASES_CACHE,
    } | {f"{name}-{n:02d}" for name in (enrich_module.REASONS_CACHE, "phrase-counts") for n in range(cache.SHARDS)}


def test_a_damaged_cache_is_not_trusted(example: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    state = tmp_path / "topics.json"
    cached = settings_for(topic_state=str(state), cache_folder=str(tmp_path / "cache"), topic_map=False)
    first = enrich(assign_slugs(example), settings=cached)
    save_topic_state(cached, first.automatic_topics, first.topic_model)
    grown = assign_slugs(add_in_the_middle(list(example)))
    enrich(grown, settings=cached)
    for file in (tmp_path / "cache").iterdir():
        data = bytearray(file.read_bytes())
        data[len(data) // 2] ^= 0xFF
        file.write_bytes(bytes(data))
    again = enrich(grown, settings=cached)
    assert comparable(again) == comparable(enrich(grown, settings=settings_for(topic_state=str(state), topic_map=False)))


def test_a_damaged_reasons_shard_is_not_trusted_and_an_edit_rewrites_few(
    example: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reasons are kept as shards (cache.SavedRows): one damaged shard throws them all away (the
    result is that of no cache); changing one abstract rewrites only a few of them."""
    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    state = tmp_path / "topics.json"
    cached = settings_for(topic_state=str(state), cache_folder=str(tmp_path / "cache"), topic_map=False)
    uncached = settings_for(topic_state=str(state), topic_map=False)
    first = enrich(assign_slugs(example), settings=cached)
    save_topic_state(cached, first.automatic_topics, first.topic_model)
    enrich(assign_slugs(example), settings=cached)
    shards = sorted((tmp_path / "cache").glob(f"{enrich_module.REASONS_CACHE}-*"))
    assert len(shards) == cache.SHARDS
    for shard in shards:
        os.utime(shard, ns=(1, 1))
    changed = assign_slugs(change_an_abstract(list(example)))
    assert comparable(enrich(changed, settings=cached)) == comparable(enrich(changed, settings=uncached))
    rewritten = [shard for shard in shards if shard.stat().st_mtime_ns != 1]
    assert 0 < len(rewritten) < cache.SHARDS // 2
    data = bytearray(rewritten[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    rewritten[0].write_bytes(bytes(data))
    calls = []
    real = related.KeptReasons.__init__
    monkeypatch.setattr(
        related.KeptReasons, "__init__", lambda self, previous=None: calls.append(previous) or real(self, previous)
    )
    again = assign_slugs(change_a_title(change_an_abstract(list(example))))
    assert comparable(enrich(again, settings=cached)) == comparable(enrich(again, settings=uncached))
    assert calls[0] is None  # nothing kept was trusted
