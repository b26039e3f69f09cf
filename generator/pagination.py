"""Long listings split into pages of a bounded size, with links between them.

A listing (a topic's papers, All papers, the authors directory) of any length becomes pages whose
entries weigh at most a budget together (an entry weighs 1, or its paper links in the directory);
a listing that fits in the budget is one page.
Where a page ends depends only on the entries around that place, as in the content-defined chunking
of rsync or backup tools, so that one entry added, removed or changed rewrites only the pages around
it: a page ends after an entry whose key hashes under a threshold (`ends_page`), once the page
weighs at least a third of the budget, or earlier when the next entry would take it over the
budget (a forced end; the next natural one puts the pages back in step). Pages average about 60% of
the budget.

Pages are named by what they hold, never by their number: the first at the listing's own path, each
next one at paths.listing_page(first, key of its last entry), the entry whose hash ended it, and
the last one, which ends with the listing, at paths.listing_page(first, LAST_PAGE). A page
links to the first and the last page, the previous and the next one and NEIGHBOURS on each side
(by their label, when the listing gives pages one), but tells no page number and no total: what a
page shows depends on its entries and its near neighbours only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .paths import listing_page

T = TypeVar("T")
NEIGHBOURS = 2  # pages linked by label on each side of the current one
SHORTEST = 3  # a page ends by its content only once it weighs budget / SHORTEST or more
MEAN_EXTRA = 3  # past that, a page weighs budget / MEAN_EXTRA more on average (before forced ends)
LAST_PAGE = "_last"  # the name of a listing's last page, which ends with the listing: never a key (a slug has no "_")


@dataclass(frozen=True)
class Pager:
    """Where one page sits in its listing: its index (from 0) among every page's path and label.
    Templates read its ends, previous, next and neighbours(); `count` only to tell one page from many."""

    index: int
    pages: tuple[str, ...]
    labels: tuple[str, ...]  # "" for every page of a listing whose pages have no label

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def is_first(self) -> bool:
        return self.index == 0

    @property
    def first(self) -> str:
        return self.pages[0]

    @property
    def last(self) -> str:
        return self.pages[-1]

    @property
    def label(self) -> str:
        return self.labels[self.index]

    @property
    def previous(self) -> str | None:
        return self.pages[self.index - 1] if self.index > 0 else None

    @property
    def next(self) -> str | None:
        return self.pages[self.index + 1] if self.index + 1 < self.count else None

    def neighbours(self) -> list[tuple[str, str, bool]]:
        """(label, path, is this page) of the pages up to NEIGHBOURS on each side and this one, in
        order; none when the listing's pages have no label."""
        if not self.label:
            return []
        shown = range(max(0, self.index - NEIGHBOURS), min(self.count, self.index + NEIGHBOURS + 1))
        return [(self.labels[n], self.pages[n], n == self.index) for n in shown]


@dataclass(frozen=True)
class ListingPage(Generic[T]):
    """One page of a listing: its path, its entries and its place among the pages."""

    path: str
    entries: Sequence[T]
    pager: Pager


def paginate(
    first: str,
    items: Sequence[T],
    budget: int,
    key: Callable[[T], str],
    weight: Callable[[T], int] = lambda _: 1,
    label: Callable[[Sequence[T]], str] | None = None,
) -> list[ListingPage[T]]:
    """items in order on pages whose entries weigh at most budget together (an entry heavier than
    budget alone on its page); one empty page when there are none. key(item): a name unique in
    the listing that stays with the entry, safe in a path (a slug): it decides where pages end and
    names them (but the first and the last). label(entries): a page's name in the links of its neighbours (none without; never
    asked of an empty page)."""
    if budget < 1:
        raise ValueError(f"a page holds at least one entry, not {budget}")
    groups = split(items, budget, key, weight)
    names = [None] + [key(group[-1]) for group in groups[1:-1]] + [LAST_PAGE]
    paths = tuple(listing_page(first, name) for name in names[: len(groups)])
    labels = tuple(label(group) if label and group else "" for group in groups)
    return [ListingPage(path, group, Pager(n, paths, labels)) for n, (path, group) in enumerate(zip(paths, groups))]


def split(items: Sequence[T], budget: int, key: Callable[[T], str], weight: Callable[[T], int]) -> list[Sequence[T]]:
    """The entries of each page: all on one when they fit (one empty page when there are none)."""
    if sum(map(weight, items)) <= budget:
        return [items]
    shortest = max(1, budget // SHORTEST)
    chance = min(1.0, MEAN_EXTRA / budget)  # of an end after an entry, for each unit of its weight
    groups: list[Sequence[T]] = []
    start, load = 0, 0
    for n, item in enumerate(items):
        heavy = weight(item)
        if n > start and load + heavy > budget:  # a forced end
            groups.append(items[start:n])
            start, load = n, 0
        load += heavy
        if load >= shortest and ends_page(key(item), heavy, chance):
            groups.append(items[start : n + 1])
            start, load = n + 1, 0
    if start < len(items) or not groups:
        groups.append(items[start:])
    return groups


def ends_page(key: str, weight: int, chance: float) -> bool:
    """Whether a page ends after the entry with this key (when long enough): a fixed draw from the
    key's hash, for a chance that grows with the entry's weight as if each unit drew on its own."""
    draw = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") / 2**64
    return draw < 1 - (1 - chance) ** weight
