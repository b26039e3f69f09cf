"""The enrich stage: topics (generator/topics/), related papers (related.py) and the map for every
paper of the collection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from . import progress
from .config import Settings, settings_for
from .model import Catalog, Paper
from .related import related_papers, with_reasons
from .topics import find_topics, fitted, map_positions, semantic_part


def enrich(papers: Sequence[Paper], settings: Settings | None = None) -> Catalog:
    """Papers with `topics` (topic slugs, strongest first) and `related` filled, the topics, and the
    map layout."""
    if not papers:
        return Catalog(papers=())
    settings = settings or settings_for()
    found = find_topics(papers, settings)  # times its "features" and "topics" stages
    with progress.stage("related"):
        features = found.related_features
        related = related_papers(
            papers,
            k=settings.related_count,
            vectors=semantic_part(found, settings),
            features=features,
            candidate_vectors=found.vectors,
        )
    with progress.stage("reasons"):
        related = with_reasons(papers, related, found.assignment.paper_topics, found.topics, features=features, forms=found.forms)
    enriched = tuple(replace(p, topics=found.of(p.slug), related=related[p.slug]) for p in papers)
    with progress.stage("map"):
        positions = map_positions(papers, found) if settings.topic_map else {}
    return Catalog(
        papers=enriched,
        topics=found.topics,
        layout=positions,
        automatic_topics=found.automatic,
        topic_model=fitted.to_bytes(found.model),
    )
