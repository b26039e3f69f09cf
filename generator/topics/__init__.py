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
from dataclasses import dataclass, replace

import numpy as np

from .. import progress
from ..config import Settings
from ..features import WORD, PhraseCounts, TfidfFeatures, count_phrases, kept_columns, surface_forms
from ..model import Paper, Topic
from ..rows import unit_rows
from . import clusters, counted, embeddings, fitted, state
from . import file as topics_file
from .discover import TopicAssignment, assign_topics, topic_feature_columns, topic_features
from .map import Discs, layout, topic_discs, uses_discs

log = logging.getLogger("mkdocs.plugins.papersite")

MAP_TOPIC_WEIGHT = 0.4  # how strongly papers of one topic are pulled together on the map


@dataclass(frozen=True)
class FoundTopics:
    """The topics of a collection. `assignment` is the one owner of which topics each paper has
    (strongest first) and which papers each topic has (most central first). `automatic` are the
    automatic topics before the topics file's edits (what the state file keeps); `vectors` are the
    paper vectors (input order) that the map and related papers use; `related_features` the TF-IDF
    rows related papers are scored on; `forms` how lower-case words of the papers are written
    (`surface_forms`, only where it differs), for labels and reasons; `model` what was fitted, to be
    saved beside the topic state; `text_digests` a digest of each paper's text (counted.text_digests),
    which the enrich caches are keyed by. `refit_report` says what changed when the automatic topics were
    found afresh (state.refit_report), and is empty when the saved topics were kept."""

    assignment: TopicAssignment
    automatic: tuple[Topic, ...]
    vectors: np.ndarray
    related_features: TfidfFeatures
    forms: dict[str, str]
    model: fitted.FittedModel
    text_digests: list[bytes]
    refit_report: tuple[str, ...] = ()

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self.assignment.topics

    def of(self, paper_slug: str) -> tuple[str, ...]:
        return self.assignment.paper_topics[paper_slug]


@dataclass(frozen=True)
class _Features:
    topic: TfidfFeatures
    related: TfidfFeatures
    vectors: np.ndarray
    text_digests: list[bytes]


def find_topics(papers: Sequence[Paper], settings: Settings, *, refit: bool = False) -> FoundTopics:
    """Hand-made topics, then automatic topics for the papers they leave, stable slugs, then edits.
    The saved topics and model are kept unless more than topic_refit_share of the papers changed, or
    refit is set; otherwise both are fitted afresh."""
    curated = topics_file.load_topics_file(settings.topics_file) if settings.topics_file else topics_file.TopicsFile()
    hand_members = topics_file.hand_made_members(papers, curated)
    hand_made = topics_file.hand_made_topics(curated, hand_members)
    claimed = {slug for members in hand_members.values() for slug in members}
    rest = [i for i, p in enumerate(papers) if p.slug not in claimed]
    reserved = {t.slug for t in hand_made}
    old_topics = [t for t in state.load_topics(settings.topic_state) if t.slug not in reserved]
    model = None if refit else _saved_model(settings, old_topics, [papers[i].slug for i in rest])
    with progress.stage("features"):
        if model is None:
            counts = count_phrases(papers)
            model = _fitted_model(papers, counts, settings)
            features = _features(papers, model, settings, counts)
        else:
            features = _features(papers, model, settings)
    with progress.stage("topics"):
        if model.centres:
            automatic = _kept(papers, rest, features.vectors, old_topics, model.centres)
            refitted = False
        else:
            automatic, model = _discovered(papers, rest, features, settings, old_topics, reserved, model)
            refitted = True
        combined = automatic.with_topics_first(hand_made, [p.slug for p in papers])
        topics, paper_topics, warnings = topics_file.apply_edits(combined.topics, combined.paper_topics, papers, curated)
    for warning in warnings:
        log.warning("papersite: %s", warning)
    edited = TopicAssignment(_by_size(topics), paper_topics)
    report = tuple(state.refit_report(old_topics, automatic.topics)) if refitted else ()
    if old_topics and report:  # a build's automatic refit (the first run has nothing to compare with)
        for line in report:
            log.info("papersite: %s", line)
    return FoundTopics(
        edited, _by_size(automatic.topics), features.vectors, features.related, model.forms, model, features.text_digests, report
    )


def _saved_model(settings: Settings, old_topics: Sequence[Topic], slugs: Sequence[str]) -> fitted.FittedModel | None:
    """The saved model when the saved topics are to be kept: it matches them, every saved topic still
    has a paper, and at most topic_refit_share of the papers changed."""
    if settings.topic_state is None or not old_topics:
        return None
    model = fitted.load(settings.topic_model, _signature(settings))
    if model is None or set(model.centres) != {t.slug for t in old_topics}:
        return None
    old = {t.slug: frozenset(t.papers) for t in old_topics}
    current = set(slugs)
    if state.changed_share(slugs, old) > settings.topic_refit_share or any(not (papers & current) for papers in old.values()):
        return None
    return model


