"""Nothing changed, nothing done: `papersite build` twice in a row writes nothing the second time,
and any change to what a build depends on builds again (generator/uptodate.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sitebuild import make_project, papersite

UP_TO_DATE = "nothing changed since the last build"
WATCHED = ("site", "site_src", ".papersite")


def small_project(root: Path, papers: int = 40) -> Path:
    """The example project with its paper list cut to its first papers (title line, abstract line)."""
    make_project(root)
    listing = root / "papers" / "hf-papers-listing.txt"
    lines = listing.read_text(encoding="utf-8").splitlines()
    listing.write_text("\n".join(lines[: 2 + 2 * papers]) + "\n", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the site, the docs folder and .papersite/: size and modification time."""
    found = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*"):
            if path.is_file():
                stat = path.stat()
                found[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def build(root: Path, *args: str) -> str:
    result = papersite(root, "build", *args)
    assert result.returncode == 0, result.stderr
    return result.stderr


def assert_nothing_done(root: Path) -> None:
    before = snapshot(root)
    output = build(root)
    assert UP_TO_DATE in output, output
    assert "pages:" not in output
    assert snapshot(root) == before


def add_paper(root: Path) -> None:
    with (root / "papers" / "hf-papers-listing.txt").open("a", encoding="utf-8") as listing:
        listing.write("A Freshly Added Paper On Tidal Marmots\nWe study marmots near tides with a new survey.\n")


def edit_hand_written_page(root: Path) -> None:
    with (root / "site_src" / "about.md").open("a", encoding="utf-8") as page:
        page.write("\nA line added by hand.\n")


def add_hand_written_page(root: Path) -> None:
    """A file more in the docs folder: the list of its files saved by the last build is not taken."""
    (root / "site_src" / "marmots.md").write_text("# Marmots\n\nA page written by hand about marmots.\n", encoding="utf-8")


def delete_a_site_file(root: Path) -> None:
    (root / "site" / "about.html").unlink()


def change_an_option(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - papersite:\n", "  - papersite:\n      related_count: 3\n"))


def damage_the_record(root: Path) -> None:
    (root / ".papersite" / "build.json").write_text('{"versions": ', encoding="utf-8")


def delete_the_topic_state(root: Path) -> None:
    (root / ".papersite" / "topics.json").unlink()


CHANGES: list[tuple[Callable[[Path], None], str]] = [
    (add_paper, "Tidal Marmots"),
    (edit_hand_written_page, "A line added by hand."),
    (add_hand_written_page, "A page written by hand about marmots."),
    (delete_a_site_file, ""),
    (change_an_option, ""),
    (damage_the_record, ""),
    (delete_the_topic_state, ""),
]


def test_an_unchanged_build_does_nothing_and_any_change_builds_again(tmp_path):
    root = small_project(tmp_path / "project")
    first = build(root)
    assert "pages:" in first and UP_TO_DATE not in first
    assert json.loads((root / ".papersite" / "build.json").read_text(encoding="utf-8"))
    assert_nothing_done(root)
    for change, seen_in_site in CHANGES:
        change(root)
        output = build(root)
        assert "pages:" in output and UP_TO_DATE not in output, f"{change.__name__}: {output}"
        if seen_in_site:
            assert any(seen_in_site in p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.html"))
        assert_nothing_done(root)


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--force",), {}), ((), {"PAPERSITE_TODAY": "2031-01-02"})],
    ids=["force", "another-day"],
)
def test_force_or_another_day_builds_again(tmp_path, monkeypatch, args, env):
    root = small_project(tmp_path / "project", papers=20)
    build(root)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    output = build(root, *args)
    assert "pages:" in output and UP_TO_DATE not in output


def test_a_site_file_changed_by_someone_else_is_built_again(tmp_path):
    """Anything that rewrites the site folder (plain mkdocs build, a person) makes the next build run."""
    root = small_project(tmp_path / "project", papers=20)
    build(root)
    (root / "site" / "index.html").write_text("changed by someone else", encoding="utf-8")
    output = build(root)
    assert "pages:" in output
    assert "changed by someone else" not in (root / "site" / "index.html").read_text(encoding="utf-8")
