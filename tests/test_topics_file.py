"""The curator's topics file: parsing, and each edit applied through the enrich stage."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from generator.config import Settings, settings_for
from generator.enrich import enrich
from generator.errors import InputError
from generator.model import Paper, Source
from generator.topics.file import OTHER_TOPIC, load_topics_file

THEMES = {
    "protein": [
        ("Protein folding with structure prediction", "We predict protein structure and folding of amino acid chains."),
        ("Amino acid contacts for protein structure", "Protein folding depends on amino acid contacts in structures."),
        ("Protein structure prediction at scale", "Structure prediction of protein folding for many amino acid chains."),
        ("Protein design by folding simulation", "Designing protein structure with folding simulation of amino acids."),
    ],
    "robot": [
        ("Robot grasping with reinforcement learning", "A robot arm learns grasping objects by reinforcement learning."),
        ("Reinforcement learning for robot locomotion", "Legged robot locomotion trained by reinforcement learning."),
        ("Sim-to-real robot grasping", "Robot grasping policies from reinforcement learning transfer to real arms."),
        ("Robot arm control by reinforcement learning", "Robot arm grasping and control from reinforcement learning."),
    ],
    "galaxy": [
        ("Galaxy clusters in sky surveys", "Dark matter in galaxy clusters from telescope sky surveys."),
        ("Dark matter maps of galaxy clusters", "Telescope images map dark matter around galaxy clusters."),
        ("Sky surveys of distant galaxy clusters", "Galaxy clusters and dark matter seen in telescope sky surveys."),
        ("Telescope survey of galaxy cluster lensing", "Lensing by dark matter in galaxy clusters in sky surveys."),
    ],
}


def make_papers() -> list[Paper]:
    papers = []
    for theme, items in THEMES.items():
        for n, (title, abstract) in enumerate(items):
            papers.append(Paper(title=title, abstract=abstract, source=Source("t.txt", len(papers) + 1), slug=f"{theme}-{n}"))
    return papers


def curated(tmp_path: Path, text: str, **settings) -> Settings:
    path = tmp_path / "topics.yml"
    path.write_text(text, encoding="utf-8")
    return settings_for(topics_file=str(path), topic_count=3, **settings)


def topic_of(catalog, paper_slug: str):
    return catalog.topic(catalog.paper(paper_slug).topics[0])


def consistent(catalog) -> bool:
    """Every paper in 1+ topics, and topic member lists agree with each paper's topic list."""
    for paper in catalog.papers:
        assert paper.topics, paper.slug
        assert all(paper.slug in catalog.topic(t).papers for t in paper.topics)
    for topic in catalog.topics:
        assert all(topic.slug in catalog.paper(p).topics for p in topic.papers)
    return True


@pytest.fixture
def baseline():
    return enrich(make_papers(), settings=settings_for(topic_count=3))


def test_three_themes_make_three_topics(baseline) -> None:
    assert len(baseline.topics) == 3
    assert {topic_of(baseline, f"{theme}-0").slug for theme in THEMES} == {t.slug for t in baseline.topics}
    assert consistent(baseline)


def test_rename_changes_the_label_and_keeps_the_slug(tmp_path, baseline) -> None:
    galaxy = topic_of(baseline, "galaxy-0")
    catalog = enrich(make_papers(), settings=curated(tmp_path, f"rename:\n  {galaxy.slug}: Galaxies and dark matter\n"))
    renamed = topic_of(catalog, "galaxy-0")
    assert (renamed.slug, renamed.label) == (galaxy.slug, "Galaxies and dark matter")
    assert renamed.papers == galaxy.papers


def test_rename_by_label_works_too(tmp_path, baseline) -> None:
    robot = topic_of(baseline, "robot-0")
    catalog = enrich(make_papers(), settings=curated(tmp_path, f"rename:\n  {robot.label.upper()}: Robot learning\n"))
    assert topic_of(catalog, "robot-0").label == "Robot learning"


def test_merge_joins_topics_under_the_first(tmp_path, baseline) -> None:
    protein, robot = topic_of(baseline, "protein-0"), topic_of(baseline, "robot-0")
    catalog = enrich(make_papers(), settings=curated(tmp_path, f"merge:\n  - [{protein.slug}, {robot.slug}]\n"))
    assert len(catalog.topics) == 2
    merged = catalog.topic(protein.slug)
    assert set(merged.papers) == set(protein.papers) | set(robot.papers)
    assert robot.slug not in {t.slug for t in catalog.topics}
    assert consistent(catalog)


