"""Long listings split into pages of a bounded size, with links between them.

A listing (a topic's papers, All papers) of any length becomes pages of at most `size` entries
(paginate), or of entries weighing at most a budget together (paginate_by_weight: the authors
directory, an entry weighing its paper links): the first at the listing's own path, the next ones at
paths.listing_page(first, n). Every page links to the previous and the next one, the first and
the last, and its near neighbours, so each entry is a few clicks from the first page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .paths import listing_page

T = TypeVar("T")
NEIGHBOURS = 2  # page numbers linked on each side of the current one


@dataclass(frozen=True)
class Pager:
    """Where one page sits in its listing: its number (from 1), every page's path, and the range
    of entries it holds (first and last, from 1) out of total."""

    number: int
    pages: tuple[str, ...]
    first: int
    last: int
    total: int

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def span(self) -> str:
        """The entries on this page: "201–400", "9,801–10,000", or "401" alone."""
        return f"{self.first:,}–{self.last:,}" if self.last > self.first else f"{self.first:,}"

    @property
    def previous(self) -> str | None:
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.pages[self.number] if self.number < self.count else None

    def links(self) -> list[tuple[int, str] | None]:
        """(number, path) of the pages to link by number, in order, with None where numbers are left
        out: the first, the last, and NEIGHBOURS on each side of this page."""
        shown = sorted(
            {1, self.count} | set(range(max(1, self.number - NEIGHBOURS), min(self.count, self.number + NEIGHBOURS) + 1))
        )
        result: list[tuple[int, str] | None] = []
        for n in shown:
            if result and result[-1] is not None and n > result[-1][0] + 1:
                result.append(None)
            result.append((n, self.pages[n - 1]))
        return result


@dataclass(frozen=True)
class ListingPage(Generic[T]):
    """One page of a listing: its path, its entries and its place among the pages."""

    path: str
    entries: Sequence[T]
    pager: Pager


def paginate(first: str, items: Sequence[T], size: int) -> list[ListingPage[T]]:
    """items split into pages of at most size entries (one empty page when there are none)."""
    if size < 1:
        raise ValueError(f"a page holds at least one entry, not {size}")
    count = max(1, -(-len(items) // size))
    paths = tuple(listing_page(first, n) for n in range(1, count + 1))
    return [
        ListingPage(
            paths[n],
            items[n * size : (n + 1) * size],
            Pager(n + 1, paths, n * size + 1, min(len(items), (n + 1) * size), len(items)),
        )
        for n in range(count)
    ]


def paginate_by_weight(first: str, items: Sequence[T], budget: int, weight: Callable[[T], int]) -> list[ListingPage[T]]:
    """items in order on pages whose entries weigh at most budget together (an entry heavier than
    budget alone on its page); one empty page when there are none."""
    if budget < 1:
        raise ValueError(f"a page holds at least one entry, not {budget}")
    groups: list[list[T]] = [[]]
    load = 0
    for item in items:
        if groups[-1] and load + weight(item) > budget:
            groups.append([])
            load = 0
        groups[-1].append(item)
        load += weight(item)
    paths = tuple(listing_page(first, n) for n in range(1, len(groups) + 1))
    pages, before = [], 0
    for n, group in enumerate(groups):
        pages.append(ListingPage(paths[n], group, Pager(n + 1, paths, before + 1, before + len(group), len(items))))
        before += len(group)
    return pages
