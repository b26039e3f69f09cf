from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from examples import load_example, make_paper
from hypothesis import given, settings
from hypothesis import strategies as st
from slugify import slugify

from generator.features import analyze, build_tfidf, paper_text
from generator.model import Paper
from generator.topics.discover import TopicAssignment, assign_topics, topic_count
from generator.topics.labels import WEAK_LABEL_WORDS

PROTEINS = [
    ("Protein folding with structure prediction", "We predict protein structure and folding of amino acid chains."),
    ("Amino acid contacts for protein structure", "Protein folding depends on amino acid contacts in structures."),
    ("Protein structure prediction at scale", "Structure prediction of protein folding for many amino acid chains."),
]
ROBOTS = [
    ("Robot grasping with reinforcement learning", "A robot arm learns grasping objects by reinforcement learning."),
    ("Reinforcement learning for robot locomotion", "Legged robot locomotion trained by reinforcement learning."),
    ("Sim-to-real robot grasping", "Robot grasping policies from reinforcement learning transfer to real arms."),
]


@pytest.fixture(scope="module")
def example() -> list[Paper]:
    return load_example()


@pytest.fixture(scope="module")
def example_assignment(example: list[Paper]) -> TopicAssignment:
    return assign_topics(example)


def two_themes() -> list[Paper]:
    # Interleaved, so input order gives the themes away no more than slugs do.
    themed = [("protein", p) for p in PROTEINS] + [("robot", p) for p in ROBOTS]
    order = [0, 3, 1, 4, 2, 5]
    return [make_paper(f"{themed[i][0]}-{i}", *themed[i][1]) for i in order]


# --- text features -------------------------------------------------------------------------


def test_analyze_makes_phrases_within_runs_only() -> None:
    phrases = analyze("Self-Play for Zero-Sum Games: reward models, 3 agents.")
    assert "self-play" in phrases
    assert "zero-sum games" in phrases
    assert "reward models" in phrases
    assert "for" not in phrases  # stop word
    assert "games reward" not in phrases  # spans a colon
    assert not any(any(ch.isdigit() for ch in p) for p in phrases)


def test_analyze_drops_generic_research_words() -> None:
    phrases = analyze("In this paper we propose a novel method; results show the approach works")
    assert phrases == []


def test_paper_text_weighs_the_title_above_the_abstract() -> None:
    text = paper_text(make_paper("a", "Diffusion Self-Guidance", "We guide images."))
    assert text.count("Diffusion Self-Guidance") == 2
    assert text.endswith("We guide images.")


def test_paper_text_composes_accents_so_words_stay_whole() -> None:
    text = paper_text(make_paper("a", "Go\u0308del Agent"))
    assert "gödel agent" in analyze(text)


def test_build_tfidf_rows_follow_papers_and_are_normalised() -> None:
    papers = two_themes()
    features = build_tfidf(papers)
    assert features.matrix.shape == (len(papers), len(features.terms))
    squared_norms = np.asarray(features.matrix.multiply(features.matrix).sum(axis=1)).ravel()
    assert np.allclose(squared_norms, 1.0)


def test_build_tfidf_without_usable_words_has_no_columns() -> None:
    features = build_tfidf([make_paper("a", "The and of", "")])
    assert features.matrix.shape == (1, 0)
    assert features.terms == ()


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (2, 2), (5, 2), (29, 5), (100, 12), (203, 17), (10_000, 25)])
def test_topic_count_grows_with_sqrt_of_collection(n: int, expected: int) -> None:
    assert topic_count(n) == expected


# --- small hand-made collections -------------------------------------------------------------


def test_two_obvious_themes_separate() -> None:
    papers = two_themes()
    assignment = assign_topics(papers)
    assert len(assignment.topics) == 2
    strongest = {slug: topics[0] for slug, topics in assignment.paper_topics.items()}
    proteins = {strongest[p.slug] for p in papers if p.slug.startswith("protein")}
    robots = {strongest[p.slug] for p in papers if p.slug.startswith("robot")}
    assert len(proteins) == 1 and len(robots) == 1 and proteins != robots


