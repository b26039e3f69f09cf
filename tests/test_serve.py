"""`papersite serve`: an edit to the paper list regenerates the pages and rebuilds the site once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sitebuild import Output, free_port, make_project

PAPERS = [
    ("Self-play in zero-sum games", "Agents improve by playing against copies of themselves in games."),
    ("Reward models for language agents", "We train reward models that score the answers of language agents."),
    ("Diffusion models for images", "Diffusion models generate images by removing noise step by step."),
    ("Protein folding with deep networks", "Deep networks predict how proteins fold from their sequence."),
]
NEW_PAPER = ("Robots that learn from play", "Robots learn manipulation skills from unstructured play data.")


def listing(papers: list[tuple[str, str]]) -> str:
    return "".join(f"{title}\n{abstract}\n\n" for title, abstract in papers)


def start_serve(root: Path, port: int, *sources: str, **env: str) -> subprocess.Popen[str]:
    """`papersite serve [sources]` in root on port, its log on stderr (a pipe)."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", *sources, "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
def test_an_edit_to_the_paper_list_rebuilds_once(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    source = root / "papers" / "small.txt"
    source.write_text(listing(PAPERS), encoding="utf-8")
    port = free_port()
    server = start_serve(root, port, str(source))
    output = Output(server.stderr)
    try:
        output.wait_for("Serving on")
        assert output.count("Building documentation") == 1
        source.write_text(listing([*PAPERS, NEW_PAPER]), encoding="utf-8")
        output.wait_for("Reloading browsers")
        time.sleep(3)  # long enough for a second rebuild to start, if the edit caused one
        assert output.count("Building documentation") == 2, "".join(output.lines)
        assert (root / "site_src" / "papers" / "robots-that-learn-from-play.md").is_file()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/papers/robots-that-learn-from-play.html", timeout=10) as page:
            assert "Robots that learn from play" in page.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_a_rebuild_renders_only_the_changed_pages_and_serves_a_clean_builds_site(tmp_path: Path) -> None:
    """`papersite serve` rebuilds dirty, incremental.py deciding which pages to render (from the record
    of the last rebuild, in memory): after an edit, the served folder is byte for byte what a clean
    `papersite build` of the same inputs (same topic state and site_url) makes."""
    from test_incremental import assert_same_site, clean_copy, project, rendered

    root = project(tmp_path / "project")
    listing = root / "papers" / "hf-papers-listing.txt"
    temp = tmp_path / "tmp"  # MkDocs serves from a folder it makes here (tempfile.mkdtemp)
    temp.mkdir()
    port = free_port()
    server = start_serve(root, port, TMPDIR=str(temp))
    output = Output(server.stderr)
    try:
        output.wait_for("Serving on")
        lines = listing.read_text(encoding="utf-8").splitlines()
        lines[5] += " We also survey marmots near tidal flats."  # the third paper's abstract
        listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
        output.wait_for("Reloading browsers")
        log = "".join(output.lines)
        first, again = (rendered(line) for line in log.splitlines() if "pages rendered" in line)
        assert first[1] == 0 and again[1] > 0, log  # the first build renders all, the rebuild keeps pages
        assert again[0] < first[0] / 2, log
        (served,) = temp.glob("mkdocs_*")
        copy = clean_copy(root, tmp_path / "copy")
        config = copy / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("https://example.org/marmots/", f"http://127.0.0.1:{port}/marmots/"), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "generator.cli", "build"],
            cwd=copy,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        assert_same_site(served, copy / "site")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/marmots/", timeout=10) as page:
            assert page.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_reading_a_watched_file_is_no_change(tmp_path: Path) -> None:
    """watchdog reports files opened and closed unwritten too: reading a paper list (as regenerating
    does) must not call back, or every regeneration would start another."""
    from generator.watch import SETTLE_SECONDS, SourceWatcher

    source = tmp_path / "papers.txt"
    source.write_text(listing(PAPERS), encoding="utf-8")
    calls: list[float] = []
    watcher = SourceWatcher([source], lambda: calls.append(time.monotonic()))
    watcher.start()
    try:
        time.sleep(0.2)
        for _ in range(5):
            source.read_text(encoding="utf-8")
        time.sleep(SETTLE_SECONDS + 0.7)
        assert calls == []
        source.write_text(listing([*PAPERS, NEW_PAPER]), encoding="utf-8")
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 1
    finally:
        watcher.observer.stop()
