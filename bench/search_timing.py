"""Search as a person meets it, timed in headless Chromium with every outside request blocked.

    .venv/bin/python bench/search_timing.py SITE_DIR [QUERY ...]
    .venv/bin/python bench/search_timing.py SITE_DIR --papers 10000,50000 [QUERY ...]

For each query and each way of opening the site (file:// and http on 127.0.0.1): the seconds from
opening the home page to the first result (the query typed as soon as the box takes input), the
seconds from each later keystroke to the updated results, and the memory of the browser's renderer
processes (the page and its search worker) at the end. bench/scale.py calls `measure` for its table.

--papers times search at sizes no whole build has to reach: for each size, a copy of SITE (any
built papersite site, e.g. the example's) gets the search index of that many synthetic papers
(bench/synthetic.py, read and normalised as a build reads them, the authors directory's entries as a build
makes them) in place of its own, written by generator/search_index.py as the build writes it. Enrich is
skipped, so each paper gets one or two of the example's hand-labelled topics
(tests/data/gold-topics.tsv) instead of discovered ones; paper pages are not written, so results
link nowhere. Without a query, the longest word of the middle paper's title is searched.

--profile adds where the index's time goes, in a bare page from file:// without Material: loading
and running search/papers.js, preparing it, and one query, each timed inside the page.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))
from browser import browser, offline_page, serve_folder  # noqa: E402

from bench.synthetic import GOLD, write_records  # noqa: E402
from generator import search_index  # noqa: E402
from generator.authors import directory_places  # noqa: E402
from generator.catalog import assign_slugs  # noqa: E402
from generator.config import SourceSpec  # noqa: E402
from generator.model import Catalog, Topic  # noqa: E402
from generator.paths import SEARCH_INDEX, built_url  # noqa: E402
from generator.pipeline import read_all  # noqa: E402
from generator.slugs import slug_base  # noqa: E402

LISTING_PAGE_SIZE = 200  # the default of the option listing_page_size: where author entries fall


@dataclass(frozen=True)
class SearchTiming:
    mode: str
    query: str
    first_result_s: float  # page opened -> first result
    keystroke_s: float  # median: key pressed -> results updated
    renderer_mb: float


def measure(site: Path, query: str, mode: str, shot: Path | None = None) -> SearchTiming:
    """shot: where to save a screenshot of the first results (PNG), if anywhere."""
    with browser() as chromium:
        if mode == "file":
            return _measure(chromium, (site / "index.html").as_uri(), query, mode, shot)
        with serve_folder(site) as base:
            return _measure(chromium, f"{base}/index.html", query, mode, shot)


def _measure(chromium, url: str, query: str, mode: str, shot: Path | None) -> SearchTiming:
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    box = page.locator("input.md-search__input")
    box.wait_for(state="attached")
    box.fill(query)
    box.press("End")
    # a function, not an expression: playwright re-evaluates an expression with eval, which the site's CSP refuses
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0", timeout=120_000)
    first = time.perf_counter() - started
    if shot:
        page.screenshot(path=str(shot))
    keystrokes = [_keystroke(page, box, query[: len(query) - cut]) for cut in (1, 2, 3) if len(query) - cut >= 3]
    memory = renderer_memory_mb(chromium)
    page.context.close()
    if blocked:
        raise RuntimeError(f"requests left the site: {blocked[:3]}")
    return SearchTiming(mode, query, first, statistics.median(keystrokes) if keystrokes else 0.0, memory)


def _keystroke(page, box, text: str) -> float:
    """Type text, then time one more key until the result list changes."""
    box.fill(text)
    box.press("End")
    page.wait_for_timeout(300)
    before = page.evaluate(
        "document.querySelector('.md-search-result__meta').textContent + document.querySelector('.md-search-result__list').innerHTML.length"
    )
    started = time.perf_counter()
    box.press("x")
    page.wait_for_function(
        "before => document.querySelector('.md-search-result__meta').textContent + document.querySelector('.md-search-result__list').innerHTML.length !== before",
        arg=before,
        timeout=30_000,
    )
    return time.perf_counter() - started


PROFILE_PAGE = """<!doctype html><script src="search/papersite-profile-worker.js"></script>
<script>
var marks = {start: performance.now()}, original = papersiteSearch;
papersiteSearch = function (data) { marks.parsed = performance.now(); original(data); marks.prepared = performance.now(); };
var script = document.createElement("script");
script.src = "search/papers.js";
script.onload = function () {
  var query = decodeURIComponent(location.hash.slice(1)), started = performance.now();
  search(query);
  marks.query = performance.now() - started;
  window.profiled = marks;
};
document.head.appendChild(script);
</script>
"""


def profile_index(site: Path, query: str) -> dict[str, float]:
    """Where loading the index goes, in milliseconds, in a bare page from file:// (no Material):
    loading and running search/papers.js, preparing it, and one query (the worker's own code)."""
    worker = REPO / "generator" / "assets" / "search-worker.js"
    shutil.copy(worker, site / "search" / "papersite-profile-worker.js")
    page_path = site / "papersite-profile.html"
    page_path.write_text(PROFILE_PAGE, encoding="utf-8")
    try:
        with browser() as chromium:
            page = offline_page(chromium, [])
            page.goto(f"{page_path.as_uri()}#{query}")
            page.wait_for_function("() => window.profiled", timeout=120_000)
            marks = page.evaluate("() => window.profiled")
    finally:
        page_path.unlink()
        (site / "search" / "papersite-profile-worker.js").unlink()
    return {
        "load_ms": marks["parsed"] - marks["start"],
        "prepare_ms": marks["prepared"] - marks["parsed"],
        "query_ms": marks["query"],
    }


def renderer_memory_mb(chromium) -> float:
    """Resident memory of this browser's renderer processes (the tab and its worker), in MB."""
    session = chromium.new_browser_cdp_session()
    processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    session.detach()
    total = 0
    for process in processes:
        if process["type"] == "renderer":
            status = Path(f"/proc/{process['id']}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return total / 1024


def synthetic_catalog(collection: Path) -> Catalog:
    """The papers of a records file as a build reads them, with hand-labelled topics instead of enrich's."""
    papers, problems = read_all([SourceSpec(collection)])
    if any(p.fatal for p in problems):
        raise SystemExit(f"{collection}: {problems[0]}")
    labels = sorted({line.split("\t")[0] for line in GOLD.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"})
    papers = assign_slugs(papers)
    members: dict[str, list[str]] = {label: [] for label in labels}
    topical = []
    for paper in papers:
        rng = random.Random(paper.slug)
        chosen = rng.sample(labels, 1 + (rng.random() < 0.3))
        for label in chosen:
            members[label].append(paper.slug)
        topical.append(replace(paper, topics=tuple(slug_base(label) for label in chosen)))
    topics = tuple(Topic(slug_base(label), label, f"Papers on {label.lower()}.", tuple(members[label])) for label in labels)
    return Catalog(papers=tuple(topical), topics=topics)


def synthetic_index_site(site: Path, n: int, scratch: Path) -> tuple[Path, int, str]:
    """A copy of site searching n synthetic papers; its folder, the index's bytes and a title word."""
    collection = write_records(scratch / "collections" / f"papers-{n}.json", n)
    catalog = synthetic_catalog(collection)
    copy = scratch / "search-sites" / str(n)
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    authors = directory_places(catalog.papers, LISTING_PAGE_SIZE)
    docs = search_index.catalog_docs(catalog, lambda page: built_url(page, directory_urls=False), authors)
    index = copy / SEARCH_INDEX
    index.write_text(search_index.index_script(docs), encoding="utf-8")
    middle = catalog.papers[len(catalog.papers) // 2].title
    words = re.findall(r"[^\W\d_]{3,}", middle)
    return copy, index.stat().st_size, max(words, key=len).lower() if words else "learning"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*")
    parser.add_argument("--profile", action="store_true", help="also time the index alone in a bare page")
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of each first result in this folder")
    parser.add_argument(
        "--papers", default="", help="comma-separated sizes: time a copy of SITE searching that many synthetic papers"
    )
    parser.add_argument(
        "--scratch",
        type=Path,
        default=REPO / ".bench-scale",
        help="where --papers keeps collections (shared with scale.py) and sites",
    )
    options = parser.parse_args()
    sites = [(options.site.resolve(), "", options.queries or ["learning"])]
    if options.papers:
        sites = []
        for n in (int(size) for size in options.papers.split(",") if size):
            print(f"[{n}] writing the search index of {n:,} synthetic papers ...", file=sys.stderr, flush=True)
            copy, size, word = synthetic_index_site(options.site.resolve(), n, options.scratch.resolve())
            sites.append((copy, f"{n:,} papers, index {size / 1e6:.1f} MB", options.queries or [word]))
    print("| site | mode | query | page opened -> first result, s | keystroke -> results, s | renderer memory, MB |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for site, name, queries in sites:
        for query in queries:
            for mode in ("file", "http"):
                shot = None
                if options.screenshots:
                    options.screenshots.mkdir(parents=True, exist_ok=True)
                    words = "-".join(re.findall(r"\w+", query))
                    shot = options.screenshots / f"search-{site.name}-{mode}-{words}.png"
                t = measure(site, query, mode, shot)
                print(
                    f"| {name or site} | {t.mode} | {t.query} | {t.first_result_s:.2f} | {t.keystroke_s:.2f} | {t.renderer_mb:.0f} |",
                    flush=True,
                )
    if options.profile:
        print("\n| site | query | load and run papers.js, ms | prepare, ms | one query, ms |\n| --- | --- | ---: | ---: | ---: |")
        for site, name, queries in sites:
            for query in queries:
                ms = profile_index(site, query)
                print(f"| {name or site} | {query} | {ms['load_ms']:.0f} | {ms['prepare_ms']:.0f} | {ms['query_ms']:.0f} |")


if __name__ == "__main__":
    main()