def test_two_theme_labels_name_their_theme() -> None:
    papers = two_themes()
    topics = assign_topics(papers).topics
    for topic in topics:
        theme = "protein" if topic.papers[0].startswith("protein") else "robot"
        vocabulary = " ".join(f"{p.title} {p.abstract}" for p in papers if p.slug.startswith(theme)).lower()
        assert topic.label.lower() in vocabulary


def test_single_paper_gets_one_topic() -> None:
    paper = make_paper("only", "Self-Rewarding Language Models", "Language models reward themselves.")
    assignment = assign_topics([paper])
    assert len(assignment.topics) == 1
    assert assignment.topics[0].papers == ("only",)
    assert assignment.paper_topics == {"only": (assignment.topics[0].slug,)}
    assert assignment.topics[0].label


def test_identical_papers_share_a_topic() -> None:
    papers = [make_paper(s, "Self-Play Fine-Tuning", "Self-play fine-tuning of diffusion models.") for s in ("a", "b")]
    topics = assign_topics(papers).topics
    assert topics
    assert all(topic.papers for topic in topics)
    assert {slug for topic in topics for slug in topic.papers} == {"a", "b"}


def test_empty_abstracts_are_fine() -> None:
    papers = [make_paper(f"p{i}", title) for i, (title, _) in enumerate(PROTEINS + ROBOTS)]
    assignment = assign_topics(papers)
    assert set(assignment.paper_topics) == {p.slug for p in papers}
    assert all(1 <= len(ts) <= 3 for ts in assignment.paper_topics.values())


def test_titles_of_stop_words_only_fall_back_to_one_topic() -> None:
    papers = [make_paper("a", "The and of"), make_paper("b", "It is what it is")]
    topics = assign_topics(papers).topics
    assert [t.slug for t in topics] == ["all-papers"]
    assert topics[0].papers == ("a", "b")


def test_no_papers_no_topics() -> None:
    assert assign_topics([]).topics == ()


# --- the example collection -----------------------------------------------------------------


def test_example_has_12_to_25_topics(example_assignment: TopicAssignment) -> None:
    assert 12 <= len(example_assignment.topics) <= 25


def test_example_every_paper_in_one_to_three_topics(example: list[Paper], example_assignment: TopicAssignment) -> None:
    counts = Counter(slug for topic in example_assignment.topics for slug in topic.papers)
    assert set(counts) == {p.slug for p in example}
    assert all(1 <= c <= 3 for c in counts.values())


def test_example_memberships_agree_with_topics(example_assignment: TopicAssignment) -> None:
    by_slug = {t.slug: t for t in example_assignment.topics}
    for paper_slug, topic_slugs in example_assignment.paper_topics.items():
        assert len(set(topic_slugs)) == len(topic_slugs)
        assert all(paper_slug in by_slug[t].papers for t in topic_slugs)
    memberships = sum(len(ts) for ts in example_assignment.paper_topics.values())
    assert memberships == sum(len(t.papers) for t in example_assignment.topics)


def test_example_no_topic_dominates(example: list[Paper], example_assignment: TopicAssignment) -> None:
    assert max(len(t.papers) for t in example_assignment.topics) <= 0.2 * len(example)


def test_example_labels_are_unique_and_meaningful(example_assignment: TopicAssignment) -> None:
    labels = [t.label for t in example_assignment.topics]
    assert all(label.strip() for label in labels)
    assert len({label.lower() for label in labels}) == len(labels)
    for label in labels:
        assert label[0].isupper()
        assert not set(label.lower().replace("-", " ").split()) <= WEAK_LABEL_WORDS


def test_example_finds_known_themes(example_assignment: TopicAssignment) -> None:
    labels = " | ".join(t.label.lower() for t in example_assignment.topics)
    for theme in ("self-play", "diffusion models", "mechanistic interpretability", "reward", "artificial life"):
        assert theme in labels