def _signature(settings: Settings) -> str:
    return f"vectors={settings.topic_vectors}"


def _fitted_model(papers: Sequence[Paper], counts: PhraseCounts, settings: Settings) -> fitted.FittedModel:
    """Vocabularies, LSA components and word forms of the current papers (no topic centres yet)."""
    related_columns = kept_columns(counts.matrix, min_df=min(2, len(papers)), max_df=1.0)
    topic_columns = topic_feature_columns(counts.matrix, len(papers))
    topic = fitted.vocabulary(counts, topic_columns, len(papers))
    components = (
        fitted.fit_components(fitted.features(topic, counts.matrix[:, topic_columns]).matrix) if topic.terms else np.zeros((0, 0))
    )
    forms = {word: form for word, form in surface_forms(papers, WORD).items() if form != word}
    return fitted.FittedModel(
        fitted.vocabulary(counts, related_columns, len(papers)), topic, components, {}, forms, _signature(settings)
    )


def _features(
    papers: Sequence[Paper], model: fitted.FittedModel, settings: Settings, counts: PhraseCounts | None = None
) -> _Features:
    """The topic and related TF-IDF rows and the paper vectors, through the model: from the
    collection's phrase counts when given, else counting only the model's phrases (counted.py)."""
    terms = sorted(set(model.related.terms) | set(model.topic.terms))
    known = None
    if counts is not None:
        column_of = {term: j for j, term in enumerate(counts.terms)}
        known = counts.matrix[:, [column_of[t] for t in terms]]
    digests = counted.text_digests(papers)
    matrix = counted.counts(papers, digests, terms, settings.cache_folder, known)
    column = {term: j for j, term in enumerate(terms)}
    topic = fitted.features(model.topic, matrix[:, [column[t] for t in model.topic.terms]])
    related = fitted.features(model.related, matrix[:, [column[t] for t in model.related.terms]])
    return _Features(topic, related, paper_vectors(papers, topic, model, settings), digests)


def paper_vectors(papers: Sequence[Paper], features: TfidfFeatures, model: fitted.FittedModel, settings: Settings) -> np.ndarray:
    """Unit-length vectors for clustering and the map: LSA of the TF-IDF phrases, joined (semantic
    mode) by the sentence embeddings, each half weighing the same."""
    lsa = model.lsa_vectors(features.matrix) if features.terms else np.ones((len(papers), 1))
    if settings.topic_vectors != "semantic":
        return lsa
    semantic = embeddings.embed_papers(papers, settings.embedding_cache)
    return np.round(unit_rows(np.hstack([semantic, lsa])), clusters.ROUNDING)


def semantic_part(found: FoundTopics, settings: Settings) -> np.ndarray | None:
    """The embedding half of semantic vectors, made unit-length again, for related papers."""
    if settings.topic_vectors != "semantic":
        return None
    return unit_rows(found.vectors[:, : embeddings.DIMENSIONS])


def map_positions(
    papers: Sequence[Paper], found: FoundTopics
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, ...]]]:
    """Paper slug -> (x, y) on the map, both in [0, 1], and the topic discs drawn (topic slug ->
    x, y, radius; large collections only): the model's when they are of the same topics. Each
    paper's first topic groups it."""
    paper_topics = [found.of(p.slug) for p in papers]
    firsts = sorted({ts[0] for ts in paper_topics if ts}) + ([""] if not all(paper_topics) else [])
    number = {slug: n for n, slug in enumerate(sorted(firsts))}
    groups = [number[ts[0] if ts else ""] for ts in paper_topics]
    by_number = sorted(number, key=number.get)
    vectors = map_vectors(found.vectors, paper_topics)
    discs = None
    if uses_discs(len(papers)):
        kept = found.model.discs
        if set(kept) == set(number) and all(d.spread is None or len(d.spread.mean) == vectors.shape[1] for d in kept.values()):
            discs = Discs(
                np.array([kept[s].centre for s in by_number]),
                np.array([kept[s].radius for s in by_number]),
                tuple(kept[s].spread for s in by_number),
            )
        else:
            discs = topic_discs(vectors, np.asarray(groups))
    points = layout(vectors, groups, discs)
    drawn = {}
    if discs is not None:
        drawn = {
            s: fitted.Disc(tuple(discs.centres[n].tolist()), float(discs.radii[n]), discs.spreads[n])
            for n, s in enumerate(by_number)
        }
    return {p.slug: (float(x), float(y)) for p, (x, y) in zip(papers, points)}, drawn


