from __future__ import annotations

from generator.config import settings_for
from generator.enrich import enrich
from generator.model import Catalog, Paper, Source
from generator.topics.discover import assign_topics

PAPERS = [
    ("protein-a", "Protein folding with structure prediction", "We predict protein structure and folding."),
    ("robot-a", "Robot grasping with reinforcement learning", "A robot arm learns grasping by reinforcement learning."),
    ("protein-b", "Amino acid contacts for protein structure", "Protein folding depends on amino acid contacts."),
    ("robot-b", "Reinforcement learning for robot locomotion", "Legged robot locomotion with reinforcement learning."),
    ("protein-c", "Protein structure prediction at scale", "Structure prediction of protein folding at scale."),
    ("robot-c", "Sim-to-real robot grasping", "Robot grasping policies from reinforcement learning."),
]


def make_papers() -> list[Paper]:
    return [Paper(title=t, abstract=a, source=Source("test.txt", n + 1), slug=s) for n, (s, t, a) in enumerate(PAPERS)]


def test_enrich_fills_topics_and_related_keeping_order() -> None:
    papers = make_papers()
    catalog = enrich(papers)
    assert isinstance(catalog, Catalog)
    assert [p.slug for p in catalog.papers] == [p.slug for p in papers]
    assert all(p.topics and p.related for p in catalog.papers)
    assert all(p.title == q.title and p.source == q.source for p, q in zip(catalog.papers, papers))


def test_enriched_topics_are_strongest_first_and_consistent() -> None:
    papers = make_papers()
    catalog = enrich(papers)
    assert catalog.papers[0].topics == assign_topics(papers).paper_topics["protein-a"]
    topic_slugs = {t.slug for t in catalog.topics}
    for paper in catalog.papers:
        for slug in paper.topics:
            assert slug in topic_slugs
            assert paper.slug in catalog.topic(slug).papers


def test_enriched_related_point_at_theme_siblings() -> None:
    catalog = enrich(make_papers())
    first = catalog.paper("protein-a").related[0]
    assert first.slug in {"protein-b", "protein-c"}
    assert all(r.slug != "protein-a" for r in catalog.paper("protein-a").related)


def test_enrich_passes_related_count_on() -> None:
    catalog = enrich(make_papers(), settings=settings_for(related_count=1))
    assert all(len(p.related) == 1 for p in catalog.papers)


def test_enrich_without_papers() -> None:
    catalog = enrich([])
    assert catalog.papers == () and catalog.topics == ()
