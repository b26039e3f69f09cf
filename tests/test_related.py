from __future__ import annotations

import numpy as np
import pytest
from examples import load_example, make_paper
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import related
from generator.features import build_tfidf
from generator.model import Paper, Related
from generator.related import related_papers


@pytest.fixture(scope="module")
def example() -> list[Paper]:
    return load_example()


@pytest.fixture(scope="module")
def example_related(example: list[Paper]) -> dict[str, tuple[Related, ...]]:
    return related_papers(example, k=5)


def brute_force(papers: list[Paper], k: int) -> dict[str, list[tuple[str, float]]]:
    """The obvious dense version: every pair, sorted by (-rounded score, slug)."""
    matrix = build_tfidf(papers, min_df=min(2, len(papers))).matrix.toarray()
    similarity = matrix @ matrix.T
    result = {}
    for i, paper in enumerate(papers):
        key = (paper.title.casefold().split(), paper.abstract.casefold().split())
        candidates = [
            (other.slug, round(float(similarity[i, j]), 4))
            for j, other in enumerate(papers)
            if j != i and (other.title.casefold().split(), other.abstract.casefold().split()) != key
        ]
        ranked = sorted((c for c in candidates if c[1] > 0), key=lambda c: (-c[1], c[0]))
        result[paper.slug] = ranked[:k]
    return result


def as_pairs(found: dict[str, tuple[Related, ...]]) -> dict[str, list[tuple[str, float]]]:
    return {slug: [(r.slug, r.score) for r in rel] for slug, rel in found.items()}


# --- small hand-made collections -------------------------------------------------------------


