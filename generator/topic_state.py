"""Stable topic slugs: remember each topic's papers, and give a new run's topics the slugs of the old
topics they match, so adding a paper does not rename every topic page.

The state file (JSON, plugin option `topic_state`) lists every topic's slug, label and papers.
New and old topics are paired greedily by the Jaccard overlap of their papers, best pair first;
a pair needs at least MIN_OVERLAP. Unpaired new topics get a slug from their label that no old
or new topic uses.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from slugify import slugify

from .model import Topic

MIN_OVERLAP = 0.3
STATE_VERSION = 1


def load_state(path: Path | None) -> dict[str, frozenset[str]]:
    """Old topic slug -> its paper slugs; empty when there is no state file or it is unreadable."""
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {t["slug"]: frozenset(t["papers"]) for t in data["topics"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_state(path: Path, topics: Sequence[Topic]) -> bool:
    """Write the state (atomically) if it changed; returns whether it wrote."""
    entries = [{"slug": t.slug, "label": t.label, "papers": sorted(t.papers)} for t in sorted(topics, key=lambda t: t.slug)]
    text = json.dumps({"version": STATE_VERSION, "topics": entries}, indent=1, ensure_ascii=False) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return True


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def match_slugs(topics: Sequence[Topic], old: dict[str, frozenset[str]], reserved: set[str] = frozenset()) -> dict[str, str]:
    """New topic slug -> stable slug: the matched old topic's slug, else a fresh one from the label."""
    pairs = sorted(
        ((round(jaccard(frozenset(t.papers), papers), 6), t.slug, slug) for t in topics for slug, papers in old.items()),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    chosen: dict[str, str] = {}
    for overlap, new, previous in pairs:
        if overlap < MIN_OVERLAP:
            break
        if new not in chosen and previous not in chosen.values() and previous not in reserved:
            chosen[new] = previous
    taken = set(old) | set(reserved) | set(chosen.values())
    for topic in topics:
        if topic.slug not in chosen:
            chosen[topic.slug] = _fresh_slug(topic.label, taken)
            taken.add(chosen[topic.slug])
    return chosen


def _fresh_slug(label: str, taken: set[str]) -> str:
    base = slugify(label, max_length=60, word_boundary=True) or "topic"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def stabilise(
    topics: Sequence[Topic], paper_topics: dict[str, tuple[str, ...]], old: dict[str, frozenset[str]], reserved: set[str] = frozenset()
) -> tuple[list[Topic], dict[str, tuple[str, ...]]]:
    """Topics and memberships with the stable slugs of match_slugs."""
    if not old:
        return list(topics), dict(paper_topics)
    renamed = match_slugs(topics, old, reserved)
    new_topics = [replace(t, slug=renamed[t.slug]) for t in topics]
    new_memberships = {p: tuple(renamed.get(t, t) for t in ts) for p, ts in paper_topics.items()}
    return new_topics, new_memberships
