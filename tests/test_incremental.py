"""One paper changed, few pages rendered (generator/incremental.py): after each change, an
incremental `papersite build` leaves the site folder byte for byte what a clean build of a copy of
the project (same inputs, same topic state) makes, and renders only the pages it must."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sitebuild import make_project, papersite
from test_uptodate import small_project

from generator import incremental, prerender

RENDERED = re.compile(r"papersite: (\d+) pages rendered, (\d+) left as the last build wrote them; (\d+) files removed")
SUMMARY = re.compile(r"pages: (\d+) written, (\d+) unchanged")
LISTING = "papers/hf-papers-listing.txt"
FOOTER = "overrides/partials/copyright.html"
STATIC_FILE = "site_src/marmots.txt"  # copied into the site as it is
STATIC_TEMPLATES = ("404.html", "sitemap.xml", "sitemap.xml.gz")  # the theme's, left out when their inputs are unchanged


def project(root: Path) -> Path:
    """A small example project with a topics file, a theme override (custom_dir) and a site_url (feeds) from the start."""
    small_project(root, papers=30)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  - papersite:\n", "  - papersite:\n      topics_file: topics.yml\n", 1)
    text = text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n", 1)
    text = text.replace("  - About: about.md\n", "  - about.md\n", 1)  # the sidebar takes the title from the page
    text = text.replace("site_dir: site\n", "site_dir: site\nsite_url: https://example.org/marmots/\n", 1)  # feeds
    config.write_text(text, encoding="utf-8")
    (root / "topics.yml").write_text("rename: {}\n", encoding="utf-8")
    (root / FOOTER).parent.mkdir(parents=True)
    (root / FOOTER).write_text('<div class="md-copyright">Kept by the marmot society</div>\n', encoding="utf-8")
    (root / STATIC_FILE).write_text("marmots: 1\n", encoding="utf-8")
    return root


def build(root: Path, *args: str) -> str:
    done = papersite(root, "build", *args)
    assert done.returncode == 0, done.stderr
    return done.stderr


def rendered(output: str) -> tuple[int, int, int]:
    """Pages rendered, pages left unchanged, files removed, as the build logged them."""
    found = RENDERED.search(output)
    assert found, output
    return int(found[1]), int(found[2]), int(found[3])


def generated_unchanged(output: str) -> int:
    """How many generated pages the generator found with the same text as before (the build's summary)."""
    found = SUMMARY.search(output)
    assert found, output
    return int(found[2])


def clean_copy(root: Path, copy: Path) -> Path:
    """The project as it is now (its topic state and model too), without its site, build records or
    caches: its first build is a clean one."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", "build.json", "build-pages.pickle", "cache"))
    assert not (copy / ".papersite" / "cache").exists() and (copy / ".papersite" / "topics-model.npz").is_file()
    return copy


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def site_folders(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir())


def assert_same_site(built: Path, clean: Path) -> None:
    ours, theirs = site_files(built), site_files(clean)
    assert sorted(ours) == sorted(theirs), (sorted(set(ours) - set(theirs)), sorted(set(theirs) - set(ours)))
    assert [name for name in ours if ours[name] != theirs[name]] == []
    assert site_folders(built) == site_folders(clean)


def paper_lines(root: Path) -> list[str]:
    return (root / LISTING).read_text(encoding="utf-8").splitlines()


def write_lines(root: Path, lines: list[str]) -> None:
    (root / LISTING).write_text("\n".join(lines) + "\n", encoding="utf-8")


def change_an_abstract(root: Path) -> None:
    lines = paper_lines(root)
    lines[2 + 2 * 7 + 1] += " A sentence added about tidal marmots."
    write_lines(root, lines)


MARMOTS = "Marmots That Count Waves On Tidal Flats"


def add_a_paper(root: Path) -> None:
    number = sum(line.startswith(MARMOTS) for line in paper_lines(root)) + 1
    with (root / LISTING).open("a", encoding="utf-8") as listing:
        listing.write(f"{MARMOTS}, Part {number}\nWe study marmots counting waves with survey number {number} of tidal flats.\n")


def remove_a_paper(root: Path) -> None:
    """The first paper added by add_a_paper (title line, abstract line). Paper pages name the line
    they come from, so a paper removed near the top changes the text of every paper page after it."""
    lines = paper_lines(root)
    first = next(i for i, line in enumerate(lines) if line.startswith(MARMOTS))
    write_lines(root, lines[:first] + lines[first + 2 :])


def rename_a_topic(root: Path) -> None:
    topics = json.loads((root / ".papersite" / "topics.json").read_text(encoding="utf-8"))["topics"]
    (root / "topics.yml").write_text(f"rename: {{{topics[0]['slug']}: Marmot studies}}\n", encoding="utf-8")


def retitle_a_page_in_the_nav(root: Path) -> None:
    """Every page's sidebar shows the new title: the pages left out at first are rendered after all."""
    about = root / "site_src" / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("# About this site", "# About these marmots", 1), encoding="utf-8")
    change_an_abstract(root)