def test_pin_adds_a_paper_by_title(tmp_path, baseline) -> None:
    robot = topic_of(baseline, "robot-0")
    text = f'pin:\n  {robot.slug}: ["Galaxy clusters in sky surveys"]\n'
    catalog = enrich(make_papers(), settings=curated(tmp_path, text))
    assert "galaxy-0" in catalog.topic(robot.slug).papers
    assert catalog.paper("galaxy-0").topics[0] == robot.slug
    assert consistent(catalog)


def test_exclude_takes_a_paper_out_and_never_leaves_it_homeless(tmp_path, baseline) -> None:
    protein = topic_of(baseline, "protein-0")
    assert baseline.paper("protein-1").topics == (protein.slug,)
    catalog = enrich(make_papers(), settings=curated(tmp_path, f"exclude:\n  {protein.slug}: [protein-1]\n"))
    assert "protein-1" not in catalog.topic(protein.slug).papers
    assert catalog.paper("protein-1").topics == (OTHER_TOPIC.slug,)
    assert consistent(catalog)


def test_hand_made_topic_is_kept_exactly_and_automatic_topics_fill_the_rest(tmp_path) -> None:
    text = """
topics:
  - label: Dark matter
    description: What galaxies are made of
    keywords: [dark matter]
    papers: [protein-3]
"""
    catalog = enrich(make_papers(), settings=curated(tmp_path, text))
    hand = catalog.topic("dark-matter")
    assert hand.label == "Dark matter" and hand.description == "What galaxies are made of"
    assert set(hand.papers) == {"galaxy-0", "galaxy-1", "galaxy-2", "galaxy-3", "protein-3"}
    automatic = [t for t in catalog.topics if t.slug != "dark-matter"]
    assert automatic and not {p for t in automatic for p in t.papers} & set(hand.papers)
    assert consistent(catalog)


def test_unknown_names_are_reported_not_fatal(tmp_path, caplog) -> None:
    text = "rename:\n  no-such-topic: X\npin:\n  no-such-topic: [no-such-paper]\n"
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.papersite"):
        catalog = enrich(make_papers(), settings=curated(tmp_path, text))
    assert "no topic 'no-such-topic'" in caplog.text
    assert len(catalog.topics) == 3


def test_topics_file_is_validated_with_every_problem_listed(tmp_path) -> None:
    path = tmp_path / "topics.yml"
    path.write_text("renmae: {}\nmerge:\n  - [only-one]\ntopics:\n  - label: Empty\n  - {keywords: [x]}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_topics_file(path)
    messages = "\n".join(str(p) for p in err.value.problems)
    assert "unknown key 'renmae'" in messages
    assert "merge" in messages and "2 or more" in messages
    assert "Empty: give keywords or papers" in messages
    assert "needs a label" in messages
    assert all(str(path) in str(p) for p in err.value.problems)


def test_broken_yaml_names_the_line(tmp_path) -> None:
    path = tmp_path / "topics.yml"
    path.write_text("rename:\n  a: b\n  c: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_topics_file(path)
    assert err.value.problems[0].line >= 3


def test_hand_made_slug_wins_over_an_automatic_one(tmp_path, baseline) -> None:
    galaxy = topic_of(baseline, "galaxy-0")
    text = f"topics:\n  - label: Proteins\n    slug: {galaxy.slug}\n    keywords: [protein]\n"
    catalog = enrich(make_papers(), settings=curated(tmp_path, text))
    assert set(catalog.topic(galaxy.slug).papers) == {f"protein-{n}" for n in range(4)}
    slugs = [t.slug for t in catalog.topics]
    assert len(slugs) == len(set(slugs))


def test_a_hand_made_topic_may_take_every_paper(tmp_path) -> None:
    text = "topics:\n  - label: Everything\n    keywords: [protein, robot, galaxy]\n"
    catalog = enrich(make_papers(), settings=curated(tmp_path, text))
    assert [t.slug for t in catalog.topics] == ["everything"]
    assert all(p.topics == ("everything",) for p in catalog.papers)
