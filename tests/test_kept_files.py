"""generator/kept_files.py: a serve rebuild's list of the docs folder's files, kept from the last one
while no file was added or removed, and a build's list saved by the last build while the docs folder
holds the same names, are the list MkDocs' get_files makes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from generator.cli import _listed_names
from generator.kept_files import FILES_CACHE, THEME_FILES_CACHE, KeptFiles, SavedFiles
from generator.uptodate import docs_listing
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


def test_the_saved_list_is_get_files_list_after_each_kind_of_change(tmp_path: Path) -> None:
    """`papersite build`: the list saved in the cache folder is taken while the docs folder's listing
    (a walk, as cli._build_site takes it) has its names, updated for names added or removed, and is
    get_files' list either way."""
    docs = tmp_path / "docs"
    (docs / "papers").mkdir(parents=True)
    for n in range(5):
        (docs / "papers" / f"p{n}.md").write_text(f"# Paper {n}\n", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / ".papersite-manifest.json").write_text("{}", encoding="utf-8")  # excluded: still listed
    (tmp_path / "mkdocs.yml").write_text("site_name: Saved\nnot_in_nav: |\n  /papers/**/*.md\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    cache_file = tmp_path / "cache" / FILES_CACHE
    made: list[int] = []
    saved = SavedFiles(
        cache_file,
        cache_file.with_name(THEME_FILES_CACHE),
        lambda: _listed_names(docs_listing(docs)),
        lambda c: made.append(1) or get_files(c),
    )

    def build_lists(how: str) -> None:
        before = len(made)
        files = saved.get_files(config)
        assert listed(files) == listed(get_files(config))
        taken = "reused" if saved.reused else "updated" if saved.updated else "made"
        assert taken == how and len(made) == before + (how == "made")
        for file in files:
            file.page = "a build's page"  # a build changes its files: the saved list is not those objects

    build_lists("made")  # no list saved yet
    build_lists("reused")
    (docs / "papers" / "p1.md").write_text("# Paper one, edited\n", encoding="utf-8")
    build_lists("reused")
    (docs / "papers" / "p9.md").write_text("# Paper 9\n", encoding="utf-8")  # added
    build_lists("updated")
    build_lists("reused")
    (docs / "papers" / "p2.md").unlink()  # removed
    build_lists("updated")
    for name in ("a.md", "index.md", "z.png", "sub/b.md", "papers/deeper/c.md", "papers-2/d.md", "README.txt"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)  # names before, between and after the others
        (docs / name).write_text("# More\n", encoding="utf-8")
    build_lists("updated")
    (docs / "papers" / "deeper" / "c.md").unlink()
    (docs / "papers" / "p0.md").unlink()
    (docs / "papers" / "p00.md").write_text("# Paper 00\n", encoding="utf-8")
    build_lists("updated")
    (docs / "__pycache__").mkdir()  # MkDocs lists Python's caches too (and copies them)
    (docs / "__pycache__" / "x.pyc").write_bytes(b"pyc")
    build_lists("updated")
    build_lists("reused")
    config = load_config(str(tmp_path / "mkdocs.yml"), use_directory_urls=False)  # other options
    build_lists("made")
    build_lists("reused")
    (tmp_path / "mkdocs.yml").write_text("site_name: Saved\nnot_in_nav: |\n  /papers/p1.md\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))  # other patterns
    build_lists("made")
    (docs / "papers" / "p7.md").write_text("# Paper 7\n", encoding="utf-8")  # a new file under the new patterns
    build_lists("updated")
    cache_file.write_bytes(cache_file.read_bytes()[:-10])  # damaged
    build_lists("made")
    build_lists("reused")
    (docs / "sub" / "README.md").write_text("# Readme\n", encoding="utf-8")
    build_lists("updated")  # alone in its folder: the folder's index
    (docs / "README.md").write_text("# Readme\n", encoding="utf-8")  # left out by get_files beside index.md
    build_lists("made")
    build_lists("made")  # never saved: get_files warns of it every time
    (docs / "README.md").unlink()
    build_lists("reused")  # the names of the list saved before
    (docs / "linked").symlink_to(docs / "papers")  # get_files follows it: the names are not the walk's
    assert _listed_names(docs_listing(docs)) is None
    build_lists("made")
    build_lists("made")


def test_the_theme_files_added_to_a_saved_list_are_mkdocs_own(tmp_path: Path) -> None:
    """add_files_from_theme with Material's folder listed from the cache folder adds the files MkDocs'
    own adds, a file of custom_dir added or removed since included."""
    docs, overrides = tmp_path / "docs", tmp_path / "overrides"
    (overrides / "assets").mkdir(parents=True)
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "logo.svg").write_text("<svg/>", encoding="utf-8")  # a docs file is not taken from the theme
    (overrides / "assets" / "extra.js").write_text("// extra\n", encoding="utf-8")
    (overrides / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Themed\ntheme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8"
    )
    config = load_config(str(tmp_path / "mkdocs.yml"))
    saved = SavedFiles(
        tmp_path / "cache" / FILES_CACHE,
        tmp_path / "cache" / THEME_FILES_CACHE,
        lambda: _listed_names(docs_listing(docs)),
        get_files,
    )

    def with_theme(files):
        files.add_files_from_theme(config.theme.get_env(), config)
        return sorted((f.src_uri, f.abs_src_path) for f in files)

    for _ in range(2):  # Material's folder listed, then taken from the cache
        assert with_theme(saved.get_files(config)) == with_theme(get_files(config))
    assert (tmp_path / "cache" / THEME_FILES_CACHE).is_file()
    (overrides / "assets" / "more.css").write_text("p {}\n", encoding="utf-8")
    (overrides / "assets" / "extra.js").unlink()
    themed = with_theme(saved.get_files(config))
    assert themed == with_theme(get_files(config))
    assert ("assets/more.css", str(overrides / "assets" / "more.css")) in themed
    assert any(uri.startswith("assets/javascripts/bundle.") for uri, _ in themed)  # Material's own
