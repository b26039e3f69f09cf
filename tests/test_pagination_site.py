"""A real site large enough to paginate: 330 papers by 14 authors over seven years, listings of at
most 10 entries. From the first page of every listing (All papers, each topic, the authors
directory), following only the links between that listing's pages, every paper the listing should
hold is reached, once, and no page holds more than 10 entries (paper links, in the directory). What a listing should hold comes
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


NEXT = re.compile(r'<a href="([^"]+)">Next ›</a>')


def in_order(site: Path, first: str) -> list[str]:
    """The pages of a listing from its first, following each page's "Next" link."""
    pages = [first]
    while found := NEXT.search((site / pages[-1]).read_text(encoding="utf-8")):
        pages.append(posixpath.normpath(posixpath.join(posixpath.dirname(pages[-1]), found[1])))
        assert len(pages) <= PAPERS, pages[-1]
    return pages


@pytest.fixture(scope="module")
def catalog(site: Path) -> list[dict]:
    return json.loads((site / "papers.json").read_text(encoding="utf-8"))


def test_all_papers_reaches_every_paper_through_its_pages(site, catalog):
    papers, pages = walk(site, "papers/index.html")
    assert len(catalog) == PAPERS
    assert len(pages) >= -(-PAPERS // PAGE_SIZE) and len(pages) > 2 * NEIGHBOURS + 3  # the pager links near pages only
    assert sorted(in_order(site, "papers/index.html")) == sorted(pages)
    assert papers == Counter({p["url"]: 1 for p in catalog})


def test_every_topic_reaches_each_of_its_papers_through_its_pages(site, catalog):
    topics = sorted({slug for p in catalog for slug in p["topics"]})
    assert len(topics) >= 5
    paginated = 0
    for topic in topics:
        papers, pages = walk(site, f"topics/{topic}.html")
        members = [p["url"] for p in catalog if topic in p["topics"]]
        assert papers == Counter(dict.fromkeys(members, 1)), topic
        assert len(pages) >= -(-len(members) // PAGE_SIZE)
        assert sorted(in_order(site, f"topics/{topic}.html")) == sorted(pages)
        paginated += len(pages) > 1
    assert paginated >= 1


class DirectoryPage(HTMLParser):
    """A page of the authors directory: each entry's name (its <strong>), its id (None on a part
    continued from the page before), and the pages its paper links lead to; the page's ids."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[tuple[str, str | None, list[str]]] = []
        self.ids: list[str] = []
        self._entry: str | None = None  # the id of the entry being read ("" when continued)
        self._in_strong = self._in_li = False
        self._name = ""
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "p" and attrs.get("class") == "papersite-author":
            self._entry = attrs.get("id") or ""
        elif tag == "strong" and self._entry is not None:
            self._in_strong, self._name = True, ""
        elif tag == "li":
            self._in_li = True
        elif tag == "a" and self._in_li and self.entries:
            self.entries[-1][2].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "strong" and self._in_strong:
            self._in_strong = False
            self.entries.append((self._name, self._entry or None, []))
            self._entry = None
        elif tag == "li":
            self._in_li = False

    def handle_data(self, data):
        if self._in_strong:
            self._name += data


def test_the_authors_directory_reaches_every_author_with_all_their_papers(site, catalog):
    written = Counter(f"{a['family']}, {a['given']}" for p in catalog for a in p["authors"])
    with_entries = {name for name, count in written.items() if count >= 2}
    assert len(with_entries) > PAGE_SIZE and max(written.values()) > 5 * PAGE_SIZE
    _, pages = walk(site, "authors/index.html")
    assert len(pages) > 2 * NEIGHBOURS + 3
    assert sorted(pages) == sorted(pages := in_order(site, "authors/index.html"))
    papers: dict[str, Counter[str]] = {}
    anchors: dict[str, str] = {}
    order: list[str] = []
    for page in pages:
        parsed = DirectoryPage(site / page)
        assert len(parsed.ids) == len(set(parsed.ids)), page
        for name, anchor, links in parsed.entries:
            if anchor is None:  # a part continued from the page before
                assert order[-1] == name, page
            else:
                assert name not in anchors, name
                anchors[name] = f"{page}#{anchor}"
                order.append(name)
            for href in links:
                papers.setdefault(name, Counter())[posixpath.normpath(posixpath.join(posixpath.dirname(page), href))] += 1
    assert set(anchors) == with_entries
    assert [name.casefold() for name in order] == sorted(name.casefold() for name in order)  # A to Z by family name
    for name in with_entries:
        expected = [p["url"] for p in catalog if name in {f"{a['family']}, {a['given']}" for a in p["authors"]}]
        assert papers[name] == Counter(dict.fromkeys(expected, 1)), name


def test_every_author_link_on_a_paper_page_lands_on_that_authors_entry(site, catalog):
    entries: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    for page in sorted(site.glob("authors/**/*.html")):
        relative = page.relative_to(site).as_posix()
        parsed = DirectoryPage(page)
        ids[relative] = set(parsed.ids)
        entries.update({anchor: name for name, anchor, _ in parsed.entries if anchor})
    checked = 0
    for paper in catalog:
        page = paper["url"]
        for name, href in AuthorLinks(site / page).links:
            target, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
            assert anchor in ids[target], (page, href)
            given, _, family = name.partition(" ")
            assert entries[anchor] == f"{family}, {given}", (page, href)
            checked += 1
    assert checked > PAPERS


class AuthorLinks(HTMLParser):
    """The author links of a paper page (its "Authors:" paragraph): (name, href)."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text = ""
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and "authors/" in href:
            self._href, self._text = href, ""

    def handle_endtag(self, tag):
        if tag == "a" and self._href:
            self.links.append((self._text, self._href))
            self._href = None

    def handle_data(self, data):
        if self._href:
            self._text += data
