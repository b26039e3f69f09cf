"""Stable topic slugs: the state file, the matching, and adding a paper to the example collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.catalog import assign_slugs
from generator.config import SourceSpec, settings_for
from generator.enrich import enrich
from generator.model import Paper, Source, Topic
from generator.pipeline import read_all, save_topic_state
from generator.topics import find_topics
from generator.topics.discover import TopicAssignment
from generator.topics.state import changed_share, jaccard, load_state, load_topics, match_slugs, refit_report, state_text
from generator.write import write_if_changed

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"

NEW_PAPER = Paper(
    title="Self-Play Tree Search for Zero-Sum Board Games",
    abstract="Agents improve by self-play in zero-sum games, using Monte Carlo tree search and reinforcement learning.",
    source=Source("extra.txt", 1),
)


def topic(slug: str, label: str, papers: str) -> Topic:
    return Topic(slug=slug, label=label, papers=tuple(papers))


def keep_state(state: Path, catalog) -> None:
    """Save the catalog's topic state and fitted model as a build does."""
    save_topic_state(settings_for(topic_state=str(state)), catalog.automatic_topics, catalog.topic_model)


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
    keep_state(state, before)
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
    keep_state(state, first)
    again = enrich(assign_slugs(example), settings=settings)
    assert again.topics == first.topics
    assert again.papers == first.papers


def test_a_big_change_discovers_topics_afresh_but_keeps_matching_slugs(example: list[Paper], tmp_path_factory) -> None:
    state = tmp_path_factory.mktemp("big") / "topics.json"
    settings = settings_for(topic_state=str(state), topic_map=False)
    first = enrich(assign_slugs(example[:150]), settings=settings)
    keep_state(state, first)
    grown = enrich(assign_slugs(example), settings=settings)  # 53 new papers: more than 20%
    fresh = enrich(assign_slugs(example), settings=settings_for(topic_map=False))
    assert [len(t.papers) for t in grown.topics] == [len(t.papers) for t in fresh.topics]
    kept = {t.slug for t in first.topics} & {t.slug for t in grown.topics}
    assert len(kept) >= len(first.topics) // 2


def test_refit_report_names_each_change_once_and_sums_up() -> None:
    old = [topic("games", "Games", "abcd"), topic("rl", "RL", "efgh"), topic("gone", "Gone", "ij"), topic("same", "Same", "kl")]
    new = [
        topic("games", "Board games", "abcd"),
        topic("rl", "RL", "efxyz"),
        topic("fresh", "Fresh", "mn"),
        topic("same", "Same", "kl"),
    ]
    assert refit_report(old, new) == [
        "appeared: fresh ('Fresh', 2 papers)",
        "vanished: gone ('Gone', 2 papers)",
        "relabelled: games: 'Games' -> 'Board games'",
        "changed papers: rl ('RL'): 4 -> 5 papers, 29% in common",
        "topics refitted: 4 before, 4 now; 1 appeared, 1 vanished, 1 relabelled, 1 changed papers",
    ]


def test_refit_report_of_unchanged_topics_is_the_summary_alone() -> None:
    topics = [topic("games", "Games", "abcd"), topic("rl", "RL", "abce")]  # 3 of 5 papers shared: 0.6, kept
    assert refit_report(topics, [topic("games", "Games", "abcd"), topic("rl", "RL", "abef")]) == [
        "topics refitted: 2 before, 2 now; 0 appeared, 0 vanished, 0 relabelled, 0 changed papers"
    ]


def test_refit_report_without_a_state_lists_every_topic_as_new() -> None:
    assert refit_report([], [topic("games", "Games", "ab")])[0] == "appeared: games ('Games', 2 papers)"


def test_changed_share_counts_added_and_removed_papers_of_both_collections() -> None:
    old = {"t": frozenset("abcd")}
    assert changed_share(list("abcd"), old) == 0.0
    assert changed_share(list("abcde"), old) == 0.2  # 1 added of 5
    assert changed_share(list("abe"), old) == 0.6  # c, d removed, e added: 3 of 5
    assert changed_share(list("xyz"), {}) == 1.0


def test_state_topics_keep_their_labels(tmp_path: Path) -> None:
    path = tmp_path / "topics.json"
    write_if_changed(path, state_text([topic("b", "Bee", "yx")]))
    assert load_topics(path) == (Topic(slug="b", label="Bee", papers=("x", "y")),)
    path.write_text('{"topics": [{"slug": "b"}]}', encoding="utf-8")
    assert load_topics(path) == ()


@pytest.mark.parametrize("share", [0, 0.2, 1, 0.5])
def test_refit_share_option_accepts_shares(share: float) -> None:
    assert settings_for(topic_refit_share=share).topic_refit_share == share


@pytest.mark.parametrize("share", [-0.1, 1.5, True, "0.2"])
def test_refit_share_option_rejects_anything_else(share: object) -> None:
    with pytest.raises(ValueError, match="topic_refit_share"):
        settings_for(topic_refit_share=share)


def test_the_refit_share_decides_between_keeping_and_refitting(example: list[Paper], tmp_path_factory) -> None:
    state = tmp_path_factory.mktemp("share") / "topics.json"
    first = enrich(assign_slugs(example[:150]), settings=settings_for(topic_state=str(state), topic_map=False))
    keep_state(state, first)
    grown = assign_slugs(example)  # 53 new papers of 203: 26%
    kept = find_topics(grown, settings_for(topic_state=str(state), topic_refit_share=0.3, topic_map=False))
    assert kept.refit_report == ()
    old = load_state(state)
    assert {t.slug for t in kept.automatic} == set(old)
    assert all(old[t.slug] <= set(t.papers) for t in kept.automatic)  # old papers stay, new ones join
    refitted = find_topics(grown, settings_for(topic_state=str(state), topic_refit_share=0.25, topic_map=False))
    assert refitted.refit_report[-1].startswith("topics refitted:")
    forced = find_topics(grown, settings_for(topic_state=str(state), topic_refit_share=0.3, topic_map=False), refit=True)
    assert forced.automatic == refitted.automatic and forced.refit_report == refitted.refit_report
