"""Small paper records for the enrich-stage tests, and the example collection read without the reader."""

from __future__ import annotations

from pathlib import Path

from slugify import slugify

from generator.model import Paper, Source

EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"


def make_paper(slug: str, title: str, abstract: str = "") -> Paper:
    return Paper(title=title, abstract=abstract, source=Source("test.txt", 1), slug=slug)


def load_example() -> list[Paper]:
    """The example listing: 2 chrome lines, then title / abstract line pairs."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    pairs = zip(lines[0::2], lines[1::2])
    return [make_paper(f"{n:03d}-{slugify(title, max_length=40)}", title, abstract) for n, (title, abstract) in enumerate(pairs)]
