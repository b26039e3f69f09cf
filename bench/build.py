"""Time the pipeline on the example collection (or a larger synthetic one) and print a table.

    .venv/bin/python bench/build.py              # the example: 203 papers
    .venv/bin/python bench/build.py --papers 2000

Each row is the median of --runs runs of the real command in a fresh copy of the project.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import write_records

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "papers" / "hf-papers-listing.txt"


def synthetic_collection(n_papers: int, target: Path) -> Path:
    """n_papers realistic synthetic records (bench/synthetic.py: sentences recombined across papers)."""
    return write_records(target, n_papers)


def project(root: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(
        REPO / "site_src",
        root / "site_src",
        ignore=shutil.ignore_patterns("papers", "topics", "index.md", "tags.md", ".papersite-manifest.json"),
    )
    return root


def timed(args: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator.cli", *args, "-q"],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=0, help="synthetic collection size (default: the example)")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    rows = {"generate (fresh docs folder)": [], "generate (rerun, nothing changed)": [], "build (generate + MkDocs)": []}
    for _ in range(options.runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = project(Path(tmp))
            source = synthetic_collection(options.papers, root / "papers.json") if options.papers else EXAMPLE
            rows["generate (fresh docs folder)"].append(timed(["generate", str(source)], root))
            rows["generate (rerun, nothing changed)"].append(timed(["generate", str(source)], root))
            rows["build (generate + MkDocs)"].append(timed(["build", str(source)], root))
    size = options.papers or 203
    print(f"| {size} papers, median of {options.runs} | seconds | min | max |")
    print("| --- | ---: | ---: | ---: |")
    for name, times in rows.items():
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
