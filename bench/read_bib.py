"""How fast a large .bib is read: generate a 5,000-entry file and time each stage (median of 3 runs).

    .venv/bin/python bench/read_bib.py [--entries 5000] [--runs 3]

Entries look like a real reference list: abstracts of ~150 words, LaTeX accents in a fifth of the
author names (few names repeat) and titles, @string venues, month macros, DOIs and arXiv eprints, keywords, file fields.
Prints a Markdown table; the target is well under 1 s per 1,000 entries for reading.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.merge import merge_same_works  # noqa: E402
from generator.normalise import bibtex_text, normalise  # noqa: E402
from generator.readers import bibtex  # noqa: E402

WORDS = (
    "self-play reward model agent language policy gradient search tree value network learning "
    "improvement recursive alignment preference feedback judge curriculum exploration"
).split()
SYLLABLES = ["ka", "li", "mo", "ren", "sch", "ber", "tan", "vo", "gu", "del", "mi", "no", "ra", "ste", "wen"]
ACCENTED = ['M{\\"u}ller', "Garc{\\'\\i}a", 'J{\\"u}rgen', "Jos{\\'e}", "Fran{\\c{c}}ois", "{\\O}stergaard"]
VENUES = ["icml", "neurips", "iclr"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def name(rng: random.Random) -> str:
    """A name from a pool of about 50,000, a fifth of them with a LaTeX accent: few repeat, as in a large .bib."""
    plain = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return plain + rng.choice(ACCENTED) if rng.random() < 0.2 else plain


def entry(i: int, rng: random.Random) -> str:
    title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(5, 12)))
    if i % 5 == 0:
        title = '{G\\"odel}-style ' + title + " with $\\alpha$-{Go}"
    abstract = " ".join(rng.choice(WORDS) for _ in range(150)) + "."
    authors = " and ".join(f"{name(rng)}, {name(rng)}" for _ in range(rng.randint(1, 6)))
    return (
        f"@inproceedings{{key{i},\n  title = {{{title} {i}}},\n  author = {{{authors}}},\n"
        f"  booktitle = {rng.choice(VENUES)},\n  year = {rng.randint(1990, 2025)},\n  month = {rng.choice(MONTHS)},\n"
        f"  doi = {{10.1234/bench.{i}}},\n  eprint = {{{2400 + i % 12:04d}.{i:05d}}},\n  archivePrefix = {{arXiv}},\n"
        f"  keywords = {{{rng.choice(WORDS)}, {rng.choice(WORDS)}}},\n  abstract = {{{abstract}}},\n"
        f"  file = {{:/home/me/{i}.pdf:PDF}},\n}}\n"
    )


def bib_text(entries: int) -> str:
    rng = random.Random(42)
    strings = (
        '@string{icml = "Proceedings of ICML"}\n@string{neurips = "Advances in Neural Information Processing Systems"}\n'
        '@string{iclr = "International Conference on Learning Representations"}\n'
    )
    return strings + "\n".join(entry(i, rng) for i in range(entries))


def median_seconds(work, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of work (CPU time is what the code costs when other jobs share the cores)."""
    walls, cpus = [], []
    for _ in range(runs):
        bibtex_text.cache_clear()  # every run converts every value: no run profits from an earlier one
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.bib"
        path.write_text(bib_text(args.entries), encoding="utf-8")
        papers, problems = bibtex.read(path)
        assert len(papers) == args.entries and not problems, problems[:3]
        normalised = [normalise(p) for p in papers]
        twice = normalised + normalised  # every work twice: merging by DOI
        stages = [
            ("bibtexparser parse only", lambda: bibtex.parse(path.read_text(encoding="utf-8"))),
            ("read (parse + fields + LaTeX to text)", lambda: bibtex.read(path)),
            ("read + normalise", lambda: [normalise(p) for p in bibtex.read(path)[0]]),
            (f"merge {2 * args.entries} records (each work twice)", lambda: merge_same_works(twice)),
        ]
        size = path.stat().st_size / 1e6
        load = os.getloadavg()[0]
        print(
            f"{args.entries} entries, {size:.1f} MB .bib, median of {args.runs} runs, load average {load:.1f} on {os.cpu_count()} cores\n"
        )
        print("| stage | wall s | CPU s | entries/s (CPU) | CPU s per 1,000 entries |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, work in stages:
            wall, cpu = median_seconds(work, args.runs)
            count = 2 * args.entries if name.startswith("merge") else args.entries
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {count / cpu:,.0f} | {1000 * cpu / count:.3f} |")


if __name__ == "__main__":
    main()
