"""Long listings split into pages of a bounded size, with links between them.

A listing (a topic's papers, All papers, the authors directory) of any length becomes pages whose
entries weigh at most a budget together (an entry weighs 1, or its paper links in the directory);
a listing that fits in the budget is one page.
Where a page ends depends only on the entries around that place, as in the content-defined chunking
of rsync or backup tools, so that one entry added, removed or changed rewrites only the pages around
it: a page ends after an entry whose key hashes under a threshold, once the page holds a third of
the entries a full page typically holds; or, when the next entry would take it over the budget,
after its entry of lowest hash from there on (a forced end, chosen by content as well; the next
natural end puts the pages back in step). Natural ends depend on keys and entry counts only, never
on weights (an author's paper count changes with every paper of theirs). Pages average about 60%
of the budget.

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
SHORTEST = 3  # a page ends by its content only once it holds 1 / SHORTEST of a full page's entries
MEAN_EXTRA = 3  # past that, it holds 1 / MEAN_EXTRA of them more on average (before forced ends)
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
    typical_weight: float = 1,
) -> list[ListingPage[T]]:
    """items in order on pages whose entries weigh at most budget together (an entry heavier than
    budget alone on its page); one empty page when there are none. key(item): a name unique in
    the listing that stays with the entry, safe in a path (a slug): it decides where pages end and
    names them (but the first and the last). label(entries): a page's name in the links of its neighbours (none without; never
    asked of an empty page). typical_weight: what an entry weighs on average, for the size of pages."""
    if budget < 1:
        raise ValueError(f"a page holds at least one entry, not {budget}")
    groups = split(items, budget, key, weight, typical_weight)
    names = [None] + [key(group[-1]) for group in groups[1:-1]] + [LAST_PAGE]
    paths = tuple(listing_page(first, name) for name in names[: len(groups)])
    labels = tuple(label(group) if label and group else "" for group in groups)
    return [ListingPage(path, group, Pager(n, paths, labels)) for n, (path, group) in enumerate(zip(paths, groups))]


def split(
    items: Sequence[T], budget: int, key: Callable[[T], str], weight: Callable[[T], int], typical_weight: float = 1
) -> list[Sequence[T]]:
    """The entries of each page: all on one when they fit (one empty page when there are none).
    Natural ends depend on keys and entry counts only, never on weights, which change more often
    (an author's paper count): weights only force ends."""
    weights = [weight(item) for item in items]
    if sum(weights) <= budget:
        return [items]
    typical = budget / typical_weight  # entries in a page of the budget's weight
    shortest = max(1, round(typical / SHORTEST))
    chance = min(1.0, MEAN_EXTRA / typical)
    draws = [_draw(key(item)) for item in items]
    groups: list[Sequence[T]] = []
    start = 0
    while start < len(items):
        end = _page_end(start, weights, draws, budget, shortest, chance)
        groups.append(items[start:end])
        start = end
    return groups


def _page_end(start: int, weights: list[int], draws: list[float], budget: int, shortest: int, chance: float) -> int:
    """Where the page beginning with entry start ends (the index after its last entry): after the
    first entry from its shortest-th on whose draw is under chance; or, when the next entry would
    take the page over the budget, after the entry of lowest draw from the shortest-th on (a forced
    end, chosen by content too, so that a weight changed in the page rarely moves it); or at the
    end of the listing."""
    load = 0
    for n in range(start, len(weights)):
        if n > start and load + weights[n] > budget:
            eligible = range(start + shortest - 1, n)
            return 1 + min(eligible, key=draws.__getitem__) if eligible else n
        load += weights[n]
        if n - start + 1 >= shortest and draws[n] < chance:
            return n + 1
    return len(weights)


def _draw(key: str) -> float:
    """A fixed number in [0, 1) for a key, from its hash: the same wherever the entry is."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big") / 2**64
