"""Each input limit (generator/readers/limits.py) at the limit and one past it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitebuild import make_project, papersite

import generator.readers as readers_package
from generator.readers import bibtex, limits, read_sources, records
from generator.readers.limits import MAX_CSV_FIELD_CHARS, MAX_NESTING_DEPTH


def fatal_messages(problems) -> list[str]:
    return [p.message for p in problems if p.fatal]


# ---------------------------------------------------------------- BibTeX @string expansion


def bib_with_string(tmp_path: Path, macro_chars: int) -> Path:
    """A macro of macro_chars characters, used once with 200 more: 2 * macro_chars + 200 expanded."""
    path = tmp_path / "refs.bib"
    path.write_text(
        f'@string{{m = "{"x" * macro_chars}"}}\n@article{{k, title = m # "{"y" * 200}", author = "Ada Lovelace"}}\n',
        encoding="utf-8",
    )
    return path


def test_bibtex_expansion_at_the_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(bibtex, "MAX_BIBTEX_EXPANSION_CHARS", 1000)
    papers, problems = bibtex.read(bib_with_string(tmp_path, 400))
    assert len(papers) == 1 and len(papers[0].title) == 600 and problems == []


def test_bibtex_expansion_past_the_limit_is_refused(tmp_path, monkeypatch):
    """Issue 13, defect 2: a 614-byte .bib of nested @string macros took 1.1 GB (one more level: MemoryError)."""
    monkeypatch.setattr(bibtex, "MAX_BIBTEX_EXPANSION_CHARS", 1000)
    papers, problems = bibtex.read(bib_with_string(tmp_path, 401))
    assert papers == []
    assert [(p.line, p.message) for p in problems] == [
        (2, "@string macros expand to more than 1,000 characters (at field 'title' of 'k'); not read")
    ]


def test_bibtex_resolved_references_count_against_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(bibtex, "MAX_BIBTEX_EXPANSION_CHARS", 1000)
    path = tmp_path / "refs.bib"
    uses = "".join(f"@article{{k{i}, title = m}}\n" for i in range(8))
    path.write_text(f'@string{{m = "{"x" * 300}"}}\n{uses}', encoding="utf-8")  # fields: 8 * 302 resolved, file ~500
    papers, problems = bibtex.read(path)
    assert papers == [] and problems[0].message.startswith("@string macros expand to more than 1,000 characters")


def test_bibtex_fields_written_out_do_not_count_against_the_limit(tmp_path, monkeypatch):
    """A .bib of many long abstracts and no macros was refused as a macro bomb (10,000 entries with abstracts)."""
    monkeypatch.setattr(bibtex, "MAX_BIBTEX_EXPANSION_CHARS", 1000)
    path = tmp_path / "refs.bib"
    entries = "".join(f'@article{{k{i}, title = "Paper {i}", abstract = "{"z" * 400}"}}\n' for i in range(10))
    path.write_text(entries, encoding="utf-8")  # 4,000+ characters of fields, all written out
    papers, problems = bibtex.read(path)
    assert len(papers) == 10 and problems == []


# ---------------------------------------------------------------- YAML aliases


def yaml_with_aliases(tmp_path: Path, uses: int) -> Path:
    """An anchored list of 5 values (6 with the list), used `uses` times: 6 * uses values added."""
    refs = "".join(f"  r{i}: *a\n" for i in range(uses))
    path = tmp_path / "papers.yaml"
    path.write_text(f"- title: Anchored\n  a: &a [1, 2, 3, 4, 5]\n{refs}", encoding="utf-8")
    return path


def test_yaml_aliases_at_the_limit_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_YAML_ALIAS_VALUES", 12)
    papers, problems = records.read_yaml(yaml_with_aliases(tmp_path, 2))
    assert len(papers) == 1 and fatal_messages(problems) == []


def test_yaml_aliases_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_YAML_ALIAS_VALUES", 12)
    papers, problems = records.read_yaml(yaml_with_aliases(tmp_path, 3))
    assert papers == []
    assert fatal_messages(problems) == ["aliases (*name) expand to 32 values, more than 12 beyond those written; not read"]


def test_yaml_billion_laughs_in_a_date_is_refused_quickly(tmp_path):
    """Issue 13, defect 2: a 550-byte YAML whose date is an alias tree took 71.6 s and 3.2 GB."""
    papers, problems = records.read_yaml(Path(__file__).parent / "data" / "bad" / "alias-bomb.yaml")
    assert papers == [] and "aliases (*name) expand to" in fatal_messages(problems)[0]


def test_yaml_scalar_fields_are_read_as_scalars_only(tmp_path):
    path = tmp_path / "papers.yaml"
    path.write_text("- title: A list for a date\n  date: [2024, 5]\n", encoding="utf-8")
    papers, problems = records.read_yaml(path)
    assert papers[0].date == ""
    assert [p.message for p in problems] == ["date is a list, not one value like 2024-05-03; left out"]


def test_yaml_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "papers.yaml"
    path.write_text("- title: Loop\n  tags: &a [x, *a]\n", encoding="utf-8")
    papers, problems = records.read_yaml(path)
    assert papers == [] and fatal_messages(problems) == ["an alias (*name) inside the value it names; not read"]


# ---------------------------------------------------------------- nesting depth (JSON and YAML)


def nested(depth_inside_array: int) -> str:
    return "[" + "[" * depth_inside_array + "]" * depth_inside_array + "]"


def test_json_nesting_at_the_limit_is_read(tmp_path):
    path = tmp_path / "papers.json"
    path.write_text(nested(MAX_NESTING_DEPTH - 1), encoding="utf-8")
    _, problems = records.read_json(path)
    assert fatal_messages(problems) == []  # the one item is skipped (not a record), the file is read


@pytest.mark.parametrize("depth", [MAX_NESTING_DEPTH, 100_000])
def test_json_nesting_past_the_limit_is_one_clear_problem(tmp_path, depth):
    """Issue 13, defect 3: JSON nested 100,000 deep printed a RecursionError traceback."""
    path = tmp_path / "papers.json"
    path.write_text(nested(depth), encoding="utf-8")
    _, problems = records.read_json(path)
    assert [(p.line, p.message) for p in problems] == [(1, "arrays or objects nested more than 64 deep; not read")]


def test_json_objects_nested_past_the_limit_are_one_clear_problem(tmp_path):
    path = tmp_path / "papers.json"
    path.write_text("[\n" + '{"a":' * 100_000 + "1" + "}" * 100_000 + "]", encoding="utf-8")
    _, problems = records.read_json(path)
    assert [(p.line, p.message) for p in problems] == [(2, "arrays or objects nested more than 64 deep; not read")]


def test_yaml_nesting_at_and_past_the_limit(tmp_path):
    path = tmp_path / "papers.yaml"
    path.write_text(nested(MAX_NESTING_DEPTH - 1), encoding="utf-8")
    assert fatal_messages(records.read_yaml(path)[1]) == []
    path.write_text(nested(MAX_NESTING_DEPTH), encoding="utf-8")
    assert fatal_messages(records.read_yaml(path)[1]) == ["lists or mappings nested more than 64 deep; not read"]
    path.write_text(nested(100_000), encoding="utf-8")
    assert fatal_messages(records.read_yaml(path)[1]) == ["lists or mappings nested more than 64 deep; not read"]


# ---------------------------------------------------------------- CSV cell size


def csv_with_cell(tmp_path: Path, chars: int) -> Path:
    path = tmp_path / "papers.csv"
    path.write_text(f"title,abstract\nFirst,fine\nBig,{'x' * chars}\nLast,fine\n", encoding="utf-8")
    return path


def test_csv_cell_at_the_limit_is_read(tmp_path):
    papers, problems = records.read_csv(csv_with_cell(tmp_path, MAX_CSV_FIELD_CHARS))
    assert [p.title for p in papers] == ["First", "Big", "Last"] and problems == []


def test_csv_cell_past_the_limit_skips_its_row_at_its_line_and_reads_the_others(tmp_path):
    """Issue 13, defect 5: a 10 MB cell was reported on line 1 (it is on line 2) and the valid rows were rejected."""
    papers, problems = records.read_csv(csv_with_cell(tmp_path, MAX_CSV_FIELD_CHARS + 1))
    assert [p.title for p in papers] == ["First", "Last"]
    assert [(p.line, p.message, p.fatal) for p in problems] == [
        (3, "a cell longer than 1,000,000 characters; entry skipped", False)
    ]
    assert [p.source.line for p in papers] == [2, 4]


# ---------------------------------------------------------------- total input size


def test_input_size_at_and_past_the_limit(tmp_path, monkeypatch):
    listing = tmp_path / "papers.txt"
    listing.write_text("A title\nAn abstract.\n", encoding="utf-8")
    size = listing.stat().st_size
    monkeypatch.setattr(readers_package, "MAX_INPUT_BYTES", size)
    papers, problems = read_sources([(listing, None)])
    assert len(papers) == 1 and fatal_messages(problems) == []
    monkeypatch.setattr(readers_package, "MAX_INPUT_BYTES", size - 1)
    papers, problems = read_sources([(listing, None)])
    assert papers == []
    assert fatal_messages(problems) == [
        f"the paper lists add up to more than 0 MB ({size:,} bytes in this one); split the collection"
    ]


def test_limits_are_named_constants():
    assert {name for name in dir(limits) if name.startswith("MAX_")} == {
        "MAX_INPUT_BYTES",
        "MAX_BIBTEX_EXPANSION_CHARS",
        "MAX_YAML_ALIAS_VALUES",
        "MAX_NESTING_DEPTH",
        "MAX_CSV_FIELD_CHARS",
    }


# ---------------------------------------------------------------- check summarises like build


def test_check_summarises_repeated_warnings_like_build(tmp_path):
    """Issue 13, defect 5: check printed every one of 36,310 duplicate warnings; build summarises them."""
    abstract = "We study one thing in depth and find that it works well. " * 5
    listing = tmp_path / "repeated.txt"
    listing.write_text(f"Same Title\n{abstract.strip()}\n" * 12, encoding="utf-8")
    result = papersite(make_project(tmp_path / "p"), "check", str(listing))
    lines = result.stderr.splitlines()
    assert len(lines) == 6, result.stderr
    assert all(line.startswith(f"{listing}:") and "duplicate of the paper at" in line for line in lines[:5])
    assert lines[5] == "... and 6 more warning(s) of the kind 'duplicate'"
    assert result.stdout.strip() == "12 records read from 1 file(s): 1 papers, 11 merged, 0 skipped"


def test_json_depth_message_reaches_the_command_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(json.dumps([])[:-1] + nested(100_000) + "]", encoding="utf-8")
    result = papersite(make_project(tmp_path / "p"), "generate", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}:1: arrays or objects nested more than 64 deep; not read" in result.stderr
