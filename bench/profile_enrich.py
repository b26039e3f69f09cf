"""Profile the enrich stage on a synthetic collection (bench/synthetic.py); prints the stage times
and cProfile's top functions.

    .venv/bin/python bench/profile_enrich.py --papers 10000 [--top 30] [--sort tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.synthetic import write_records  # noqa: E402
from generator import progress  # noqa: E402
from generator.catalog import assign_slugs  # noqa: E402
from generator.config import SourceSpec  # noqa: E402
from generator.enrich import enrich  # noqa: E402
from generator.pipeline import read_all  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--scratch", type=Path, default=REPO / ".bench-scale")
    parser.add_argument("--artefacts", action="store_true")
    parser.add_argument("--no-profile", action="store_true", help="only the stage times (cProfile slows Python code)")
    options = parser.parse_args()
    name = f"papers-{options.papers}{'-artefacts' if options.artefacts else ''}.json"
    collection = write_records(options.scratch / "collections" / name, options.papers, artefacts=options.artefacts)
    papers = assign_slugs(read_all([SourceSpec(collection)])[0])
    with tempfile.TemporaryDirectory():
        profile = cProfile.Profile()
        if not options.no_profile:
            profile.enable()
        with progress.stage("enrich"):
            catalog = enrich(papers)
        profile.disable()
    for stage in progress.timings():
        print(f"{stage.name:10} {stage.seconds:7.2f} s  peak {stage.peak_bytes / 1e6:,.0f} MB")
    print(f"{len(catalog.topics)} topics: " + "; ".join(t.label for t in catalog.topics))
    if not options.no_profile:
        pstats.Stats(profile).sort_stats(options.sort).print_stats(options.top)


if __name__ == "__main__":
    main()
