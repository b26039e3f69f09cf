"""Realistic synthetic paper collections of any size, made from the example collection's text.

Every synthetic paper draws on a few real papers of one field (the hand-labelled gold topics of
tests/data/gold-topics.tsv; now and then from another field, as real papers cross fields): its
title joins pieces of their titles ("Self-Rewarding Language Models" + "via" + "Monte Carlo Tree
Search"), its abstract recombines their sentences. So topics are real, phrases recur across many
different papers, and no paper is another with a suffix. The same size and seed give the same file.

    from bench.synthetic import write_listing
    write_listing(Path("papers-10000.txt"), 10_000)

`artefacts` adds, to a small share of the papers, what real collections carry: PDF glyph codes
("(cid:173)"), words hyphenated across lines ("informa- tion") and placeholder abstracts
("Abstract unavailable").
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "papers" / "hf-papers-listing.txt"
GOLD = REPO / "tests" / "data" / "gold-topics.tsv"

SAME_FIELD = 0.85  # chance that a further source paper comes from the first one's field
CONNECTORS = (": ", " via ", " for ", " with ", " in ", " through ")
_TITLE_SPLIT = re.compile(r":\s+|\s+(?:via|for|with|through|using|from|in)\s+", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
PLACEHOLDERS = ("Abstract unavailable", "No abstract available.", "Abstract not available")


@dataclass(frozen=True)
class Source:
    title: str
    field: str
    pieces: tuple[str, ...]  # title pieces of two or more words
    sentences: tuple[str, ...]


def example_records() -> list[tuple[str, str]]:
    """(title, abstract) of the example listing, as written there."""
    lines = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()][2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    return list(zip(lines[::2], lines[1::2]))


def sources() -> list[Source]:
    gold = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, title = line.split("\t")
            gold[title] = label
    result = []
    for title, abstract in example_records():
        pieces = tuple(p.strip() for p in _TITLE_SPLIT.split(title) if len(p.split()) >= 2)
        sentences = tuple(s for s in _SENTENCE_SPLIT.split(abstract) if len(s.split()) >= 4)
        result.append(Source(title, gold.get(title, "other"), pieces or (title,), sentences or (abstract,)))
    return result


def papers(n: int, *, seed: int = 0, artefacts: bool = False) -> list[tuple[str, str]]:
    """n (title, abstract) pairs with distinct titles; paper i is the same for every n > i."""
    pool = sources()
    by_field: dict[str, list[Source]] = defaultdict(list)
    for source in pool:
        by_field[source.field].append(source)
    seen: set[str] = set()
    result = []
    for i in range(n):
        rng = random.Random(f"{seed}-{i}")
        first = rng.choice(pool)

        def another(first: Source = first, rng: random.Random = rng) -> Source:
            return rng.choice(by_field[first.field] if rng.random() < SAME_FIELD else pool)

        group = [first, another(), another()]
        title = _title(rng, group, seen)
        seen.add(title.casefold())
        abstract = _abstract(rng, group)
        if artefacts:
            abstract = _with_artefacts(rng, abstract)
        result.append((title, abstract))
    return result


def _title(rng: random.Random, group: list[Source], seen: set[str]) -> str:
    for attempt in range(50):
        head = rng.choice(group[0].pieces)
        tail = rng.choice(group[1 + attempt % 2].pieces)
        title = f"{head}{rng.choice(CONNECTORS)}{tail}"
        if attempt >= 20:  # crowded: a third piece
            title += f" and {rng.choice(rng.choice(group).pieces)}"
        if tail != head and title.casefold() not in seen:
            return title
    return f"{title} ({rng.randrange(10**6)})"  # practically never: a last resort, not the rule


def _abstract(rng: random.Random, group: list[Source]) -> str:
    opening = group[0].sentences[0]
    rest = [s for source in group for s in source.sentences if s != opening]
    picked = rng.sample(rest, min(len(rest), rng.randint(3, 7)))
    return " ".join([opening, *picked])


def _with_artefacts(rng: random.Random, abstract: str) -> str:
    roll = rng.random()
    if roll < 0.01:
        return rng.choice(PLACEHOLDERS)
    if roll < 0.04:  # extracted from a PDF: soft hyphens as glyph codes, words broken at line ends
        words = abstract.split(" ")
        for j in rng.sample(range(len(words)), min(len(words), 6)):
            word = words[j]
            if len(word) > 7 and word.isalpha():
                cut = rng.randint(3, len(word) - 3)
                words[j] = f"{word[:cut]}(cid:173){word[cut:]}" if rng.random() < 0.5 else f"{word[:cut]}- {word[cut:]}"
        return " ".join(words)
    return abstract


def write_listing(path: Path, n: int, *, seed: int = 0, artefacts: bool = False) -> Path:
    """A listing file (title line, abstract line) of n synthetic papers; kept if it already exists."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{title}\n{abstract}\n\n" for title, abstract in papers(n, seed=seed, artefacts=artefacts))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
