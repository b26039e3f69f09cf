"""The CLI over the new formats: check's report and summary, skipped entries, --strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitebuild import make_project, papersite

DATA = Path(__file__).parent / "data"


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(
        tmp_path / "site", [DATA / "bibtex/broken.bib", DATA / "bibtex/features.bib", DATA / "records/papers.csv"]
    )


def test_check_lists_every_problem_and_exits_1_when_entries_were_skipped(project):
    result = papersite(project, "check", "papers/broken.bib", "papers/features.bib")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == f"{project}/papers/broken.bib:6: cannot parse this entry (Unexpected block start: `@article`. Was still looking for field-value closing `,` or `}}`); entry skipped"
    )
    assert len(lines) == 5
    assert result.stdout.strip() == "10 records read from 2 file(s): 10 papers, 0 merged, 3 skipped, 2 other warning(s)"


def test_check_of_clean_sources_exits_0(project):
    result = papersite(project, "check", "papers/features.bib", "papers/papers.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "8 records read from 2 file(s): 8 papers, 0 merged, 0 skipped"


def test_generate_skips_bad_entries_but_strict_refuses(project):
    result = papersite(project, "generate", "papers/broken.bib")
    assert result.returncode == 0, result.stderr
    assert "entry skipped" in result.stderr
    assert (project / "site_src/papers/the-second-entry-is-fine.md").is_file()
    strict = papersite(project, "generate", "--strict", "papers/broken.bib")
    assert strict.returncode == 1 and "nothing written" in strict.stderr


def test_merges_across_files_are_notes_that_strict_accepts(tmp_path):
    mixed = DATA / "mixed"
    root = make_project(tmp_path / "mixed", [mixed / "refs.bib", mixed / "zotero.json"])
    result = papersite(root, "generate", "--strict", "papers/refs.bib", "papers/zotero.json")
    assert result.returncode == 0, result.stderr
    assert "merged with a record of the same work" in result.stderr


def test_a_collection_where_every_entry_was_skipped_is_an_error(tmp_path):
    root = make_project(tmp_path / "empty")
    (root / "papers" / "bad.bib").write_text("@article{x, author={A}}\n")
    result = papersite(root, "generate", "papers/bad.bib")
    assert result.returncode == 1
    assert "no papers found (every entry was skipped)" in result.stderr
