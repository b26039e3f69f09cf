from __future__ import annotations

import json
import os

import pytest

from generator.errors import WriteError
from generator.model import RenderedPage
from generator.write import MANIFEST_NAME, safe_target, write_pages


def pages(**texts: str) -> list[RenderedPage]:
    return [RenderedPage(path.replace("__", "/") + ".md", text) for path, text in texts.items()]


def test_first_run_writes_everything_and_records_it(tmp_path):
    report = write_pages(pages(index="home", papers__a="A"), tmp_path)
    assert sorted(report.written) == ["index.md", "papers/a.md"]
    assert (tmp_path / "papers" / "a.md").read_text() == "A"
    assert set(json.loads((tmp_path / MANIFEST_NAME).read_text())) == {"index.md", "papers/a.md"}


def test_rerun_with_no_change_writes_nothing(tmp_path):
    write_pages(pages(index="home", papers__a="A"), tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    report = write_pages(pages(index="home", papers__a="A"), tmp_path)
    assert report.written == [] and report.removed == []
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before


def test_rerun_writes_only_changed_pages_and_removes_stale_ones(tmp_path):
    write_pages(pages(index="home", papers__a="A", papers__b="B"), tmp_path)
    report = write_pages(pages(index="home", papers__a="A2"), tmp_path)
    assert report.written == ["papers/a.md"]
    assert report.removed == ["papers/b.md"]
    assert not (tmp_path / "papers" / "b.md").exists()


def test_hand_written_file_is_never_overwritten(tmp_path):
    (tmp_path / "index.md").write_text("my own welcome page")
    with pytest.raises(WriteError, match="hand-written"):
        write_pages(pages(index="generated", papers__a="A"), tmp_path)
    assert (tmp_path / "index.md").read_text() == "my own welcome page"
    assert not (tmp_path / "papers").exists()  # checked before anything was written


def test_hand_written_files_beside_generated_ones_survive_pruning(tmp_path):
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "notes.md").write_text("mine")
    write_pages(pages(papers__a="A"), tmp_path)
    write_pages(pages(papers__b="B"), tmp_path)
    assert (tmp_path / "papers" / "notes.md").read_text() == "mine"


def test_stale_page_edited_by_hand_is_kept(tmp_path):
    write_pages(pages(papers__a="A", papers__b="B"), tmp_path)
    (tmp_path / "papers" / "b.md").write_text("B, with my notes")
    report = write_pages(pages(papers__a="A"), tmp_path)
    assert report.kept_edited == ["papers/b.md"]
    assert (tmp_path / "papers" / "b.md").exists()


def test_paths_outside_the_docs_folder_are_refused(tmp_path):
    for bad in ["../escape.md", "papers/../../escape.md", "/etc/passwd"]:
        with pytest.raises(WriteError, match="outside"):
            safe_target(tmp_path / "docs", bad)
    assert not (tmp_path / "escape.md").exists()


def test_symlink_out_of_the_docs_folder_is_refused(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", docs / "papers")
    with pytest.raises(WriteError, match="outside"):
        write_pages(pages(papers__a="A"), docs)


def test_two_pages_differing_only_in_case_are_refused(tmp_path):
    with pytest.raises(WriteError, match="same file"):
        write_pages([RenderedPage("papers/A.md", "1"), RenderedPage("papers/a.md", "2")], tmp_path)


def test_no_temporary_files_are_left_behind(tmp_path):
    write_pages(pages(index="home", papers__a="A"), tmp_path)
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_a_corrupt_manifest_is_a_clear_error(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(WriteError, match="manifest"):
        write_pages(pages(index="x"), tmp_path)


def test_written_files_are_readable_like_any_new_file(tmp_path):
    old = os.umask(0o022)
    try:
        write_pages(pages(index="home"), tmp_path)
    finally:
        os.umask(old)
    assert (tmp_path / "index.md").stat().st_mode & 0o777 == 0o644
