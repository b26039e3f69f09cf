"""Which papers the map draws on a page, so that no page grows with the collection.

The map is inline SVG with a link and a tooltip per point (about 240 bytes each): the whole map of
10,000 papers is 2.4 MB, on every page that shows it. So a page draws at most MAX_POINTS points
(TOPIC_MAX_POINTS on a topic page, which also lists papers: allowed 1,200, a topic's first page
of 50,000 papers with 100-character titles came to 404 KB):
all of its papers while they fit, else one per cell of a grid laid over the map, the grid as fine
as the limit allows. In each cell the point drawn is the paper listed first (callers list the most
central papers first), so the thinned map keeps the shape of the collection and its topics, and
every point drawn is still a link to its paper.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .model import Catalog

MAX_POINTS = 1_200  # the home page: the whole collection
TOPIC_MAX_POINTS = 600  # a topic page: one region of the map, above a listing of up to listing_page_size papers
_FINEST_GRID = 200  # columns: 4 px cells on the 800 px map, finer than a point (10 px across)
_COARSER = 0.85  # each try shrinks the columns by this factor
_ROWS_PER_COLUMN = 0.65  # the map is 800 x 520: cells stay roughly square


def central_first(catalog: Catalog) -> list[str]:
    """Every paper on the map, the most central of each topic first: by rank in its main topic's
    list (topics list papers most central first), then in catalog order."""
    position = {(topic.slug, slug): n for topic in catalog.topics for n, slug in enumerate(topic.papers)}
    placed = [p for p in catalog.papers if p.slug in catalog.layout]
    last = len(placed)
    main_rank = [position.get((p.topics[0], p.slug), last) if p.topics else last for p in placed]
    order = sorted(range(len(placed)), key=lambda i: main_rank[i])
    return [placed[i].slug for i in order]


def drawn_papers(catalog: Catalog, slugs: Sequence[str], limit: int = MAX_POINTS) -> set[str]:
    """The papers of slugs (most important first) that the map draws: all of those on the map when
    there are at most limit, else the first of each grid cell on the finest grid leaving at most limit."""
    placed = [s for s in slugs if s in catalog.layout]
    if len(placed) <= limit:
        return set(placed)
    xy = np.array([catalog.layout[s] for s in placed], dtype=float)
    columns = float(_FINEST_GRID)
    while True:
        firsts = _first_per_cell(xy, int(columns), max(1, round(columns * _ROWS_PER_COLUMN)))
        if len(firsts) <= limit or columns < 2:
            return {placed[i] for i in firsts[:limit]}
        columns *= _COARSER


def _first_per_cell(xy: np.ndarray, columns: int, rows: int) -> np.ndarray:
    """Indices of the first point (lowest index) in each occupied cell of a columns x rows grid
    over the unit square, in index order."""
    col = np.minimum((xy[:, 0] * columns).astype(int), columns - 1)
    row = np.minimum((xy[:, 1] * rows).astype(int), rows - 1)
    _, firsts = np.unique(row * columns + col, return_index=True)
    return np.sort(firsts)
