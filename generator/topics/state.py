"""Stable topics: remember each topic's papers, so adding a paper does not reshuffle every topic page.

The state file (JSON, plugin option `topic_state`) lists every automatic topic's slug, label and
papers. When the collection changed little since (at most REBUILD_SHARE of the papers added or
removed), the old topics are kept: old papers stay where they were and each new paper joins the
topic whose centre it is closest to (`incremental_weights`). Otherwise topics are discovered anew
and paired with the old ones greedily by the Jaccard overlap of their papers, best pair first (a
pair needs MIN_OVERLAP), so the topics that survive keep their slugs. Unpaired new topics get a slug
from their label that no old or new topic uses. Delete the state file to start afresh.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model import Topic
from ..slugs import first_free, topic_slug_base

MIN_OVERLAP = 0.3
REBUILD_SHARE = 0.2
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


def state_text(topics: Sequence[Topic]) -> str:
    """The state file's text for these automatic topics (the write stage writes it)."""
    entries = [{"slug": t.slug, "label": t.label, "papers": sorted(t.papers)} for t in sorted(topics, key=lambda t: t.slug)]
    return json.dumps({"version": STATE_VERSION, "topics": entries}, indent=1, ensure_ascii=False) + "\n"


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
            chosen[topic.slug] = first_free(topic_slug_base(topic.label), taken)
            taken.add(chosen[topic.slug])
    return chosen


def free_slugs(slugs: Sequence[str], reserved: set[str]) -> dict[str, str]:
    """Automatic topic slug -> a free one, for the slugs a hand-made topic holds (slug-2, slug-3...)."""
    renamed = {}
    taken = set(reserved) | set(slugs)
    for slug in slugs:
        if slug in reserved:
            renamed[slug] = first_free(slug, taken)
            taken.add(renamed[slug])
    return renamed


def incremental_weights(slugs: Sequence[str], vectors: np.ndarray, old: dict[str, frozenset[str]]) -> np.ndarray | None:
    """Paper x old-topic weights that keep the old topics (columns in sorted slug order), or None when
    the collection changed too much for that (or there is no state). A paper's weight for a topic is
    its cosine similarity to the topic's centre; only its own topics weigh, its old first topic most."""
    known = set().union(*old.values()) if old else set()
    current = set(slugs)
    changed = len(current - known) + len(known - current)
    if not old or changed > REBUILD_SHARE * len(current):
        return None
    columns = sorted(old)
    row_of = {slug: i for i, slug in enumerate(slugs)}
    members = [[row_of[p] for p in sorted(old[c]) if p in row_of] for c in columns]
    if not all(members):
        return None  # a topic lost every paper: discover afresh
    centres = np.vstack([vectors[m].mean(axis=0) for m in members])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    similarity = np.round(vectors @ centres.T, 6)
    weights = np.zeros_like(similarity)
    for t, rows in enumerate(members):
        weights[rows, t] = np.maximum(similarity[rows, t], 1e-6)
    for i in np.flatnonzero(weights.max(axis=1) == 0):  # a new paper: its nearest topic
        weights[i, int(np.argmax(similarity[i]))] = max(float(similarity[i].max()), 1e-6)
    return weights
