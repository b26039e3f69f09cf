"""Topic discovery: group papers (clusters.py), then name each group (labels.py), on the TF-IDF
phrases of generator/features.py."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .. import progress
from ..features import WORD, PhraseCounts, TfidfFeatures, analyze, build_tfidf, kept_columns, surface_forms
from ..model import Paper, Topic
from ..slugs import first_free, topic_slug_base
from . import clusters as topic_clusters
from . import labels as topic_labels

MIN_TOPICS, MAX_TOPICS = 2, 25
TOPICS_PER_SQRT_PAPER = 1.2
MAX_TOPICS_PER_PAPER = 3
# A further topic needs this fraction of the paper's strongest weight (NMF weights are sparse,
# cosine similarities to cluster centres are not).
SECONDARY_TOPIC_RATIO = {"nmf": 0.5, "kmeans": 0.9, "agglomerative": 0.9}
METHODS = tuple(SECONDARY_TOPIC_RATIO)
DEFAULT_METHOD = "nmf"  # with TF-IDF, NMF agrees best with the hand-labelled topics (bench/topics.py)
MAX_TOPIC_SHARE = 0.2  # clustering splits a topic holding more than this share of the papers
MIN_TOPIC_SIZE = 3  # from MIN_TOPIC_SIZE_FROM papers on, smaller groups join their next best topic
MIN_TOPIC_SIZE_FROM = 30
PRUNE_FROM_PAPERS = 10  # below this many papers every phrase is kept


@dataclass(frozen=True)
class TopicAssignment:
    """Topics, for each paper slug its topic slugs (strongest first), and for each topic slug its
    defining phrases, best first (lower-case)."""

    topics: tuple[Topic, ...]
    paper_topics: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)

    def renamed(self, new_slug: dict[str, str]) -> TopicAssignment:
        """The same memberships, topics renamed by new_slug (a topic not in it keeps its slug)."""
        topics = tuple(replace(t, slug=new_slug.get(t.slug, t.slug)) for t in self.topics)
        paper_topics = {p: tuple(new_slug.get(t, t) for t in ts) for p, ts in self.paper_topics.items()}
        phrases = {new_slug.get(slug, slug): found for slug, found in self.phrases.items()}
        return TopicAssignment(topics, paper_topics, phrases)

    def with_topics_first(self, topics: Sequence[Topic], paper_slugs: Sequence[str]) -> TopicAssignment:
        """These topics (hand-made, in order) before the assigned ones, each first in its papers'
        topic lists; every paper of paper_slugs has an entry."""
        paper_topics = {slug: () for slug in paper_slugs} | self.paper_topics
        for topic in topics:
            for slug in topic.papers:
                paper_topics[slug] = (topic.slug, *paper_topics[slug])
        return TopicAssignment((*topics, *self.topics), paper_topics, self.phrases)


def topic_count(n_papers: int) -> int:
    """About sqrt(n) topics (1.2 sqrt(n) from MIN_TOPIC_SIZE_FROM papers on), within [MIN_TOPICS,
    MAX_TOPICS] and never more than papers."""
    factor = TOPICS_PER_SQRT_PAPER if n_papers >= MIN_TOPIC_SIZE_FROM else 1.0
    return min(n_papers, max(MIN_TOPICS, min(MAX_TOPICS, round(factor * math.sqrt(n_papers)))))


def topic_features(papers: Sequence[Paper], counts: PhraseCounts | None = None) -> TfidfFeatures:
    """The TF-IDF phrases topics are made of: phrases of a single paper cannot link papers, and
    near-universal ones cannot separate them. From `counts` (of the same papers) when given."""
    if len(papers) >= PRUNE_FROM_PAPERS:
        pruned = build_tfidf(papers, min_df=2, max_df=0.5, counts=counts)
        if pruned.terms:
            return pruned
    return build_tfidf(papers, counts=counts)


def topic_feature_columns(matrix, n_papers: int) -> np.ndarray:
    """The columns of a collection's phrase counts that topic_features keeps."""
    if n_papers >= PRUNE_FROM_PAPERS:
        pruned = kept_columns(matrix, 2, 0.5)
        if len(pruned):
            return pruned
    return kept_columns(matrix, 1, 1.0)


