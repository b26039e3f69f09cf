"""Pages converted ahead in worker processes (generator/prerender.py) make the same site, byte for byte."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from sitebuild import make_project, papersite

from generator import prerender


def with_workers(root: Path, workers: int) -> Path:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - papersite:\n", f"  - papersite:\n      build_workers: {workers}\n", 1), encoding="utf-8")
    return root


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def assert_same_site(one: Path, other: Path) -> None:
    ours, theirs = site_files(one), site_files(other)
    assert sorted(ours) == sorted(theirs)
    differing = [name for name in ours if ours[name] != theirs[name]]
    assert differing == []


def test_the_site_built_in_parallel_is_the_serial_site_byte_for_byte(tmp_path):
    serial = with_workers(make_project(tmp_path / "serial"), 1)
    parallel = with_workers(make_project(tmp_path / "parallel"), 2)
    for root in (serial, parallel):
        done = papersite(root, "build")
        assert done.returncode == 0, done.stderr
    pages = list((parallel / "site" / "papers").glob("*.html"))
    assert len(pages) > 2 * prerender.PAGES_PER_TASK  # enough pages for the workers to convert some
    assert_same_site(serial / "site", parallel / "site")

    # plain `mkdocs build` runs the same plugin, workers and all
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    (parallel / "site").rename(parallel / "site-papersite")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=parallel, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert_same_site(parallel / "site-papersite", parallel / "site")


@pytest.fixture
def tiny_site(tmp_path) -> tuple[object, Files]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "page.md").write_text(
        "# A page\n\n## Part one\n\n[home](index.md) [gone](missing.md) [part](index.md#nowhere)\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: Tiny\ndocs_dir: docs\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.validation.anchors = logging.INFO
    files = Files([File(name, str(docs), str(tmp_path / "site"), False) for name in ("index.md", "page.md")])
    return config, files


def test_a_conversion_sets_what_render_sets_and_replays_its_warnings(tiny_site, caplog):
    config, files = tiny_site
    file = files.get_file_from_path("page.md")
    done = prerender.convert(Page(None, file, config), config, files)
    assert [line.message for line in done.log if line.level >= logging.WARNING] == [
        "Doc file 'page.md' contains a link 'missing.md', but the target is not found among documentation files."
    ]

    page = prerender.PrerenderedPage(None, file, config)
    page.read_source(config)
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        prerender.apply_conversion(page, done, files)
    assert "missing.md" in caplog.text

    reference = Page(None, file, config)
    reference.read_source(config)
    reference.render(config, files)
    assert page.content == reference.content
    assert [(a.title, a.id) for a in page.toc] == [(a.title, a.id) for a in reference.toc]
    assert page.title == reference.title == "A page"
    assert page.present_anchor_ids == reference.present_anchor_ids
    assert {f.src_uri: links for f, links in page.links_to_anchors.items()} == {"index.md": {"nowhere": "index.md#nowhere"}}


def test_a_worker_reusing_one_converter_sets_what_render_sets_on_every_page(tiny_site, monkeypatch):
    """A worker converts page after page with one Markdown converter (render_markdown): nothing of a
    page (ids of its headings, stashed HTML, code blocks, links) leaks into the next."""
    config, files = tiny_site
    docs = Path(config.docs_dir)
    (docs / "other.md").write_text(
        "# Other\n\n## Part one\n\n<div>raw</div>\n\n```\ncode\n```\n\n[page](page.md#part-one)\n", encoding="utf-8"
    )
    files.append(File("other.md", str(docs), config.site_dir, False))
    monkeypatch.setattr(prerender, "_worker_site", prerender.WorkerSite(config, files))
    monkeypatch.setattr(prerender, "_converter", None)
    for name in ("page.md", "other.md", "index.md", "other.md", "page.md"):
        file = files.get_file_from_path(name)
        page = Page(None, file, config)
        page.read_source(config)
        prerender.render_markdown(page, config, files)
        reference = Page(None, file, config)
        reference.read_source(config)
        reference.render(config, files)
        assert page.content == reference.content, name
        assert [(a.title, a.id) for a in page.toc] == [(a.title, a.id) for a in reference.toc]
        assert page.title == reference.title and page.present_anchor_ids == reference.present_anchor_ids
        assert page.links_to_anchors == reference.links_to_anchors
    assert prerender._converter is not None  # the reused converter did the work


def test_a_page_whose_markdown_changed_since_is_converted_again(tiny_site):
    config, files = tiny_site
    file = files.get_file_from_path("page.md")
    done = prerender.convert(Page(None, file, config), config, files)

    class Ready:
        def take(self, path: str) -> prerender.Conversion:
            return done

    page = prerender.PrerenderedPage(None, file, config)
    page.prerenderer = Ready()  # type: ignore[assignment]
    page.read_source(config)
    page.markdown = page.markdown + "\nA line a plugin added.\n"
    page.render(config, files)
    assert "A line a plugin added." in page.content