def change_a_static_file_keeping_its_time(root: Path) -> None:
    """Same size, same modification time, other content: it is copied all the same (its change time differs)."""
    static = root / STATIC_FILE
    before = static.stat()
    static.write_text("marmots: 2\n", encoding="utf-8")
    os.utime(static, ns=(before.st_atime_ns, before.st_mtime_ns))
    change_an_abstract(root)


def edit_a_template(root: Path) -> None:
    (root / FOOTER).write_text('<div class="md-copyright">Kept by the otter society</div>\n', encoding="utf-8")


def change_an_option(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - papersite:\n", "  - papersite:\n      related_count: 2\n", 1)
    )


def damage_the_record(root: Path) -> None:
    record = root / ".papersite" / "build-pages.pickle"
    stored = record.read_bytes()
    assert b"abstract" in stored  # a paper page's anchor
    record.write_bytes(stored.replace(b"abstract", b"abstrakt", 1))  # same length, wrong content
    change_an_abstract(root)


# (change, whether the build after it may leave pages unchanged)
CHANGES: list[tuple[Callable[[Path], None], bool]] = [
    (change_an_abstract, True),
    (add_a_paper, True),
    (change_a_static_file_keeping_its_time, True),
    (edit_a_template, False),
    (remove_a_paper, True),  # right after a build that rendered every page
    (rename_a_topic, True),
    (retitle_a_page_in_the_nav, False),
    (change_an_option, False),
    (damage_the_record, False),
    (change_an_abstract, True),
]


def test_every_incremental_build_makes_the_site_a_clean_build_makes(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERSITE_TODAY", "2031-03-04")  # both builds of a step on the same day
    root = project(tmp_path / "project")
    assert rendered(build(root))[1] == 0  # the first build renders every page
    for step, (change, leaves_pages) in enumerate(CHANGES):
        change(root)
        clean = clean_copy(root, tmp_path / f"clean-{step}")
        templates_before = {name: (root / "site" / name).stat().st_mtime_ns for name in STATIC_TEMPLATES}
        with ThreadPoolExecutor(2) as both:  # the incremental build and the clean one side by side
            incremental_build, clean_build = both.submit(build, root), both.submit(build, clean)
            output = incremental_build.result()
            clean_build.result()
        pages, kept, removed = rendered(output)
        assert_same_site(root / "site", clean / "site")
        name = f"{step} {change.__name__}: {pages} rendered, {kept} kept"
        # the record's listing, taken without walking the site folder again, is the folder's
        assert incremental.load(root / ".papersite" / "build-pages.pickle", str(root / "site")) is not None, name
        same_text = generated_unchanged(output)
        if leaves_pages:  # every generated page whose text is the same (those in the nav too) is left as it was
            assert kept == same_text and kept > 0, name
        else:
            assert kept == 0, f"{name}: pages left unchanged after a change every page shows"
        assert pages + kept == len(list((root / "site_src").rglob("*.md"))), name
        if change is remove_a_paper:
            assert removed >= 1, name  # the removed paper's page
        templates_left = {
            name for name in STATIC_TEMPLATES if (root / "site" / name).stat().st_mtime_ns == templates_before[name]
        }
        if change is change_an_abstract and leaves_pages:  # the same pages, the same nav: both left as they were
            assert templates_left == set(STATIC_TEMPLATES), name
        if change in (add_a_paper, remove_a_paper):  # a page more or less: the sitemap is written again
            assert "sitemap.xml" not in templates_left, name
        shutil.rmtree(clean)


def test_tags_exported_and_listed_stay_whole(tmp_path, monkeypatch):
    """With Material's tags.json export on and a hand-written page listing every tag, the tags of the
    pages left out are handed to the tags plugin: tags.json and the listing are a clean build's."""
    monkeypatch.setenv("PAPERSITE_TODAY", "2031-03-04")
    root = project(tmp_path / "project")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("export: false", "export: true"), encoding="utf-8")
    assert "export: true" in config.read_text(encoding="utf-8")
    (root / "site_src" / "every-tag.md").write_text("# Every tag\n\n<!-- material/tags -->\n", encoding="utf-8")
    build(root)
    for step, change in enumerate([change_an_abstract, add_a_paper, rename_a_topic, remove_a_paper]):
        change(root)
        clean = clean_copy(root, tmp_path / f"clean-{step}")
        output = build(root)
        build(clean)
        assert rendered(output)[1] > 0, change.__name__
        assert (root / "site" / "tags.json").is_file()
        assert_same_site(root / "site", clean / "site")
        shutil.rmtree(clean)


