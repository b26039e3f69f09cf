"""The read stage (pipeline.read_all + catalog.assign_slugs) at 10,000 papers, with and without the
read cache (generator/read_cache.py), after each of the scale bench's edits.

Two sources: the scale bench's synthetic JSON records (bench/synthetic.py), and the same records
written as a BibTeX file (one @article per record: title, author joined by " and ", abstract, year,
journal, eprint; braces in the text become parentheses) with one new entry added in the middle.
Each row times a read with no cache folder (what every read cost before the cache) and a read
with the cache kept from the read before the edit, in the same run (the machine is shared: compare
the two columns, not runs).

    .venv/bin/python bench/read_stage.py [papers]
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale import EDITS  # noqa: E402
from bench.synthetic import write_records  # noqa: E402
from generator.catalog import assign_slugs  # noqa: E402
from generator.config import SourceSpec  # noqa: E402
from generator.pipeline import read_all  # noqa: E402
from generator.readers import common  # noqa: E402

COLLECTIONS = Path(__file__).resolve().parent.parent / ".bench-scale" / "collections"


def read_stage(source: Path, cache_folder: Path | None) -> float:
    common._parsed_names.clear()  # no author name parsed or remembered before, as in a new process
    common._known_names.clear()
    started = time.perf_counter()
    papers, _ = read_all([SourceSpec(source)], cache_folder)
    assign_slugs(papers)
    return time.perf_counter() - started


def as_bibtex(records: list[dict]) -> str:
    def braced(text: str) -> str:
        return "{" + text.replace("{", "(").replace("}", ")") + "}"

    entries = []
    for number, record in enumerate(records):
        fields = {
            "title": record["title"],
            "author": " and ".join(record.get("authors", [])),
            "abstract": record.get("abstract", ""),
            "year": record.get("date", "")[:4],
            "journal": record.get("venue", ""),
            "eprint": record.get("arxiv_id", ""),
        }
        body = ",\n".join(f"  {name} = {braced(value)}" for name, value in fields.items() if value)
        entries.append(f"@article{{{record.get('key', f'paper{number}')},\n{body}\n}}\n")
    return "\n".join(entries)


def add_a_bibtex_entry(records: list[dict]) -> list[dict]:
    """One entry more in the middle; every other entry keeps its key (as_bibtex numbers them by position)."""
    keyed = [dict(record, key=f"paper{number}") for number, record in enumerate(records)]
    middle = len(keyed) // 2
    new = dict(keyed[middle], key="marmots2024", title=f"Tidal Marmots Revisited: {keyed[middle]['title']}")
    return [*keyed[:middle], new, *keyed[middle:]]


def row(name: str, source: Path, cache_folder: Path) -> None:
    fatal = [problem for problem in read_all([SourceSpec(source)])[1] if problem.fatal]
    if fatal:
        print(f"| {name} | not read: line {fatal[0].line}: {fatal[0].message} | | |", flush=True)
        return
    warm = read_stage(source, cache_folder)
    cold = read_stage(source, None)
    print(f"| {name} | {cold:.2f} | {warm:.2f} | {warm / cold:.0%} |", flush=True)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    records = json.loads(write_records(COLLECTIONS / f"papers-{count}.json", count).read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="read-stage-"))
    try:
        print(f"read stage at {count:,} papers, seconds\n\n| edit | no cache | warm cache | share |\n|---|---|---|---|")
        papers, cache_folder = work / "papers.json", work / "cache-json"
        papers.write_text(json.dumps(records, indent=1), encoding="utf-8")
        read_stage(papers, cache_folder)
        row("JSON: nothing changed", papers, cache_folder)
        for name, edit in EDITS:
            edited = edit(json.loads(papers.read_text(encoding="utf-8")))
            papers.write_text(json.dumps(edited, indent=1), encoding="utf-8")
            row(f"JSON: {name}", papers, cache_folder)
        bib, cache_folder = work / "papers.bib", work / "cache-bib"
        bib.write_text(as_bibtex(records), encoding="utf-8")
        read_stage(bib, cache_folder)
        bib.write_text(as_bibtex(add_a_bibtex_entry(records)), encoding="utf-8")
        row("BibTeX: one entry added in the middle", bib, cache_folder)
        row("BibTeX: nothing changed", bib, cache_folder)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
