"""Pure computations of the enrich stage on every core: a range of items cut into one part per
core, each part but the first run in a process forked from this one.

A forked process inherits every object as it is (nothing is pickled but its result, sent back
through a pipe), and runs with one BLAS thread, as this process does meanwhile, so that the parts
do not fight over the cores. The results are those of running the parts one after another, in
order: a part whose process fails is run again here, and where there is no `fork` (or one core,
or few items) everything runs here. Like prerender.py's workers, forked processes only compute:
they write nothing and touch no progress display.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable
from typing import TypeVar

from threadpoolctl import threadpool_limits

log = logging.getLogger("mkdocs.plugins.papersite")

T = TypeVar("T")


def map_parts(work: Callable[[range], T], n: int, minimum: int = 1, processes: int | None = None) -> list[T]:
    """[work(part) for part in the parts of range(n)]: contiguous ranges, one per process (default
    one per core), none shorter than `minimum` items."""
    wanted = processes or os.cpu_count() or 1
    count = max(1, min(wanted, n // max(minimum, 1)))
    bounds = [n * p // count for p in range(count + 1)]
    parts = [range(bounds[p], bounds[p + 1]) for p in range(count)]
    if count == 1 or not hasattr(os, "fork"):
        return [work(part) for part in parts]
    with threadpool_limits(limits=1):
        children = [_fork(work, part) for part in parts[1:]]
        results = [work(parts[0])]
        for part, child in zip(parts[1:], children):
            results.append(_collect(work, part, child))
    return results


def _fork(work: Callable[[range], T], part: range) -> tuple[int, int] | None:
    """(process id, read end of its pipe) of a forked process running work(part); None if fork failed."""
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError as error:
        log.debug("papersite: could not fork (%s); the part runs in this process", error)
        return None
    if pid == 0:  # the forked process: compute, send, and leave without running any exit handler
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pickle.dump(work(part), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def _collect(work: Callable[[range], T], part: range, child: tuple[int, int] | None) -> T:
    """The forked process's result, or work(part) run here when it sent none."""
    if child is None:
        return work(part)
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a broken result is computed again below
            pass
    log.debug("papersite: a forked process failed (status %s); its part runs in this process", status)
    return work(part)
