from __future__ import annotations

import os

from generator.forked import map_parts


def test_parts_are_contiguous_ranges_in_order_whatever_the_processes() -> None:
    for processes in (1, 2, 3):
        parts = map_parts(lambda part: list(part), 10, processes=processes)
        assert len(parts) == processes
        assert [i for part in parts for i in part] == list(range(10))


def test_parts_after_the_first_run_in_forked_processes() -> None:
    parent = os.getpid()
    pids = map_parts(lambda part: os.getpid(), 4, processes=2)
    assert pids[0] == parent and pids[1] != parent


def test_few_items_stay_in_this_process() -> None:
    parent = os.getpid()
    assert map_parts(lambda part: (os.getpid(), list(part)), 5, minimum=3, processes=2) == [(parent, [0, 1, 2, 3, 4])]
    assert map_parts(lambda part: list(part), 0, processes=2) == [[]]


def test_a_part_whose_process_fails_is_run_here() -> None:
    parent = os.getpid()

    def work(part: range) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("only in the forked process")
        return [i * i for i in part]

    assert map_parts(work, 6, processes=2) == [[0, 1, 4], [9, 16, 25]]


def test_a_result_that_cannot_be_pickled_is_computed_here() -> None:
    parent = os.getpid()
    assert map_parts(lambda part: (lambda: None) if os.getpid() != parent else "here", 2, processes=2) == ["here", "here"]
