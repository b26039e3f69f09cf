"""The corpus of bad files (tests/data/bad/): for each, the exact message, the exit code, and bounds
on time and memory, measured on a real `papersite check` run in a subprocess with a memory limit.

Run with -n 0 -s to see the table (input, message, exit code, time, peak memory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import make_project

BAD = Path(__file__).resolve().parent / "data" / "bad"
BOUNDED_RUN = Path(__file__).resolve().parent / "bounded_run.py"
MEMORY_LIMIT = 1536 * 2**20  # address space of the whole run; a bomb that escapes its bound hits this
PEAK_MEMORY_BOUND_MB = 400  # papersite itself (Python, MkDocs, the readers) peaks at 60-125 MB on this corpus
TIME_BOUND_S = 60  # generous: the machine is shared; a bomb that escapes takes minutes

CSV_CELL = 10 * 2**20  # a 10 MB cell

# input -> (the message after "PATH", exit code); every line of output is checked
CORPUS = {
    "string-bomb.bib": (":7: @string macros expand to more than 10,000,000 characters (at @string 'a6'); not read", 1),
    "alias-bomb.yaml": (
        ": aliases (*name) expand to 490,329,067 values, more than 100,000 beyond those written; not read",
        1,
    ),
    "deep-array.json": (":1: arrays or objects nested more than 64 deep; not read", 1),
    "deep-object.json": (":2: arrays or objects nested more than 64 deep; not read", 1),
    "empty.txt": (": empty file (0 bytes): no papers to read", 1),
    "folder.txt": (": a folder, not a paper list; name the files in it", 1),
    "utf16.txt": (":1: UTF-16 text (it starts with the byte order mark FF FE); save the file as UTF-8", 1),
    "binary.bib": (":3: a binary file (it holds NUL bytes), not a text paper list", 1),
    "truncated.txt": (":2: the file ends in the middle of a UTF-8 character; was it cut short?", 1),
    "chrome-middle.txt": (
        ":4: page chrome 'Get trending papers in your email inbox once a day!' in the middle of the listing; dropped",
        0,
    ),
    "big-cell.csv": (":3: a cell longer than 1,000,000 characters; entry skipped", 1),
}
SUMMARIES = {
    "chrome-middle.txt": "2 records read from 1 file(s): 2 papers, 0 merged, 0 skipped, 2 other warning(s)",
    "big-cell.csv": "2 records read from 1 file(s): 2 papers, 0 merged, 1 skipped",
}
MEASURED: list[tuple[str, str, int, float, float]] = []


def big_cell_csv(folder: Path) -> Path:
    """Made here, not kept in git: the 10 MB cell is on line 3, between two good rows."""
    path = folder / "big-cell.csv"
    path.write_text(f"title,abstract\nFirst,fine\nHuge,{'x' * CSV_CELL}\nLast,fine\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("bad") / "project")


def run_bounded(root: Path, report: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run papersite in root under the memory limit (tests/bounded_run.py, which writes its measures to
    report); (result, seconds, peak resident memory in MB)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    launched = subprocess.run(
        [sys.executable, str(BOUNDED_RUN), str(MEMORY_LIMIT), str(report), sys.executable, "-m", "generator.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert launched.returncode == 0 and report.is_file(), launched.stderr
    measured = json.loads(report.read_text(encoding="utf-8"))
    result = subprocess.CompletedProcess(launched.args, measured["returncode"], launched.stdout, launched.stderr)
    return result, measured["seconds"], measured["peak_mb"]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_gets_one_clear_message_in_bounded_time_and_memory(name, project, tmp_path):
    source = big_cell_csv(tmp_path) if name == "big-cell.csv" else BAD / name
    expected_message, expected_code = CORPUS[name]
    result, seconds, peak_mb = run_bounded(project, tmp_path / "measured.json", "check", str(source))
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(source))]
    MEASURED.append((name, expected_message.split(" ", 1)[1], result.returncode, seconds, peak_mb))
    assert problems[0] == f"{source}{expected_message}", result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == expected_code
    if name in SUMMARIES:
        assert result.stdout.strip() == SUMMARIES[name]
    else:
        assert len(problems) == 1, result.stderr
    assert seconds < TIME_BOUND_S
    assert peak_mb < PEAK_MEMORY_BOUND_MB


def test_print_the_corpus_table():
    """Last in this module: the table of what the corpus runs measured (pytest -n 0 -s shows it)."""
    if not MEASURED:
        pytest.skip("the corpus did not run")
    print("\n| input | message | exit | time (s) | peak memory (MB) |\n|---|---|---|---|---|")
    for name, message, code, seconds, peak in MEASURED:
        print(f"| {name} | {message} | {code} | {seconds:.1f} | {peak:.0f} |")
