"""Golden pages: the mixed collection (listing + .bib + Atom + CSL-JSON) read, merged and rendered.

Topics and related papers are left out (they belong to the enrich stage and have their own tests),
so these files change only when reading, merging or the paper/author/all-papers templates change.
Rewrite them with `pytest tests/test_golden_records.py --update-goldens` and review with `git diff`.
"""

from __future__ import annotations

from pathlib import Path

from generator.catalog import assign_slugs
from generator.config import SourceSpec
from generator.model import Catalog
from generator.pipeline import read_all
from generator.render import render_site

MIXED = Path(__file__).parent / "data" / "mixed"
GOLDEN = Path(__file__).parent / "golden" / "mixed"
SOURCES = ["listing.txt", "refs.bib", "arxiv.atom", "zotero.json"]


def rendered() -> dict[str, str]:
    papers, _ = read_all([SourceSpec(MIXED / name) for name in SOURCES])
    pages = render_site(Catalog(papers=tuple(assign_slugs(papers))), "Mixed")
    return {page.path: page.text for page in pages if page.path.startswith(("papers/", "authors/"))}


def test_pages_match_the_golden_files(update_goldens):
    pages = rendered()
    if update_goldens:
        for old in GOLDEN.rglob("*.md"):
            old.unlink()
        for path, text in pages.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(pages) == sorted(expected)
    for path, text in pages.items():
        assert text == expected[path], f"{path} differs from tests/golden/mixed/{path}"
