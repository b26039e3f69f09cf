"""Search as a person meets it, timed in headless Chromium with every outside request blocked.

    .venv/bin/python bench/search_timing.py SITE_DIR [QUERY ...]

For each query and each way of opening the site (file:// and http on 127.0.0.1): the seconds from
opening the home page to the first result (the query typed as soon as the box takes input), the
seconds from each later keystroke to the updated results, and the memory of the browser's renderer
processes (the page and its search worker) at the end. bench/scale.py calls `measure` for its table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import browser, offline_page, serve_folder  # noqa: E402


@dataclass(frozen=True)
class SearchTiming:
    mode: str
    query: str
    first_result_s: float  # page opened -> first result
    keystroke_s: float  # median: key pressed -> results updated
    renderer_mb: float


def measure(site: Path, query: str, mode: str) -> SearchTiming:
    with browser() as chromium:
        if mode == "file":
            return _measure(chromium, (site / "index.html").as_uri(), query, mode)
        with serve_folder(site) as base:
            return _measure(chromium, f"{base}/index.html", query, mode)


def _measure(chromium, url: str, query: str, mode: str) -> SearchTiming:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("queries", nargs="*", default=["learning"])
    options = parser.parse_args()
    print("| mode | query | page opened -> first result, s | keystroke -> results, s | renderer memory, MB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for query in options.queries:
        for mode in ("file", "http"):
            t = measure(options.site.resolve(), query, mode)
            print(f"| {t.mode} | {t.query} | {t.first_result_s:.2f} | {t.keystroke_s:.2f} | {t.renderer_mb:.0f} |")


if __name__ == "__main__":
    main()
