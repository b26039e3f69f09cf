"""A real site large enough to paginate: 330 papers by 14 authors over seven years, listings of at
most 10 entries. From the first page of every listing (All papers, each topic, each author, the
authors), following only the links between that listing's pages, every paper the listing should
hold is reached, once, and no page holds more than 10 entries. What a listing should hold comes
from site/papers.json (written from the catalog, not from the pages)."""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitebuild import make_project, papersite

from generator.pagination import NEIGHBOURS

pytestmark = pytest.mark.slow

PAGE_SIZE = 10
PAPERS = 330
PEOPLE = [("Lovelace", "Ada"), ("Turing", "Alan"), ("Hopper", "Grace"), ("Hamilton", "Margaret"), ("Knuth", "Donald")]
PEOPLE += [(f"Author{n}", "Occasional") for n in range(9)]  # each of these wrote a handful of papers
EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"


def csl_items(n: int) -> list[dict]:
    """n papers made from the example's titles and abstracts (a numbered variant after the first 203)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    records = list(zip(lines[0::2], lines[1::2]))
    items = []
    for i in range(n):
        title, abstract = records[i % len(records)]
        people = [PEOPLE[i % 5], PEOPLE[5 + i % 9]] if i % 4 else [PEOPLE[i % 5]]
        items.append(
            {
                "id": f"p{i}",
                "type": "article-journal",
                "title": title if i < len(records) else f"{title} (variant {i // len(records)})",
                "abstract": abstract,
                "author": [{"family": family, "given": given} for family, given in people],
                "issued": {"date-parts": [[2018 + i % 7, 1 + i % 12]]},
            }
        )
    return items


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("paginated"))
    source = root / "papers" / "many.csl.json"
    source.write_text(json.dumps(csl_items(PAPERS)), encoding="utf-8")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - papersite:\n", f"  - papersite:\n      listing_page_size: {PAGE_SIZE}\n", 1)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = papersite(root, "build", str(source))
    assert result.returncode == 0, result.stderr
    assert "not included in the" not in result.stderr  # every listing page matches not_in_nav
    return root / "site"


class ArticleLinks(HTMLParser):
    """The links of a page's article, the map's points left out; and its <h1>."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.heading = ""
        self._depth = {"article": 0, "svg": 0, "h1": 0}
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        if tag in self._depth:
            self._depth[tag] += 1
        href = dict(attrs).get("href")
        if tag == "a" and href and self._depth["article"] and not self._depth["svg"]:
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in self._depth:
            self._depth[tag] -= 1

    def handle_data(self, data):
        if self._depth["h1"]:
            self.heading += data


def walk(site: Path, first: str) -> tuple[Counter[str], list[str]]:
    """Every paper page linked from the pages of the listing whose first page is `first` (a site
    path such as topics/x.html), reached by following links to that listing's other pages only:
    (paper pages and how often each is listed, the listing's pages in the order reached)."""
    folder = first.removesuffix(".html") + "/"
    seen, queue, papers = [first], [first], Counter()
    while queue:
        page = queue.pop(0)
        parsed = ArticleLinks(site / page)
        listed = 0
        for href in parsed.links:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
            if target == first or (target.startswith(folder) and target.count("/") == folder.count("/")):
                if target not in seen:
                    seen.append(target)
                    queue.append(target)
            elif re.fullmatch(r"papers/[^/]+\.html", target) and target != "papers/index.html":
                papers[target] += 1
                listed += 1
        assert listed <= PAGE_SIZE, f"{page} lists {listed} papers"
    return papers, seen


@pytest.fixture(scope="module")
def catalog(site: Path) -> list[dict]:
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))


def test_all_papers_reaches_every_paper_through_its_pages(site, catalog):
    papers, pages = walk(site, "papers/index.html")
    assert len(catalog) == PAPERS
    assert len(pages) == -(-PAPERS // PAGE_SIZE) > 2 * NEIGHBOURS + 3  # the pager leaves numbers out
    assert papers == Counter({p["url"]: 1 for p in catalog})


def test_every_topic_reaches_each_of_its_papers_through_its_pages(site, catalog):
    topics = sorted({slug for p in catalog for slug in p["topics"]})
    assert len(topics) >= 5
    paginated = 0
    for topic in topics:
        papers, pages = walk(site, f"topics/{topic}.html")
        members = [p["url"] for p in catalog if topic in p["topics"]]
        assert papers == Counter(dict.fromkeys(members, 1)), topic
        assert len(pages) == -(-len(members) // PAGE_SIZE)
        paginated += len(pages) > 1
    assert paginated >= 1


def test_every_author_reaches_each_of_their_papers_and_the_authors_reach_every_author(site, catalog):
    written = Counter(f"{a['given']} {a['family']}" for p in catalog for a in p["authors"])
    with_pages = {name for name, count in written.items() if count >= 2}
    assert len(with_pages) > PAGE_SIZE and max(written.values()) > 5 * PAGE_SIZE
    authors, _ = walk_authors(site)
    assert set(authors) == with_pages
    for name, page in authors.items():
        papers, _ = walk(site, page)
        expected = [p["url"] for p in catalog if name in {f"{a['given']} {a['family']}" for a in p["authors"]}]
        assert papers == Counter(dict.fromkeys(expected, 1)), name


def walk_authors(site: Path) -> tuple[dict[str, str], list[str]]:
    """Author name -> the first page of their listing, from every page of the authors' listing."""
    folder = "authors/index/"
    seen, queue, authors = ["authors/index.html"], ["authors/index.html"], {}
    while queue:
        page = queue.pop(0)
        for href in ArticleLinks(site / page).links:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
            if target.startswith(folder) or target == "authors/index.html":
                if target not in seen:
                    seen.append(target)
                    queue.append(target)
            elif re.fullmatch(r"authors/[^/]+\.html", target):
                authors[ArticleLinks(site / target).heading.removesuffix("¶").strip()] = target
    assert len(seen) > 1
    return authors, seen
