"""The read stage's cache (generator/read_cache.py): a read with a warm cache equals a read without one.

For each format, a sequence of edits (add a paper in the middle, change an abstract, change a title,
remove a paper, reorder, an entry becoming invalid and valid again); after each, the papers and
problems read with the cache kept from the previous reads are compared whole with a read with no
cache. A damaged cache file gives the same result too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import cache, read_cache
from generator.config import SourceSpec, settings_for
from generator.pipeline import read_all, read_checked
from generator.readers import common
from generator.readers import records as record_reader

Record = dict[str, str]

ABSTRACT = (
    "We study {topic} with \\emph{{sparse}} attention and $O(n \\log n)$ cost, caf\\'e-style. "
    "Our method improves {topic} by a wide margin on five benchmarks. Code: https://github.com/x/{n}."
)


def forget_names() -> None:
    """No author name parsed or remembered, no record read (readers/common.py, readers/records.py)
    in this process, as in a new one."""
    common._parsed_names.clear()
    common._known_names.clear()
    record_reader._read_records.clear()


@pytest.fixture(autouse=True)
def a_new_process() -> None:
    """Each test starts as a new process would: nothing read before (the caches are on disk only)."""
    forget_names()


def cold_read(source: Path):
    """read_all with no cache folder, and no author name parsed before in this process (readers/common.py)."""
    forget_names()
    return read_all([SourceSpec(source)])


def records_of(cache_folder: Path) -> list[bytes]:
    """The keys of the normalised records kept in cache_folder."""
    return list(cache.SavedRows(cache_folder / f"{read_cache.CACHE_FILE}-records", read_cache.CACHE_KEY).previous or ())


def records(count: int) -> list[Record]:
    return [
        {
            "title": f"Learning {topic} with \\textbf{{Transformers}} {n}",
            "abstract": ABSTRACT.format(topic=topic, n=n),
            "authors": f"Ada Lovelace and M{n} Curie",
            "arxiv": f"2401.{10000 + n:05d}",
        }
        for n, topic in enumerate(["vision", "speech", "robots", "graphs", "proteins", "games", "code", "maps"] * (count // 8))
    ]


def write_hf(path: Path, papers: list[Record]) -> None:
    items = [
        {
            "paper": {
                "id": p["arxiv"],
                "title": p["title"],
                "summary": p["abstract"],
                "authors": [{"name": name} for name in p["authors"].split(" and ")],
                "upvotes": 3,
            }
        }
        for p in papers
    ]
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")


def write_records(path: Path, papers: list[Record]) -> None:
    items = [
        {"title": p["title"], "abstract": p["abstract"], "authors": p["authors"].split(" and "), "arxiv_id": p["arxiv"]}
        for p in papers
    ]
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")


def write_bibtex(path: Path, papers: list[Record]) -> None:
    entries = [
        f"@article{{key{i},\n  title = {{{p['title']}}},\n  author = {{{p['authors']}}},\n"
        f"  abstract = {{{p['abstract']}}},\n  eprint = {{{p['arxiv']}}},\n  journal = macro,\n}}\n"
        for i, p in enumerate(papers)
    ]
    path.write_text('@string{macro = "Journal of \\"Things\\""}\n\n' + "\n".join(entries), encoding="utf-8")


def write_listing(path: Path, papers: list[Record]) -> None:
    lines = [line for p in papers for line in (p["title"], (p["abstract"] + " ") * 2 if p["abstract"] else "")]
    path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")


def write_csl(path: Path, papers: list[Record]) -> None:
    items = [
        {
            "id": f"item{i}",
            "type": "article-journal",
            "title": p["title"],
            "abstract": p["abstract"],
            "author": [{"given": n.split()[0], "family": n.split()[-1]} for n in p["authors"].split(" and ")],
        }
        for i, p in enumerate(papers)
    ]
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")


WRITERS: dict[str, tuple[str, Callable[[Path, list[Record]], None]]] = {
    "hf": ("papers.json", write_hf),
    "records": ("records.json", write_records),
    "bibtex": ("papers.bib", write_bibtex),
    "listing": ("papers.txt", write_listing),
    "csl-json": ("papers.csl.json", write_csl),
}


def edits() -> list[tuple[str, Callable[[list[Record]], list[Record]]]]:
    def add_in_middle(ps: list[Record]) -> list[Record]:
        new = dict(ps[3], title="Tidal Marmots \\& Friends", arxiv="2402.00001")
        return [*ps[:4], new, *ps[4:]]

    def change_abstract(ps: list[Record]) -> list[Record]:
        return [dict(p, abstract=p["abstract"] + " We also survey marmots.") if i == 6 else p for i, p in enumerate(ps)]

    def change_title(ps: list[Record]) -> list[Record]:
        return [dict(p, title="A Renamed Paper on $\\alpha$-Marmots") if i == 2 else p for i, p in enumerate(ps)]

    def invalid(ps: list[Record]) -> list[Record]:
        return [dict(p, title="") if i == 5 else p for i, p in enumerate(ps)]

    def valid_again(ps: list[Record]) -> list[Record]:
        return [dict(p, title="Back Again") if not p["title"] else p for p in ps]

    def duplicate(ps: list[Record]) -> list[Record]:
        return [*ps, dict(ps[1])]

    return [
        ("add in the middle", add_in_middle),
        ("change an abstract", change_abstract),
        ("change a title", change_title),
        ("remove a paper", lambda ps: ps[:7] + ps[8:]),
        ("reorder", lambda ps: ps[::-1]),
        ("an entry becomes invalid", invalid),
        ("and valid again", valid_again),
        ("a duplicate", duplicate),
        ("nothing changed", lambda ps: ps),
    ]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_warm_cache_reads_what_a_cold_read_reads(tmp_path: Path, name: str) -> None:
    file_name, write = WRITERS[name]
    source, cache_folder = tmp_path / file_name, tmp_path / "cache"
    papers = records(16)
    write(source, papers)
    first = read_all([SourceSpec(source)], cache_folder)
    assert first == cold_read(source) and len(first[0]) == 16
    for edit_name, edit in edits():
        papers = edit(papers)
        write(source, papers)
        forget_names()  # a new process: the names come from the cache folder
        warm = read_all([SourceSpec(source)], cache_folder)
        assert warm == cold_read(source), f"{name}: {edit_name}"


def test_one_changed_record_is_normalised_again_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, cache_folder = tmp_path / "papers.json", tmp_path / "cache"
    papers = records(16)
    write_hf(source, papers)
    read_all([SourceSpec(source)], cache_folder)
    normalised: list[str] = []
    real = read_cache.normalise
    monkeypatch.setattr(read_cache, "normalise", lambda paper: normalised.append(paper.title) or real(paper))
    papers[9]["abstract"] += " A new sentence."
    write_hf(source, [papers[0], dict(papers[0], title="Inserted"), *papers[1:]])
    warm = read_all([SourceSpec(source)], cache_folder)
    assert normalised == ["Inserted", papers[9]["title"]]
    monkeypatch.undo()
    assert warm == read_all([SourceSpec(source)])
    assert [p.source.line for p in warm[0]] == [p.source.line for p in read_all([SourceSpec(source)])[0]]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_cache_reads_the_same(tmp_path: Path, damage: str) -> None:
    source, cache_folder = tmp_path / "papers.json", tmp_path / "cache"
    write_records(source, records(16))
    read_all([SourceSpec(source)], cache_folder)
    cache_file = cache_folder / f"{read_cache.CACHE_FILE}-records-{cache.shard_of(records_of(cache_folder)[0]):02d}"
    raw = cache_file.read_bytes()
    cache_file.write_bytes(
        {"garbage": raw[:100] + b"\x00junk" + raw[105:], "truncated": raw[: len(raw) // 2], "empty": b""}[damage]
    )
    forget_names()
    assert read_all([SourceSpec(source)], cache_folder) == cold_read(source)
    assert cache_file.read_bytes() == raw  # recomputed and saved again


def test_read_checked_keeps_the_cache_in_the_cache_folder(tmp_path: Path) -> None:
    source = tmp_path / "papers.txt"
    write_listing(source, records(8))
    settings = settings_for(tmp_path, sources=[str(source)], cache_folder="cache")
    assert read_checked(settings) == read_all([SourceSpec(source)])[0]
    assert records_of(tmp_path / "cache")
    assert read_checked(settings) == read_all([SourceSpec(source)])[0]


def test_a_warm_read_parses_only_the_new_author_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The names the last read parsed are kept in the cache folder: a new process parses only new names,
    and what it reads equals a cold read."""
    source, cache_folder = tmp_path / "papers.json", tmp_path / "cache"
    papers = records(16)
    write_records(source, papers)
    read_all([SourceSpec(source)], cache_folder)
    forget_names()
    parsed: list[str] = []
    real = common._parse_name
    monkeypatch.setattr(common, "_parse_name", lambda name: parsed.append(name) or real(name))
    write_records(source, [*papers, dict(papers[3], title="Tidal Marmots", authors="Ada Lovelace and Grace  Hopper")])
    warm = read_all([SourceSpec(source)], cache_folder)
    assert parsed == ["Grace Hopper"]
    monkeypatch.undo()
    assert warm == cold_read(source)
    assert set(cache.SavedRows(cache_folder / f"{read_cache.CACHE_FILE}-names", read_cache.CACHE_KEY).previous or ()) == {
        "Ada Lovelace",
        "Grace Hopper",
    }  # the names of this read only: the other records were looked up whole (readers/records.py)


