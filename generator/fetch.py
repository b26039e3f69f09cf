"""`papersite fetch`: new papers from Hugging Face daily papers or an arXiv query, merged into a paper
list in the repository (a JSON object keyed by arXiv id, read back by the "hf" reader).

Merging: same arXiv id (versionless) = same paper. A paper already in the file is left exactly as
it is (hand edits survive); new papers are appended with `added`, the day they entered the
collection. Nothing is written unless the whole fetch succeeded, and then atomically.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import FetchError
from .identifiers import arxiv_id, today
from .readers.detect import parse_file
from .write import atomic_write

ARXIV_API_ENV = "PAPERSITE_ARXIV_API"  # another arXiv API address (a mirror; the tests' recorded answers)

Record = dict[str, Any]


def days(since: datetime.date, until: datetime.date) -> list[datetime.date]:
    return [since + datetime.timedelta(n) for n in range((until - since).days + 1)]


# ---------------------------------------------------------------- Hugging Face


def fetch_hf(dates: Iterable[datetime.date | None]) -> list[Record]:
    """Records of the daily papers of each date (None: the latest list).

    The request goes through huggingface_hub's HTTP session (its endpoint, HF_ENDPOINT, headers and
    error mapping), but the answer is read here: the hub's PaperInfo drops githubRepo, projectPage
    and ai_keywords of daily papers (it looks for them outside the nested `paper` object).
    """
    try:
        from huggingface_hub import constants
        from huggingface_hub.errors import HfHubHTTPError
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status
    except ImportError as error:
        raise FetchError("fetch hf needs huggingface_hub: pip install 'papersite[fetch]'") from error
    records: list[Record] = []
    for date in dates:
        shown = date.isoformat() if date else "the latest day"
        params = {"date": date.isoformat()} if date else {}
        try:
            answer = get_session().get(f"{constants.ENDPOINT}/api/daily_papers", params=params, headers=build_hf_headers())
            hf_raise_for_status(answer)
            records += [_hf_record(item) for item in answer.json()]
        except HfHubHTTPError as error:
            raise FetchError(f"Hugging Face daily papers of {shown}: {_first_line(error)}") from error
        except Exception as error:
            if _is_network_error(error):
                raise FetchError(f"Hugging Face daily papers of {shown}: network error ({_first_line(error)})") from error
            if isinstance(error, (ValueError, TypeError, KeyError, AttributeError)):  # no JSON, or not a list of papers
                raise FetchError(f"Hugging Face daily papers of {shown}: unexpected answer ({_first_line(error)})") from error
            raise
    return records


def _hf_record(item: dict[str, Any]) -> Record:
    """The fields papersite keeps of one daily-papers entry (`{paper: {...}, ...}`)."""
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
    record: Record = {
        "id": paper["id"],
        "title": " ".join(str(paper.get("title") or item.get("title") or "").split()),
        "summary": str(paper.get("summary") or "").strip(),
        "authors": [a["name"] for a in paper.get("authors") or [] if isinstance(a, dict) and a.get("name")],
        "publishedAt": str(paper.get("publishedAt") or "")[:10],
        "upvotes": paper.get("upvotes"),
        "githubRepo": paper.get("githubRepo"),
        "projectPage": paper.get("projectPage"),
        "ai_keywords": paper.get("ai_keywords"),
    }
    return {k: v for k, v in record.items() if v not in (None, "", [])}


# ---------------------------------------------------------------- arXiv


def fetch_arxiv(query: str, max_results: int) -> list[Record]:
    """Records of the newest papers matching an arXiv API query, through the arxiv package (3 s between pages)."""
    try:
        import arxiv
        import requests
    except ImportError as error:
        raise FetchError("fetch arxiv needs the arxiv package: pip install 'papersite[fetch]'") from error
    client = arxiv.Client(page_size=min(max_results, 100), delay_seconds=3.0, num_retries=2)
    if os.environ.get(ARXIV_API_ENV):
        client.query_url_format = os.environ[ARXIV_API_ENV].rstrip("?") + "?{}"
    search = arxiv.Search(query=query, max_results=max_results, sort_by=arxiv.SortCriterion.SubmittedDate)
    try:
        results = list(client.results(search))
    except (arxiv.ArxivError, requests.RequestException, OSError) as error:
        raise FetchError(f"arXiv query {query!r}: {_first_line(error)}") from error
    return [_arxiv_record(result) for result in results]


def _arxiv_record(result: Any) -> Record:
    record: Record = {
        "id": arxiv_id(result.entry_id),
        "title": " ".join(result.title.split()),
        "summary": " ".join(result.summary.split()),
        "authors": [a.name for a in result.authors],
        "publishedAt": result.published.date().isoformat() if result.published else "",
        "tags": list(result.categories),
        "doi": result.doi,
    }
    return {k: v for k, v in record.items() if v not in (None, "", [])}


# ---------------------------------------------------------------- merging into the paper list


def load_list(path: Path) -> dict[str, Record]:
    """The paper list at path (an object keyed by arXiv id), or {} when it does not exist yet."""
    if not path.exists():
        return {}
    root, problem = parse_file(path, "json")
    if problem:
        raise FetchError(f"{problem}; the paper list was left as it is")
    if root is None or not isinstance(root.value, dict):
        raise FetchError(
            f"{path}:1: fetch adds to a JSON object keyed by arXiv id, and this file is not one; name another file with -o"
        )
    return root.value


def merge_new(existing: dict[str, Record], fetched: Iterable[Record], added: datetime.date) -> tuple[dict[str, Record], int]:
    """The list with the fetched papers it lacks appended (keyed by versionless arXiv id); how many were new."""
    merged = dict(existing)
    known = {arxiv_id(key) or key for key in existing}
    new = 0
    for record in fetched:
        key = arxiv_id(str(record.get("id", "")))
        if not key or key in known:
            continue
        known.add(key)
        merged[key] = {**{k: v for k, v in record.items() if k != "id"}, "added": added.isoformat()}
        new += 1
    return merged, new


def save_list(path: Path, papers: dict[str, Record]) -> None:
    atomic_write(path, json.dumps(papers, indent=2, ensure_ascii=False) + "\n")


def add_to_list(path: Path, fetched: list[Record]) -> tuple[int, int]:
    """Merge fetched records into the list at path; (new papers, papers fetched). Writes only when something is new."""
    existing = load_list(path)
    merged, new = merge_new(existing, fetched, today())
    if new:
        save_list(path, merged)
    return new, len(fetched)


def _is_network_error(error: BaseException) -> bool:
    """An OSError or an error of the HTTP client huggingface_hub uses (httpx, or its fork httpx2 in hub 2.x)."""
    return isinstance(error, OSError) or any(
        cls.__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "requests") for cls in type(error).__mro__
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