def test_example_labels_are_sentence_cased_and_described(example_assignment: TopicAssignment) -> None:
    labels = {t.label for t in example_assignment.topics}
    assert "Self-play" in labels
    assert all(t.description for t in example_assignment.topics)
    assert all(1 <= len(t.description.split(", ")) <= 4 for t in example_assignment.topics)


def test_example_slugs_unique_and_from_labels(example_assignment: TopicAssignment) -> None:
    slugs = [t.slug for t in example_assignment.topics]
    assert len(set(slugs)) == len(slugs)
    for topic in example_assignment.topics:
        assert topic.slug == slugify(topic.label, max_length=60, word_boundary=True)


def test_example_topics_ordered_by_size_then_slug(example_assignment: TopicAssignment) -> None:
    keys = [(-len(t.papers), t.slug) for t in example_assignment.topics]
    assert keys == sorted(keys)


def test_example_topic_papers_are_distinct(example_assignment: TopicAssignment) -> None:
    for topic in example_assignment.topics:
        assert len(set(topic.papers)) == len(topic.papers)


def test_example_is_deterministic(example: list[Paper], example_assignment: TopicAssignment) -> None:
    again = assign_topics(list(example))
    assert again.topics == example_assignment.topics
    assert again.paper_topics == example_assignment.paper_topics


# --- any small collection ----------------------------------------------------------------------

WORDS = ["self-play", "reward", "models", "diffusion", "robot", "the", "of", "attention", "GPT-2", "agents", "é", "42"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(WORDS), max_size=4), st.lists(st.sampled_from(WORDS), max_size=12)),
        min_size=1,
        max_size=12,
    )
)
def test_any_collection_gets_valid_topics(texts: list[tuple[list[str], list[str]]]) -> None:
    papers = [make_paper(f"p{i:02d}", " ".join(title), " ".join(abstract)) for i, (title, abstract) in enumerate(texts)]
    assignment = assign_topics(papers)
    slugs = [t.slug for t in assignment.topics]
    assert len(set(slugs)) == len(slugs) and all(slugs)
    assert all(t.label and t.papers for t in assignment.topics)
    assert set(assignment.paper_topics) == {p.slug for p in papers}
    assert all(1 <= len(ts) <= 3 for ts in assignment.paper_topics.values())
    assert sorted(s for t in assignment.topics for s in t.papers) == sorted(
        s for s, ts in assignment.paper_topics.items() for _ in ts
    )


GOLD = Path(__file__).resolve().parent / "data" / "gold-topics.tsv"


def gold_labels() -> dict[str, str]:
    rows = [line.split("\t") for line in GOLD.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return {title: label for label, title in rows}


def test_gold_set_covers_most_of_the_example(example: list[Paper]) -> None:
    gold = gold_labels()
    assert set(gold) <= {p.title for p in example}
    assert len(gold) >= 100 and len(set(gold.values())) >= 12


def test_example_topics_agree_with_the_gold_set(example: list[Paper], example_assignment: TopicAssignment) -> None:
    from sklearn.metrics import adjusted_mutual_info_score

    gold = gold_labels()
    labelled = [p for p in example if p.title in gold]
    predicted = [example_assignment.paper_topics[p.slug][0] for p in labelled]
    assert adjusted_mutual_info_score([gold[p.title] for p in labelled], predicted) >= 0.45


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_example_clustering_methods_meet_the_targets(example: list[Paper], method: str) -> None:
    assignment = assign_topics(example, method=method)
    assert 12 <= len(assignment.topics) <= 25
    primary = Counter(ts[0] for ts in assignment.paper_topics.values())
    assert max(primary.values()) <= 0.2 * len(example)
    assert min(primary.values()) >= 3
    assert all(assignment.paper_topics.values())


def test_example_labels_are_phrases_not_title_openers(example_assignment: TopicAssignment) -> None:
    from generator.topics.labels import NOT_FIRST_WORDS

    labels = [t.label for t in example_assignment.topics]
    assert sum(" " in label or "-" in label for label in labels) >= len(labels) * 2 // 3
    assert not [label for label in labels if label.split()[0].lower() in NOT_FIRST_WORDS]
