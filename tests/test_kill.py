"""The kill test: `papersite generate` killed at random points while it writes pages loses nothing.

Each round copies a project whose pages were generated from an old collection, runs `generate` on a
changed collection with every page write slowed down (PAPERSITE_TEST_WRITE_DELAY, read only by
write.py for tests), SIGKILLs it at a random moment while it writes, and checks what a person would:
every page is its old or its new version, the next run leaves the new pages, no temporary file,
journal or lock, a manifest that matches the files and the hand-written page untouched, and removing
then re-adding papers does exactly what it does in a project that was never killed.

5 rounds in `make test`; PAPERSITE_KILL_ROUNDS=50 for the long run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitebuild import make_project, papersite

from generator.write import JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME, TEMP_DIR_NAME, TEST_DELAY_VARIABLE

ROUNDS = int(os.environ.get("PAPERSITE_KILL_ROUNDS", "5"))
WRITE_DELAY = 0.01  # seconds per page write while a kill may land
LISTING = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"
HAND_WRITTEN = "about.md"

Snapshot = dict[str, bytes]


def example_pairs() -> list[tuple[str, str]]:
    lines = LISTING.read_text(encoding="utf-8").splitlines()[2:]
    lines[0] = lines[0].removeprefix("Subscribe")
    return list(zip(lines[0::2], lines[1::2]))


PAIRS = example_pairs()
OLD = PAIRS[:40]
# changed: ten abstracts revised, five papers gone, five new
NEW = [(t, a + " Revised.") if 5 <= i < 15 else (t, a) for i, (t, a) in enumerate(PAIRS[:35])] + PAIRS[40:45]
REMOVED = [pair for i, pair in enumerate(NEW) if not 5 <= i < 10]  # five of the revised papers leave
READDED = NEW


def write_listing(root: Path, pairs: list[tuple[str, str]]) -> None:
    text = "".join(f"{title}\n{abstract}\n" for title, abstract in pairs)
    (root / "papers" / "hf-papers-listing.txt").write_text(text, encoding="utf-8")


def generate(root: Path, pairs: list[tuple[str, str]]) -> str:
    """Run generate on pairs; the summary line of the pages written."""
    write_listing(root, pairs)
    result = papersite(root, "generate")
    assert result.returncode == 0, result.stderr
    return re.search(r"pages in \S+: (.*)", result.stderr)[1]


def snapshot(root: Path) -> Snapshot:
    """Every generated or hand-written file of the project (pages, manifest, topic state)."""
    files = {}
    for folder in (root / "site_src", root / ".papersite"):
        for path in folder.rglob("*"):
            if path.is_file() and "cache" not in path.relative_to(root).parts:  # caches: disposable, bytes may differ
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def pages_of(files: Snapshot) -> Snapshot:
    """The pages among files: no manifest, journal or temporary file."""
    bookkeeping = (MANIFEST_NAME, JOURNAL_NAME, TEMP_DIR_NAME)
    return {p: data for p, data in files.items() if p.startswith("site_src/") and not set(p.split("/")) & set(bookkeeping)}


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, object]:
    """The project after the old collection, and what each later step gives when nothing is killed."""
    old = make_project(tmp_path_factory.mktemp("kill") / "old")
    generate(old, OLD)
    never_killed = old.parent / "never-killed"
    shutil.copytree(old, never_killed)
    generate(never_killed, NEW)
    new = snapshot(never_killed)
    removed_summary = generate(never_killed, REMOVED)
    removed = snapshot(never_killed)
    readded_summary = generate(never_killed, READDED)
    return {
        "old_project": old,
        "old": snapshot(old),
        "new": new,
        "removed": (removed_summary, removed),
        "readded": (readded_summary, snapshot(never_killed)),
        "pages_written": len([p for p in pages_of(new) if pages_of(snapshot(old)).get(p) != new[p]]),
    }


def test_generate_killed_while_writing_loses_nothing(references, tmp_path):
    rng = random.Random(os.environ.get("PAPERSITE_KILL_SEED", "13"))
    write_window = references["pages_written"] * WRITE_DELAY
    landed = []
    for round_number in range(ROUNDS):
        root = tmp_path / f"round-{round_number}"
        shutil.copytree(references["old_project"], root)
        about = root / "site_src" / HAND_WRITTEN
        about_before = (about.read_bytes(), about.stat().st_mtime_ns)

        write_listing(root, NEW)
        at = rng.uniform(0, 0.9 * write_window)
        journal_seen = kill_while_writing(root, at)
        landed.append(journal_seen)

        where = f"round {round_number} (killed {at:.3f}s into the write phase)"
        assert_each_page_old_or_new(snapshot(root), references["old"], references["new"], where)

        generate(root, NEW)
        after = snapshot(root)
        assert after == references["new"], where
        assert_no_leftovers(root, where)
        assert_manifest_matches_files(root, where)
        assert (about.read_bytes(), about.stat().st_mtime_ns) == about_before, where

        for step in ("removed", "readded"):
            summary, expected = references[step]
            assert generate(root, REMOVED if step == "removed" else READDED) == summary, f"{where}, {step}"
            assert snapshot(root) == expected, f"{where}, {step}"
        shutil.rmtree(root)
    print(f"\n{ROUNDS} rounds; the kill landed while pages were being written in {sum(landed)}")
    assert all(landed)


def kill_while_writing(root: Path, after: float) -> bool:
    """Start generate with slowed page writes, SIGKILL it `after` seconds into the write phase.

    The write phase starts when the journal appears. Returns whether the journal was still there
    (the run was still writing) when the kill landed.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", TEST_DELAY_VARIABLE: str(WRITE_DELAY)}
    journal = root / "site_src" / JOURNAL_NAME
    with subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "generate", "-q"], cwd=root, env=env, stderr=subprocess.PIPE
    ) as run:
        deadline = time.monotonic() + 120
        while not journal.exists():
            assert run.poll() is None, f"generate ended before it wrote a page: {run.stderr.read().decode()}"
            assert time.monotonic() < deadline, "generate never started writing"
            time.sleep(0.002)
        time.sleep(after)
        still_writing = journal.exists()
        run.send_signal(signal.SIGKILL)
        run.wait()
    return still_writing


def assert_each_page_old_or_new(files: Snapshot, old: Snapshot, new: Snapshot, where: str) -> None:
    pages, old_pages, new_pages = pages_of(files), pages_of(old), pages_of(new)
    assert set(pages) <= set(old_pages) | set(new_pages), (
        f"{where}: unexpected files {set(pages) - set(old_pages) - set(new_pages)}"
    )
    for path in set(old_pages) | set(new_pages):
        versions = {old_pages.get(path), new_pages.get(path)}
        assert pages.get(path) in versions, f"{where}: {path} is neither its old nor its new version"


def assert_no_leftovers(root: Path, where: str) -> None:
    leftovers = [p for p in root.rglob("*") if p.name in (TEMP_DIR_NAME, JOURNAL_NAME, LOCK_NAME) or p.suffix == ".tmp"]
    assert leftovers == [], f"{where}: left behind {leftovers}"


def assert_manifest_matches_files(root: Path, where: str) -> None:
    docs = root / "site_src"
    manifest = json.loads((docs / MANIFEST_NAME).read_text())
    on_disk = {
        p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in docs.rglob("*")
        if p.is_file() and p.name not in (MANIFEST_NAME, HAND_WRITTEN)
    }
    assert manifest == on_disk, where
