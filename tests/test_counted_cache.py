"""topics/counted.py: the phrase counts kept as rows (cache.SavedRows) give the counts counted afresh,
count only new texts, rewrite only the shards of changed rows, and trust no damaged or foreign shard."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from generator import cache, features
from generator.catalog import assign_slugs
from generator.config import SourceSpec
from generator.model import Paper
from generator.pipeline import read_all
from generator.topics import counted

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"


@pytest.fixture(scope="module")
def example() -> list[Paper]:
    return assign_slugs(read_all([SourceSpec(EXAMPLE)])[0])


@pytest.fixture(scope="module")
def terms(example: list[Paper]) -> list[str]:
    return sorted(features.count_phrases(example).terms)[::3]


def same(ours: csr_matrix, theirs: csr_matrix) -> bool:
    return (
        ours.shape == theirs.shape
        and ours.dtype == theirs.dtype
        and ours.indices.dtype == theirs.indices.dtype
        and all(np.array_equal(getattr(ours, name), getattr(theirs, name)) for name in ("data", "indices", "indptr"))
    )


def test_kept_rows_give_the_counts_counted_afresh_and_only_new_texts_are_counted(
    example: list[Paper], terms: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    counted_papers: list[int] = []
    real = counted.count_vocabulary
    monkeypatch.setattr(
        counted, "count_vocabulary", lambda papers, terms: counted_papers.append(len(papers)) or real(papers, terms)
    )
    first = counted.counts(example, counted.text_digests(example), terms, folder)
    assert same(first, real(example, terms)) and counted_papers == [len(example)]
    shards = sorted(folder.glob("phrase-counts-*"))
    assert len(shards) == cache.SHARDS
    for shard in shards:
        os.utime(shard, ns=(1, 1))
    edited = [replace(example[7], abstract="Marmots count waves on tidal flats."), *example[:7], *example[8:150]]
    warm = counted.counts(edited, counted.text_digests(edited), terms, folder)
    assert same(warm, real(edited, terms)) and counted_papers[1] == 1
    rewritten = [shard for shard in shards if shard.stat().st_mtime_ns != 1]
    assert 0 < len(rewritten) < cache.SHARDS  # the removed papers' and the new text's shards only
    again = counted.counts(edited, counted.text_digests(edited), terms, folder)
    assert same(again, warm) and len(counted_papers) == 2  # nothing counted, nothing saved
    assert all(shard.stat().st_mtime_ns == 1 for shard in shards if shard not in rewritten)


def test_a_damaged_shard_or_other_phrases_count_every_paper_again(
    example: list[Paper], terms: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    papers = example[:80]
    counted.counts(papers, counted.text_digests(papers), terms, folder)
    shard = folder / "phrase-counts-03"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    counted_papers: list[int] = []
    real = counted.count_vocabulary
    monkeypatch.setattr(
        counted, "count_vocabulary", lambda papers, terms: counted_papers.append(len(papers)) or real(papers, terms)
    )
    assert same(counted.counts(papers, counted.text_digests(papers), terms, folder), real(papers, terms))
    assert counted_papers == [80]
    other = terms[1:]
    assert same(counted.counts(papers, counted.text_digests(papers), other, folder), real(papers, other))
    assert counted_papers == [80, 80]