def assign_topics(
    papers: Sequence[Paper],
    *,
    method: str = DEFAULT_METHOD,
    n_topics: int | None = None,
    vectors: np.ndarray | None = None,
    features: TfidfFeatures | None = None,
    forms: dict[str, str] | None = None,
) -> TopicAssignment:
    """Discover topics and give every paper 1 to MAX_TOPICS_PER_PAPER of them, strongest first.

    `method` is one of METHODS; `vectors` (one unit-length row per paper, e.g. sentence
    embeddings) replace the LSA vectors of the TF-IDF matrix for the clustering methods; `forms`
    are the papers' `surface_forms` when the caller has them.
    """
    if method not in METHODS:
        raise ValueError(f"unknown topic method {method!r}: use one of {', '.join(METHODS)}")
    if not papers:
        return TopicAssignment((), {})
    features = features or topic_features(papers)
    n_topics = min(n_topics or topic_count(len(papers)), len(papers))
    if not features.terms:
        return _single_topic(papers)
    weights = topic_weights(features, method, n_topics, vectors)
    return label_topics(papers, features, weights, SECONDARY_TOPIC_RATIO[method], forms=forms)


def topic_weights(features: TfidfFeatures, method: str, n_topics: int, vectors: np.ndarray | None) -> np.ndarray:
    """Paper x topic weights by the given method."""
    if method == "nmf":
        return topic_clusters.nmf_weights(features.matrix, min(n_topics, len(features.terms)))
    vectors = topic_clusters.lsa_vectors(features.matrix) if vectors is None else vectors
    cluster = topic_clusters.kmeans_weights if method == "kmeans" else topic_clusters.agglomerative_weights
    return cluster(vectors, n_topics, max_share=MAX_TOPIC_SHARE if len(vectors) >= MIN_TOPIC_SIZE_FROM else 1.0)


def label_topics(
    papers: Sequence[Paper],
    features: TfidfFeatures,
    weights: np.ndarray,
    secondary_ratio: float,
    *,
    keep_small: bool = False,
    forms: dict[str, str] | None = None,
) -> TopicAssignment:
    """Memberships from the weights, then a label, description and slug for every topic (`forms`:
    the papers' `surface_forms`, made here when not given)."""
    with progress.stage("labels"):
        return _labelled(papers, features, weights, secondary_ratio, keep_small, forms)


def _labelled(
    papers: Sequence[Paper],
    features: TfidfFeatures,
    weights: np.ndarray,
    secondary_ratio: float,
    keep_small: bool,
    forms: dict[str, str] | None,
) -> TopicAssignment:
    weights = weights if keep_small else _without_tiny_topics(weights, len(papers))
    memberships = _memberships(weights, secondary_ratio)
    members = _members_by_topic(memberships)
    use = topic_labels.phrase_use(papers, features.terms, analyze, features.counts)
    forms = forms if forms is not None else surface_forms(papers, WORD)
    users = _PhraseUsers(papers, use)
    topic_of: dict[int, Topic] = {}
    phrases_of: dict[str, tuple[str, ...]] = {}
    used_labels: set[str] = set()
    for t in sorted(members, key=lambda t: (-len(members[t]), t)):  # bigger topics choose labels first
        name = topic_labels.name_topic(
            topic_labels.rank_phrases(use, members[t]),
            topic_labels.title_phrases(use, members[t]),
            used_labels,
            lambda p: topic_labels.cased(p, forms),
            lambda p, t=t: topic_labels.completed(p, users.texts(p, members[t])),
        )
        label = name.label or f"Topic {len(topic_of) + 1}"
        used_labels.add(topic_labels.label_key(label))
        central_first = sorted(members[t], key=lambda i: (-weights[i, t], papers[i].slug))
        slug = first_free(topic_slug_base(label), {topic.slug for topic in topic_of.values()})
        topic_of[t] = Topic(slug, label, name.description, tuple(papers[i].slug for i in central_first))
        phrases_of[slug] = name.phrases
    topics = tuple(sorted(topic_of.values(), key=lambda topic: (-len(topic.papers), topic.slug)))
    paper_topics = {p.slug: tuple(topic_of[t].slug for t in ts) for p, ts in zip(papers, memberships)}
    return TopicAssignment(topics, paper_topics, phrases_of)


