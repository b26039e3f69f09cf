"""The enrich stage: topics, related papers and the map for every paper of the collection.

vectors (TF-IDF phrases -> LSA; or sentence embeddings + LSA in semantic mode)
-> hand-made topics (topics file) take their papers
-> automatic topics for the rest (NMF on TF-IDF, or k-means of the semantic vectors)
-> stable slugs (matched against the topic state of the previous run)
-> the curator's merges, renames, pins and exclusions
-> related papers with reasons, and the map layout
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.preprocessing import normalize

from . import embeddings, progress, topic_clusters, topic_state, topics_file
from .map_layout import layout
from .model import Catalog, Paper, Topic
from .related import related_papers, with_reasons
from .topics import TopicAssignment, assign_topics, centre_ordered, label_topics, topic_features

log = logging.getLogger("mkdocs.plugins.papersite")

RELATED_PER_PAPER = 5
VECTOR_KINDS = ("tfidf", "semantic")
# The method each kind of vectors works best with on the example collection (bench/topics.py).
AUTO_METHOD = {"tfidf": "nmf", "semantic": "kmeans"}


@dataclass(frozen=True)
class EnrichSettings:
    """The topic, related-paper and map options of the plugin (see config.py), paths resolved."""

    related_count: int = RELATED_PER_PAPER
    vectors: str = "tfidf"
    method: str = "auto"
    topic_count: int | None = None
    topics_file: Path | None = None
    state_file: Path | None = None
    embedding_cache: Path | None = None
    topic_map: bool = True

    @property
    def topic_method(self) -> str:
        return AUTO_METHOD[self.vectors] if self.method == "auto" else self.method


def enrich(papers: Sequence[Paper], *, settings: EnrichSettings | None = None) -> Catalog:
    """Papers with `topics` (topic slugs, strongest first) and `related` filled, the topics, and the
    map layout."""
    settings = settings or EnrichSettings()
    if not papers:
        return Catalog(papers=())
    with progress.stage("features"):
        features = topic_features(papers)
        vectors = paper_vectors(papers, features, settings)
    curated = topics_file.load_topics_file(settings.topics_file) if settings.topics_file else topics_file.TopicsFile()
    with progress.stage("topics"):
        topics, paper_topics, automatic = discover(papers, features, vectors, settings, curated)
    with progress.stage("related"):
        related = related_papers(papers, k=settings.related_count, vectors=_semantic_part(vectors, settings))
    with progress.stage("reasons"):
        related = with_reasons(papers, related, paper_topics, topics)
    enriched = tuple(replace(p, topics=paper_topics[p.slug], related=related[p.slug]) for p in papers)
    with progress.stage("map"):
        points = _map_points(vectors, [paper_topics[p.slug] for p in papers]) if settings.topic_map else np.zeros((0, 2))
    positions = {p.slug: (float(x), float(y)) for p, (x, y) in zip(papers, points)}
    return Catalog(papers=enriched, topics=tuple(topics), layout=positions, automatic_topics=tuple(automatic))


def paper_vectors(papers: Sequence[Paper], features, settings: EnrichSettings) -> np.ndarray:
    """Unit-length vectors for clustering and the map: LSA of the TF-IDF phrases, joined (semantic
    mode) by the sentence embeddings, each half weighing the same."""
    lsa = topic_clusters.lsa_vectors(features.matrix) if features.terms else np.ones((len(papers), 1))
    if settings.vectors != "semantic":
        return lsa
    semantic = embeddings.embed_papers(papers, settings.embedding_cache)
    return np.round(normalize(np.hstack([semantic, lsa])), topic_clusters.ROUNDING)


MAP_TOPIC_WEIGHT = 0.4  # how strongly papers of one topic are pulled together on the map


def map_vectors(vectors: np.ndarray, paper_topics: Sequence[tuple[str, ...]]) -> np.ndarray:
    """The paper vectors joined by their topic memberships (first topic weighing most), so that the
    map draws each topic as a region its label can sit in, and keeps similar papers close within it."""
    slugs = sorted({t for topics in paper_topics for t in topics})
    column = {slug: j for j, slug in enumerate(slugs)}
    membership = np.zeros((len(paper_topics), len(slugs)))
    for i, topics in enumerate(paper_topics):
        for rank, slug in enumerate(topics):
            membership[i, column[slug]] = 1.0 / (rank + 1)
    return np.hstack([vectors, MAP_TOPIC_WEIGHT * normalize(membership)])


def _map_points(vectors: np.ndarray, paper_topics: Sequence[tuple[str, ...]]) -> np.ndarray:
    """The map layout; each paper's first topic groups it (large collections draw topics as discs)."""
    number = {slug: n for n, slug in enumerate(sorted({ts[0] for ts in paper_topics if ts}))}
    groups = [number[ts[0]] if ts else -1 for ts in paper_topics]
    return layout(map_vectors(vectors, paper_topics), groups)


