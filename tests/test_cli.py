from __future__ import annotations

from pathlib import Path

from sitebuild import REPO, make_project, papersite

import generator


def test_the_generator_package_is_ours():
    # a distribution named `generator` elsewhere on the path must not shadow this one
    assert Path(generator.__file__).resolve().parent == REPO / "generator"


def test_check_reports_every_problem_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("First\nAbstract one.\n\nLonely title\n\nSecond\nAbstract two.\n\nAnother lonely title\n", encoding="utf-8")
    root = make_project(tmp_path / "project")
    result = papersite(root, "check", str(bad))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(bad))]
    assert [line.split(":")[1] for line in lines] == ["4", "9"]
    assert "2 papers, 0 merged, 2 skipped" in result.stdout
    assert sorted(p.name for p in (root / "site_src").iterdir()) == ["about.md"]


def test_check_passes_the_example_and_counts_it(tmp_path):
    result = papersite(make_project(tmp_path), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "203 records read from 1 file(s): 203 papers, 0 merged, 0 skipped"


def test_not_utf8_is_one_clear_line(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Title\nAbstract with caf\xe9.\n".encode("latin-1"))
    result = papersite(make_project(tmp_path / "p"), "generate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:2: not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_hand_written_index_is_protected(tmp_path):
    root = make_project(tmp_path)
    (root / "site_src" / "index.md").write_text("# My own home page\n")
    result = papersite(root, "generate")
    assert result.returncode == 1
    assert "hand-written" in result.stderr and "Traceback" not in result.stderr
    assert (root / "site_src" / "index.md").read_text() == "# My own home page\n"


def test_missing_source_file_is_an_input_error(tmp_path):
    result = papersite(make_project(tmp_path), "generate", "no-such-file.txt")
    assert result.returncode == 1
    assert "no-such-file.txt" in result.stderr and "Traceback" not in result.stderr


def test_plain_mkdocs_build_regenerates_through_the_plugin(tmp_path):
    import os
    import subprocess
    import sys

    root = make_project(tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert len(list((root / "site" / "papers").glob("*.html"))) == 204  # 203 papers + All papers
    assert (root / "site" / "papers.json").is_file()
