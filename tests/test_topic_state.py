"""Stable topic slugs: the state file, the matching, and adding a paper to the example collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.catalog import assign_slugs
from generator.config import SourceSpec, settings_for
from generator.enrich import enrich
from generator.model import Paper, Source, Topic
from generator.pipeline import read_all
from generator.topics.discover import TopicAssignment
from generator.topics.state import jaccard, load_state, match_slugs, state_text
from generator.write import write_if_changed

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"

NEW_PAPER = Paper(
    title="Self-Play Tree Search for Zero-Sum Board Games",
    abstract="Agents improve by self-play in zero-sum games, using Monte Carlo tree search and reinforcement learning.",
    source=Source("extra.txt", 1),
)


def topic(slug: str, label: str, papers: str) -> Topic:
    return Topic(slug=slug, label=label, papers=tuple(papers))


def test_jaccard() -> None:
    assert jaccard(frozenset("abc"), frozenset("bcd")) == 0.5
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_matching_keeps_old_slugs_for_overlapping_topics() -> None:
    old = {"self-play": frozenset("abcd"), "diffusion": frozenset("efgh")}
    new = [topic("games", "Games", "abcx"), topic("diffusion-models", "Diffusion models", "efghi")]
    assert match_slugs(new, old) == {"games": "self-play", "diffusion-models": "diffusion"}


def test_weak_overlap_gets_a_fresh_slug_that_no_old_topic_used() -> None:
    old = {"games": frozenset("abcdefgh")}
    new = [topic("games", "Games", "ahij")]  # 1 of 10 papers shared
    assert match_slugs(new, old) == {"games": "games-2"}


def test_each_old_slug_goes_to_its_best_match_only() -> None:
    old = {"rl": frozenset("abcdef")}
    new = [topic("x", "X", "abcdef"), topic("y", "Y", "abcde")]
    assert match_slugs(new, old) == {"x": "rl", "y": "y"}


def test_stable_slugs_rename_memberships_too() -> None:
    found = TopicAssignment((topic("games", "Games", "ab"),), {"a": ("games",), "b": ("games",)})
    renamed = found.renamed(match_slugs(found.topics, {"self-play": frozenset("ab")}))
    assert [t.slug for t in renamed.topics] == ["self-play"]
    assert renamed.paper_topics == {"a": ("self-play",), "b": ("self-play",)}


def test_state_file_round_trip_and_unchanged_state_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "state" / "topics.json"
    topics = [topic("b", "B", "yx"), topic("a", "A", "z")]
    assert write_if_changed(path, state_text(topics))
    assert load_state(path) == {"a": frozenset("z"), "b": frozenset("xy")}
    assert json.loads(path.read_text())["topics"][1]["papers"] == ["x", "y"]
    assert not write_if_changed(path, state_text(list(reversed(topics))))


def test_unreadable_state_counts_as_none(tmp_path: Path) -> None:
    path = tmp_path / "topics.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_state(path) == {}
    assert load_state(None) == {}


@pytest.fixture(scope="module")
def example() -> list[Paper]:
    papers, _ = read_all([SourceSpec(EXAMPLE)])
    return papers


def test_adding_a_paper_keeps_every_topic_slug(example: list[Paper], tmp_path_factory) -> None:
    state = tmp_path_factory.mktemp("state") / "topics.json"
    settings = settings_for(topic_state=str(state), topic_map=False)
    before = enrich(assign_slugs(example), settings=settings)
    write_if_changed(state, state_text(before.automatic_topics))
    after = enrich(assign_slugs([*example, NEW_PAPER]), settings=settings)
    assert {t.slug for t in before.topics} <= {t.slug for t in after.topics}
    without_state = enrich(assign_slugs([*example, NEW_PAPER]), settings=settings_for(topic_map=False))
    # The state is what keeps them: without it, some topics come out under other names.
    assert {t.slug for t in before.topics} != {t.slug for t in without_state.topics}
    new_slug = assign_slugs([*example, NEW_PAPER])[-1].slug
    assert after.paper(new_slug).topics


def test_a_rerun_with_its_own_state_changes_nothing(example: list[Paper], tmp_path_factory) -> None:
    state = tmp_path_factory.mktemp("rerun") / "topics.json"
    settings = settings_for(topic_state=str(state), topic_map=False)
    first = enrich(assign_slugs(example), settings=settings)
    write_if_changed(state, state_text(first.automatic_topics))
    again = enrich(assign_slugs(example), settings=settings)
    assert again.topics == first.topics
    assert again.papers == first.papers


def test_a_big_change_discovers_topics_afresh_but_keeps_matching_slugs(example: list[Paper], tmp_path_factory) -> None:
    state = tmp_path_factory.mktemp("big") / "topics.json"
    settings = settings_for(topic_state=str(state), topic_map=False)
    first = enrich(assign_slugs(example[:150]), settings=settings)
    write_if_changed(state, state_text(first.automatic_topics))
    grown = enrich(assign_slugs(example), settings=settings)  # 53 new papers: more than 20%
    fresh = enrich(assign_slugs(example), settings=settings_for(topic_map=False))
    assert [len(t.papers) for t in grown.topics] == [len(t.papers) for t in fresh.topics]
    kept = {t.slug for t in first.topics} & {t.slug for t in grown.topics}
    assert len(kept) >= len(first.topics) // 2
