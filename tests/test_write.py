from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.errors import WriteError
from generator.model import RenderedPage
from generator.write import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    TEMP_DIR_NAME,
    SafeTargets,
    atomic_write,
    atomic_writes,
    digest,
    lock_path,
    run_lock,
    safe_target,
    write_pages,
)


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


class Interrupted(BaseException):
    """Stands in for a kill: raised while a page is being put in place."""


def interrupt_when_writing(monkeypatch, name: str) -> None:
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if Path(target).name == name:
            raise Interrupted
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def test_an_interrupted_run_never_makes_generated_pages_look_hand_written(tmp_path, monkeypatch):
    """Issue 13, defect 1: the manifest claimed the new content before the pages were written."""
    write_pages(pages(papers__a="A", papers__b="B", papers__c="C"), tmp_path)
    with monkeypatch.context() as patched:
        interrupt_when_writing(patched, "c.md")
        with pytest.raises(Interrupted):
            write_pages(pages(papers__a="A2", papers__b="B2", papers__c="C2"), tmp_path)
    assert (tmp_path / "papers" / "c.md").read_text() == "C"  # not yet rewritten
    # c leaves the list: its page is removed, not kept as "edited by hand"
    report = write_pages(pages(papers__a="A2", papers__b="B2"), tmp_path)
    assert report.removed == ["papers/c.md"] and report.kept_edited == []
    # and it comes back without a "hand-written file" error
    report = write_pages(pages(papers__a="A2", papers__b="B2", papers__c="C2"), tmp_path)
    assert report.written == ["papers/c.md"]
    assert json.loads((tmp_path / MANIFEST_NAME).read_text()) == {
        "papers/a.md": digest("A2"),
        "papers/b.md": digest("B2"),
        "papers/c.md": digest("C2"),
    }


def test_a_page_put_in_place_by_an_interrupted_run_is_claimed_by_the_next(tmp_path, monkeypatch):
    write_pages(pages(papers__a="A"), tmp_path)
    with monkeypatch.context() as patched:
        interrupt_when_writing(patched, MANIFEST_NAME)  # every page is in place, the manifest is not saved
        with pytest.raises(Interrupted):
            write_pages(pages(papers__a="A2", papers__new="N"), tmp_path)
    assert (tmp_path / JOURNAL_NAME).exists()
    report = write_pages(pages(papers__a="A"), tmp_path)  # new.md was written by us: removed, not kept
    assert report.removed == ["papers/new.md"] and report.written == ["papers/a.md"]
    assert not (tmp_path / JOURNAL_NAME).exists()


