"""Page weight of a built site: total size, largest HTML pages, pages over 500 KB; and the size of
the minimal site of the same papers (a bare `mkdocs build` of title + abstract pages) for the ratio.

    .venv/bin/python bench/page_weight.py                    # the example: 203 papers
    .venv/bin/python bench/page_weight.py --papers 2000 --minimal

One build of a realistic synthetic collection (bench/synthetic.py) in a fresh copy of the project;
the minimal site is bench/scale.py's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import EXAMPLE, project, synthetic_collection
from scale import minimal_project

LIMIT = 500 * 1024
EXAMPLE_SIZE = 203  # papers in the example, built when --papers is not given


def folder_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def by_part(root: Path, parts: int = 8) -> list[tuple[int, str]]:
    """(bytes, name) of the largest entries at the top of a site (folders summed), largest first."""
    sizes = [(folder_size(p) if p.is_dir() else p.stat().st_size, p.name + ("/" if p.is_dir() else "")) for p in root.iterdir()]
    return sorted(sizes, reverse=True)[:parts]


def html_pages(site: Path) -> list[tuple[int, str]]:
    """(size in bytes, path) of every HTML page, largest first."""
    return sorted(((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")), reverse=True)


def build_papersite(root: Path, source: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator.cli", "build", str(source), "-q"], cwd=root, env=env, check=True)
    return time.perf_counter() - started


def build_minimal(root: Path, source: Path) -> Path:
    """A bare mkdocs build (Material, its search) of one title + abstract page per paper."""
    root.mkdir(parents=True, exist_ok=True)
    minimal_project(root, source)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, check=True)
    return root / "site"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=0, help="collection size (default: the example's 203 papers)")
    parser.add_argument("--minimal", action="store_true", help="also build the minimal site of the same papers")
    parser.add_argument("--top", type=int, default=5, help="how many of the largest pages to list")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "papersite").mkdir()
        root = project(Path(tmp) / "papersite")
        source = synthetic_collection(options.papers, Path(tmp) / "papers.json") if options.papers else EXAMPLE
        seconds = build_papersite(root, source)
        site_bytes = folder_size(root / "site")
        pages = html_pages(root / "site")
        parts = by_part(root / "site")
        minimal = build_minimal(Path(tmp) / "minimal", source) if options.minimal else None
        minimal_bytes = folder_size(minimal) if minimal else 0
        minimal_parts = by_part(minimal) if minimal else []
    size = options.papers or EXAMPLE_SIZE
    over = sum(1 for bytes_, _ in pages if bytes_ > LIMIT)
    print(f"| {size} papers | value |")
    print("| --- | ---: |")
    print(f"| papersite build, seconds | {seconds:.1f} |")
    print(f"| site size, MB | {site_bytes / 1e6:.1f} |")
    if minimal_bytes:
        print(f"| minimal site (title + abstract, bare mkdocs), MB | {minimal_bytes / 1e6:.1f} |")
        print(f"| site / minimal site | {site_bytes / minimal_bytes:.2f} |")
    print(f"| HTML pages | {len(pages)} |")
    print(f"| HTML pages over 500 KB | {over} |")
    for bytes_, path in pages[: options.top]:
        print(f"| {path}, KB | {bytes_ / 1024:.0f} |")
    for bytes_, name in parts:
        print(f"| site: {name}, MB | {bytes_ / 1e6:.1f} |")
    for bytes_, name in minimal_parts:
        print(f"| minimal site: {name}, MB | {bytes_ / 1e6:.1f} |")


if __name__ == "__main__":
    main()
