"""The map: layout in the unit square, deterministic; SVG with escaped titles and relative links."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from generator.map_svg import FONT_SIZE, label_box, label_width, paper_url, render_map
from generator.model import Catalog, Paper, Source, Topic
from generator.topics.map import layout

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Evil <script>alert(1)</script> & "quotes" </title><a href="javascript:x">'


def make_catalog() -> Catalog:
    topics = (Topic("games", "Games & play", papers=("a", "b")), Topic("proteins", "Proteins", papers=("c",)))
    papers = (
        Paper(title=HOSTILE, source=Source("t", 1), slug="a", topics=("games",)),
        Paper(title="Self-play", source=Source("t", 2), slug="b", topics=("games", "proteins")),
        Paper(title="Folding", source=Source("t", 3), slug="c", topics=("proteins",)),
    )
    return Catalog(papers=papers, topics=topics, layout={"a": (0.0, 0.0), "b": (0.1, 0.2), "c": (1.0, 1.0)})


def parse(html: str) -> ET.Element:
    assert html.startswith('<div class="papersite-map-box" data-search-exclude="">') and "\n" not in html  # one raw-HTML block
    return ET.fromstring(html)


def test_layout_is_in_the_unit_square_and_deterministic() -> None:
    vectors = np.random.RandomState(1).rand(40, 10)
    points = layout(vectors)
    assert points.shape == (40, 2)
    assert points.min() == 0 and points.max() == 1
    assert np.array_equal(points, layout(vectors.copy()))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_tiny_collections_get_a_layout(n: int) -> None:
    points = layout(np.ones((n, 4)))
    assert points.shape == (n, 2)
    assert ((points >= 0) & (points <= 1)).all()


def test_the_svg_is_well_formed_and_titles_are_escaped() -> None:
    root = parse(render_map(make_catalog(), "index.md"))
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert f"{HOSTILE} (Games & play)" in titles  # the text survives as text
    assert not list(svg.iter(f"{SVG}script"))
    hrefs = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert sorted(hrefs) == ["papers/a.html", "papers/b.html", "papers/c.html"]
    labels = sorted(t.text for t in svg.iter(f"{SVG}text"))
    assert labels == ["Games & play", "Proteins"]


def test_points_are_coloured_by_their_first_topic() -> None:
    svg = parse(render_map(make_catalog(), "index.md")).find(f"{SVG}svg")
    fill = {a.get("href"): a.find(f"{SVG}circle").get("fill") for a in svg.iter(f"{SVG}a")}
    assert fill["papers/a.html"] == fill["papers/b.html"] != fill["papers/c.html"]


def test_topic_page_map_fades_other_topics() -> None:
    svg = parse(render_map(make_catalog(), "topics/proteins.md", highlight="proteins")).find(f"{SVG}svg")
    radius = {a.get("href"): a.find(f"{SVG}circle").get("r") for a in svg.iter(f"{SVG}a")}
    assert radius == {"../papers/a.html": "3", "../papers/b.html": "5", "../papers/c.html": "5"}


def test_no_layout_no_map() -> None:
    catalog = make_catalog()
    assert render_map(Catalog(papers=catalog.papers, topics=catalog.topics), "index.md") == ""


@pytest.mark.parametrize(
    ("page", "directory_urls", "expected"),
    [
        ("index.md", False, "papers/x.html"),
        ("topics/t.md", False, "../papers/x.html"),
        ("index.md", True, "papers/x/"),
        ("topics/t.md", True, "../../papers/x/"),
        ("topics/index.md", True, "../papers/x/"),
    ],
)
def test_paper_urls_are_relative_to_the_page(page: str, directory_urls: bool, expected: str) -> None:
    assert paper_url("x", page, directory_urls) == expected


def test_pages_have_no_map_when_it_is_switched_off() -> None:
    from generator.config import settings_for
    from generator.enrich import enrich
    from generator.render import render_site

    papers = [
        Paper(title=f"Robot grasping {n}", abstract="Robot arms grasp.", source=Source("t", n), slug=f"p{n}") for n in range(4)
    ]
    without = render_site(enrich(papers, settings=settings_for(topic_map=False)), "Site")
    with_map = render_site(enrich(papers), "Site")
    assert not any("<svg" in page.text for page in without)
    home = next(page for page in with_map if page.path == "index.md")
    topic_pages = [page for page in with_map if page.path.startswith("topics/") and page.path != "topics/index.md"]
    assert home.text.count("<svg") == 1 and all(page.text.count("<svg") == 1 for page in topic_pages)


def test_topic_labels_never_overlap_even_when_topics_share_a_spot() -> None:
    topics = tuple(Topic(f"t{n}", f"Topic label number {n} of many", papers=(f"p{n}",)) for n in range(40))
    papers = tuple(Paper(title=f"P{n}", source=Source("t", n + 1), slug=f"p{n}", topics=(f"t{n}",)) for n in range(40))
    layout_ = {f"p{n}": (0.5, 0.5) for n in range(40)}
    svg = parse(render_map(Catalog(papers=papers, topics=topics, layout=layout_), "index.md")).find(f"{SVG}svg")
    texts = list(svg.iter(f"{SVG}text"))
    assert len(texts) >= 25  # most labels find a place
    boxes = [label_box(float(t.get("x")), float(t.get("y")), label_width(t.text)) for t in texts]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= 800 and a[1] >= 0 and a[3] <= 520 + FONT_SIZE
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
