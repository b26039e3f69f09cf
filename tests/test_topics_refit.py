"""Topics stay put as the collection grows: a build keeps the saved topics when few papers were added,
and `papersite topics --refit` finds them afresh, saves the topic state and says what changed,
writing nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sitebuild import REPO, papersite
from test_uptodate import build, small_project

LISTING = REPO / "papers" / "hf-papers-listing.txt"
STATE = Path(".papersite") / "topics.json"


def saved(root: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """The topic state: slug -> (label, papers)."""
    data = json.loads((root / STATE).read_text(encoding="utf-8"))
    return {t["slug"]: (t["label"], frozenset(t["papers"])) for t in data["topics"]}


def add_example_papers(root: Path, first: int, count: int) -> None:
    """Append papers first .. first+count-1 of the example listing (title line, abstract line each)."""
    lines = LISTING.read_text(encoding="utf-8").splitlines()[2 + 2 * first : 2 + 2 * (first + count)]
    with (root / "papers" / "hf-papers-listing.txt").open("a", encoding="utf-8") as listing:
        listing.write("\n".join(lines) + "\n")


def mtimes(root: Path, *folders: str) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for f in folders for p in (root / f).rglob("*")}


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> tuple[Path, dict, dict]:
    """A 40-paper project built, then built again with 5 more papers (1 in 9 changed: below 0.2)."""
    root = small_project(tmp_path_factory.mktemp("refit") / "project", papers=40)
    build(root)
    before = saved(root)
    add_example_papers(root, 40, 5)
    output = build(root)
    assert "topics refitted" not in output
    return root, before, saved(root)


def test_a_few_new_papers_join_the_saved_topics(grown) -> None:
    root, before, after = grown
    assert set(after) == set(before)  # every slug kept, none added
    for slug, (_, papers) in before.items():
        assert papers <= after[slug][1]  # the old papers stay where they were
    joined = set().union(*(papers for _, papers in after.values())) - set().union(*(p for _, p in before.values()))
    assert len(joined) == 5  # and each new paper joined a topic


def test_topics_lists_the_saved_topics(grown) -> None:
    root, _, after = grown
    result = papersite(root, "topics")
    assert result.returncode == 0, result.stderr
    for slug, (label, papers) in after.items():
        assert f"{label}  ({slug}, {len(papers)} papers)" in result.stdout
    assert f"{len(after)} topics in" in result.stdout


def test_refit_reports_what_changed_and_writes_only_the_topic_state(grown, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(grown[0], root)  # the module's project stays as it was for the other tests
    add_example_papers(root, 45, 3)
    old = saved(root)
    untouched = mtimes(root, "site", "site_src", ".papersite/digest")
    result = papersite(root, "topics", "--refit")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    new = saved(root)
    assert lines[-2].startswith(f"topics refitted: {len(old)} before, {len(new)} now;")
    assert lines[-1] == f"topic state saved to {root / STATE}"
    for slug in set(new) - set(old):
        assert f"appeared: {slug} ({new[slug][0]!r}, {len(new[slug][1])} papers)" in lines
    for slug in set(old) - set(new):
        assert f"vanished: {slug} ({old[slug][0]!r}, {len(old[slug][1])} papers)" in lines
    for slug in set(old) & set(new):
        assert (f"relabelled: {slug}: {old[slug][0]!r} -> {new[slug][0]!r}" in lines) == (old[slug][0] != new[slug][0])
    assert new != old  # 48 papers refitted from scratch do not fall as 40 did (this collection: see the report)
    assert set().union(*(p for _, p in new.values())) >= set().union(*(p for _, p in old.values()))
    assert mtimes(root, "site", "site_src", ".papersite/digest") == untouched
    again = papersite(root, "topics", "--refit")  # the same papers and state: the same topics
    assert again.stdout.splitlines()[-1] == f"topic state unchanged in {root / STATE}"
    assert saved(root) == new


def test_a_build_logs_its_own_refit_when_the_share_is_passed(grown, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(grown[0], root)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - papersite:\n", "  - papersite:\n      topic_refit_share: 0.05\n")
    )
    add_example_papers(root, 45, 3)  # 3 of 48: above 0.05
    output = build(root)
    assert "papersite: topics refitted:" in output


def test_topics_without_a_state_says_how_to_make_one(tmp_path: Path) -> None:
    root = small_project(tmp_path / "project", papers=5)
    result = papersite(root, "topics")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"papersite: {root / STATE}: no topic state yet; papersite build (or papersite topics --refit) makes it"
    )
    assert not (root / ".papersite").exists()
