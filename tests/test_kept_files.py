"""generator/kept_files.py: a serve rebuild's list of the docs folder's files, kept from the last one
while no file was added or removed, is the list MkDocs' get_files makes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from generator.kept_files import KeptFiles
from generator.watch import DocsWatcher


def listed(files) -> list[dict]:
    return [dict(vars(file)) for file in files]


def test_the_kept_list_is_get_files_list_after_each_kind_of_change(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "papers").mkdir(parents=True)
    for n in range(5):
        (docs / "papers" / f"p{n}.md").write_text(f"# Paper {n}\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "picture.png").write_bytes(b"png")
    (tmp_path / "mkdocs.yml").write_text("site_name: Kept\nnot_in_nav: |\n  /papers/**/*.md\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    watcher = DocsWatcher(Path(config.docs_dir), lambda paths: None)
    watcher.start()
    made: list[int] = []
    kept = KeptFiles(watcher, lambda c: made.append(1) or get_files(c))

    def rebuild_lists(*, listed_again: bool) -> None:
        time.sleep(0.8)  # the watcher has seen the change (a move out of the folder is told after 0.5 s)
        before = len(made)
        files = kept.get_files(config)
        assert listed(files) == listed(get_files(config))
        assert len(made) == before + listed_again
        for file in files:
            file.page = "a build's page"  # a build changes its files: the next list is not those objects
            file.inclusion = None

    def move_out(path: Path) -> None:
        shutil.move(path, tmp_path / path.name)

    try:
        rebuild_lists(listed_again=True)  # the first
        rebuild_lists(listed_again=False)  # nothing changed
        (docs / "papers" / "p1.md").write_text("# Paper one, edited\n", encoding="utf-8")
        rebuild_lists(listed_again=False)
        (docs / "papers" / "p9.md").write_text("# Paper 9\n", encoding="utf-8")  # added
        rebuild_lists(listed_again=True)
        (docs / "papers" / "p2.md").unlink()  # removed
        rebuild_lists(listed_again=True)
        (docs / ".papersite-tmp").mkdir()  # a folder made and removed again: the same files
        (docs / ".papersite-tmp" / "x.tmp").write_text("x", encoding="utf-8")
        (docs / ".papersite-tmp" / "x.tmp").replace(docs / "papers" / "p3.md")
        (docs / ".papersite-tmp").rmdir()
        rebuild_lists(listed_again=False)
        outside = tmp_path / "more"
        outside.mkdir()
        (outside / "extra.md").write_text("# Extra\n", encoding="utf-8")
        shutil.move(outside, docs / "more")  # a folder moved in: no notification for its files
        rebuild_lists(listed_again=True)
        move_out(docs / "more")  # and out again
        rebuild_lists(listed_again=True)
        (docs / "papers" / "p4.md").write_text("# Paper 4, edited\n", encoding="utf-8")
        watcher.lose_changes()  # the system dropped notifications
        rebuild_lists(listed_again=True)
        config = load_config(str(tmp_path / "mkdocs.yml"), use_directory_urls=False)  # other options
        rebuild_lists(listed_again=True)
        rebuild_lists(listed_again=False)
        assert kept.reused == 4
    finally:
        watcher.stop()
