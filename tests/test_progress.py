"""Progress: stage timings, the summary line, no progress bars when nobody watches a terminal."""

from __future__ import annotations

import re

from rich.console import Console
from sitebuild import make_project, papersite

from generator import progress


def test_stages_are_timed_in_the_order_they_end_nested_ones_first() -> None:
    progress.reset()
    with progress.stage("outer"):
        with progress.stage("inner"):
            pass
    names = [s.name for s in progress.timings()]
    assert names == ["inner", "outer"]
    assert all(s.seconds >= 0 and s.peak_bytes > 0 for s in progress.timings())


def test_track_yields_every_item_without_a_display() -> None:
    assert list(progress.track(iter(range(5)), "items", 5)) == [0, 1, 2, 3, 4]


def test_no_bars_for_a_pipe_or_in_ci(monkeypatch) -> None:
    progress.show(True)
    try:
        assert not progress.enabled(Console(file=open("/dev/null", "w")))  # not a terminal
        monkeypatch.setenv("CI", "1")
        assert not progress.enabled(Console(force_terminal=True))
    finally:
        progress.show(False)


def test_generate_ends_with_one_summary_line_and_no_bar(tmp_path) -> None:
    root = make_project(tmp_path)
    first = papersite(root, "generate")
    assert first.returncode == 0, first.stderr
    summary = first.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"papersite: 203 papers, \d+ topics; pages: \d+ written, 0 unchanged, 0 removed; [\d.]+ s", summary), (
        summary
    )
    again = papersite(root, "generate")
    assert re.search(r"pages: 0 written, \d+ unchanged, 0 removed", again.stderr.strip().splitlines()[-1])
    assert "\x1b[" not in first.stderr + again.stderr  # no progress bar or colour codes in a pipe
    assert "papersite:" not in papersite(root, "generate", "-q").stderr