def test_a_cut_short_journal_line_is_ignored(tmp_path):
    write_pages(pages(papers__a="A"), tmp_path)
    (tmp_path / "papers" / "a.md").write_text("edited by hand")
    (tmp_path / JOURNAL_NAME).write_text('["papers/a.md", "' + digest("edited by hand")[:20])
    report = write_pages(pages(), tmp_path)
    assert report.kept_edited == ["papers/a.md"]


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path):
    """Issue 13, defect 4: temporary files survived a kill and no later run removed them."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / TEMP_DIR_NAME / f"{dead.stdout.strip()}.1.a.md.tmp"
    leftover.parent.mkdir()
    leftover.write_text("")
    write_pages(pages(papers__a="A"), tmp_path)
    assert not leftover.exists() and not leftover.parent.exists()


def test_atomic_write_cleans_its_temporary_folder_first(tmp_path):
    leftover = tmp_path / TEMP_DIR_NAME / "999999999.1.state.json.tmp"
    leftover.parent.mkdir()
    leftover.write_text("")
    atomic_write(tmp_path / "state.json", "{}")
    assert (tmp_path / "state.json").read_text() == "{}"
    assert not leftover.parent.exists()


def test_atomic_writes_write_every_file_and_leave_no_temporary_folder(tmp_path, monkeypatch):
    leftover = tmp_path / "a" / TEMP_DIR_NAME / "999999999.1.x.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("")
    (tmp_path / "a" / "x").write_bytes(b"old")
    targets = [tmp_path / "a" / "x", tmp_path / "a" / "y", tmp_path / "b" / "z"]
    removed = []
    rmdir = Path.rmdir
    monkeypatch.setattr(Path, "rmdir", lambda self: removed.append(self) or rmdir(self))
    atomic_writes([(target, target.name.encode()) for target in targets])
    assert [target.read_bytes() for target in targets] == [b"x", b"y", b"z"]
    # removed once when cleared of the leftover, once after both files (atomic_write: after each file)
    assert removed.count(tmp_path / "a" / TEMP_DIR_NAME) == 2 and removed.count(tmp_path / "b" / TEMP_DIR_NAME) == 1
    assert not (tmp_path / "a" / TEMP_DIR_NAME).exists() and not (tmp_path / "b" / TEMP_DIR_NAME).exists()


def test_temporary_files_of_a_live_writer_are_left_alone(tmp_path):
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as other:
        try:
            theirs = tmp_path / TEMP_DIR_NAME / f"{other.pid}.1.a.md.tmp"
            theirs.parent.mkdir()
            theirs.write_text("")
            atomic_write(tmp_path / "a.md", "A")
            assert theirs.exists()
        finally:
            other.kill()


def test_a_second_run_refuses_while_another_holds_the_lock(tmp_path):
    docs = tmp_path / "docs"
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as other:
        try:
            lock_path(docs).write_text(f"{other.pid}\n")
            with pytest.raises(WriteError) as refused:
                with run_lock(docs, wait=0.3):
                    pass
            assert f"another papersite run (process {other.pid}) is writing here" in str(refused.value)
            assert "\n" not in str(refused.value)
        finally:
            other.kill()
    assert lock_path(docs).read_text() == f"{other.pid}\n"  # not ours to remove


def test_a_second_run_waits_for_the_first(tmp_path):
    docs = tmp_path / "docs"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    reaper = threading.Thread(target=holder.wait)  # an exited child stays a zombie until reaped
    reaper.start()
    lock_path(docs).write_text(f"{holder.pid}\n")
    try:
        with run_lock(docs, wait=20):
            assert lock_path(docs).read_text() == f"{os.getpid()}\n"
    finally:
        reaper.join()
    assert not lock_path(docs).exists()


def test_a_stale_lock_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    docs = tmp_path / "docs"
    lock_path(docs).write_text(dead.stdout)
    report = write_pages(pages(papers__a="A"), docs)
    assert report.written == ["papers/a.md"]
    assert not lock_path(docs).exists()


def test_the_lock_lies_outside_the_docs_folder(tmp_path):
    assert lock_path(tmp_path / "docs").parent == tmp_path


def test_unchanged_pages_are_not_read_when_the_manifest_has_their_hash(tmp_path, monkeypatch):
    write_pages(pages(index="home", papers__a="A", papers__b="B"), tmp_path)
    read: list[Path] = []
    real_read_bytes = Path.read_bytes

    def counting_read_bytes(self: Path) -> bytes:
        read.append(self)
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    report = write_pages(pages(index="home", papers__a="A", papers__b="B2"), tmp_path)
    assert report.written == ["papers/b.md"] and sorted(report.unchanged) == ["index.md", "papers/a.md"]
    assert [path.name for path in read if path.suffix == ".md"] == ["b.md"]  # only the page that changed


def test_a_generated_page_changed_or_deleted_since_is_written_again(tmp_path):
    write_pages(pages(index="home", papers__a="A"), tmp_path)
    (tmp_path / "index.md").write_text("home, edited")
    (tmp_path / "papers" / "a.md").unlink()
    report = write_pages(pages(index="home", papers__a="A"), tmp_path)
    assert sorted(report.written) == ["index.md", "papers/a.md"]
    assert (tmp_path / "index.md").read_text() == "home" and (tmp_path / "papers" / "a.md").read_text() == "A"


@pytest.mark.parametrize(
    "relative",
    [
        "index.md",
        "papers/a.md",
        "topics/t/_last.md",
        "papers/../index.md",
        "./papers/a.md",
        "papers//a.md",
        "papers/.",
        "../escape.md",
        "papers/../../escape.md",
        "/etc/passwd",
        "linked/a.md",
        "linked/inside.md",
        "inside-link/a.md",
        "papers/to-outside.md",
        "papers/to-inside.md",
        "papers/there.md",
        "papers/folder.md",
        "papers/dangling.md",
        "new-folder/a.md",
        "back\\slash.md",
    ],
)
def test_safe_targets_gives_what_safe_target_gives(tmp_path, relative):
    """SafeTargets takes the pages safe_target takes, to the same paths, says whether something is there, and refuses the others."""
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    (docs / "papers").mkdir(parents=True)
    outside.mkdir()
    (outside / "inside.md").symlink_to(docs / "index.md")  # a link back in, from a folder outside
    os.symlink(outside, docs / "linked")
    os.symlink(docs / "papers", docs / "inside-link")
    (docs / "papers" / "to-outside.md").symlink_to(outside / "x.md")
    (docs / "papers" / "to-inside.md").symlink_to(docs / "index.md")
    (docs / "papers" / "there.md").write_text("mine", encoding="utf-8")
    (docs / "papers" / "folder.md").mkdir()
    (docs / "papers" / "dangling.md").symlink_to(docs / "papers" / "gone.md")
    safe = SafeTargets(docs)
    try:
        expected = safe_target(docs, relative)
    except WriteError:
        with pytest.raises(WriteError, match="outside"):
            safe.find(relative)
    else:
        assert safe.find(relative) == (expected, expected.exists())
        assert safe.find(relative) == (expected, expected.exists())  # and again, from what it resolved and listed before
