"""Search on a generated site of 2,000 papers, in a real browser, from file:// and over http.

The collection is bench/synthetic.py's (titles and abstracts recombined from the example's papers,
authors from name pools, dates, venues), built once by the real `papersite build`. Every expected
paper is chosen from the data, not written down, so a change in ranking or tokenising can fail:
the title word found in the fewest titles, a one-letter typo of a long rare title word, a topic
read from the build's topic state, and an author's family name. The pools make every family name
common (dozens of papers each), so this test's copy gives three papers one author with a family
name found nowhere else; a common family name is checked too (its papers come before the rest).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from browser import browser, chromium_path, offline_page, screenshot, search, search_offline, site_base
from sitebuild import REPO, make_project, papersite

from generator.search_index import terms

sys.path.insert(0, str(REPO))
from bench.synthetic import records  # noqa: E402

pytestmark = pytest.mark.slow

PAPERS = 2000
RARE_AUTHOR = "Ada Thistlewood"
RARE_AUTHOR_PAPERS = (100, 900, 1700)  # record numbers given RARE_AUTHOR as their second author
FIRST = 5  # "among the first results"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("large"))
    (root / "papers" / "hf-papers-listing.txt").unlink()
    collection = records(PAPERS)
    for number in RARE_AUTHOR_PAPERS:
        collection[number]["authors"].insert(1, RARE_AUTHOR)
    source = root / "papers" / "synthetic.json"
    source.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    result = papersite(root, "build", str(source))
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def site(project) -> Path:
    return project / "site"


@pytest.fixture(scope="module")
def papers(site) -> list[dict]:
    found = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert len(found) == PAPERS
    return found


@pytest.fixture(scope="module")
def vocabulary(site) -> list[str]:
    """Every term of the built search index."""
    script = (site / "search" / "papers.js").read_text(encoding="utf-8")
    return json.loads(script.removeprefix("papersiteSearch(").removesuffix(");\n"))["terms"].split("\n")


@pytest.fixture(scope="module")
def chromium():
    chromium_path()
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module", params=["file", "http"])
def home(request, site):
    with site_base(site, request.param) as base:
        yield base + "index.html", request.param


def title_counts(papers: list[dict]) -> Counter[str]:
    """How many titles hold each word (words of letters only: a number tells no paper apart)."""
    return Counter(word for p in papers for word in set(terms(p["title"])) if word.isalpha())


def rarest_title_word(papers: list[dict], min_length: int) -> str:
    counts = title_counts(papers)
    return min((w for w in counts if len(w) >= min_length), key=lambda w: (counts[w], -len(w), w))


def holding(papers: list[dict], word: str) -> set[str]:
    return {p["title"] for p in papers if word in terms(p["title"])}


def test_a_title_word_finds_its_papers_first(chromium, home, papers):
    word = rarest_title_word(papers, 5)
    expected = holding(papers, word)
    assert 1 <= len(expected) <= 3, (word, expected)  # rare enough to tell the papers apart
    titles = search_offline(chromium, home[0], word, shot=f"search-2000-{home[1]}-title-word")
    assert set(titles[: len(expected)]) == expected, (word, titles[:FIRST])


def one_letter_typo(word: str, vocabulary: list[str]) -> str:
    """word with one inner letter left out, such that no indexed term is or starts with the typo
    (a term that did would be a correct completion, not a correction)."""
    for cut in range(len(word) // 2, len(word) - 1):
        typo = word[:cut] + word[cut + 1 :]
        if not any(term.startswith(typo) for term in vocabulary):
            return typo
    raise AssertionError(f"every one-letter cut of {word!r} is an indexed term or a prefix of one")


def test_a_one_letter_typo_still_finds_the_paper(chromium, home, papers, vocabulary):
    word = rarest_title_word(papers, 8)
    expected = holding(papers, word)
    typo = one_letter_typo(word, vocabulary)
    titles = search_offline(chromium, home[0], typo, shot=f"search-2000-{home[1]}-typo")
    assert expected & set(titles[:FIRST]), (word, typo, expected, titles[:FIRST])


def test_a_rare_family_name_finds_every_paper_of_that_author(chromium, home, papers):
    family = RARE_AUTHOR.split()[-1]
    expected = {p["title"] for p in papers if any(a["family"] == family for a in p["authors"])}
    assert len(expected) == len(RARE_AUTHOR_PAPERS)
    titles = search_offline(chromium, home[0], family.lower())
    assert RARE_AUTHOR in titles[:FIRST]  # the author's entry in the directory
    assert expected <= set(titles[: len(expected) + 1]), titles[:FIRST]


def test_an_author_result_lands_on_their_entry_in_the_authors_directory(chromium, home):
    """The author's result opens the directory page holding their entry, scrolled to it."""
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    page.goto(home[0])
    search(page, RARE_AUTHOR.split()[-1].lower())
    page.locator(".md-search-result__link", has_text=RARE_AUTHOR).first.click()
    page.wait_for_url(re.compile(r"/authors/index.*#"))
    anchor = page.url.split("#", 1)[1]
    entry = page.locator(f"[id='{anchor}']")
    assert entry.locator("strong").inner_text() == "Thistlewood, Ada"
    assert entry.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    screenshot(page, f"search-2000-{home[1]}-author-entry")
    page.context.close()
    assert blocked == []


