"""End to end: the topics file and the topic state through a real build of the example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitebuild import Page, make_project, papersite

pytestmark = pytest.mark.slow

SOURCES = "      sources:\n        - papers/hf-papers-listing.txt\n"
TOPICS_FILE = """
rename:
  diffusion-models: Diffusion and generative models
topics:
  - label: Self-replication
    description: Programs, cells and machines that copy themselves
    keywords: [self-replicating, self-replication, self-reproduction, quine]
"""
NEW_PAPER = (
    "Self-Play Tree Search for Zero-Sum Board Games\n"
    "Agents improve by self-play in zero-sum games, using Monte Carlo tree search and reinforcement learning.\n"
)


def configure(root: Path, options: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert SOURCES in text
    config.write_text(text.replace(SOURCES, SOURCES + options), encoding="utf-8")


def topic_pages(root: Path) -> set[str]:
    return {p.stem for p in (root / "site" / "topics").glob("*.html") if p.name != "index.html"}


@pytest.fixture(scope="module")
def curated_site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("curated"))
    (root / "topics.yml").write_text(TOPICS_FILE, encoding="utf-8")
    configure(root, "      topics_file: topics.yml\n")
    result = papersite(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def test_hand_made_topic_and_rename_show_on_the_site(curated_site: Path) -> None:
    page = Page(curated_site / "site" / "topics" / "self-replication.html")
    assert "Self-replication" in page.text and "copy themselves" in page.text
    assert "Neural Network Quine" in page.text
    renamed = Page(curated_site / "site" / "topics" / "diffusion-models.html")
    assert "Diffusion and generative models" in renamed.text
    papers = json.loads((curated_site / "site" / "papers.json").read_text())
    quine = next(p for p in papers if p["title"] == "Neural Network Quine")
    assert quine["topics"][0] == "self-replication"


def test_state_is_written_and_adding_a_paper_keeps_every_topic_page(curated_site: Path) -> None:
    state = json.loads((curated_site / ".papersite" / "topics.json").read_text())
    assert {t["slug"] for t in state["topics"]} <= topic_pages(curated_site)
    before = topic_pages(curated_site)
    with (curated_site / "papers" / "hf-papers-listing.txt").open("a", encoding="utf-8") as listing:
        listing.write(NEW_PAPER)
    result = papersite(curated_site, "build")
    assert result.returncode == 0, result.stderr
    assert topic_pages(curated_site) == before
    papers = json.loads((curated_site / "site" / "papers.json").read_text())
    assert len(papers) == 204
    new = next(p for p in papers if p["title"].startswith("Self-Play Tree Search"))
    assert new["topics"]


def test_bad_topic_options_are_reported(tmp_path: Path) -> None:
    root = make_project(tmp_path / "bad")
    configure(root, "      topic_vectors: magic\n      topic_count: -3\n")
    result = papersite(root, "generate")
    # Exit 1, like every invalid plugin option today (MkDocs aborts with its own exit code).
    assert result.returncode != 0
    assert "topic_vectors" in result.stderr and "topic_count" in result.stderr


def test_broken_topics_file_stops_with_its_name(tmp_path: Path) -> None:
    root = make_project(tmp_path / "broken")
    (root / "topics.yml").write_text("rename: [not, a, mapping]\n", encoding="utf-8")
    configure(root, "      topics_file: topics.yml\n")
    result = papersite(root, "generate")
    assert result.returncode == 1
    assert "topics.yml" in result.stderr and "rename" in result.stderr
