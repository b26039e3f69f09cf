"""`papersite serve`: an edit to the paper list regenerates the pages and rebuilds the site once,
running the pipeline (read, enrich) once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mkdocs.config import load_config
from sitebuild import Output, free_port, make_project

from generator import pipeline

PAPERS = [
    ("Self-play in zero-sum games", "Agents improve by playing against copies of themselves in games."),
    ("Reward models for language agents", "We train reward models that score the answers of language agents."),
    ("Diffusion models for images", "Diffusion models generate images by removing noise step by step."),
    ("Protein folding with deep networks", "Deep networks predict how proteins fold from their sequence."),
]
NEW_PAPER = ("Robots that learn from play", "Robots learn manipulation skills from unstructured play data.")


def listing(papers: list[tuple[str, str]]) -> str:
    return "".join(f"{title}\n{abstract}\n\n" for title, abstract in papers)


def start_serve(root: Path, port: int, *sources: str, **env: str) -> subprocess.Popen[str]:
    """`papersite serve [sources]` in root on port, its log on stderr (a pipe)."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", *sources, "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
def test_an_edit_to_the_paper_list_rebuilds_once(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    source = root / "papers" / "small.txt"
    source.write_text(listing(PAPERS), encoding="utf-8")
    port = free_port()
    server = start_serve(root, port, str(source))
    output = Output(server.stderr)
    try:
        output.wait_for("Serving on")
        assert output.count("Building documentation") == 1
        source.write_text(listing([*PAPERS, NEW_PAPER]), encoding="utf-8")
        output.wait_for("Reloading browsers")
        time.sleep(3)  # long enough for a second rebuild to start, if the edit caused one
        assert output.count("Building documentation") == 2, "".join(output.lines)
        # once before the server started, once for the edit (which changes the topic state too)
        assert output.count("papersite: read ") == 2, "".join(output.lines)
        assert (root / "site_src" / "papers" / "robots-that-learn-from-play.md").is_file()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/papers/robots-that-learn-from-play.html", timeout=10) as page:
            assert "Robots that learn from play" in page.read().decode("utf-8")
        # a hand-written page edited in the docs folder (watched by papersite's DocsWatcher): one rebuild
        about = root / "site_src" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nMarmots welcome.\n", encoding="utf-8")
        output.wait_for("Reloading browsers", 2)
        time.sleep(3)
        assert output.count("Building documentation") == 3, "".join(output.lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/about.html", timeout=10) as page:
            assert "Marmots welcome." in page.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_a_rebuild_renders_only_the_changed_pages_and_serves_a_clean_builds_site(tmp_path: Path) -> None:
    """`papersite serve` rebuilds dirty, incremental.py deciding which pages to render (from the record
    of the last rebuild, in memory), with what the server keeps in memory between rebuilds (the
    caches' data, the docs folder's listing, what the last generate left): after each edit (an
    abstract changed; a paper added, which changes the topic state too; a hand-written page added,
    then retitled in the nav; a theme template edited; an option changed in mkdocs.yml; the page
    removed again), the served folder is byte for byte what a clean `papersite build` of the same
    inputs (same topic state and site_url) makes, and the pipeline ran once for an edit of its inputs."""
    from test_incremental import add_a_paper, change_an_option, edit_a_template, project, rendered

    root = project(tmp_path / "project")
    listing = root / "papers" / "hf-papers-listing.txt"
    temp = tmp_path / "tmp"  # MkDocs serves from a folder it makes here (tempfile.mkdtemp)
    temp.mkdir()
    port = free_port()
    server = start_serve(root, port, TMPDIR=str(temp))
    output = Output(server.stderr)
    state = root / ".papersite" / "topics.json"
    page = root / "site_src" / "otters.md"

    def change_an_abstract() -> None:
        lines = listing.read_text(encoding="utf-8").splitlines()
        lines[5] += " We also survey marmots near tidal flats."  # the third paper's abstract
        listing.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def add_a_page() -> None:  # a file the docs folder's kept listing lacks
        page.write_text("# Otters\n\nA page written by hand about otters.\n", encoding="utf-8")

    def retitle_the_page() -> None:
        page.write_text("# Sea otters\n\nA page written by hand about sea otters.\n", encoding="utf-8")

    def edit_the_theme() -> None:  # custom_dir is not watched: the page's edit asks for the rebuild
        edit_a_template(root)
        page.write_text(page.read_text(encoding="utf-8") + "\nThey float.\n", encoding="utf-8")

    edits = [
        (change_an_abstract, 1),  # the edit, and how many times it makes the pipeline read the inputs
        (lambda: add_a_paper(root), 1),
        (add_a_page, 0),
        (retitle_the_page, 0),
        (edit_the_theme, 0),
        (lambda: change_an_option(root), 1),
        (page.unlink, 0),
    ]
    try:
        output.wait_for("Serving on")
        for number, (edit, read) in enumerate(edits, start=1):
            reads, state_before = output.count("papersite: read "), state.read_bytes()
            reloads = output.count("Reloading browsers")
            edit()
            output.wait_for("Reloading browsers", reloads + 1)
            settle(output)
            log = "".join(output.lines)
            assert output.count("papersite: read ") == reads + read, log
            if number == 1:
                first, again = [rendered(line) for line in log.splitlines() if "pages rendered" in line][:2]
                assert first[1] == 0 and again[1] > 0, log  # the first build renders all, the rebuild keeps pages
                assert again[0] < first[0] / 2, log
            elif number == 2:
                assert state.read_bytes() != state_before  # the new paper joined a topic
            assert_serves_a_clean_build(root, temp, tmp_path / f"copy{number}", port)
            shutil.rmtree(tmp_path / f"copy{number}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/marmots/", timeout=10) as served:
            assert served.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def settle(output: Output, quiet: float = 2.0) -> None:
    """Until the server has finished every build it started and logged nothing for `quiet` seconds."""
    deadline = time.monotonic() + 120
    seen = -1
    while time.monotonic() < deadline:
        now = len(output.lines)
        if now == seen and output.count("Building documentation") == output.count("Reloading browsers") + 1:
            return  # + 1: the first build logs no reload
        seen = now
        time.sleep(quiet)
    raise AssertionError("the server did not settle:\n" + "".join(output.lines))


def assert_serves_a_clean_build(root: Path, temp: Path, copy_folder: Path, port: int) -> None:
    """The folder MkDocs serves from equals the site a clean `papersite build` of a copy makes."""
    from test_incremental import assert_same_site, clean_copy

    (served,) = temp.glob("mkdocs_*")
    copy = clean_copy(root, copy_folder)
    config = copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("https://example.org/marmots/", f"http://127.0.0.1:{port}/marmots/"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build"],
        cwd=copy,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert_same_site(served, copy / "site")


def test_reading_a_watched_file_is_no_change(tmp_path: Path) -> None:
    """watchdog reports files opened and closed unwritten too: reading a paper list (as regenerating
    does) must not call back, or every regeneration would start another."""
    from generator.watch import SETTLE_SECONDS, SourceWatcher

    source = tmp_path / "papers.txt"
    source.write_text(listing(PAPERS), encoding="utf-8")
    calls: list[float] = []
    watcher = SourceWatcher([source], lambda: calls.append(time.monotonic()))
    watcher.start()
    try:
        time.sleep(0.2)
        for _ in range(5):
            source.read_text(encoding="utf-8")
        time.sleep(SETTLE_SECONDS + 0.7)
        assert calls == []
        source.write_text(listing([*PAPERS, NEW_PAPER]), encoding="utf-8")
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 1
    finally:
        watcher.observer.stop()


_started: list = []  # the plugins serve_plugin started, shut down after each test


@pytest.fixture(autouse=True)
def _shut_down_started_plugins():
    """What a started plugin sets up for a server (the caches kept in memory, a watcher) ends with the test."""
    yield
    while _started:
        _started.pop().on_shutdown()


def serve_plugin(root: Path):
    """The loaded config of root's mkdocs.yml and its papersite plugin, started as `papersite serve` starts it."""
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["papersite"]
    plugin.on_startup(command="serve", dirty=False)
    _started.append(plugin)
    return config, plugin


def docs_files(root: Path) -> dict[str, bytes]:
    docs = root / "site_src"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def test_an_edit_runs_the_pipeline_once_and_the_rebuild_takes_its_pages(tmp_path: Path, monkeypatch) -> None:
    """The watcher regenerates for an edit (here one that changes the topic state too); MkDocs' rebuild
    then finds the docs folder as that left it and generates nothing, reads nothing; its pages are
    what a fresh plugin generates from the same inputs and topic state."""
    from test_incremental import add_a_paper
    from test_uptodate import small_project

    root = small_project(tmp_path / "project", papers=30)
    collected: list[int] = []
    collect = pipeline.collect
    monkeypatch.setattr(pipeline, "collect", lambda settings: collected.append(1) or collect(settings))
    config, plugin = serve_plugin(root)
    plugin.on_pre_build(config)  # the first build
    state = root / ".papersite" / "topics.json"
    state_before = state.read_bytes()
    add_a_paper(root)
    plugin._regenerate(config)
    assert len(collected) == 2 and state.read_bytes() != state_before
    regenerated = docs_files(root)
    plugin.on_pre_build(load_config(str(root / "mkdocs.yml")))  # serve loads mkdocs.yml again for a rebuild
    assert len(collected) == 2
    assert docs_files(root) == regenerated

    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    shutil.rmtree(copy / "site_src")
    (copy / "site_src").mkdir()
    shutil.copy(root / "site_src" / "about.md", copy / "site_src" / "about.md")
    fresh_config, fresh = serve_plugin(copy)
    fresh.on_pre_build(fresh_config)
    assert docs_files(copy) == regenerated


def test_the_rebuild_generates_again_when_anything_changed_since_the_regeneration(tmp_path: Path, monkeypatch) -> None:
    """A generated page edited by hand is generated again (the catalog kept); an input edited since
    (before the watcher's next regeneration) is read again; the topic state written by anyone else too."""
    from test_incremental import add_a_paper, change_an_abstract
    from test_uptodate import small_project

    root = small_project(tmp_path / "project", papers=30)
    collected: list[int] = []
    collect = pipeline.collect
    monkeypatch.setattr(pipeline, "collect", lambda settings: collected.append(1) or collect(settings))
    config, plugin = serve_plugin(root)
    plugin.on_pre_build(config)
    add_a_paper(root)
    plugin._regenerate(config)
    regenerated = docs_files(root)
    page = root / "site_src" / "papers" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "A line written by hand.\n", encoding="utf-8")
    plugin.on_pre_build(config)
    assert len(collected) == 2 and docs_files(root) == regenerated

    change_an_abstract(root)
    plugin.on_pre_build(config)
    assert len(collected) == 3
    edited = docs_files(root)
    assert edited != regenerated

    state = root / ".papersite" / "topics.json"
    saved = state.read_text(encoding="utf-8")
    state.write_text(saved.replace("{", "{ ", 1), encoding="utf-8")  # the same topics, other bytes
    plugin.on_pre_build(config)
    assert len(collected) == 4 and docs_files(root) == edited


def test_with_the_docs_watcher_a_rebuild_looks_only_at_the_files_that_changed(tmp_path: Path, monkeypatch) -> None:
    """With papersite's DocsWatcher running (as in `papersite serve`), whether the docs folder is as the
    last generate left it is told from the files the watcher saw change, not a stat of every generated
    page; a generated page edited by hand is still generated again, and so is every page when the
    system's notifications were lost."""
    from test_incremental import change_an_abstract
    from test_uptodate import small_project

    from generator import plugin as plugin_module
    from generator.watch import DocsWatcher

    root = small_project(tmp_path / "project", papers=30)
    collected: list[int] = []
    collect = pipeline.collect
    monkeypatch.setattr(pipeline, "collect", lambda settings: collected.append(1) or collect(settings))
    config, plugin = serve_plugin(root)
    plugin.docs_watcher = watcher = DocsWatcher(root / "site_src", plugin._docs_changed)
    watcher.start()
    looked_at: list[str] = []
    stat_name = plugin_module._stat_name
    monkeypatch.setattr(plugin_module, "_stat_name", lambda folder, name: looked_at.append(name) or stat_name(folder, name))
    try:
        plugin.on_pre_build(config)  # the first build: every page looked at
        pages = len(plugin.generated_pages)
        assert len(looked_at) >= pages + 1  # and the manifest
        time.sleep(0.5)  # the watcher has seen that generate's writes (they are looked at again, and found as they were)
        change_an_abstract(root)
        plugin._regenerate(config)
        assert len(collected) == 2
        written = set(plugin.report.written)
        assert 0 < len(written) < pages / 2
        regenerated = docs_files(root)
        time.sleep(0.5)  # the watcher has seen the regeneration's own writes
        looked_at.clear()
        plugin.on_pre_build(load_config(str(root / "mkdocs.yml")))  # MkDocs' rebuild: nothing to do
        assert len(collected) == 2 and docs_files(root) == regenerated
        assert set(looked_at) <= written | {".papersite-manifest.json"} and len(looked_at) < pages / 2

        page = root / "site_src" / "papers" / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + "A line written by hand.\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while (
            "papers/index.md" not in (watcher.peek_changed(plugin_module.GENERATED_PAGES) or set())
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        plugin.on_pre_build(config)
        assert docs_files(root) == regenerated  # generated again (the catalog kept)

        time.sleep(0.5)
        plugin.on_pre_build(config)
        assert docs_files(root) == regenerated
        page.write_text(page.read_text(encoding="utf-8") + "Another line by hand.\n", encoding="utf-8")
        time.sleep(0.5)
        watcher.take_changed(plugin_module.GENERATED_PAGES)  # the notification dropped ...
        watcher.lose_changes()  # ... as the system says when its queue overflowed
        looked_at.clear()
        plugin.on_pre_build(config)
        assert docs_files(root) == regenerated and len(looked_at) > pages
    finally:
        watcher.stop()


def test_late_notifications_of_generates_own_writes_ask_for_no_second_rebuild(tmp_path: Path) -> None:
    """The watcher's thread may deliver the notifications of generate's writes after generate has ended
    (seen on a loaded machine as two rebuilds for one edit, and as none when all came late): the
    regeneration asks for one rebuild from what it wrote, its notifications for none; a generated page
    edited by hand, a new hand-written file, and a removed paper's page put back each ask for one."""
    from test_uptodate import small_project

    from generator.watch import DocsWatcher
    from generator.write import MANIFEST_NAME, TEMP_DIR_NAME

    root = small_project(tmp_path / "project", papers=30)
    docs = root / "site_src"
    config, plugin = serve_plugin(root)
    plugin.docs_watcher = DocsWatcher(docs, plugin._docs_changed)  # not started: the test delivers its notifications
    requested: list[int] = []
    plugin.request_rebuild = lambda: requested.append(1)
    plugin.on_pre_build(config)
    listing = root / "papers" / "hf-papers-listing.txt"
    listing.write_text("".join(listing.read_text(encoding="utf-8").splitlines(keepends=True)[:-2]), encoding="utf-8")
    plugin._regenerate(config)  # the last paper removed; no notification delivered while it ran
    written, removed = set(plugin.report.written), set(plugin.report.removed)
    assert written and len(removed) == 1 and requested == [1]

    plugin._docs_changed(written | removed | {MANIFEST_NAME, f"{TEMP_DIR_NAME}/page.md"})  # late, all generate's own
    assert requested == [1]
    plugin._regenerate(config)  # nothing changed since: no rebuild
    assert requested == [1]

    page = sorted(written - {MANIFEST_NAME})[0]
    (docs / page).write_text((docs / page).read_text(encoding="utf-8") + "A line by hand.\n", encoding="utf-8")
    plugin._docs_changed({page})
    assert requested == [1, 1]

    (docs / "notes.md").write_text("# Notes\n", encoding="utf-8")
    plugin._docs_changed({"notes.md"})
    assert requested == [1, 1, 1]

    (gone,) = removed
    (docs / gone).write_text("# Back\n", encoding="utf-8")
    plugin._docs_changed({gone})
    assert requested == [1, 1, 1, 1]