def test_a_common_family_name_shows_that_family_first(chromium, home, project, papers):
    """Every result shown is a paper by someone of that name or such an author's entry."""
    source = json.loads((project / "papers" / "synthetic.json").read_text(encoding="utf-8"))
    words = {word for r in source for word in terms(f"{r['title']} {r['abstract']}")}
    families = Counter(a["family"] for p in papers for a in p["authors"] if a["family"].lower() not in words)
    family, count = families.most_common()[len(families) // 2]  # a middling name, in no title or abstract
    assert count >= 20
    by_family = {p["title"] for p in papers if any(a["family"] == family for a in p["authors"])}
    titles = search_offline(chromium, home[0], family)
    assert len(titles) >= FIRST
    assert all(t in by_family or t.endswith(f" {family}") for t in titles), (family, titles)


def test_a_topic_name_finds_the_topic_and_its_papers(chromium, home, project, papers):
    topics = json.loads((project / ".papersite" / "topics.json").read_text(encoding="utf-8"))["topics"]
    topic = min(topics, key=lambda t: len(t["papers"]))  # the smallest: its papers are few among 2,000
    page = (project / "site" / "topics" / f"{topic['slug']}.html").read_text(encoding="utf-8")
    label = re.search(r"<h1[^>]*>(.*?)<", page).group(1).strip()
    members = {p["title"] for p in papers if topic["slug"] in p["topics"]}
    titles = search_offline(chromium, home[0], label, shot=f"search-2000-{home[1]}-topic")
    assert titles[0] == label, titles[:FIRST]  # the topic's page
    assert members & set(titles[1 : FIRST + 1]), (label, titles[: FIRST + 1])


def test_a_result_shows_title_authors_year_and_topics(chromium, site, papers):
    word = rarest_title_word(papers, 5)
    paper = next(p for p in papers if word in terms(p["title"]))
    labels = {
        slug: re.search(r"<h1[^>]*>(.*?)<", (site / "topics" / f"{slug}.html").read_text(encoding="utf-8")).group(1).strip()
        for slug in paper["topics"]
    }
    page = offline_page(chromium, [])
    page.goto((site / "index.html").as_uri())
    search(page, paper["title"])
    first = page.locator(".md-search-result__item").first
    assert first.locator("h1, h2").first.inner_text().strip() == paper["title"]
    text = first.inner_text()
    first_author = f"{paper['authors'][0]['given']} {paper['authors'][0]['family']}"
    assert first_author in text and paper["date"][:4] in text, text
    assert set(first.locator(".md-tag").all_inner_texts()) == set(labels.values()), text
    screenshot(page, "search-2000-result")
    page.context.close()


def test_the_papers_are_indexed_once(site):
    """papers.js holds the papers; Material's own index (written as .json and .js) only the hand-written pages."""
    assert sorted(p.name for p in (site / "search").iterdir()) == ["papers.js", "search_index.js", "search_index.json"]
    material = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in material["docs"]}
    assert not {loc for loc in locations if loc.startswith(("papers/", "topics/", "authors/"))}, locations
    assert "about.html" in locations


def test_a_hand_written_page_stays_searchable_among_2000_papers(chromium, home):
    titles = search_offline(chromium, home[0], "About this site")
    assert "About this site" in titles[:3], titles[:FIRST]
