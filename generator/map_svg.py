"""The map of the collection as inline SVG: one linked point per paper, coloured by its strongest
topic, with topic labels placed at the middle of their papers.

Static and self-contained (no script, no external request). Colours are mid-tones readable on
Material's light and dark backgrounds; text uses Material's foreground colour with a halo of its
background colour. Every title is XML-escaped; links are relative to the page the map is on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from .model import Catalog, Topic
from .paths import built_url, paper_page

WIDTH, HEIGHT, MARGIN = 800, 520, 24
FONT_SIZE = 13
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#8cd17d",
    "#499894", "#d37295", "#86bcb6", "#f1ce63", "#a0cbe8", "#ffbe7d", "#d4a6c8", "#b6992d", "#e377c2", "#17becf",
)  # fmt: skip
STYLE = (
    ".papersite-map text{fill:var(--md-default-fg-color,currentColor);stroke:var(--md-default-bg-color,#fff);"
    "stroke-width:3px;paint-order:stroke;font-weight:600;pointer-events:none}"
    ".papersite-map .other{fill:var(--md-default-fg-color--lighter,#999)}"
    ".papersite-map a:hover circle,.papersite-map a:focus circle{stroke:var(--md-default-fg-color,currentColor);stroke-width:2px}"
)


def topic_colours(topics: Sequence[Topic]) -> dict[str, str]:
    """Topic slug -> colour, in the order topics are listed (largest first)."""
    return {t.slug: PALETTE[n % len(PALETTE)] for n, t in enumerate(topics)}


def paper_url(slug: str, from_page: str, directory_urls: bool) -> str:
    """Relative URL of a paper page from a generated page (both as docs-relative .md paths)."""
    target = built_url(paper_page(slug), directory_urls)
    here = posixpath.dirname(from_page)
    if directory_urls and posixpath.basename(from_page) != "index.md":
        here = posixpath.join(here, posixpath.splitext(posixpath.basename(from_page))[0])
    return posixpath.relpath(target, here or ".") + ("/" if directory_urls else "")


def render_map(
    catalog: Catalog,
    from_page: str,
    *,
    highlight: str | None = None,
    papers: Collection[str] | None = None,
    directory_urls: bool = False,
) -> str:
    """The map as one line of HTML (a <div> holding the <svg>), or "" when there is no layout.
    papers: the papers drawn as points (default: all; map_points.drawn_papers picks them for a page)."""
    return draw_map(map_data(catalog, highlight=highlight, papers=papers), from_page, directory_urls)


@dataclass(frozen=True)
class MapData:
    """Everything a map shows besides its links' page and URL style, as plain data: a page's digest
    covers it (render.py), and draw_map reads nothing else.
    points: (slug, x, y, radius, colour, tooltip) in drawing order; labels: (x, y, text, faded)."""

    title: str
    points: tuple[tuple[str, float, float, int, str, str], ...]
    labels: tuple[tuple[float, float, str, bool], ...]


def map_data(
    catalog: Catalog,
    *,
    highlight: str | None = None,
    papers: Collection[str] | None = None,
    labels: Sequence[Label] | None = None,
) -> MapData | None:
    """What the map of the catalog shows (None: no layout, no map). labels: placed_labels(catalog),
    when the caller has them already (they are the same on every map of a catalog)."""
    if not catalog.layout:
        return None
    colours = topic_colours(catalog.topics)
    points = tuple(_point(catalog, slug, xy, colours, highlight) for slug, xy in _ordered(catalog, highlight, papers))
    placed = placed_labels(catalog) if labels is None else labels
    shown = tuple((x, y, text, highlight not in (None, slug)) for x, y, slug, text in placed)
    title = "Map of the papers" + (f" (highlighted: {catalog.topic(highlight).label})" if highlight else "")
    return MapData(title, points, shown)


def draw_map(data: MapData | None, from_page: str, directory_urls: bool = False) -> str:
    """The map as one line of HTML (a <div> holding the <svg>), links relative to from_page; "" for no map."""
    if data is None:
        return ""
    points = [
        f'<a href="{escape(paper_url(slug, from_page, directory_urls), quote=True)}"><circle cx="{x}" cy="{y}" r="{radius}" '
        f'fill="{colour}"><title>{escape(tooltip, quote=True)}</title></circle></a>'
        for slug, x, y, radius, colour, tooltip in data.points
    ]
    labels = [
        f'<text x="{round(x, 1)}" y="{round(y, 1)}" text-anchor="middle"{OTHER if faded else ""}>{escape(text)}</text>'
        for x, y, text, faded in data.labels
    ]
    title = escape(data.title)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="papersite-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}" '
        f'font-size="{FONT_SIZE}" style="width:100%;height:auto;max-width:{WIDTH}px">'
        f"<title>{title}</title><style>{STYLE}</style>{''.join(points)}{''.join(labels)}</svg>"
    )
    # data-search-exclude: Material's search would otherwise index every tooltip (every title) on
    # the home page and each topic page, and those pages would match any title word.
    return f'<div class="papersite-map-box" data-search-exclude="">{svg}</div>'


def _ordered(catalog: Catalog, highlight: str | None, papers: Collection[str] | None):
    """The papers drawn, highlighted papers last, so they are drawn on top."""
    inside = set(catalog.topic(highlight).papers) if highlight else set()
    layout = catalog.layout
    drawn = layout.items() if papers is None else ((s, layout[s]) for s in set(papers) if s in layout)
    return sorted(drawn, key=lambda item: (item[0] in inside, item[0]))


def _xy(point: tuple[float, float]) -> tuple[float, float]:
    x, y = point
    return round(MARGIN + x * (WIDTH - 2 * MARGIN), 1), round(MARGIN + y * (HEIGHT - 2 * MARGIN), 1)


def _point(catalog, slug, xy, colours, highlight) -> tuple[str, float, float, int, str, str]:
    paper = catalog.paper(slug)
    topic = paper.topics[0] if paper.topics else ""
    faded = highlight is not None and highlight not in paper.topics
    x, y = _xy(xy)
    colour = "var(--md-default-fg-color--lighter,#999)" if faded else colours.get(topic, PALETTE[0])
    label = catalog.topic(topic).label if topic else ""
    tooltip = f"{paper.title} ({label})" if label else paper.title
    return slug, x, y, 3 if faded else 5, colour, tooltip


Label = tuple[float, float, str, str]  # x, y, topic slug, label
OTHER = ' class="other"'  # a label of another topic than the page's


def placed_labels(catalog: Catalog) -> tuple[Label, ...]:
    """One label per topic, above the middle of its papers, moved to the nearest spot where it
    overlaps no other label; a label with no free spot left is not drawn (never over another).
    The same on every map of the catalog (a topic's page only fades the other labels)."""
    placed: list[tuple[float, float, float, float]] = []
    result = []
    for topic in catalog.topics:
        members = [
            catalog.layout[s] for s in topic.papers if s in catalog.layout and catalog.paper(s).topics[:1] == (topic.slug,)
        ]
        if not members:
            continue
        x, y = _xy((float(np.median([m[0] for m in members])), float(np.percentile([m[1] for m in members], 20))))
        y -= FONT_SIZE / 2  # just above most of its points, so it hides few of them
        width = label_width(topic.label)
        spot = _free_spot(x, y, width, placed)
        if spot is None:
            continue
        x, y = spot
        placed.append(label_box(x, y, width))
        result.append((x, y, topic.slug, topic.label))
    return tuple(result)


LINE = FONT_SIZE + 2


def label_width(label: str) -> float:
    """A generous estimate of the label's width at FONT_SIZE (bold sans-serif)."""
    return 0.62 * FONT_SIZE * len(label)


def label_box(x: float, y: float, width: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label centred on x with its baseline at y."""
    return (x - width / 2, y - FONT_SIZE, x + width / 2, y + 3)


def _free_spot(x: float, y: float, width: float, placed: list[tuple[float, float, float, float]]) -> tuple[float, float] | None:
    """The spot nearest (x, y), in whole lines up or down and steps of a quarter label sideways,
    inside the map, where the label overlaps no placed one; None when there is none."""
    rows = range(-(HEIGHT // LINE), HEIGHT // LINE + 1)
    steps = range(-8, 9)
    spots = sorted(((dy * LINE) ** 2 + (dx * width / 4) ** 2, abs(dy), dy, dx) for dy in rows for dx in steps)
    seen = set()
    for *_, dy, dx in spots:
        cx = min(max(x + dx * width / 4, MARGIN + width / 2), WIDTH - MARGIN - width / 2)
        cy = min(max(y + dy * LINE, MARGIN + FONT_SIZE), HEIGHT - MARGIN)
        if (cx, cy) in seen:
            continue
        seen.add((cx, cy))
        box = label_box(cx, cy, width)
        # a pixel apart at least, so that rounding the coordinates cannot make them touch
        if not any(box[0] < b[2] + 1 and b[0] < box[2] + 1 and box[1] < b[3] + 1 and b[1] < box[3] + 1 for b in placed):
            return cx, cy
    return None
