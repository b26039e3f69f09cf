"""Rendered pages compared with committed golden files. After an intended change, rewrite them with
`.venv/bin/python -m pytest tests/test_golden.py --update-goldens` and review the `git diff`."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import Catalog, Link, Paper, Related, Source, Topic
from generator.render import render_site

GOLDEN = Path(__file__).parent / "golden" / "site"


def small_catalog() -> Catalog:
    attention = Paper(
        title="Self-Attention: A <Dynamical> View",
        abstract="We model attention as $\\dot{x} = f(x)$. Code: https://github.com/a/b. More text follows here.",
        source=Source("/home/me/papers.txt", 1),
        links=(Link("code", "https://github.com/a/b"), Link("project", "javascript:alert(1)")),
        slug="self-attention-a-dynamical-view",
        topics=("self-attention",),
        related=(Related("self-play-in-games", 0.25),),
    )
    self_play = Paper(
        title="Self-Play in Games",
        abstract="Agents improve by playing against themselves, e.g. in Go. A second sentence.",
        source=Source("/home/me/papers.txt", 3),
        slug="self-play-in-games",
        topics=("self-attention", "self-play"),
        related=(Related("self-attention-a-dynamical-view", 0.25),),
    )
    topics = (
        Topic("self-attention", "Self-attention", "attention, transformers", (attention.slug, self_play.slug)),
        Topic("self-play", "Self-play", "games, self-play", (self_play.slug,)),
    )
    return Catalog(papers=(attention, self_play), topics=topics)


# One entry per page: the listings of two papers are split into two pages (the pager's golden files).
PAGES = {page.path: page.text for page in render_site(small_catalog(), "Golden <Site>", page_size=1)}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_rendered_page_matches_golden(path, update_goldens):
    golden = GOLDEN / path
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(PAGES[path], encoding="utf-8")
    assert golden.exists(), f"no golden file for {path}: run with --update-goldens"
    assert PAGES[path] == golden.read_text(encoding="utf-8")


def test_every_golden_file_is_still_rendered():
    stale = [p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")]
    assert sorted(stale) == sorted(PAGES)
