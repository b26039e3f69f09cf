"""Give every paper of the collection a unique slug (merging records of the same work is merge.py's job)."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Paper, with_fields
from .slugs import SLUG_MAX_LENGTH, first_free, slug_base


def assign_slugs(papers: Sequence[Paper]) -> list[Paper]:
    """Give each paper a slug unique among the collection (in input order: a later twin gets -2, -3...)."""
    taken: set[str] = set()
    result = []
    for paper in papers:
        slug = first_free(slug_base(paper.title), taken, SLUG_MAX_LENGTH)
        taken.add(slug)
        result.append(with_fields(paper, slug=slug))  # dataclasses.replace, faster
    return result
