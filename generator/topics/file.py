"""The curator's topics file (YAML, named by the plugin option `topics_file`).

    rename:                       # topic (slug or label) -> new label; the slug stays
      self-play: Self-play in games
    merge:                        # the first topic takes in the others (their slugs disappear)
      - [reward-design, reward-function]
    pin:                          # topic -> papers (slug or exact title) to add to it
      self-play: [spiral-self-play-on-zero-sum-games-incentivizes-reasoning]
    exclude:                      # topic -> papers to keep out of it
      diffusion-models: ["Analyzing Diffusion as Serial Reproduction"]
    topics:                       # hand-made topics, kept exactly; automatic topics fill in the rest
      - label: Self-replication
        slug: self-replication    # optional; default: from the label
        description: Programs, cells and machines that copy themselves
        keywords: [self-replicating, self-reproduction, quine]   # whole words, title or abstract
        papers: [neural-network-quine]                          # pinned papers (slug or title)

Papers a hand-made topic takes are left out of automatic discovery. A paper left with no topic
(all its topics excluded) joins "Other papers". Names that match no topic or paper are reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from ..model import Paper, Topic
from ..slugs import topic_slug_base

OTHER_TOPIC = Topic(slug="other-papers", label="Other papers", description="Papers the topics file took out of every topic")
KNOWN_KEYS = {"rename", "merge", "pin", "exclude", "topics"}
HAND_MADE_KEYS = {"label", "slug", "description", "keywords", "papers"}


@dataclass(frozen=True)
class HandMadeTopic:
    label: str
    slug: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicsFile:
    """What the curator asked for; empty means: leave the automatic topics as they are."""

    rename: dict[str, str] = field(default_factory=dict)
    merge: tuple[tuple[str, ...], ...] = ()
    pin: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topics: tuple[HandMadeTopic, ...] = ()


def load_topics_file(path: Path) -> TopicsFile:
    """Parse and validate the file; every problem is reported at once as an InputError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise InputError([Problem(str(path), _yaml_line(err), f"cannot read the topics file: {err}")]) from err
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 0, "the topics file must be a mapping (rename, merge, pin, exclude, topics)")])
    problems += [
        f"unknown key {key!r} (expected one of {', '.join(sorted(KNOWN_KEYS))})" for key in data if key not in KNOWN_KEYS
    ]
    parsed = TopicsFile(
        rename=_string_map(data.get("rename"), "rename", problems),
        merge=tuple(_string_list(group, "merge", problems, min_items=2) for group in _list(data.get("merge"), "merge", problems)),
        pin=_list_map(data.get("pin"), "pin", problems),
        exclude=_list_map(data.get("exclude"), "exclude", problems),
        topics=tuple(_hand_made(item, problems) for item in _list(data.get("topics"), "topics", problems)),
    )
    if problems:
        raise InputError([Problem(str(path), 0, message) for message in problems])
    return parsed


def _yaml_line(err: Exception) -> int:
    mark = getattr(err, "problem_mark", None)
    return mark.line + 1 if mark is not None else 0


def _list(value: object, key: str, problems: list[str]) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{key}: expected a list")
        return []
    return value


def _string_list(value: object, key: str, problems: list[str], min_items: int = 0) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or len(value) < min_items:
        problems.append(f"{key}: expected a list of {max(min_items, 1)} or more names, not {value!r}")
        return ()
    return tuple(v.strip() for v in value)