def _semantic_part(vectors: np.ndarray, settings: EnrichSettings) -> np.ndarray | None:
    """The embedding half of semantic vectors, made unit-length again, for related papers."""
    if settings.vectors != "semantic":
        return None
    return normalize(vectors[:, : embeddings.DIMENSIONS])


def discover(papers, features, vectors, settings: EnrichSettings, curated: topics_file.TopicsFile):
    """Hand-made topics, then automatic topics for the papers they leave, stable slugs, then edits.
    Returns the topics, each paper's topic slugs, and the automatic topics before the edits (what the
    state file keeps, so that the names the topics file uses stay valid)."""
    hand_members = topics_file.hand_made_members(papers, curated)
    hand_made = topics_file.hand_made_topics(curated, hand_members)
    claimed = {slug for members in hand_members.values() for slug in members}
    rest = [i for i, p in enumerate(papers) if p.slug not in claimed]
    reserved = {t.slug for t in hand_made}
    old = {slug: members for slug, members in topic_state.load_state(settings.state_file).items() if slug not in reserved}
    automatic = _automatic(papers, rest, features, vectors, settings, old)
    auto_topics, auto_memberships = _with_free_slugs(automatic, reserved)
    auto_topics, auto_memberships = topic_state.stabilise(auto_topics, auto_memberships, old, reserved)
    paper_topics = {p.slug: () for p in papers} | auto_memberships
    for topic in hand_made:
        for slug in topic.papers:
            paper_topics[slug] = (topic.slug, *paper_topics[slug])
    topics, paper_topics, warnings = topics_file.apply_edits([*hand_made, *auto_topics], paper_topics, papers, curated)
    for warning in warnings:
        log.warning("papersite: %s", warning)
    return _sorted(topics), paper_topics, _sorted(auto_topics)


def _automatic(papers, rows: list[int], features, vectors, settings: EnrichSettings, old) -> TopicAssignment:
    """Automatic topics of the given papers: the old ones kept when the collection changed little,
    else discovered afresh."""
    if not rows:
        return TopicAssignment((), {})
    subset = [papers[i] for i in rows]
    slugs = [p.slug for p in subset]
    subset_features = features if len(rows) == len(papers) else topic_features(subset)
    kept = topic_state.incremental_weights(slugs, vectors[rows], old)
    if kept is not None:
        found = label_topics(subset, subset_features, kept, secondary_ratio=0.0, keep_small=True)
    else:
        found = assign_topics(
            subset, method=settings.topic_method, n_topics=settings.topic_count, vectors=vectors[rows], features=subset_features
        )
    return centre_ordered(found, slugs, vectors[rows])


def _with_free_slugs(assignment: TopicAssignment, reserved: set[str]) -> tuple[list[Topic], dict[str, tuple[str, ...]]]:
    """Automatic topics renamed where their slug is a hand-made topic's."""
    renamed = {}
    taken = set(reserved) | {t.slug for t in assignment.topics}
    for topic in assignment.topics:
        if topic.slug in reserved:
            slug, n = f"{topic.slug}-2", 3
            while slug in taken:
                slug, n = f"{topic.slug}-{n}", n + 1
            renamed[topic.slug] = slug
            taken.add(slug)
    topics = [replace(t, slug=renamed.get(t.slug, t.slug)) for t in assignment.topics]
    memberships = {p: tuple(renamed.get(t, t) for t in ts) for p, ts in assignment.paper_topics.items()}
    return topics, memberships


def _sorted(topics: Sequence[Topic]) -> list[Topic]:
    return sorted(topics, key=lambda t: (-len(t.papers), t.slug))