@pytest.mark.parametrize("damage", [None, "garbage"])
def test_a_warm_read_builds_only_the_changed_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage) -> None:
    """A new process reading a file of our own records with one record changed, one inserted, one
    made invalid builds the papers of those alone (readers/records.py), and reads what a cold read
    reads: papers, sources and problems; with a damaged cache, every record is built again."""
    source, cache_folder = tmp_path / "papers.json", tmp_path / "cache"
    papers = records(16)
    write_records(source, papers)
    read_all([SourceSpec(source)], cache_folder)
    if damage:
        for cache_file in cache_folder.glob(f"{read_cache.CACHE_FILE}-*"):
            cache_file.write_bytes(cache_file.read_bytes()[:-50])
    forget_names()
    built: list[str] = []
    real = record_reader._paper
    monkeypatch.setattr(record_reader, "_paper", lambda fields, *rest: built.append(fields["title"]) or real(fields, *rest))
    papers[9]["abstract"] += " A new sentence."
    papers[4]["arxiv"] = "not an id"  # a warning at its line
    items = [dict(p, arxiv_id=p["arxiv"], authors=p["authors"].split(" and ")) for p in papers]
    for item in items:
        del item["arxiv"]
    items.insert(2, {"title": "Inserted", "colour": "teal"})  # an unknown field: a warning
    source.write_text(json.dumps(items, indent=1), encoding="utf-8")
    warm = read_all([SourceSpec(source)], cache_folder)
    changed = ["Inserted", papers[4]["title"], papers[9]["title"]]
    assert sorted(built) == sorted(changed) if not damage else len(built) == 17
    monkeypatch.undo()
    cold = cold_read(source)
    assert warm == cold
    assert [p.source for p in warm[0]] == [p.source for p in cold[0]]
    assert any("colour" in p.message for p in warm[1]) and any(p.line > 1 and "not an id" in p.message for p in warm[1])


