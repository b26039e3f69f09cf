"""Topics of a collection: one entry point, `find_topics`, that enrich.py calls.

vectors (TF-IDF phrases -> LSA; or sentence embeddings + LSA in semantic mode)
-> hand-made topics (the topics file) take their papers
-> automatic topics for the rest (NMF on TF-IDF, or k-means of the semantic vectors)
-> stable slugs (matched against the topic state of the previous run; a refit is reported)
-> the curator's merges, renames, pins and exclusions

The modules: discover.py (group and name), clusters.py (grouping methods), labels.py (names),
state.py (stable slugs), file.py (the curator's topics file), embeddings.py (semantic mode),
map.py (where each paper sits on the map).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import normalize

from .. import progress
from ..config import Settings
from ..features import WORD, PhraseCounts, count_phrases, surface_forms
from ..model import Paper, Topic
from . import clusters, embeddings, state
from . import file as topics_file
from .discover import TopicAssignment, assign_topics, centre_ordered, label_topics, topic_features
from .map import layout

log = logging.getLogger("mkdocs.plugins.papersite")

MAP_TOPIC_WEIGHT = 0.4  # how strongly papers of one topic are pulled together on the map


@dataclass(frozen=True)
class FoundTopics:
    """The topics of a collection. `assignment` is the one owner of which topics each paper has
    (strongest first) and which papers each topic has (most central first). `automatic` are the
    automatic topics before the topics file's edits (what the state file keeps); `vectors` are the
    paper vectors (input order) that the map and related papers use; `phrase_counts` the phrases
    of every paper, counted once, that related papers take their TF-IDF from too; `forms` how
    each lower-case word of the papers is written (`surface_forms`), for labels and reasons.
    `refit_report` says what changed when the automatic topics were found afresh (state.refit_report),
    and is empty when the saved topics were kept."""

    assignment: TopicAssignment
    automatic: tuple[Topic, ...]
    vectors: np.ndarray
    phrase_counts: PhraseCounts
    forms: dict[str, str]
    refit_report: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self.assignment.topics

    def of(self, paper_slug: str) -> tuple[str, ...]:
        return self.assignment.paper_topics[paper_slug]


def find_topics(papers: Sequence[Paper], settings: Settings, *, refit: bool = False) -> FoundTopics:
    """Hand-made topics, then automatic topics for the papers they leave, stable slugs, then edits.
    The saved topics are kept unless more than topic_refit_share of the papers changed, or refit is set."""
    with progress.stage("features"):
        counts = count_phrases(papers)
        features = topic_features(papers, counts)
        vectors = paper_vectors(papers, features, settings)
        forms = surface_forms(papers, WORD)
    with progress.stage("topics"):
        return _found_topics(papers, settings, features, vectors, counts, forms, refit)


def _found_topics(
    papers: Sequence[Paper],
    settings: Settings,
    features,
    vectors: np.ndarray,
    counts: PhraseCounts,
    forms: dict[str, str],
    refit: bool = False,
) -> FoundTopics:
    curated = topics_file.load_topics_file(settings.topics_file) if settings.topics_file else topics_file.TopicsFile()
    hand_members = topics_file.hand_made_members(papers, curated)
    hand_made = topics_file.hand_made_topics(curated, hand_members)
    claimed = {slug for members in hand_members.values() for slug in members}
    rest = [i for i, p in enumerate(papers) if p.slug not in claimed]
    reserved = {t.slug for t in hand_made}
    old_topics = [t for t in state.load_topics(settings.topic_state) if t.slug not in reserved]
    old = {t.slug: frozenset(t.papers) for t in old_topics}
    automatic, refitted = _automatic(papers, rest, features, vectors, settings, old, forms, refit)
    automatic = automatic.renamed(state.free_slugs([t.slug for t in automatic.topics], reserved))
    automatic = automatic.renamed(state.match_slugs(automatic.topics, old, reserved) if old else {})
    combined = automatic.with_topics_first(hand_made, [p.slug for p in papers])
    topics, paper_topics, warnings = topics_file.apply_edits(combined.topics, combined.paper_topics, papers, curated)
    for warning in warnings:
        log.warning("papersite: %s", warning)
    edited = TopicAssignment(_by_size(topics), paper_topics)
    report = tuple(state.refit_report(old_topics, automatic.topics)) if refitted else ()
    if old and report:  # a build's automatic refit (the first run has nothing to compare with)
        for line in report:
            log.info("papersite: %s", line)
    return FoundTopics(edited, _by_size(automatic.topics), vectors, counts, forms, report)


def paper_vectors(papers: Sequence[Paper], features, settings: Settings) -> np.ndarray:
    """Unit-length vectors for clustering and the map: LSA of the TF-IDF phrases, joined (semantic
    mode) by the sentence embeddings, each half weighing the same."""
    lsa = clusters.lsa_vectors(features.matrix) if features.terms else np.ones((len(papers), 1))
    if settings.topic_vectors != "semantic":
        return lsa
    semantic = embeddings.embed_papers(papers, settings.embedding_cache)
    return np.round(normalize(np.hstack([semantic, lsa])), clusters.ROUNDING)


def semantic_part(found: FoundTopics, settings: Settings) -> np.ndarray | None:
    """The embedding half of semantic vectors, made unit-length again, for related papers."""
    if settings.topic_vectors != "semantic":
        return None
    return normalize(found.vectors[:, : embeddings.DIMENSIONS])


def map_positions(papers: Sequence[Paper], found: FoundTopics) -> dict[str, tuple[float, float]]:
    """Paper slug -> (x, y) on the map, both in [0, 1]. Each paper's first topic groups it (large
    collections draw topics as discs)."""
    paper_topics = [found.of(p.slug) for p in papers]
    number = {slug: n for n, slug in enumerate(sorted({ts[0] for ts in paper_topics if ts}))}
    groups = [number[ts[0]] if ts else -1 for ts in paper_topics]
    points = layout(map_vectors(found.vectors, paper_topics), groups)
    return {p.slug: (float(x), float(y)) for p, (x, y) in zip(papers, points)}


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


def _automatic(papers, rows: list[int], features, vectors, settings: Settings, old, forms, refit) -> tuple[TopicAssignment, bool]:
    """Automatic topics of the given papers, and whether they were discovered afresh: the old ones are
    kept when the collection changed little and no refit is asked for. `forms` are those of all the
    papers (made again for a subset)."""
    if not rows:
        return TopicAssignment((), {}), False
    subset = [papers[i] for i in rows]
    slugs = [p.slug for p in subset]
    whole = len(rows) == len(papers)
    subset_features = features if whole else topic_features(subset)
    subset_forms = forms if whole else None
    kept = None if refit else state.incremental_weights(slugs, vectors[rows], old, settings.topic_refit_share)
    if kept is not None:
        found = label_topics(subset, subset_features, kept, secondary_ratio=0.0, keep_small=True, forms=subset_forms)
    else:
        found = assign_topics(
            subset,
            method=settings.topic_method,
            n_topics=settings.topic_count or None,
            vectors=vectors[rows],
            features=subset_features,
            forms=subset_forms,
        )
    return centre_ordered(found, slugs, vectors[rows]), kept is None


def _by_size(topics: Sequence[Topic]) -> tuple[Topic, ...]:
    return tuple(sorted(topics, key=lambda t: (-len(t.papers), t.slug)))
