"""The changed set (generator/changes.py) and render's delta path (render.PaperStates): after each
edit of a sequence, the pages a build with warm caches writes are those a build without any cache
writes, in check mode (every paper page the delta path kept is digested too, and must have the kept
digest), and the delta path really kept the pages the edit did not touch."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sitebuild import REPO

from generator import changes, pipeline, render
from generator.config import settings_for
from generator.model import Paper, Source
from generator.paths import PAPERS_INDEX

sys.path.insert(0, str(REPO))
from bench.synthetic import records as synthetic_records  # noqa: E402

PAPERS = 80
Records = list[dict[str, object]]


def paper(title: str, path: str = "a.json", line: int = 1, **fields: object) -> Paper:
    return Paper(title=title, source=Source(path, line), **fields)  # type: ignore[arg-type]


def test_keys_of_merged_papers_are_unknown() -> None:
    one, two, three = paper("One"), paper("Two"), paper("Three", merged_from=(Source("b.json", 3),))
    keys = changes.paper_keys([one, two], {id(one): b"1", id(two): b"2"}, [one, three, two])
    assert keys == [(b"1", "a.json"), None, (b"2", "a.json")]


def test_changes_by_slug() -> None:
    before = {"a": (b"1", "x"), "b": (b"2", "x"), "c": (b"3", "x"), "m": None}
    first = changes.catalog_changes(None, before)
    assert first.everything and first.previous_generation is None and first.added == set(before)
    kept = (first.generation, before)
    same = changes.catalog_changes(kept, dict(before))
    assert (same.added, same.changed, same.removed, same.everything) == (set(), {"m"}, set(), False)
    assert same.generation == same.previous_generation == first.generation
    after = {"a": (b"1", "x"), "b": (b"2", "y"), "d": (b"4", "x"), "m": None}
    edited = changes.catalog_changes(kept, after)
    assert (edited.added, edited.changed, edited.removed) == ({"d"}, {"b", "m"}, {"c"})
    assert edited.previous_generation == first.generation != edited.generation
    assert edited.touched() == {"b", "d", "m"}


# The edits, on the records of papers.json (bench/synthetic.py's collection).
def change_an_abstract(records: Records) -> None:
    records[7]["abstract"] = str(records[7]["abstract"]) + " A sentence added about tidal marmots."


def add_a_paper(records: Records) -> None:
    records.insert(
        12,
        {
            "title": "Marmots That Count Waves",
            "abstract": "Marmots count waves on tidal flats.",
            "authors": ["Ada Marmot", records[3]["authors"][0]],
        },
    )  # type: ignore[index]


def remove_a_paper(records: Records) -> None:
    del records[20]


def retitle(records: Records) -> None:
    records[5]["title"] = "A Retitled Study of Language Models"


def recase_a_title(records: Records) -> None:
    """Another title with the same slug (and words): the pages listing it as related show the new one."""
    records[11]["title"] = str(records[11]["title"]).upper()


def add_a_twin(records: Records) -> None:
    """A paper with the title of an earlier one, above it: the earlier one's slug gets -2."""
    records.insert(2, {"title": records[9]["title"], "abstract": "Another paper of that title, about marmots entirely."})


def remove_the_twin(records: Records) -> None:
    del records[2]


def add_a_duplicate(records: Records) -> None:
    """A record of the same work as another (its arXiv id): merged into it."""
    first = next(record for record in records if "arxiv_id" in record)
    records.append({"title": first["title"], "arxiv_id": first["arxiv_id"], "abstract": str(first["abstract"]) + " Longer."})


def move_an_author(records: Records) -> None:
    """An author of one paper added to another: an entry of the directory appears, anchors and pages move."""
    records[1]["authors"] = [*records[1]["authors"], "Zed Aardvark"]  # type: ignore[misc]
    records[30]["authors"] = ["Zed Aardvark", *records[30]["authors"]]  # type: ignore[misc]


def drop_the_author(records: Records) -> None:
    records[30]["authors"] = records[30]["authors"][1:]  # type: ignore[index]


def reorder(records: Records) -> None:
    records.reverse()


