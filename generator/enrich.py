"""The enrich stage: topics and related papers for every paper of the collection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .model import Catalog, Paper
from .related import related_papers
from .topics import assign_topics

RELATED_PER_PAPER = 5


def enrich(papers: Sequence[Paper], *, related_count: int = RELATED_PER_PAPER) -> Catalog:
    """Papers with `topics` (topic slugs, strongest first) and up to `related_count` `related` filled,
    and the topics."""
    assignment = assign_topics(papers)
    related = related_papers(papers, k=related_count)
    enriched = tuple(
        replace(paper, topics=assignment.paper_topics[paper.slug], related=related[paper.slug]) for paper in papers
    )
    return Catalog(papers=enriched, topics=assignment.topics)