class _PhraseUsers:
    """The texts (title and abstract) of the papers that use a phrase, for lengthening labels."""

    def __init__(self, papers: Sequence[Paper], use: topic_labels.PhraseUse) -> None:
        self.papers = papers
        self.by_phrase = use.anywhere.tocsc()
        self.column = {term: j for j, term in enumerate(use.terms)}

    def texts(self, phrase: str, members: Sequence[int]) -> list[str]:
        j = self.column.get(phrase)
        if j is None:
            return []
        users = self.by_phrase.indices[self.by_phrase.indptr[j] : self.by_phrase.indptr[j + 1]]
        rows = np.intersect1d(users, np.asarray(members))
        return [f"{self.papers[i].title}. {self.papers[i].abstract}" for i in rows.tolist()]


def _without_tiny_topics(weights: np.ndarray, n_papers: int) -> np.ndarray:
    """Topics that are the strongest of fewer than MIN_TOPIC_SIZE papers are dropped (their papers
    join their next best topic), in collections big enough for that to matter."""
    if n_papers < MIN_TOPIC_SIZE_FROM:
        return weights
    weights = weights.copy()
    while True:
        has_weight = weights.max(axis=1) > 0
        primary = np.bincount(np.argmax(weights, axis=1)[has_weight], minlength=weights.shape[1])
        tiny = [t for t in range(weights.shape[1]) if 0 < primary[t] < MIN_TOPIC_SIZE]
        if not tiny or len(tiny) == int((primary > 0).sum()):
            return weights
        weights[:, min(tiny, key=lambda t: (primary[t], t))] = 0


def _memberships(paper_weights: np.ndarray, secondary_ratio: float) -> list[list[int]]:
    """Per paper, its topic indices strongest first. A paper with no weight at all (every phrase of
    it pruned) joins the heaviest topic, so that no paper is left out."""
    heaviest = int(np.argmax(paper_weights.sum(axis=0)))
    return [_strongest_topics(row, secondary_ratio) or [heaviest] for row in paper_weights]


def _strongest_topics(weights: np.ndarray, secondary_ratio: float) -> list[int]:
    """Topic indices of one paper, strongest first; empty when the paper has no weight at all."""
    strongest = float(weights.max())
    if strongest <= 0:
        return []
    order = sorted(range(len(weights)), key=lambda t: (-weights[t], t))
    return [t for t in order[:MAX_TOPICS_PER_PAPER] if weights[t] > 0 and weights[t] >= secondary_ratio * strongest]


def _members_by_topic(memberships: Sequence[Sequence[int]]) -> dict[int, list[int]]:
    """Topic index -> paper indices; topics nobody joined are absent, so never empty."""
    members: dict[int, list[int]] = defaultdict(list)
    for paper_index, topic_indices in enumerate(memberships):
        for t in topic_indices:
            members[t].append(paper_index)
    return dict(members)


def _single_topic(papers: Sequence[Paper]) -> TopicAssignment:
    """No usable phrase at all (e.g. titles made only of stop words): one topic for everything."""
    topic = Topic(slug="all-papers", label="All papers", papers=tuple(sorted(p.slug for p in papers)))
    return TopicAssignment((topic,), {p.slug: (topic.slug,) for p in papers}, {topic.slug: ()})