EDITS: list[tuple[str, Callable[[Records], None]]] = [
    ("abstract", change_an_abstract),
    ("added", add_a_paper),
    ("removed", remove_a_paper),
    ("retitled", retitle),
    ("recased title", recase_a_title),
    ("twin added", add_a_twin),
    ("twin removed", remove_the_twin),
    ("duplicate", add_a_duplicate),
    ("author entry", move_an_author),
    ("author entry gone", drop_the_author),
    ("reordered", reorder),
]


def write_records(root: Path, records: Records) -> None:
    (root / "papers.json").write_text(json.dumps(records, indent=1), encoding="utf-8")


def build(root: Path, cache: bool, topics_file: str = "", page_size: int = 10) -> dict[str, str]:
    """collect + generate in root (its topic state kept there); the generated pages by path."""
    options: dict[str, object] = {
        "sources": ["papers.json"],
        "topic_state": ".papersite/topics.json",
        "listing_page_size": page_size,
    }
    if cache:
        options["cache_folder"] = ".papersite/cache"
    if topics_file:
        options["topics_file"] = topics_file
    settings = settings_for(root, **options)
    docs = root / "site_src"
    pipeline.generate(pipeline.collect(settings), settings, docs, "Marmots")
    return {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in sorted(docs.rglob("*.md"))}


