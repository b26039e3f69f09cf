"""What is new in the collection: which papers entered it lately, by `Paper.added` (the day
`papersite fetch` wrote into the paper list). The New page (paths.NEW_PAGE, rendered by render.py)
lists the papers added in the last 7 days; the feeds (feeds.py) and the digest (digest.py) use the
same order. The build day is `identifiers.today()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from .model import Paper

NEW_DAYS = 7


def newest_added_first(papers: Sequence[Paper]) -> list[Paper]:
    """Papers by entry day, newest first; on the same day the most upvoted first, then by their own
    date; papers without an entry day after them, by upvotes and date; input order on ties."""

    def key(indexed: tuple[int, Paper]) -> tuple[str, int, str, int]:
        index, paper = indexed
        return (paper.added, -1 if paper.upvotes is None else paper.upvotes, paper.date, -index)

    return [p for _, p in sorted(enumerate(papers), key=key, reverse=True)]


def recently_added(papers: Sequence[Paper], today: datetime.date, days: int = NEW_DAYS) -> list[Paper]:
    """The papers added in the `days` days up to today, newest first."""
    since = (today - datetime.timedelta(days - 1)).isoformat()
    return newest_added_first([p for p in papers if p.added and since <= p.added <= today.isoformat()])


def by_upvotes(papers: Sequence[Paper]) -> list[Paper]:
    """The papers with an upvote count, most upvoted first (input order on ties)."""
    return sorted((p for p in papers if p.upvotes is not None), key=lambda p: -(p.upvotes or 0))
