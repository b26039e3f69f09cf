"""How well the candidate search of related papers (generator/neighbours.py) finds the exact lists:
recall@k of the related lists against every pair compared, and the time of each (the time of the
LSA vectors, which enrich has already, left out), on synthetic collections (bench/synthetic.py).

    .venv/bin/python bench/related_recall.py --papers 2000,10000 [--k 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synthetic import write_records  # noqa: E402
from generator import related  # noqa: E402
from generator.catalog import assign_slugs  # noqa: E402
from generator.config import SourceSpec, settings_for  # noqa: E402
from generator.pipeline import read_all  # noqa: E402
from generator.topics import find_topics  # noqa: E402


def timed_related(papers, features, vectors, k: int, exact: bool):
    limit = related.EXACT_LIMIT
    related.EXACT_LIMIT = len(papers) if exact else 0
    try:
        started = time.perf_counter()
        found = related.related_papers(papers, k=k, features=features, candidate_vectors=vectors)
        return found, time.perf_counter() - started
    finally:
        related.EXACT_LIMIT = limit


def recall(found, exact) -> float:
    """Share of the exact lists' papers that the found lists hold."""
    wanted = sum(len(rs) for rs in exact.values())
    hits = sum(len({r.slug for r in exact[s]} & {r.slug for r in found[s]}) for s in exact)
    return hits / wanted if wanted else 1.0


def same_lists(found, exact) -> float:
    """Share of papers whose list is exactly the exact one (order and scores)."""
    return sum(found[s] == exact[s] for s in exact) / len(exact)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", default="2000,10000")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=REPO / ".bench-scale")
    options = parser.parse_args()
    print(f"| papers | exact s | candidates s | recall@{options.k} | identical lists |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in [int(n) for n in options.papers.split(",")]:
        listing = write_records(options.scratch / "collections" / f"papers-{size}.json", size)
        papers = assign_slugs(read_all([SourceSpec(listing)])[0])
        found = find_topics(papers, settings_for())  # what enrich passes
        features, vectors = found.related_features, found.vectors
        exact, exact_seconds = timed_related(papers, features, vectors, options.k, exact=True)
        found, found_seconds = timed_related(papers, features, vectors, options.k, exact=False)
        print(
            f"| {size:,} | {exact_seconds:.2f} | {found_seconds:.2f} | {recall(found, exact):.4f} | {same_lists(found, exact):.4f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
