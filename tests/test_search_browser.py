"""Search in a real browser: ranking on a small collection, from file:// and over http.

The collection (tests/data/search/ranking.yaml) is built into a real site; each query must put its
paper among the first results, with no request leaving the site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import browser, chromium_path, offline_page, search, search_offline, site_base
from sitebuild import make_project, papersite

from generator.search_index import terms

pytestmark = pytest.mark.slow

RANKING = Path(__file__).parent / "data" / "search" / "ranking.yaml"
WORKER = Path(__file__).parent.parent / "generator" / "assets" / "search-worker.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("ranking"))
    (root / "papers" / "hf-papers-listing.txt").unlink()
    result = papersite(root, "build", str(RANKING))
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def chromium():
    chromium_path()
    with browser() as instance:
        yield instance


@pytest.fixture(params=["file", "http"])
def home(request, site):
    with site_base(site, request.param) as base:
        yield base + "index.html", request.param


@pytest.mark.parametrize(
    "query, first",
    [
        ("attention is all you need", "Attention Is All You Need"),  # the exact title beats a title holding the same words
        ("Ghahramani", "Dropout as a Bayesian Approximation"),  # an author's family name
        ("hinton", "Distilling the Knowledge in a Neural Network"),  # an author beats an abstract that names him
        ("reinforcment", "Reinforcement Learning with Sparse Rewards in Robotic Manipulation"),  # one letter missing
        ("schrodinger", "Schrödinger Bridges for Generative Modelling"),  # accents folded
    ],
)
def test_the_expected_paper_comes_first(chromium, home, query, first):
    url, mode = home
    titles = search_offline(chromium, url, query, shot=f"search-ranking-{mode}-{query.split()[0]}")
    assert titles[0] == first, titles[:5]


def test_an_abstract_mention_still_finds_the_paper_after_the_author(chromium, home):
    titles = search_offline(chromium, home[0], "hinton")
    assert titles.index("Distilling the Knowledge in a Neural Network") < titles.index("Capsule Networks Revisited")


def test_a_topic_name_finds_the_topic_and_its_papers(chromium, home, site):
    papers = json.loads((site / "papers.json").read_text())
    paper = next(p for p in papers if p["topics"])
    topic_page = (site / "topics" / f"{paper['topics'][0]}.html").read_text()
    label = re.search(r"<h1[^>]*>(.*?)<", topic_page).group(1).strip()
    titles = search_offline(chromium, home[0], label)
    assert titles[0] == label  # the topic page itself
    members = {p["title"] for p in papers if paper["topics"][0] in p["topics"]}
    assert members & set(titles[1:6]), titles[:6]


def test_a_result_shows_authors_year_and_topics(chromium, site):
    page = offline_page(chromium, [])
    page.goto((site / "index.html").as_uri())
    search(page, "Ghahramani")
    first = page.locator(".md-search-result__item").first
    text = first.inner_text()
    assert "Yarin Gal, Zoubin Ghahramani · 2016 · ICML" in text
    assert first.locator(".md-tag").count() >= 1  # the paper's topics
    page.context.close()


def test_hostile_titles_are_shown_as_text(chromium, site):
    page = offline_page(chromium, [])
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.goto((site / "index.html").as_uri())
    titles, _ = search(page, "adversarial")
    assert "<img src=x onerror=alert(1)> Adversarial Examples in the Physical World" in titles
    assert page.locator(".md-search-result img").count() == 0
    assert alerts == []
    page.context.close()


def test_hand_written_pages_stay_searchable(chromium, home):
    titles = search_offline(chromium, home[0], "About this site")
    assert "About this site" in titles[:3], titles[:5]


def test_the_worker_splits_words_as_the_index_does(chromium):
    samples = ["Schrödinger's Self-Play, GPT-2 & über-Modelle", "Ærø 東京大学 naïve façade", "x_y ß İstanbul ǅemal ½"]
    page = chromium.new_page()
    page.add_script_tag(path=str(WORKER))
    for sample in samples:
        assert page.evaluate("text => tokens(text)", sample) == terms(sample), sample
    page.close()
