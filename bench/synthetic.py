"""Realistic synthetic paper collections of any size, made from the example collection's text.

Every synthetic paper draws on a few real papers of one field (the hand-labelled gold topics of
tests/data/gold-topics.tsv; now and then from another field, as real papers cross fields): its
title joins pieces of their titles ("Self-Rewarding Language Models" + "via" + "Monte Carlo Tree
Search"), its abstract recombines their sentences. So topics are real, phrases recur across many
different papers, and no paper is another with a suffix. The same size and seed give the same file.

Real collections also carry authors, dates and venues, which add author pages and search fields, so
`write_records` writes a JSON file of papersite records (generator/readers/records.py) with them:
authors are drawn from name pools per field with a few prolific ones (so authors recur and
co-write within a field, as in a lab), dates from 2018 to 2025, venues from arXiv and a few
conferences, arXiv ids for most papers.

    from bench.synthetic import write_records
    write_records(Path("papers-10000.json"), 10_000)

`artefacts` adds, to a small share of the papers, what real collections carry: PDF glyph codes
("(cid:173)"), words hyphenated across lines ("informa- tion") and placeholder abstracts
("Abstract unavailable").
"""

from __future__ import annotations

import json
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
GIVEN = (
    "Alice Amir Ana Andrei Anna Arjun Ben Carlos Chen Chloe Daniel David Elena Emma Fatima Felix Hana "
    "Hao Hugo Ines Ivan James Jia Jin Jonas Julia Kai Karim Kenji Laura Lea Lei Lucas Maria Marco "
    "Maya Mei Min Mohammed Nadia Noah Nora Olga Omar Pablo Paul Priya Qing Rahul Rui Sara Sofia "
    "Sven Tariq Tomas Wei Xin Yan Yuki Yusuf Zara Zhen"
).split()
FAMILY = (
    "Abe Adams Ahmed Alvarez Andersen Bauer Becker Bianchi Brown Chen Cheng Choi Costa Cruz Sousa "
    "Dubois Duong Eriksson Fischer Garcia Gomez Gupta Hansen Hoffmann Huang Ibrahim Ito Jain Jensen Kato "
    "Khan Kim Kowalski Kumar Lambert Larsen Laurent Le Lee Li Lin Liu Lopez Ma Martin Meyer Moreau "
    "Muller Murphy Nakamura Nguyen Novak Okafor Olsen Park Patel Peng Petrov Pham Rossi Sato Schmidt "
    "Schneider Shah Silva Singh Smith Sun Suzuki Tanaka Tran Wagner Walker Wang Weber Wong Wu Xu Yamamoto "
    "Yang Yilmaz Zhang Zhao Zhou Zhu"
).split()
VENUES = ("NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "CVPR", "AAAI")


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


def records(n: int, *, seed: int = 0, artefacts: bool = False) -> list[dict[str, object]]:
    """n papersite records: papers() with authors, a date, a venue and (mostly) an arXiv id."""
    fields = sorted({source.field for source in sources()})
    result = []
    for i, (title, abstract) in enumerate(papers(n, seed=seed, artefacts=artefacts)):
        rng = random.Random(f"{seed}-meta-{i}")
        field = fields[i % len(fields)] if rng.random() < 0.1 else _field_of(title, abstract, fields)
        year = rng.choice((2018, 2019, 2020, 2021, 2022, 2023, 2023, 2024, 2024, 2024, 2025, 2025))
        record: dict[str, object] = {
            "title": title,
            "authors": _authors(rng, fields.index(field), len(fields), n),
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "venue": "arXiv" if rng.random() < 0.6 else rng.choice(VENUES),
            "abstract": abstract,
        }
        if rng.random() < 0.7:
            record["arxiv_id"] = f"{year % 100:02d}{rng.randint(1, 12):02d}.{10000 + i:05d}"
        result.append(record)
    return result


def _field_of(title: str, abstract: str, fields: list[str]) -> str:
    """A stable field for a paper's authors: co-authors of one paper come from one field's pool."""
    return fields[sum(map(ord, title)) % len(fields)]


def _authors(rng: random.Random, field: int, fields: int, n: int) -> list[str]:
    """2-7 names: most write one paper of the collection, the rest come from the field's regulars,
    a few of them prolific (low ranks are drawn most often)."""
    regulars = max(20, n // (3 * fields))
    chosen: list[str] = []
    for _ in range(rng.randint(2, 7)):
        if rng.random() < 0.6:
            name = _name(f"once-{rng.random()}")
        else:
            pool = field if rng.random() < 0.9 else rng.randrange(fields)
            name = _name(f"{pool}-{int(regulars * rng.random() ** 2)}")
        if name not in chosen:
            chosen.append(name)
    return chosen


def _name(person: str) -> str:
    """The same name for the same person; most names carry middle initials, as in real lists."""
    rng = random.Random(f"name-{person}")
    initials = rng.choices((0, 1, 2), weights=(3, 5, 2))[0]
    middle = "".join(f" {rng.choice('ABCDEFGHJKLMNPRSTVW')}." for _ in range(initials))
    return f"{rng.choice(GIVEN)}{middle} {rng.choice(FAMILY)}"


def write_records(path: Path, n: int, *, seed: int = 0, artefacts: bool = False) -> Path:
    """A JSON file of n synthetic papersite records; kept if it already exists."""
    return _write_once(path, json.dumps(records(n, seed=seed, artefacts=artefacts), ensure_ascii=False, indent=1))


def _write_once(path: Path, text: str) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