def test_a_collection_of_files_reads_only_the_file_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five files, one per format; each edit of the sequence goes to one of them in turn. Only that file
    is read again (none when its bytes did not change), and the whole read (papers, problems with their files
    and lines, merges across files) equals a cold read."""
    cache_folder = tmp_path / "cache"
    names = sorted(WRITERS)
    collection = {name: records(16) for name in names}
    sources = [SourceSpec(tmp_path / WRITERS[name][0]) for name in names]
    for name in names:
        WRITERS[name][1](tmp_path / WRITERS[name][0], collection[name])
    read_all(sources, cache_folder)
    reads: list[str] = []
    real = read_cache.read_file
    monkeypatch.setattr(read_cache, "read_file", lambda path, fmt: reads.append(path.name) or real(path, fmt))
    for number, (edit_name, edit) in enumerate(edits()):
        name = names[number % len(names)]
        collection[name] = edit(collection[name])
        file_name, write = WRITERS[name]
        before = (tmp_path / file_name).read_bytes()
        write(tmp_path / file_name, collection[name])
        changed = (tmp_path / file_name).read_bytes() != before
        reads.clear()
        forget_names()
        warm = read_all(sources, cache_folder)
        assert reads == ([file_name] if changed else []), f"{name}: {edit_name}"
        forget_names()
        assert warm == read_all(sources), f"{name}: {edit_name}"


def test_a_file_is_kept_only_under_its_own_path_and_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes under another name are read again (every source names the file); a file that
    changed while it was read is not kept under the bytes it had before."""
    cache_folder = tmp_path / "cache"
    source, twin = tmp_path / "papers.json", tmp_path / "twin.json"
    write_hf(source, records(8))
    read_all([SourceSpec(source)], cache_folder)
    twin.write_bytes(source.read_bytes())
    assert read_all([SourceSpec(twin)], cache_folder) == read_all([SourceSpec(twin)])

    before = source.read_bytes()
    real = read_cache.read_file

    def edited_while_read(path: Path, fmt: str):
        write_hf(source, records(16))
        return real(path, fmt)

    monkeypatch.setattr(read_cache, "read_file", edited_while_read)
    read_all([SourceSpec(source)], cache_folder)
    monkeypatch.undo()
    source.write_bytes(before)  # the bytes the file had when the read began
    warm = read_all([SourceSpec(source)], cache_folder)
    assert warm == read_all([SourceSpec(source)]) and len(warm[0]) == 8
