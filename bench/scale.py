"""How papersite scales: one table for synthetic collections of 2,000 / 10,000 (/ 50,000) papers.

    make bench-scale                                   # 2,000 and 10,000 papers
    .venv/bin/python bench/scale.py --large            # 2,000, 10,000 and 50,000
    .venv/bin/python bench/scale.py --papers 500,2000  # any sizes
    .venv/bin/python bench/scale.py --large --search-only  # search alone, in minutes

For each size, in fresh project folders under --scratch (collections are generated once and kept
there, see bench/synthetic.py):
- the whole `papersite build`, in a child process: wall time and peak memory, and the time of each
  stage inside it (read, enrich and its parts, render, write, MkDocs) with the peak memory of the
  process when the stage ended (peaks only grow, so a stage's peak is the run's so far);
- `papersite build` again with nothing changed (issue 11: it does nothing, generator/uptodate.py);
- after each of: one paper added, one abstract changed, one paper removed, `papersite build` again
  (issue 11: MkDocs renders only the pages whose text changed, generator/incremental.py);
- live preview (bench/serve_reload.py): `papersite serve`, a paper's page open in Chromium, three
  edits of its abstract, each timed from the file saved to the page showing it (--no-serve: not);
- the reference of the same run: a bare `mkdocs build` (Material, search, offline; no papersite
  plugin) of minimal pages of the same papers (title + abstract);
- sizes: site, largest HTML page, HTML pages over 500 KB, search index (site/search/papers.js);
- search as a person meets it (bench/search_timing.py, headless Chromium, every outside request
  blocked), from file:// and over http: page opened to first result for a title word, keystroke to
  results, renderer memory (--no-search leaves it out);
- the ratios the targets of issue 9 name.

--search-only skips the builds: it builds one small site and, for each size, times search on a
copy of it holding the search index of that many synthetic papers (bench/search_timing.py
--papers), so the search rows at 50,000 papers take minutes instead of a 50,000-paper build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.serve_reload import reload_times  # noqa: E402
from bench.synthetic import write_records  # noqa: E402
from generator.paths import SEARCH_INDEX  # noqa: E402

PAGE_LIMIT = 500 * 1024
ENRICH_PARTS = ("features", "topics", "labels", "related", "reasons", "map")
ENRICH_TARGET = {10_000: 10.0, 50_000: 60.0}  # seconds (issue 9)
MINIMAL_MKDOCS = """site_name: Minimal
docs_dir: docs
site_dir: site
use_directory_urls: false
nav:
  - Home: index.md
