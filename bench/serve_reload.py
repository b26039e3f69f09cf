"""Live preview as a person meets it: `papersite serve`, a paper's page open in Chromium, an edit to
that paper's abstract saved in the paper list; how long until the page shows the new text.

    .venv/bin/python bench/serve_reload.py PROJECT SOURCE [--edits 3] [--add-paper]

PROJECT holds mkdocs.yml; SOURCE is a paper list in the hf JSON shape (bench/synthetic.py's, as
bench/scale.py writes them). The server's first build is not timed (it may take minutes at
10,000 papers); each edit is: the abstract of one paper (a third of the way down the list) gets a
new sentence with a fresh word, the file is saved, and the clock runs until the page open in the
browser (reloaded by MkDocs' live reload) holds that word; with --add-paper, the same save also
appends a new paper (which changes the saved topic state too). bench/scale.py reports the median.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import browser, offline_page  # noqa: E402
from sitebuild import Output, free_port  # noqa: E402

RENDERED = re.compile(r"papersite: (\d+) pages rendered, (\d+) left as the last build wrote them")
READ = "papersite: read "  # the log line of each run of the read stage (pipeline.read_checked)


class Server:
    """`papersite serve SOURCE` in PROJECT, its log lines collected (sitebuild.Output)."""

    def __init__(self, project: Path, source: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "generator.cli", "serve", str(source), "-a", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command, cwd=project, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        self.output = Output(self.process.stderr, self.process)
        self.lines = self.output.lines

    def wait_for(self, text: str, times: int = 1, timeout: float = 3600) -> None:
        try:
            self.output.wait_for(text, times, timeout)
        except AssertionError:
            raise SystemExit(f"no {text!r} from papersite serve:\n" + "".join(self.lines[-40:])) from None

    def count(self, text: str) -> int:
        return self.output.count(text)

    def settle(self, quiet: float = 2.0) -> None:
        """Until every build started has reloaded the browsers and nothing was logged for `quiet` seconds."""
        seen = -1
        while len(self.lines) != seen or self.count("Building documentation") != self.count("Reloading browsers") + 1:
            seen = len(self.lines)  # + 1: the first build reloads nothing
            if self.process.poll() is not None:
                raise SystemExit("papersite serve ended:\n" + "".join(self.lines[-40:]))
            time.sleep(quiet)

    def base(self) -> str:
        root = next((line.split("Serving on ", 1)[1].strip() for line in self.lines if "Serving on " in line), "")
        return root or f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def page_url(base: str, title: str) -> str:
    """The served URL of the paper with this title (from the site's papers.json)."""
    with urlopen(base + "papers.json", timeout=60) as found:
        papers = json.loads(found.read())

    def plain(text: str) -> str:
        return re.sub(r"\W+", " ", text).casefold().strip()

    return base + next(p["url"] for p in papers if plain(p["title"]) == plain(title))


def shows(page, word: str) -> bool:
    try:
        return bool(page.evaluate("word => document.body.innerText.includes(word)", word))
    except Exception:  # the page is being reloaded
        return False


def reload_times(project: Path, source: Path, edits: int = 3, timeout: float = 600, add_paper: bool = False) -> dict[str, object]:
    """Seconds from saving an edit to the page showing it, for each edit; the pages each rebuild
    rendered, the runs of the read stage and the MkDocs builds each edit caused."""
    records = json.loads(source.read_text(encoding="utf-8"))
    target = len(records) // 3
    server = Server(project, source)
    try:
        server.wait_for("Serving on")
        base = server.base()
        url = page_url(base, records[target]["title"])
        seconds, rendered, reads, builds_run = [], [], [], []
        with browser() as chromium:
            blocked: list[str] = []
            page = offline_page(chromium, blocked)
            page.goto(url)
            for n in range(edits):
                word = f"marmotwatch{n}x{int(time.time())}"
                records[target]["abstract"] += f" Tidal {word} counts."
                if add_paper:
                    new = {key: value for key, value in records[target].items() if key != "arxiv_id"}
                    records.append({**new, "title": f"Tidal Marmots {word}: {new['title']}"})
                builds = server.count("Reloading browsers")
                reads_before, started_before = server.count(READ), server.count("Building documentation")
                source.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
                saved = time.perf_counter()
                while not shows(page, word):
                    if time.perf_counter() - saved > timeout:
                        raise SystemExit(f"the page never showed the edit:\n{''.join(server.lines[-40:])}")
                    time.sleep(0.02)
                seconds.append(time.perf_counter() - saved)
                server.wait_for("Reloading browsers", builds + 1)
                counts = [RENDERED.search(line) for line in list(server.lines)]
                last = [c for c in counts if c][-1]
                rendered.append((int(last[1]), int(last[2])))
                server.settle()  # every build the edit caused has ended
                reads.append(server.count(READ) - reads_before)
                builds_run.append(server.count("Building documentation") - started_before)
            if blocked:
                raise SystemExit(f"the browser was refused: {blocked}")
    finally:
        server.stop()
    return {
        "seconds": seconds,
        "median": statistics.median(seconds),
        "rendered": rendered,
        "reads": reads,
        "builds": builds_run,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("source", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--add-paper", action="store_true", help="each edit also appends a new paper")
    args = parser.parse_args()
    found = reload_times(args.project.resolve(), args.source.resolve(), args.edits, add_paper=args.add_paper)
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