def test_most_similar_comes_first() -> None:
    papers = [
        make_paper("query", "Self-play for zero-sum games", "Agents improve by self-play in zero-sum games."),
        make_paper("close", "Self-play in games", "Self-play agents in zero-sum games."),
        make_paper("far", "Games and diffusion", "Diffusion models generate images of games."),
        make_paper("unrelated", "Protein folding", "Amino acid chains fold."),
    ]
    found = related_papers(papers, k=3)
    assert [r.slug for r in found["query"]][:2] == ["close", "far"]
    assert "unrelated" not in [r.slug for r in found["query"]]  # shares no phrase at all
    scores = [r.score for r in found["query"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


def test_never_self_nor_exact_duplicate() -> None:
    papers = [
        make_paper("a", "Reward models for agents", "Reward models score agent behaviour."),
        make_paper("b", "Reward  MODELS for agents", "reward models score agent   behaviour."),
        make_paper("c", "Reward models", "Reward models score answers."),
    ]
    found = related_papers(papers, k=5)
    assert [r.slug for r in found["a"]] == ["c"]
    assert [r.slug for r in found["b"]] == ["c"]
    assert {r.slug for r in found["c"]} == {"a", "b"}


def test_ties_are_broken_by_slug() -> None:
    twin = ("Reward models for agents", "Reward models score agent behaviour.")
    papers = [
        make_paper("q", "Reward models", "Reward models score answers."),
        make_paper("twin-z", *twin),
        make_paper("twin-a", *twin),
        make_paper("twin-m", *twin),
    ]
    found = related_papers(papers, k=2)
    assert [r.slug for r in found["q"]] == ["twin-a", "twin-m"]
    assert found["q"][0].score == found["q"][1].score


def test_scores_are_rounded_to_four_decimals(example_related: dict[str, tuple[Related, ...]]) -> None:
    scores = [r.score for rel in example_related.values() for r in rel]
    assert all(isinstance(s, float) and round(s, 4) == s for s in scores)
    assert len(set(scores)) > 100  # rounding did not flatten everything


def test_fewer_papers_than_k_give_fewer_results() -> None:
    papers = [make_paper(f"p{i}", f"Reward models {w}", f"Reward models variant {w}.") for i, w in enumerate("abc")]
    found = related_papers(papers, k=5)
    assert all(len(rel) == 2 for rel in found.values())


def test_one_paper_has_no_related() -> None:
    assert related_papers([make_paper("only", "Self-play", "Agents.")], k=5) == {"only": ()}


def test_no_papers() -> None:
    assert related_papers([], k=5) == {}


def test_k_zero_gives_empty_tuples() -> None:
    papers = [make_paper("a", "Self-play games"), make_paper("b", "Self-play agents")]
    assert related_papers(papers, k=0) == {"a": (), "b": ()}


def test_empty_abstracts_still_relate_by_title() -> None:
    papers = [
        make_paper("a", "Self-play games"),
        make_paper("b", "Self-play agents"),
        make_paper("c", "Protein folding"),
    ]
    found = related_papers(papers, k=5)
    assert [r.slug for r in found["a"]] == ["b"]
    assert found["c"] == ()


# --- the example collection -----------------------------------------------------------------


def test_example_five_related_per_paper_never_self(example: list[Paper], example_related: dict[str, tuple[Related, ...]]) -> None:
    assert set(example_related) == {p.slug for p in example}
    for slug, rel in example_related.items():
        assert len(rel) == 5
        assert slug not in {r.slug for r in rel}
        assert len({r.slug for r in rel}) == 5


def test_example_matches_brute_force(example: list[Paper], example_related: dict[str, tuple[Related, ...]]) -> None:
    assert as_pairs(example_related) == brute_force(example, k=5)


def test_example_chunking_does_not_change_results(
    example: list[Paper], example_related: dict[str, tuple[Related, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(related, "ROWS_PER_CHUNK", 7)
    assert related_papers(example, k=5) == example_related


def test_example_is_deterministic(example: list[Paper], example_related: dict[str, tuple[Related, ...]]) -> None:
    assert related_papers(list(example), k=5) == example_related


def test_example_finds_sibling_papers(example: list[Paper], example_related: dict[str, tuple[Related, ...]]) -> None:
    by_title = {p.title: p.slug for p in example}
    rewarding = example_related[by_title["Self-Rewarding Language Models"]]
    titles = {p.slug: p.title for p in example}
    assert any("Self-Rewarding" in titles[r.slug] or "Self Rewarding" in titles[r.slug] for r in rewarding)


def test_example_scores_are_cosines(example_related: dict[str, tuple[Related, ...]]) -> None:
    scores = np.array([r.score for rel in example_related.values() for r in rel])
    assert scores.min() > 0 and scores.max() <= 1


WORDS = ["self-play", "reward", "models", "diffusion", "robot", "the", "of", "attention", "agents"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=4),
)
def test_any_collection_matches_brute_force(texts: list[list[str]], k: int) -> None:
    papers = [make_paper(f"p{i:02d}", " ".join(words[:2]), " ".join(words[2:])) for i, words in enumerate(texts)]
    found = related_papers(papers, k=k)
    assert as_pairs(found) == brute_force(papers, k=k)
    assert all(slug not in {r.slug for r in rel} for slug, rel in found.items())


# --- candidate search (collections above EXACT_LIMIT) ---------------------------------------


def test_candidate_search_finds_the_exact_lists(
    example: list[Paper], example_related: dict[str, tuple[Related, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.config import settings_for
    from generator.topics import find_topics

    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    lsa = find_topics(example, settings_for()).vectors  # what enrich passes
    found = related_papers(example, k=5, candidate_vectors=lsa)
    exact = {(slug, r.slug): r.score for slug, rel in example_related.items() for r in rel}
    pairs = {(slug, r.slug): r.score for slug, rel in found.items() for r in rel}
    assert len(pairs.keys() & exact.keys()) >= 0.9 * len(exact)  # 30 + 30 candidates of 202 papers
    assert all(exact[pair] == score for pair, score in pairs.items() if pair in exact)  # scored exactly
    assert all(len(rel) == 5 and slug not in {r.slug for r in rel} for slug, rel in found.items())
    assert related_papers(list(example), k=5, candidate_vectors=lsa) == found  # deterministic


def test_candidate_search_with_all_candidates_is_exact(
    example: list[Paper], example_related: dict[str, tuple[Related, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    monkeypatch.setattr(related, "CANDIDATES", len(example))
    monkeypatch.setattr(related, "ROWS_PER_CHUNK", 50)
    assert related_papers(example, k=5) == example_related


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12),
    st.integers(min_value=0, max_value=4),
)
def test_candidate_search_of_any_small_collection_is_exact(texts: list[list[str]], k: int) -> None:
    """With as many candidates as papers, the candidate search must equal brute force (ties by slug,
    duplicates and papers sharing nothing left out)."""
    papers = [make_paper(f"p{i:02d}", " ".join(words[:2]), " ".join(words[2:])) for i, words in enumerate(texts)]
    limit, count = related.EXACT_LIMIT, related.CANDIDATES
    related.EXACT_LIMIT, related.CANDIDATES = 0, len(papers)
    try:
        found = related_papers(papers, k=k)
    finally:
        related.EXACT_LIMIT, related.CANDIDATES = limit, count
    assert as_pairs(found) == brute_force(papers, k=k)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=-3, max_value=3), min_size=1, max_size=60), min_size=1, max_size=8).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    ),
    st.integers(min_value=1, max_value=60),
)
def test_best_columns_are_the_highest_ties_by_column(rows: list[list[int]], take: int) -> None:
    from generator.neighbours import best_columns

    similarity = np.array(rows, dtype=np.float32)
    take = min(take, similarity.shape[1])
    expected = [sorted(range(len(row)), key=lambda j: (-row[j], j))[:take] for row in rows]
    assert best_columns(similarity, take).tolist() == expected


# --- reasons ---------------------------------------------------------------------------------


def test_reasons_name_shared_topics_and_phrases() -> None:
    from generator.model import Topic
    from generator.related import with_reasons

    papers = [
        make_paper("a", "Self-play for zero-sum games", "Agents improve by self-play in zero-sum games."),
        make_paper("b", "Self-play in games", "Self-play agents in zero-sum games."),
        make_paper("c", "Diffusion for games", "Diffusion models generate games."),
    ]
    topics = [Topic("self-play", "Self-play", papers=("a", "b")), Topic("diffusion", "Diffusion", papers=("c",))]
    paper_topics = {"a": ("self-play",), "b": ("self-play",), "c": ("diffusion",)}
    found = with_reasons(papers, related_papers(papers, k=2), paper_topics, topics)
    first = found["a"][0]
    assert first.slug == "b"
    assert first.reason.startswith("Both in Self-play; shared: ")
    assert "zero-sum games" in first.reason and "self-play" in first.reason
    to_c = next(r for r in found["a"] if r.slug == "c")
    assert to_c.reason.startswith("Shared: ") and "games" in to_c.reason and "Both in" not in to_c.reason


def test_kept_reasons_are_taken_only_while_all_they_depend_on_is_unchanged() -> None:
    """related.KeptReasons: a paper's reasons are reused while its text, topics, related papers (and
    theirs), the topic labels and the word forms are the recorded ones; each change gives the
    reasons made without it."""
    import pickle

    from generator.model import Topic
    from generator.related import KeptReasons, SharedPhrases, with_reasons

    papers = [
        make_paper("a", "Self-play for zero-sum games", "Agents improve by self-play in zero-sum games."),
        make_paper("b", "Self-play in games", "Self-play agents in zero-sum games."),
        make_paper("c", "Diffusion for games", "Diffusion models generate games."),
        make_paper("d", "Diffusion of self-play", "Diffusion models of zero-sum self-play."),
    ]
    topics = [Topic("self-play", "Self-play", papers=("a", "b")), Topic("diffusion", "Diffusion", papers=("c", "d"))]
    paper_topics = {"a": ("self-play",), "b": ("self-play",), "c": ("diffusion",), "d": ("diffusion", "self-play")}
    keys = [p.slug.encode() for p in papers]  # the papers' text digests, as enrich gives them
    saved = None
    steps = [
        ("first", topics, paper_topics, {}),
        ("same", topics, paper_topics, {}),
        ("relabelled", [Topic("self-play", "Playing oneself", papers=("a", "b")), topics[1]], paper_topics, {}),
        ("topics of one paper", topics, {**paper_topics, "c": ("self-play",)}, {}),
        ("word forms", topics, paper_topics, {"games": "GAMES"}),
    ]
    reused = 0
    for name, these_topics, these_paper_topics, forms in steps:
        related = related_papers(papers, k=3)
        kept = KeptReasons(pickle.loads(pickle.dumps(saved)))
        found = with_reasons(
            papers, related, these_paper_topics, these_topics, forms=forms, shared=SharedPhrases(keys), kept=kept
        )
        assert found == with_reasons(papers, related, these_paper_topics, these_topics, forms=forms), name
        assert kept.changed == (name != "same"), name
        reused += len(set(kept.previous[2]) & set(kept.rows)) if name == "same" else 0
        saved = kept.saved()
    assert reused == len(papers)


def test_example_every_related_paper_has_a_reason() -> None:
    from generator.config import settings_for
    from generator.enrich import enrich

    catalog = enrich(load_example(), settings=settings_for(topic_map=False))
    for paper in catalog.papers:
        assert len(paper.related) == 5
        assert all(r.reason and r.slug != paper.slug for r in paper.related)


def test_forked_parts_give_the_same_lists_and_reasons(example: list[Paper], monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidate search, exact scoring of candidates and reasons cut into parts run in forked
    processes (forked.py) give what one process gives."""
    from generator import neighbours
    from generator.config import settings_for
    from generator.enrich import enrich

    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    monkeypatch.setattr(related, "ROWS_PER_CHUNK", 16)
    monkeypatch.setattr(neighbours, "ROWS_PER_BLOCK", 16)
    alone = enrich(example, settings=settings_for(topic_map=False))
    monkeypatch.setattr(related, "CHUNKS_PER_PROCESS", 1)
    monkeypatch.setattr(related, "PAIRS_PER_PROCESS", 1)
    monkeypatch.setattr(neighbours, "BLOCKS_PER_PROCESS", 1)
    assert enrich(example, settings=settings_for(topic_map=False)) == alone


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0, 3, allow_nan=False), st.integers(0, 40)),
        max_size=40,
        unique_by=lambda e: (e[0], e[2]),
    ),
)
def test_best_first_is_lexsort_of_row_rounded_weight_and_rank(entries: list[tuple[int, float, int]]) -> None:
    rows = np.array([e[0] for e in entries], dtype=np.int64)
    weights = np.array([e[1] for e in entries], dtype=np.float64)
    ranks = np.array([e[2] for e in entries], dtype=np.int64)
    expected = np.lexsort((ranks, -np.round(weights, 6), rows))
    assert related._best_first(rows, weights, ranks).tolist() == expected.tolist()


def test_phrases_counted_in_parts_are_counted_as_one_vectorizer_counts_them(
    example: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    """count_phrases on every core (forked.py) gives CountVectorizer's matrix of the whole, entry
    for entry: the weights after it are summed in that order."""
    from generator import features

    monkeypatch.setattr(features, "PAPERS_PER_PROCESS", 10)
    whole = features._counted([features.paper_text(p) for p in example])
    joined = features._joined(
        [features._counted([features.paper_text(p) for p in example[a:b]]) for a, b in [(0, 50), (50, 51), (51, 203)]]
    )
    for counted in (joined, features.count_phrases(example)):
        assert counted.terms == whole.terms
        assert counted.matrix.shape == whole.matrix.shape
        for name in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(counted.matrix, name), getattr(whole.matrix, name)), name
        assert counted.matrix.indices.dtype == whole.matrix.indices.dtype and counted.matrix.dtype == whole.matrix.dtype


def test_reasons_name_shared_topics_then_phrases_as_the_papers_write_them() -> None:
    paper_topics = {"a": ("rl", "games"), "b": ("games", "rl"), "c": ("vision",), "d": ()}
    reason = related._Reasons(paper_topics, {"rl": "Self-play", "games": "Games"}, {"marl": "MARL"})
    assert reason(["zero-sum games", "marl"], "a", "b") == "Both in Self-play and Games; shared: zero-sum games, MARL"
    assert reason(["marl"], "a", "c") == "Shared: MARL"
    assert reason([], "b", "a") == "Both in Games and Self-play"
    assert reason([], "c", "d") == "Similar wording"
    assert reason(["marl agents"], "a", "b") == "Both in Self-play and Games; shared: MARL agents"  # memo of both_in reused