def test_force_or_another_site_folder_renders_every_page_and_bad_input_forgets_nothing(tmp_path):
    root = small_project(tmp_path / "project", papers=20)
    build(root)
    failed = papersite(root, "build", "papers/no-such-list.txt")  # stops before anything is written
    assert failed.returncode != 0
    change_an_abstract(root)
    assert rendered(build(root))[1] > 0
    change_an_abstract(root)
    assert rendered(build(root, "--force"))[1] == 0
    change_an_abstract(root)
    assert rendered(build(root, "-d", str(tmp_path / "elsewhere")))[1] == 0  # no record of that folder
    change_an_abstract(root)
    assert rendered(build(root))[1] == 0  # the record is of the other folder now


def test_a_record_is_used_only_for_its_site_folder_untouched_and_undamaged(tmp_path):
    site = tmp_path / "site"
    (site / "papers").mkdir(parents=True)
    (site / "index.html").write_text("home", encoding="utf-8")
    (site / "papers" / "a.html").write_text("a", encoding="utf-8")
    (site / ".git").mkdir()  # hidden entries at the top are not the build's (MkDocs leaves them too)
    entry = incremental.PageEntry("ab" * 32, "A paper", {"title": "A paper", "tags": ["Marmots"]}, ["abstract"])
    record = incremental.SiteRecord(str(site.resolve()), "key", "nav", {"papers/a.md": entry}, incremental.site_listing(site))
    assert sorted(record.listing) == ["index.html", "papers/a.html"]
    path = tmp_path / ".papersite" / "build-pages.pickle"
    incremental.save(path, record)
    assert incremental.load(path, str(site)) == record
    assert incremental.load(path, str(tmp_path / "elsewhere")) is None

    stored = path.read_bytes()
    path.write_bytes(stored.replace(b"A paper", b"A marmot", 1))  # not what was saved
    assert incremental.load(path, str(site)) is None
    path.write_bytes(stored[: len(stored) // 2])
    assert incremental.load(path, str(site)) is None

    path.write_bytes(stored)
    assert incremental.load(path, str(site)) == record
    (site / "papers" / "a.html").write_text("A", encoding="utf-8")  # same size, written since
    assert incremental.load(path, str(site)) is None


def test_pages_rendered_in_worker_processes_make_the_same_site(tmp_path, monkeypatch):
    """Enough pages to render for prerender.py's workers (the whole example, a paper removed in the
    middle and the abstracts of the first 2 * PAGES_PER_TASK papers changed)."""
    monkeypatch.setenv("PAPERSITE_TODAY", "2031-03-04")
    root = make_project(tmp_path / "project")
    build(root)
    lines = paper_lines(root)
    middle = 2 + 2 * (len(lines) // 4)  # a title line half way down the list
    lines = lines[:middle] + lines[middle + 2 :]
    for abstract in range(3, 3 + 4 * prerender.PAGES_PER_TASK, 2):  # title / abstract pairs after 2 chrome lines
        lines[abstract] += " Revised."
    write_lines(root, lines)
    clean = clean_copy(root, tmp_path / "clean")
    with ThreadPoolExecutor(2) as both:
        incremental_build, clean_build = both.submit(build, root), both.submit(build, clean)
        pages, kept, removed = rendered(incremental_build.result())
        clean_build.result()
    assert pages >= 2 * prerender.PAGES_PER_TASK and kept > 0 and removed >= 1
    assert_same_site(root / "site", clean / "site")