def clean_build(root: Path, copy: Path, **options: object) -> dict[str, str]:
    """A build without caches in a copy of root with its topic state as it is now."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("cache", "site_src"))
    return build(copy, cache=False, **options)  # type: ignore[arg-type]


@pytest.fixture
def kept(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(paper pages kept by the delta path, paper pages) of each build."""
    found: list[tuple[int, int]] = []
    known_digests = render.PaperStates.known_digests

    def counted(self: render.PaperStates, current: render.PaperStates, delta: changes.CatalogChanges) -> dict[str, str]:
        known = known_digests(self, current, delta)
        found.append((len(known), len(current.papers)))
        return known

    monkeypatch.setattr(render.PaperStates, "known_digests", counted)
    monkeypatch.setenv(changes.CHECK_VARIABLE, "1")
    return found


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The listing pages whose digest the delta path kept (render.PageCache.known_listing)."""
    found: list[str] = []
    known_listing = render.PageCache.known_listing

    def counted(self: render.PageCache, path: str, key: object, entries: object) -> str | None:
        digest = known_listing(self, path, key, entries)  # type: ignore[arg-type]
        if digest is not None:
            found.append(path)
        return digest

    monkeypatch.setattr(render.PageCache, "known_listing", counted)
    return found


def test_warm_builds_after_each_edit_write_what_clean_builds_write(
    tmp_path: Path, kept: list[tuple[int, int]], listings: list[str]
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    records = synthetic_records(PAPERS)
    write_records(root, records)
    build(root, cache=True)
    assert kept == [] and listings == []  # nothing kept before: no delta path
    warm = build(root, cache=True)
    assert warm == clean_build(root, tmp_path / "clean")
    assert kept[-1] == (PAPERS, PAPERS)  # nothing changed: every page kept
    # every page of All papers, and of each topic every page but the first (it draws a map)
    all_papers = {path for path in warm if path == PAPERS_INDEX or path.startswith("papers/index/")}
    topics_later = {path for path in warm if path.startswith("topics/") and path.count("/") == 2}
    assert len(all_papers) > 2 and topics_later and set(listings) == all_papers | topics_later
    for name, edit in EDITS:
        edit(records)
        write_records(root, records)
        warm = build(root, cache=True)
        assert warm == clean_build(root, tmp_path / "clean"), name
        kept_pages, pages = kept[-1]
        # an author entry that appears or vanishes moves the directory's anchors and pages of others
        least = 0 if name == "reordered" else pages // 2 if name.startswith("author") else pages - 25
        assert least <= kept_pages < pages, (name, kept_pages, pages)


def test_global_changes_take_the_full_path_or_keep_what_they_may(tmp_path: Path, kept: list[tuple[int, int]]) -> None:
    """A topic relabelled, another listing page size (the directory's pages), a damaged or missing cache."""
    root = tmp_path / "project"
    root.mkdir()
    write_records(root, synthetic_records(PAPERS))
    build(root, cache=True)
    topics = json.loads((root / ".papersite" / "topics.json").read_text(encoding="utf-8"))
    topic = topics["topics"][0] if isinstance(topics, dict) else topics[0]
    (root / "topics.yml").write_text(f"rename:\n  {topic['slug']}: Marmots and their waves\n", encoding="utf-8")
    warm = build(root, cache=True, topics_file="topics.yml")
    assert warm == clean_build(root, tmp_path / "clean", topics_file="topics.yml")
    assert any("Marmots and their waves" in text for path, text in warm.items() if path.startswith("papers/"))
    assert kept[-1][0] < kept[-1][1]
    warm = build(root, cache=True, topics_file="topics.yml", page_size=20)
    assert warm == clean_build(root, tmp_path / "clean", topics_file="topics.yml", page_size=20)
    for name in (changes.CATALOG_KEYS, pipeline.PAPER_STATES):
        path = root / ".papersite" / "cache" / name
        path.write_bytes(path.read_bytes()[:-20] + b"damaged" * 3)
        kept.clear()
        assert build(root, cache=True, topics_file="topics.yml", page_size=20) == warm
        assert all(known == 0 for known, _ in kept), name  # a damaged cache: the full path
        assert build(root, cache=True, topics_file="topics.yml", page_size=20) == warm
        assert kept[-1] == (PAPERS, PAPERS), name  # saved again


def states(papers: dict[str, tuple[tuple[str, ...], render.RelatedRow]], **given: object) -> render.PaperStates:
    values: dict[str, object] = {
        "generation": "g1",
        "shared": ("template", False),
        "labels": {"t": "Tides", "u": "Waves"},
        "places": {"ada": (("authors/index.md", "ada"), ("a", "b"))},
    }
    values.update(given)
    rows = {slug: (topics, related, f"digest of {slug}") for slug, (topics, related) in papers.items()}
    return render.PaperStates(papers=rows, **values)  # type: ignore[arg-type]


PAPER_ROWS: dict[str, tuple[tuple[str, ...], render.RelatedRow]] = {
    "a": (("t",), (("b", 0.5, "both about tides"),)),
    "b": (("t", "u"), (("a", 0.5, "both about tides"),)),
    "c": (("u",), ()),
    "d": ((), (("c", 0.25, ""),)),
}


@pytest.mark.parametrize(
    ("name", "current", "touched", "kept"),
    [
        ("nothing", {}, set(), "abcd"),
        ("record", {}, {"c"}, "ab"),  # c's record, and d lists c (its title may have changed)
        ("topics", {"papers": {**PAPER_ROWS, "c": ((), ())}}, set(), "abd"),
        ("related", {"papers": {**PAPER_ROWS, "a": (("t",), (("b", 0.5, "other words"),))}}, set(), "bcd"),
        ("label", {"labels": {"t": "Tides", "u": "Swell"}}, set(), "ad"),
        ("label gone", {"labels": {"t": "Tides"}}, set(), "ad"),
        ("place", {"places": {"ada": (("authors/index-2.md", "ada"), ("a", "b"))}}, set(), "cd"),
        ("entry gone", {"places": {}}, set(), "cd"),
        (
            "entry new",
            {"places": {"ada": (("authors/index.md", "ada"), ("a", "b")), "bo": (("x", "bo"), ("c", "d"))}},
            set(),
            "ab",
        ),
        ("entry's papers only", {"places": {"ada": (("authors/index.md", "ada"), ("a", "b", "c"))}}, set(), "abcd"),
        ("template", {"shared": ("other", False)}, set(), ""),
        ("url style", {"shared": ("template", True)}, set(), ""),
        ("another generation", {"generation": "g0"}, set(), ""),
    ],
)
def test_known_digests_keep_only_pages_whose_inputs_are_the_recorded_ones(name, current, touched, kept) -> None:
    recorded = states(PAPER_ROWS, generation="g0" if name == "another generation" else "g1")
    current = dict(current)
    current.pop("generation", None)
    now = states(current.pop("papers", PAPER_ROWS), generation="g2", **current)
    delta = changes.CatalogChanges(frozenset(), frozenset(touched), frozenset(), False, "g1", "g2")
    assert "".join(sorted(recorded.known_digests(now, delta))) == kept, name
    assert all(digest == f"digest of {slug}" for slug, digest in recorded.known_digests(now, delta).items())
    everything = changes.CatalogChanges(frozenset(), frozenset(), frozenset(), True, None, "g2")
    assert recorded.known_digests(now, everything) == {}
