"""Helpers for the end-to-end tests: build a real site in a temporary folder and read its HTML."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Output:
    """The log lines of a server process (papersite serve), read in a thread."""

    def __init__(self, stream, process: subprocess.Popen | None = None) -> None:
        self.lines: list[str] = []
        self.process = process
        self.thread = threading.Thread(target=lambda: self.lines.extend(iter(stream.readline, "")), daemon=True)
        self.thread.start()

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, times: int = 1, timeout: float = 120) -> None:
        """Until text was logged `times` times; fails after timeout seconds or when the process ended."""
        deadline = time.monotonic() + timeout
        while self.count(text) < times:
            if time.monotonic() > deadline or (self.process is not None and self.process.poll() is not None):
                raise AssertionError(f"no {text!r} x{times} in:\n" + "".join(self.lines))
            time.sleep(0.05)


def make_project(root: Path, sources: list[Path] | None = None) -> Path:
    """A copy of the example project (mkdocs.yml, hand-written site_src pages, papers/) in root."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "papers", root / "papers")
    (root / "site_src").mkdir()
    shutil.copy(REPO / "site_src" / "about.md", root / "site_src" / "about.md")
    for source in sources or []:
        shutil.copy(source, root / "papers" / source.name)
    return root


def papersite(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )


class Page(HTMLParser):
    """A built HTML page: its elements with attributes, its text, and its comments."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.scripts: list[str] = []
        self.code: list[str] = []  # the text of <pre> blocks, which `text` leaves out
        self._chunks: list[str] = []
        self._in_script = False
        self._pre_depth = 0
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        self._pre_depth += tag == "pre"

    def handle_endtag(self, tag):
        self._in_script = False
        self._pre_depth -= tag == "pre" and self._pre_depth > 0

    def handle_data(self, data):
        (self.scripts if self._in_script else self.code if self._pre_depth else self._chunks).append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._chunks).split())

    def attrs(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag]