def _string_map(value: object, key: str, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        problems.append(f"{key}: expected a mapping of topic -> new label")
        return {}
    return {str(k): v.strip() for k, v in value.items()}


def _list_map(value: object, key: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{key}: expected a mapping of topic -> list of papers")
        return {}
    return {str(k): _string_list(v, f"{key}: {k}", problems, min_items=1) for k, v in value.items()}


def _hand_made(item: object, problems: list[str]) -> HandMadeTopic:
    if not isinstance(item, dict) or not isinstance(item.get("label"), str) or not item["label"].strip():
        problems.append(f"topics: each hand-made topic needs a label, not {item!r}")
        return HandMadeTopic("", "")
    label = item["label"].strip()
    problems += [f"topics: {label}: unknown key {key!r}" for key in item if key not in HAND_MADE_KEYS]
    keywords = _string_list(item.get("keywords", []), f"topics: {label}: keywords", problems)
    papers = _string_list(item.get("papers", []), f"topics: {label}: papers", problems)
    if not keywords and not papers:
        problems.append(f"topics: {label}: give keywords or papers")
    slug = topic_slug_base(str(item.get("slug") or label))
    return HandMadeTopic(label, slug, str(item.get("description") or ""), keywords, papers)


# --- applying it ------------------------------------------------------------------------------


def hand_made_members(papers: Sequence[Paper], curated: TopicsFile) -> dict[str, list[str]]:
    """Hand-made topic slug -> slugs of its papers (keyword matches and pins), in collection order."""
    members: dict[str, list[str]] = {}
    for topic in curated.topics:
        pinned = {paper.slug for paper in papers if paper.slug in topic.papers or paper.title in topic.papers}
        members[topic.slug] = [p.slug for p in papers if p.slug in pinned or _matches(p, topic.keywords)]
    return members


def _matches(paper: Paper, keywords: Sequence[str]) -> bool:
    text = f"{paper.title}\n{paper.abstract}"
    return any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", text, re.IGNORECASE) for k in keywords)


def hand_made_topics(curated: TopicsFile, members: dict[str, list[str]]) -> list[Topic]:
    return [Topic(t.slug, t.label, t.description, tuple(members[t.slug])) for t in curated.topics if members[t.slug]]


def apply_edits(
    topics: Sequence[Topic], paper_topics: dict[str, tuple[str, ...]], papers: Sequence[Paper], curated: TopicsFile
) -> tuple[list[Topic], dict[str, tuple[str, ...]], list[str]]:
    """Merge, rename, pin and exclude, in that order; returns topics, memberships and warnings."""
    state = _Edit(list(topics), {k: list(v) for k, v in paper_topics.items()}, papers)
    for group in curated.merge:
        state.merge(group)
    for name, label in curated.rename.items():
        state.rename(name, label)
    for name, refs in curated.pin.items():
        state.pin(name, refs)
    for name, refs in curated.exclude.items():
        state.exclude(name, refs)
    return state.result()


class _Edit:
    """The topics being edited, with their members kept in step with each paper's topic list."""

    def __init__(self, topics: list[Topic], paper_topics: dict[str, list[str]], papers: Sequence[Paper]) -> None:
        self.topics = {t.slug: t for t in topics}
        self.paper_topics = paper_topics
        self.paper_slug = {p.slug: p.slug for p in papers} | {p.title: p.slug for p in papers}
        self.warnings: list[str] = []

    def find(self, name: str) -> str | None:
        if name in self.topics:
            return name
        by_label = [t.slug for t in self.topics.values() if t.label.casefold() == name.casefold()]
        if not by_label:
            self.warnings.append(f"topics file: no topic {name!r} (use a topic's slug or label)")
        return by_label[0] if by_label else None

    def papers(self, refs: Sequence[str]) -> list[str]:
        found = [self.paper_slug[r] for r in refs if r in self.paper_slug]
        self.warnings += [
            f"topics file: no paper {r!r} (use a paper's slug or exact title)" for r in refs if r not in self.paper_slug
        ]
        return found

    def merge(self, group: Sequence[str]) -> None:
        slugs = [s for s in (self.find(name) for name in group) if s]
        if len(slugs) < 2:
            return
        into, others = slugs[0], slugs[1:]
        papers = list(self.topics[into].papers)
        for other in others:
            papers += [p for p in self.topics.pop(other).papers if p not in papers]
        self.topics[into] = replace(self.topics[into], papers=tuple(papers))
        for slug, topics in self.paper_topics.items():
            self.paper_topics[slug] = list(dict.fromkeys(into if t in others else t for t in topics))

    def rename(self, name: str, label: str) -> None:
        slug = self.find(name)
        if slug:
            self.topics[slug] = replace(self.topics[slug], label=label)

    def pin(self, name: str, refs: Sequence[str]) -> None:
        slug = self.find(name)
        for paper in self.papers(refs) if slug else []:
            if paper not in self.topics[slug].papers:
                self.topics[slug] = replace(self.topics[slug], papers=(*self.topics[slug].papers, paper))
                self.paper_topics[paper] = [slug, *self.paper_topics.get(paper, [])]

    def exclude(self, name: str, refs: Sequence[str]) -> None:
        slug = self.find(name)
        for paper in self.papers(refs) if slug else []:
            self.topics[slug] = replace(self.topics[slug], papers=tuple(p for p in self.topics[slug].papers if p != paper))
            self.paper_topics[paper] = [t for t in self.paper_topics.get(paper, []) if t != slug]

    def result(self) -> tuple[list[Topic], dict[str, tuple[str, ...]], list[str]]:
        homeless = [p for p, topics in self.paper_topics.items() if not topics]
        if homeless:
            self.topics[OTHER_TOPIC.slug] = replace(OTHER_TOPIC, papers=tuple(homeless))
            for paper in homeless:
                self.paper_topics[paper] = [OTHER_TOPIC.slug]
        topics = [t for t in self.topics.values() if t.papers]
        return topics, {p: tuple(ts) for p, ts in self.paper_topics.items()}, self.warnings
