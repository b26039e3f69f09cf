"""Stable topics: remember each topic's papers, so adding a paper does not reshuffle every topic page.

The state file (JSON, plugin option `topic_state`) lists every automatic topic's slug, label and
papers. When the collection changed little since (at most the option topic_refit_share of the
papers added or removed), the old topics are kept: old papers stay where they were and each new paper joins the
topic whose saved centre is closest (the fitted model beside the state, fitted.py). Otherwise topics are discovered anew
and paired with the old ones greedily by the Jaccard overlap of their papers, best pair first (a
pair needs MIN_OVERLAP), so the topics that survive keep their slugs. Unpaired new topics get a slug
from their label that no old or new topic uses. Delete the state file to start afresh.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..model import Topic
from ..slugs import first_free, topic_slug_base

MIN_OVERLAP = 0.3
RESHUFFLED = 0.5  # a kept topic sharing less of its papers than this with its old self is reported
STATE_VERSION = 1


def load_topics(path: Path | None) -> tuple[Topic, ...]:
    """The topics of the state file (slug, label, papers); empty when there is none or it is unreadable."""
    if path is None or not path.is_file():
        return ()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(
            Topic(
                slug=t["slug"],
                label=str(t.get("label", "")),
                description=str(t.get("description", "")),
                papers=tuple(t["papers"]),
            )
            for t in data["topics"]
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ()


def load_state(path: Path | None) -> dict[str, frozenset[str]]:
    """Old topic slug -> its paper slugs; empty when there is no state file or it is unreadable."""
    return {t.slug: frozenset(t.papers) for t in load_topics(path)}


def changed_share(slugs: Sequence[str], old: dict[str, frozenset[str]]) -> float:
    """The share of the papers, old and new together, added or removed since the state was saved."""
    known = set().union(*old.values()) if old else set()
    current = set(slugs)
    together = len(known | current)
    return (len(current - known) + len(known - current)) / together if together else 0.0


def refit_report(old: Sequence[Topic], new: Sequence[Topic]) -> list[str]:
    """What a refit changed, one line per topic that appeared, vanished, changed label or changed
    much in membership (Jaccard below RESHUFFLED with its old self), then a summary line."""
    before = {t.slug: t for t in old}
    after = {t.slug: t for t in new}
    lines = [f"appeared: {s} ({after[s].label!r}, {len(after[s].papers)} papers)" for s in sorted(after.keys() - before.keys())]
    lines += [
        f"vanished: {s} ({before[s].label!r}, {len(before[s].papers)} papers)" for s in sorted(before.keys() - after.keys())
    ]
    kept = sorted(before.keys() & after.keys())
    relabelled = [s for s in kept if before[s].label != after[s].label]
    lines += [f"relabelled: {s}: {before[s].label!r} -> {after[s].label!r}" for s in relabelled]
    overlap = {s: jaccard(frozenset(before[s].papers), frozenset(after[s].papers)) for s in kept}
    reshuffled = [s for s in kept if overlap[s] < RESHUFFLED]
    lines += [
        f"changed papers: {s} ({after[s].label!r}): {len(before[s].papers)} -> {len(after[s].papers)} papers, "
        f"{overlap[s]:.0%} in common"
        for s in reshuffled
    ]
    lines.append(
        f"topics refitted: {len(before)} before, {len(after)} now; {len(after) - len(kept)} appeared, "
        f"{len(before) - len(kept)} vanished, {len(relabelled)} relabelled, {len(reshuffled)} changed papers"
    )
    return lines


def state_text(topics: Sequence[Topic]) -> str:
    """The state file's text for these automatic topics (the write stage writes it)."""
    entries = [
        {"slug": t.slug, "label": t.label, "description": t.description, "papers": sorted(t.papers)}
        for t in sorted(topics, key=lambda t: t.slug)
    ]
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
