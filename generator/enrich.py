"""The enrich stage: topics (generator/topics/), related papers (related.py) and the map for every
paper of the collection."""

from __future__ import annotations

from collections.abc import Sequence

from . import cache, progress
from .config import Settings, settings_for
from .model import Catalog, Paper, Related, with_fields
from .related import KeptReasons, KeptRelated, SharedPhrases, related_papers, with_reasons
from .topics import FoundTopics, find_topics, fitted, map_positions, semantic_part
from .uptodate import digest_json

RELATED_CACHE = "related.pickle"  # candidates and related papers of each paper (related.KeptRelated)
SHARED_PHRASES_CACHE = "shared-phrases.pickle"  # the shared phrases of related pairs (related.SharedPhrases)
REASONS_CACHE = "reasons"  # each paper's reasons by a key of what they depend on (related.KeptReasons; cache.SavedRows)


def enrich(papers: Sequence[Paper], settings: Settings | None = None) -> Catalog:
    """Papers with `topics` (topic slugs, strongest first) and `related` filled, the topics, and the
    map layout."""
    if not papers:
        return Catalog(papers=())
    settings = settings or settings_for()
    found = find_topics(papers, settings)  # times its "features" and "topics" stages
    digests = found.text_digests
    with progress.stage("related"):
        related = _related(papers, found, settings, digests)
    with progress.stage("reasons"):
        related = _with_reasons(papers, found, settings, digests, related)
    enriched = tuple(with_fields(p, topics=found.of(p.slug), related=related[p.slug]) for p in papers)
    with progress.stage("map"):
        positions, discs = map_positions(papers, found) if settings.topic_map else ({}, found.model.discs)
    return Catalog(
        papers=enriched,
        topics=found.topics,
        layout=positions,
        automatic_topics=found.automatic,
        topic_model=fitted.to_bytes(found.model.with_discs(discs)),
    )


def _related(papers, found: FoundTopics, settings: Settings, digests: list[bytes]) -> dict[str, tuple[Related, ...]]:
    """related_papers, with the candidate lists and related papers of the last build (RELATED_CACHE)."""
    path = settings.cache_file(RELATED_CACHE)
    key = f"{RELATED_CACHE}:{found.model.vectors_key()}:{settings.related_count}:{settings.topic_vectors}"
    kept = KeptRelated([p.slug.encode() + b"\0" + d for p, d in zip(papers, digests)], cache.load(path, key))
    related = related_papers(
        papers,
        k=settings.related_count,
        vectors=semantic_part(found, settings),
        features=found.related_features,
        candidate_vectors=found.vectors,
        kept=kept,
    )
    if kept.current is not None:
        cache.save(path, key, kept.current)
    return related


def _with_reasons(
    papers, found: FoundTopics, settings: Settings, digests: list[bytes], related
) -> dict[str, tuple[Related, ...]]:
    """with_reasons, with the shared phrases of the pairs of the last build (SHARED_PHRASES_CACHE)."""
    path = settings.cache_file(SHARED_PHRASES_CACHE)
    key = f"{SHARED_PHRASES_CACHE}:{found.model.related_key()}"
    shared = SharedPhrases(digests, cache.load(path, key))
    topics = found.assignment
    # the labels and word forms the reasons are written with are in the key: every shard holds rows of one wording
    label_of = {t.slug: t.label for t in topics.topics}
    words = digest_json([label_of, found.forms])
    saved_reasons = cache.SavedRows(settings.cache_file(REASONS_CACHE), f"{REASONS_CACHE}:{found.model.related_key()}:{words}")
    kept = KeptReasons(None if saved_reasons.previous is None else (label_of, found.forms, saved_reasons.previous))
    related = with_reasons(
        papers,
        related,
        topics.paper_topics,
        topics.topics,
        features=found.related_features,
        forms=found.forms,
        shared=shared,
        kept=kept,
    )
    if shared.current != shared.previous:
        cache.save(path, key, shared.current)
    if kept.changed:
        saved_reasons.save(kept.saved()[2])
    return related
