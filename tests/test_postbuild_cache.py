"""What papersite writes after MkDocs (plugin.on_post_build): the search index, papers.json, the
feeds and the digests. After each kind of edit, an incremental build with warm caches (the search
index's terms, search_index.TermCache) leaves the site byte for byte what a build without any cache
or record makes, a damaged cache file included; an output whose bytes are unchanged is left as it
is (its modification time too), and the incremental build does not take it for a stale file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from test_incremental import assert_same_site, build, paper_lines, project, rendered, write_lines

from generator.paths import PAPERS_JSON, SEARCH_INDEX
from generator.plugin import FEEDS_CACHE, PAPERS_JSON_CACHE, SEARCH_TERMS_CACHE

CACHE = Path(".papersite") / "cache"
PAIRS = 2  # the listing's chrome lines before its title / abstract pairs


def pairs(root: Path) -> list[list[str]]:
    lines = paper_lines(root)
    return [lines[i : i + 2] for i in range(PAIRS, len(lines), 2)]


def write_pairs(root: Path, papers: list[list[str]]) -> None:
    write_lines(root, paper_lines(root)[:PAIRS] + [line for pair in papers for line in pair])


def add_a_paper_in_the_middle(root: Path) -> None:
    papers = pairs(root)
    middle = len(papers) // 2
    write_pairs(root, [*papers[:middle], ["Marmots Counting Waves", "Marmots count waves on tidal flats."], *papers[middle:]])


def change_an_abstract(root: Path) -> None:
    papers = pairs(root)
    papers[3][1] += " A sentence added about tidal marmots."
    write_pairs(root, papers)


def change_a_title(root: Path) -> None:
    papers = pairs(root)
    papers[5][0] = "A Title Rewritten About Hibernating Marmots"
    write_pairs(root, papers)


def remove_a_paper(root: Path) -> None:
    write_pairs(root, [pair for pair in pairs(root) if pair[0] != "Marmots Counting Waves"])


def reorder(root: Path) -> None:
    write_pairs(root, pairs(root)[::-1])


def damage_the_cache(root: Path) -> None:
    for name in (f"{SEARCH_TERMS_CACHE}-docs-03", f"{PAPERS_JSON_CACHE}-07", FEEDS_CACHE):
        path = root / CACHE / name
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    change_an_abstract(root)


EDITS: list[Callable[[Path], None]] = [
    add_a_paper_in_the_middle,
    change_an_abstract,
    change_a_title,
    remove_a_paper,
    reorder,
    damage_the_cache,
]


def cold_copy(root: Path, copy: Path) -> Path:
    """The project as it is now without its site, build records and caches: a build from nothing
    (the topic state and digest folder are state, kept)."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", "build.json", "build-pages.pickle", "cache"))
    assert not (copy / CACHE).exists()
    return copy


def test_outputs_built_with_warm_caches_are_those_built_without_any(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSITE_TODAY", "2031-03-04")
    root = project(tmp_path / "project")
    build(root)
    for step, edit in enumerate(EDITS):
        edit(root)
        cold = cold_copy(root, tmp_path / f"cold-{step}")
        with ThreadPoolExecutor(2) as both:
            warm_build, cold_build = both.submit(build, root), both.submit(build, cold)
            kept = rendered(warm_build.result())[1]
            cold_build.result()
        assert kept > 0, edit.__name__  # an incremental build, with its caches
        assert all((root / CACHE / name).is_file() for name in (SEARCH_TERMS_CACHE, f"{PAPERS_JSON_CACHE}-31", FEEDS_CACHE)), (
            edit.__name__
        )
        for output in (SEARCH_INDEX, PAPERS_JSON):
            assert (root / "site" / output).read_bytes() == (cold / "site" / output).read_bytes(), f"{edit.__name__}: {output}"
        assert_same_site(root / "site", cold / "site")  # the feeds and digests too, and nothing left over
        shutil.rmtree(cold)


def outputs(site: Path) -> dict[str, int]:
    """The modification times of what papersite writes after MkDocs."""
    found = [site / SEARCH_INDEX, site / PAPERS_JSON, *(site / "feeds").rglob("*.xml"), *(site / "digest").glob("*")]
    return {path.relative_to(site).as_posix(): path.stat().st_mtime_ns for path in found}


def test_outputs_whose_bytes_are_unchanged_are_left_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSITE_TODAY", "2031-03-04")
    root = project(tmp_path / "project")
    build(root)
    before = outputs(root / "site")
    assert SEARCH_INDEX in before and PAPERS_JSON in before and any(name.startswith("feeds/") for name in before)
    about = root / "site_src" / "about.md"  # a hand-written page: the catalog, so every output, is the same
    about.write_text(about.read_text(encoding="utf-8") + "\nMarmots welcome.\n", encoding="utf-8")
    build(root)
    assert outputs(root / "site") == before
    assert "Marmots welcome." in (root / "site" / "about.html").read_text(encoding="utf-8")
    cold = cold_copy(root, tmp_path / "cold")
    build(cold)
    assert_same_site(root / "site", cold / "site")