def map_vectors(vectors: np.ndarray, paper_topics: Sequence[tuple[str, ...]]) -> np.ndarray:
    """The paper vectors joined by their topic memberships (first topic weighing most), so that the
    map draws each topic as a region its label can sit in, and keeps similar papers close within it."""
    slugs = sorted({t for topics in paper_topics for t in topics})
    column = {slug: j for j, slug in enumerate(slugs)}
    membership = np.zeros((len(paper_topics), len(slugs)))
    for i, topics in enumerate(paper_topics):
        for rank, slug in enumerate(topics):
            membership[i, column[slug]] = 1.0 / (rank + 1)
    return np.hstack([vectors, MAP_TOPIC_WEIGHT * unit_rows(membership)])


def _kept(papers: Sequence[Paper], rows: list[int], vectors: np.ndarray, old_topics: Sequence[Topic], centres) -> TopicAssignment:
    """The saved automatic topics (slugs, labels, descriptions) with the current papers of `rows`: a
    paper keeps its saved topics, a new paper joins the topic whose saved centre is nearest."""
    slugs = [papers[i].slug for i in rows]
    by_slug = sorted(old_topics, key=lambda t: t.slug)
    similarity = fitted.centre_similarities(vectors[rows], np.vstack([centres[t.slug] for t in by_slug]))
    topics_of: dict[str, list[str]] = {}
    for topic in by_slug:
        for paper in topic.papers:
            topics_of.setdefault(paper, []).append(topic.slug)
    paper_topics = {}
    for i, slug in enumerate(slugs):
        paper_topics[slug] = tuple(topics_of.get(slug) or [by_slug[int(np.argmax(similarity[i]))].slug])
    members = {t.slug: [] for t in by_slug}
    for slug, topic_slugs in paper_topics.items():
        for topic_slug in topic_slugs:
            members[topic_slug].append(slug)
    topics = tuple(replace(t, papers=tuple(members[t.slug])) for t in by_slug)
    return _centre_ordered(TopicAssignment(topics, paper_topics), slugs, vectors[rows], centres)


def _discovered(papers, rows: list[int], features: _Features, settings: Settings, old_topics, reserved, model):
    """Automatic topics found afresh for the papers of `rows`, with stable slugs, and the model with
    their centres."""
    if not rows:
        return TopicAssignment((), {}), model.with_centres({})
    subset = [papers[i] for i in rows]
    whole = len(rows) == len(papers)
    found = assign_topics(
        subset,
        method=settings.topic_method,
        n_topics=settings.topic_count or None,
        vectors=features.vectors[rows],
        features=features.topic if whole else topic_features(subset),
        forms=model.forms if whole else None,
    )
    found = found.renamed(state.free_slugs([t.slug for t in found.topics], reserved))
    old = {t.slug: frozenset(t.papers) for t in old_topics}
    found = found.renamed(state.match_slugs(found.topics, old, reserved) if old else {})
    slugs = [p.slug for p in subset]
    centres = topic_centres(found.topics, slugs, features.vectors[rows])
    return _centre_ordered(found, slugs, features.vectors[rows], centres), model.with_centres(centres)


def topic_centres(topics: Sequence[Topic], slugs: Sequence[str], vectors: np.ndarray) -> dict[str, np.ndarray]:
    """Topic slug -> the unit-length mean of its papers' vectors (rows in `slugs` order)."""
    row_of = {slug: i for i, slug in enumerate(slugs)}
    centres = {}
    for topic in topics:
        centre = vectors[[row_of[p] for p in topic.papers]].mean(axis=0)
        centres[topic.slug] = centre / max(float(np.linalg.norm(centre)), 1e-12)
    return centres


def _centre_ordered(assignment: TopicAssignment, slugs: Sequence[str], vectors: np.ndarray, centres) -> TopicAssignment:
    """The same memberships ordered by similarity to the topics' centres: topic papers most central
    first, a paper's topics closest first (ties by slug)."""
    columns = sorted(t.slug for t in assignment.topics)
    if not columns:
        return assignment
    column = {slug: j for j, slug in enumerate(columns)}
    row_of = {slug: i for i, slug in enumerate(slugs)}
    similarity = fitted.centre_similarities(vectors, np.vstack([centres[s] for s in columns]))

    def closeness(paper: str, topic: str) -> float:
        return float(similarity[row_of[paper], column[topic]])

    def most_central_first(topic: Topic) -> tuple[str, ...]:
        near = similarity[[row_of[p] for p in topic.papers], column[topic.slug]].tolist()  # closeness of each, at once
        return tuple([p for _, p in sorted(zip([-value for value in near], topic.papers))])

    topics = tuple(replace(t, papers=most_central_first(t)) for t in assignment.topics)
    paper_topics = {
        p: tuple(ts) if len(ts) < 2 else tuple(sorted(ts, key=lambda t, p=p: (-closeness(p, t), t)))
        for p, ts in assignment.paper_topics.items()
    }
    return TopicAssignment(topics, paper_topics, assignment.phrases)


def _by_size(topics: Sequence[Topic]) -> tuple[Topic, ...]:
    return tuple(sorted(topics, key=lambda t: (-len(t.papers), t.slug)))