not_in_nav: |
  /papers/*.md
theme:
  name: material
  font: false
plugins:
  - search
  - offline
"""


def run_measured(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of one child process (os.wait4 gives its own rusage)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    with open(cwd / "output.log", "wb") as log:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        tail = (cwd / "output.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"{' '.join(command)} failed in {cwd} (exit {child.returncode}):\n{tail}")
    return seconds, usage.ru_maxrss * 1024


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def papersite_project(root: Path) -> Path:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(
        REPO / "site_src",
        root / "site_src",
        ignore=shutil.ignore_patterns("papers", "topics", "authors", "index.md", "tags.md", ".papersite-manifest.json"),
    )
    return root


def minimal_project(root: Path, collection: Path) -> Path:
    """Title + abstract pages of the collection's papers, and an index, for a bare mkdocs build."""
    (root / "mkdocs.yml").write_text(MINIMAL_MKDOCS, encoding="utf-8")
    papers = root / "docs" / "papers"
    papers.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Minimal\n", encoding="utf-8")
    for i, record in enumerate(json.loads(collection.read_text(encoding="utf-8"))):
        (papers / f"{i}.md").write_text(f"# {record['title']}\n\n{record['abstract']}\n", encoding="utf-8")
    return root


def site_sizes(site: Path) -> dict[str, object]:
    total = 0
    largest = (0, "")
    over = 0
    pages = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix == ".html":
            pages += 1
            over += size > PAGE_LIMIT
            largest = max(largest, (size, path.relative_to(site).as_posix()))
    search = site / SEARCH_INDEX
    material = sum(p.stat().st_size for p in (site / "search").glob("search_index.*")) if (site / "search").is_dir() else 0
    return {
        "bytes": total,
        "pages": pages,
        "largest": largest[0],
        "largest_page": largest[1],
        "over_limit": over,
        "search": search.stat().st_size if search.is_file() else 0,
        "material_search": material,
    }


def child_build(root: Path, collection: Path, quiet: bool = True) -> None:
    """In the child: `papersite build COLLECTION -q` in root, then the stage timings as timings.json
    (not quiet: the build logs how many pages it rendered, which incremental_builds reads)."""
    from generator import cli, progress

    os.chdir(root)
    sys.argv = ["papersite", "build", str(collection), *(["-q"] if quiet else [])]
    started = time.perf_counter()
    cli.main()
    stages = [{"name": s.name, "seconds": s.seconds, "peak": s.peak_bytes} for s in progress.timings()]
    stages.append({"name": "total", "seconds": time.perf_counter() - started, "peak": progress.peak_memory()})
    (root / "timings.json").write_text(json.dumps(stages, indent=1), encoding="utf-8")


RENDERED = re.compile(r"papersite: (\d+) pages rendered, (\d+) left as the last build wrote them")


def add_a_paper(records: list[dict]) -> list[dict]:
    """One more paper at the end (a record of the middle one with a new title, no arXiv id)."""
    middle = records[len(records) // 2]
    new = {key: value for key, value in middle.items() if key != "arxiv_id"}
    new["title"] = f"Tidal Marmots Revisited: {middle['title']}"
    return [*records, new]


def change_an_abstract(records: list[dict]) -> list[dict]:
    changed = [dict(record) for record in records]
    changed[len(changed) // 3]["abstract"] += " We also survey marmots near tidal flats."
    return changed


def remove_a_paper(records: list[dict]) -> list[dict]:
    return records[:-1]


EDITS = (("+1 paper", add_a_paper), ("one abstract changed", change_an_abstract), ("one paper removed", remove_a_paper))


def incremental_builds(build: Path, papers: Path) -> dict[str, dict[str, object]]:
    """After the full build of papers (a file in build): each edit of EDITS in turn, then
    `papersite build` of the same project (issue 11: incremental, generator/incremental.py)."""
    found: dict[str, dict[str, object]] = {}
    for name, edit in EDITS:
        records = json.loads(papers.read_text(encoding="utf-8"))
        papers.write_text(json.dumps(edit(records), ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"  {name}: papersite build ...", file=sys.stderr, flush=True)
        seconds, peak = run_measured([sys.executable, __file__, "--child-log", str(build), str(papers)], build)
        stages = {s["name"]: s for s in json.loads((build / "timings.json").read_text())}
        counts = RENDERED.search((build / "output.log").read_text(errors="replace"))
        found[name] = {
            "seconds": seconds,
            "peak": peak,
            "stages": stages,
            "rendered": int(counts[1]) if counts else None,
            "kept": int(counts[2]) if counts else None,
        }
    return found


def title_word(collection: Path) -> str:
    """The longest word of the middle paper's title: what a person looking for that paper might type."""
    titles = [record["title"] for record in json.loads(collection.read_text(encoding="utf-8"))]
    words = re.findall(r"[^\W\d_]{3,}", titles[len(titles) // 2])
    return max(words, key=len).lower() if words else "learning"


def search_timings(site: Path, query: str) -> dict[str, dict[str, float] | str]:
    """bench/search_timing.py's measure from file:// and over http; a failure is kept as its message."""
    from bench.search_timing import measure as measure_search

    found: dict[str, dict[str, float] | str] = {}
    for mode in ("file", "http"):
        try:
            t = measure_search(site, query, mode)
        except Exception as err:  # one failed measurement must not lose the builds' numbers
            print(f"search timing ({mode}) failed: {err}", file=sys.stderr)
            found[mode] = f"failed: {type(err).__name__}"
            continue
        found[mode] = {"first_result_s": t.first_result_s, "keystroke_s": t.keystroke_s, "renderer_mb": t.renderer_mb}
    return found


def measure(n: int, scratch: Path, artefacts: bool, search: bool, serve: bool = True) -> dict[str, object]:
    collection = write_records(
        scratch / "collections" / f"papers-{n}{'-artefacts' if artefacts else ''}.json", n, artefacts=artefacts
    )
    build = papersite_project(fresh(scratch / "runs" / str(n) / "papersite"))
    papers = Path(shutil.copy(collection, build / "papers.json"))  # edited in place by incremental_builds
    print(f"[{n}] papersite build ...", file=sys.stderr, flush=True)
    wall, peak = run_measured([sys.executable, __file__, "--child", str(build), str(papers)], build)
    stages = {s["name"]: s for s in json.loads((build / "timings.json").read_text())}
    print(f"[{n}] papersite build again, nothing changed ...", file=sys.stderr, flush=True)
    again, again_peak = run_measured([sys.executable, __file__, "--child", str(build), str(papers)], build)
    again_stages = {s["name"] for s in json.loads((build / "timings.json").read_text())}
    print(f"[{n}] incremental builds ...", file=sys.stderr, flush=True)
    edits = incremental_builds(build, papers)
    if serve:
        print(f"[{n}] papersite serve: edits until the page in Chromium shows them ...", file=sys.stderr, flush=True)
        served = reload_times(build, papers, edits=3)
    state = build / ".papersite" / "topics.json"
    topics = {t["label"]: len(t["papers"]) for t in json.loads(state.read_text())["topics"]} if state.exists() else {}
    print(f"[{n}] bare mkdocs build of minimal pages ...", file=sys.stderr, flush=True)
    minimal = minimal_project(fresh(scratch / "runs" / str(n) / "minimal"), collection)
    ref_wall, ref_peak = run_measured([sys.executable, "-m", "mkdocs", "build", "-q"], minimal)
    result = {
        "papers": n,
        "build": {"seconds": wall, "peak": peak},
        "stages": stages,
        "unchanged": {"seconds": again, "peak": again_peak, "did_nothing": "read" not in again_stages},
        "edits": edits,
        "minimal": {"seconds": ref_wall, "peak": ref_peak},
        "site": site_sizes(build / "site"),
        "minimal_site": site_sizes(minimal / "site"),
        "topics": topics,
    }
    if serve:
        result["serve"] = served
    if search:
        result["query"] = query = title_word(collection)
        print(f"[{n}] search timings for {query!r} ...", file=sys.stderr, flush=True)
        result["search"] = search_timings(build / "site", query)
    (scratch / f"result-{n}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def measure_search_only(n: int, scratch: Path, base: Path) -> dict[str, object]:
    """Search timings on a copy of the built site base holding the search index of n synthetic papers."""
    from bench.search_timing import synthetic_index_site

    print(f"[{n}] search index of {n:,} synthetic papers in a copy of a small site ...", file=sys.stderr, flush=True)
    copy, size, query = synthetic_index_site(base, n, scratch)
    print(f"[{n}] search timings for {query!r} ...", file=sys.stderr, flush=True)
    result = {"papers": n, "site": {"search": size}, "query": query, "search": search_timings(copy, query)}
    (scratch / f"result-search-{n}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def small_site(scratch: Path, n: int = 300) -> Path:
    """A real papersite build of n synthetic papers: the site --search-only copies."""
    collection = write_records(scratch / "collections" / f"papers-{n}.json", n)
    build = papersite_project(fresh(scratch / "runs" / "search-base"))
    print(f"building a site of {n} papers for --search-only ...", file=sys.stderr, flush=True)
    run_measured([sys.executable, __file__, "--child", str(build), str(collection)], build)
    return build / "site"


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e7 else f"{n / 1e6:,.1f} MB"


def timed(stage: dict | None) -> str:
    return f"{stage['seconds']:.1f} s, {mb(stage['peak'])}" if stage else "-"


def searched(mode: str, key: str, form: str):
    def cell(r: dict) -> str:
        found = r.get("search", {}).get(mode)
        if found is None:
            return "-"
        return found if isinstance(found, str) else form.format(found[key])

    return cell


def unchanged_cell(r: dict) -> str:
    again = r.get("unchanged")
    if again is None:
        return "-"
    text = f"{again['seconds']:.1f} s, {again['seconds'] / r['build']['seconds']:.1%}"
    return text if again["did_nothing"] else text + " (built again!)"


def edit_cell(name: str):
    """An incremental build after one edit: wall time, share of the full build, its MkDocs stage, pages rendered."""

    def cell(r: dict) -> str:
        found = r.get("edits", {}).get(name)
        if found is None:
            return "-"
        mkdocs = found["stages"].get("MkDocs build", {}).get("seconds", 0.0)
        pages = f"{found['rendered']:,} rendered, {found['kept']:,} kept" if found["rendered"] is not None else "pages ?"
        return f"{found['seconds']:.1f} s, {found['seconds'] / r['build']['seconds']:.1%} (MkDocs {mkdocs:.1f} s; {pages})"

    return cell


def serve_cell(r: dict) -> str:
    found = r.get("serve")
    if found is None:
        return "-"
    rendered = ", ".join(str(pages) for pages, _ in found["rendered"])
    return f"{found['median']:.1f} s, {found['median'] / r['build']['seconds']:.1%} (pages rendered: {rendered})"


def table(results: list[dict]) -> str:
    rows: list[tuple[str, list[str]]] = []

    def add(name: str, cell) -> None:
        rows.append((name, [cell(r) for r in results]))

    def stage(name: str):
        return lambda r: timed(r["stages"].get(name))

    add("read (s, peak so far)", stage("read"))
    add("enrich", stage("enrich"))
    add("  features (TF-IDF + LSA)", stage("features"))
    add(
        "  topics (without labels)",
        lambda r: f"{r['stages']['topics']['seconds'] - r['stages'].get('labels', {'seconds': 0})['seconds']:.1f} s",
    )
    add("  labels", stage("labels"))
    add("  related", stage("related"))
    add("  reasons", stage("reasons"))
    add("  map", stage("map"))
    add("render", stage("render"))
    add("write", stage("write"))
    add("MkDocs build", stage("MkDocs build"))
    add("whole `papersite build` (wall, peak)", lambda r: f"{r['build']['seconds']:.1f} s, {mb(r['build']['peak'])}")
    add("bare `mkdocs build`, minimal pages", lambda r: f"{r['minimal']['seconds']:.1f} s, {mb(r['minimal']['peak'])}")
    add("**build / minimal** (target <= 2, aim 1.5)", lambda r: f"{r['build']['seconds'] / r['minimal']['seconds']:.2f}x")
    add(
        "**enrich** (target 10 s at 10k, 60 s at 50k)",
        lambda r: (
            f"{r['stages']['enrich']['seconds']:.1f} s"
            + (f" / {ENRICH_TARGET[r['papers']]:.0f} s" if r["papers"] in ENRICH_TARGET else "")
        ),
    )
    add("**no-change rebuild / build** (target < 10%)", unchanged_cell)
    for name, _ in EDITS:
        add(f"**{name}: incremental build / build** (target < 5%)", edit_cell(name))
    add("**serve: edit saved -> page shows it** (median of 3; target ~3 s)", serve_cell)
    add("topics", lambda r: str(len(r["topics"])))
    add("site size (HTML pages)", lambda r: f"{mb(r['site']['bytes'])} ({r['site']['pages']:,})")
    add("minimal site size", lambda r: f"{mb(r['minimal_site']['bytes'])}")
    add("**site / minimal site** (target <= 1.4)", lambda r: f"{r['site']['bytes'] / r['minimal_site']['bytes']:.2f}x")
    add("largest HTML page (target < 500 KB)", lambda r: f"{r['site']['largest'] / 1024:,.0f} KB {r['site']['largest_page']}")
    add("HTML pages over 500 KB", lambda r: str(r["site"]["over_limit"]))
    add("Material's search index (search_index.*, hand-written pages)", lambda r: mb(r["site"]["material_search"]))
    return markdown_table(results, rows + search_rows(results))


def search_rows(results: list[dict]) -> list[tuple[str, list[str]]]:
    rows = [(f"search index ({SEARCH_INDEX})", [mb(r["site"]["search"]) for r in results])]
    if any("search" in r for r in results):
        rows.append(("search query (a title word)", [f"'{r['query']}'" if "query" in r else "-" for r in results]))
        for mode, name in (("file", "file://"), ("http", "http")):
            for label, key, form in (
                ("page opened -> first result", "first_result_s", "{:.2f} s"),
                ("keystroke -> results (median)", "keystroke_s", "{:.2f} s"),
                ("renderer memory", "renderer_mb", "{:.0f} MB"),
            ):
                rows.append((f"search, {name}: {label}", [searched(mode, key, form)(r) for r in results]))
    return rows


def markdown_table(results: list[dict], rows: list[tuple[str, list[str]]]) -> str:
    header = ["", *(f"{r['papers']:,} papers" for r in results)]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * len(results)]
    lines += ["| " + " | ".join([name, *cells]) + " |" for name, cells in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", default="2000,10000", help="comma-separated collection sizes (default: 2000,10000)")
    parser.add_argument("--large", action="store_true", help="add 50,000 papers (about 15 minutes more)")
    parser.add_argument("--scratch", type=Path, default=REPO / ".bench-scale", help="where collections and runs are kept")
    parser.add_argument("--artefacts", action="store_true", help="add PDF-extraction artefacts and placeholder abstracts")
    parser.add_argument("--labels", action="store_true", help="also print each size's topic labels")
    parser.add_argument("--no-search", action="store_true", help="leave out the search timings in Chromium")
    parser.add_argument("--no-serve", action="store_true", help="leave out the live-preview timing (papersite serve)")
    parser.add_argument(
        "--search-only", action="store_true", help="no builds: search timed on a small site given each size's index"
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-log", nargs=2, type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child or options.child_log:
        child_build(*(options.child or options.child_log), quiet=options.child is not None)
        return
    sizes = [int(s) for s in options.papers.split(",") if s] + ([50_000] if options.large else [])
    scratch = options.scratch.resolve()
    if options.search_only:
        base = small_site(scratch)
        results = [measure_search_only(n, scratch, base) for n in sizes]
        print(markdown_table(results, search_rows(results)))
        return
    results = [measure(n, scratch, options.artefacts, not options.no_search, not options.no_serve) for n in sizes]
    print(table(results))
    if options.labels:
        for r in results:
            labels = sorted(r["topics"].items(), key=lambda item: -item[1])
            print(f"\n{r['papers']:,} papers, topics: " + "; ".join(f"{label} ({size})" for label, size in labels))


if __name__ == "__main__":
    main()
