"""`papersite serve`: an edit to the paper list regenerates the pages and rebuilds the site once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sitebuild import make_project

PAPERS = [
    ("Self-play in zero-sum games", "Agents improve by playing against copies of themselves in games."),
    ("Reward models for language agents", "We train reward models that score the answers of language agents."),
    ("Diffusion models for images", "Diffusion models generate images by removing noise step by step."),
    ("Protein folding with deep networks", "Deep networks predict how proteins fold from their sequence."),
]
NEW_PAPER = ("Robots that learn from play", "Robots learn manipulation skills from unstructured play data.")


def listing(papers: list[tuple[str, str]]) -> str:
    return "".join(f"{title}\n{abstract}\n\n" for title, abstract in papers)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Output:
    """The server's log lines, read in a thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=lambda: self.lines.extend(iter(stream.readline, "")), daemon=True)
        self.thread.start()

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, times: int = 1, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.count(text) < times:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} x{times} in:\n" + "".join(self.lines))
            time.sleep(0.1)


@pytest.mark.slow
def test_an_edit_to_the_paper_list_rebuilds_once(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    source = root / "papers" / "small.txt"
    source.write_text(listing(PAPERS), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", str(source), "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    output = Output(server.stderr)
    try:
        output.wait_for("Serving on")
        assert output.count("Building documentation") == 1
        source.write_text(listing([*PAPERS, NEW_PAPER]), encoding="utf-8")
        output.wait_for("Reloading browsers")
        time.sleep(3)  # long enough for a second rebuild to start, if the edit caused one
        assert output.count("Building documentation") == 2, "".join(output.lines)
        assert (root / "site_src" / "papers" / "robots-that-learn-from-play.md").is_file()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/papers/robots-that-learn-from-play.html", timeout=10) as page:
            assert "Robots that learn from play" in page.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
