"""`papersite fetch` against recorded API answers served on 127.0.0.1 (no network); one live test runs
only when PAPERSITE_NETWORK_TESTS=1."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.fetch import merge_new
from generator.readers import read_sources

RECORDED = Path(__file__).parent / "data" / "fetch"


class Recorded(BaseHTTPRequestHandler):
    """Answers /api/daily_papers?date=D with hf-daily-D.json and /api/query with arxiv-query.atom; logs each request."""

    requests: list[str] = []
    latest = "2024-01-19"  # the day a request without a date gets (the latest list)

    def do_GET(self):  # noqa: N802 - the standard library's name
        url = urlsplit(self.path)
        Recorded.requests.append(self.path)
        if url.path == "/api/daily_papers":
            body = RECORDED / f"hf-daily-{parse_qs(url.query).get('date', [Recorded.latest])[0]}.json"
            kind = "application/json"
        elif url.path == "/api/query":
            body, kind = RECORDED / "arxiv-query.atom", "application/atom+xml"
        else:
            body, kind = Path("/nonexistent"), "text/plain"
        if not body.is_file():
            self.send_error(404, "Not Found")
            return
        data = body.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002
        pass


@contextmanager
def recorded_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    thread = Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with recorded_server() as url:
        yield url


def fetch(cwd: Path, endpoint: str, *args: str, today: str = "2024-01-19") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env |= {
        "HF_ENDPOINT": endpoint,
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "PAPERSITE_ARXIV_API": f"{endpoint}/api/query",
        "PAPERSITE_TODAY": today,
    }
    command = [sys.executable, "-m", "generator.cli", "fetch", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_fetch_hf_twice_adds_the_papers_once(tmp_path, endpoint):
    first = fetch(tmp_path, endpoint, "hf", "--date", "2024-01-18", today="2024-01-18")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "papers/hf.json: 2 new paper(s) added, 0 of 2 fetched already there"
    written = (tmp_path / "papers/hf.json").read_bytes()
    again = fetch(tmp_path, endpoint, "hf", "--date", "2024-01-18", today="2024-01-18")
    assert again.returncode == 0 and "0 new paper(s) added, 2 of 2 fetched already there" in again.stdout
    assert (tmp_path / "papers/hf.json").read_bytes() == written
    papers, problems = read_sources([(tmp_path / "papers/hf.json", None)])
    assert problems == []
    assert [(p.arxiv_id, p.upvotes, p.added) for p in papers] == [
        ("2401.10020", 154, "2024-01-18"),
        ("2401.04088", 160, "2024-01-18"),
    ]
    assert papers[0].link("code") == "https://github.com/lucidrains/self-rewarding-lm-pytorch"
    assert papers[0].authors[0].family == "Yuan" and papers[0].date == "2024-01-18"


def test_the_next_recorded_day_adds_only_the_new_paper_and_keeps_hand_edits(tmp_path, endpoint):
    assert fetch(tmp_path, endpoint, "hf", "--date", "2024-01-18", today="2024-01-18").returncode == 0
    listed = tmp_path / "papers/hf.json"
    edited = json.loads(listed.read_text())
    edited["2401.04088"]["title"] = "Mixtral of Experts (our reading group's pick)"
    edited["2401.04088"]["upvotes"] = 3
    listed.write_text(json.dumps(edited, indent=2))
    result = fetch(tmp_path, endpoint, "hf", "--date", "2024-01-19", today="2024-01-19")
    assert result.returncode == 0, result.stderr
    assert "1 new paper(s) added, 1 of 2 fetched already there" in result.stdout
    after = json.loads(listed.read_text())
    assert list(after) == ["2401.10020", "2401.04088", "2402.03300"]
    assert after["2401.04088"] == edited["2401.04088"]  # the hand edit survives
    assert after["2402.03300"]["added"] == "2024-01-19" and after["2401.10020"]["added"] == "2024-01-18"


def test_since_fetches_every_day_up_to_today(tmp_path, endpoint):
    Recorded.requests.clear()
    result = fetch(tmp_path, endpoint, "hf", "--since", "2024-01-18", "-o", "list.json", today="2024-01-19")
    assert result.returncode == 0, result.stderr
    assert "3 new paper(s) added, 1 of 4 fetched already there" in result.stdout
    assert [parse_qs(urlsplit(r).query)["date"] for r in Recorded.requests] == [["2024-01-18"], ["2024-01-19"]]


def test_a_network_failure_is_one_line_exit_1_and_the_list_untouched(tmp_path):
    listed = tmp_path / "papers/hf.json"
    listed.parent.mkdir()
    listed.write_text('{"2401.10020": {"title": "Kept"}}\n')
    before = listed.read_bytes()
    result = fetch(tmp_path, "http://127.0.0.1:9", "hf", "--date", "2024-01-18")  # port 9: nothing listens
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("papersite: Hugging Face daily papers of 2024-01-18: network error")
    assert listed.read_bytes() == before and sorted(p.name for p in listed.parent.iterdir()) == ["hf.json"]


def test_an_http_error_answer_is_one_line(tmp_path, endpoint):
    result = fetch(tmp_path, endpoint, "hf", "--date", "2030-01-01")  # not recorded: 404
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "2030-01-01" in result.stderr and not (tmp_path / "papers/hf.json").exists()


@pytest.mark.parametrize(
    "name, text, error",
    [
        # a list that is not keyed by arXiv id
        ("mine.json", '[{"title": "A record list"}]\n', "mine.json:1: fetch adds to a JSON object keyed by arXiv id"),
        # a broken list names its line
        ("papers.json", '{\n  "2401.10020": {"title": "x",}\n}\n', "papers.json:2: not valid JSON"),
    ],
)
def test_a_list_fetch_cannot_add_to_is_refused_untouched(tmp_path, endpoint, name, text, error):
    listed = tmp_path / name
    listed.write_text(text)
    result = fetch(tmp_path, endpoint, "hf", "--date", "2024-01-18", "-o", name)
    assert result.returncode == 1 and error in result.stderr
    assert listed.read_text() == text


def test_fetch_arxiv_query_twice(tmp_path, endpoint):
    Recorded.requests.clear()
    result = fetch(tmp_path, endpoint, "arxiv", "ti:self-rewarding", "--max", "5")
    assert result.returncode == 0, result.stderr
    assert "papers/arxiv.json: 2 new paper(s) added" in result.stdout
    query = parse_qs(urlsplit(Recorded.requests[0]).query)
    assert query["search_query"] == ["ti:self-rewarding"] and query["sortBy"] == ["submittedDate"]
    papers, problems = read_sources([(tmp_path / "papers/arxiv.json", None)])
    assert problems == [] and [p.arxiv_id for p in papers] == ["2401.10020", "2407.19594"]
    assert papers[1].title == "Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge"
    assert papers[0].tags == ("cs.CL", "cs.AI") and papers[0].added == "2024-01-19"
    again = fetch(tmp_path, endpoint, "arxiv", "ti:self-rewarding", "--max", "5")
    assert "0 new paper(s) added, 2 of 2 fetched already there" in again.stdout


def test_merge_new_takes_versionless_ids_and_never_duplicates():
    existing = {"2401.10020": {"title": "Mine"}}
    fetched = [
        {"id": "2401.10020v3", "title": "Theirs"},
        {"id": "2402.00001", "title": "N"},
        {"id": "2402.00001v2", "title": "N again"},
    ]
    merged, new = merge_new(existing, fetched, datetime.date(2024, 2, 1))
    assert new == 1 and merged == {"2401.10020": {"title": "Mine"}, "2402.00001": {"title": "N", "added": "2024-02-01"}}


@pytest.mark.skipif(os.environ.get("PAPERSITE_NETWORK_TESTS") != "1", reason="touches the network; set PAPERSITE_NETWORK_TESTS=1")
def test_live_fetch_from_hugging_face(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "generator.cli", "fetch", "hf", "--date", "2024-01-19", "-o", "hf.json"]
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    papers, problems = read_sources([(tmp_path / "hf.json", None)])
    assert papers and all(p.arxiv_id and p.link("huggingface") for p in papers)
