"""Progress of a build: a rich progress bar per stage on a terminal (quiet in CI and when output is
piped), the time and peak memory of every stage (read by bench/scale.py), and the one summary line
every build ends with.

Stages nest ("enrich" holds "topics", which holds "labels"); each is timed on its own.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

Item = TypeVar("Item")


@dataclass(frozen=True)
class StageTime:
    """How long a stage took, and the peak memory of the process when it ended (bytes)."""

    name: str
    seconds: float
    peak_bytes: int


_timings: list[StageTime] = []
_progress: Progress | None = None
_shown = False


def timings() -> list[StageTime]:
    """The stages finished so far in this process, in the order they finished."""
    return list(_timings)


def reset() -> None:
    _timings.clear()


def enabled(console: Console) -> bool:
    """Bars only for a person at a terminal: not in CI, not when the output is a pipe or a file."""
    return _shown and not os.environ.get("CI") and console.is_terminal


def show(on: bool = True) -> None:
    """Whether bars may be shown (the CLI turns them on; the plugin and library calls stay quiet)."""
    global _shown
    _shown = on


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time a stage (and show it as a line of the progress display, when there is one)."""
    task = _progress.add_task(name, total=None) if _progress is not None else None
    started = time.perf_counter()
    try:
        yield
    finally:
        _timings.append(StageTime(name, time.perf_counter() - started, peak_memory()))
        if task is not None and _progress is not None:
            _progress.update(task, total=1, completed=1)


def track(items: Iterable[Item], description: str, total: int) -> Iterator[Item]:
    """The items, with a progress bar for them when a display is live."""
    if _progress is None:
        yield from items
        return
    task = _progress.add_task(description, total=total)
    for item in items:
        yield item
        _progress.advance(task)


@contextmanager
def display(console: Console) -> Iterator[None]:
    """A live progress display on the console (the one log messages go to, so they print above
    it) for the stages run inside, when enabled(); else nothing."""
    global _progress
    if not enabled(console) or _progress is not None:
        yield
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        _progress = progress
        try:
            yield
        finally:
            _progress = None


def peak_memory() -> int:
    """Peak resident memory of this process so far, in bytes (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def summary_line(papers: int, topics: int, written: int, unchanged: int, removed: int, seconds: float) -> str:
    """The one line a build ends with."""
    return (
        f"papersite: {papers} papers, {topics} topics; pages: {written} written, {unchanged} unchanged, "
        f"{removed} removed; {seconds:.1f} s"
    )


def up_to_date_line(site_dir: str, seconds: float) -> str:
    """The one line a build that found nothing to do ends with."""
    return f"papersite: nothing changed since the last build; {site_dir} left as it was; {seconds:.1f} s"
