"""The "hf" format: Hugging Face Papers JSON, as its API answers and as tools save it.

Three shapes are read (detected by content, see readers/detect.py):
- the answer of /api/daily_papers (or /api/papers/search): a list of `{"paper": {...}, "title", "publishedAt", ...}`;
- the answer of /api/papers/ID: one paper object, or a list of them;
- an object keyed by arXiv id: `{"2401.01234": {"title", "summary" | "abstract", "upvotes", "publication_date", ...}}`.

A paper object: id (the arXiv id; the dict key when missing), title, summary, authors ([{name}] or
names), publishedAt | publication_date | published_at | date, upvotes, ai_keywords (tags), githubRepo |
github_repo | github (code link), projectPage | project_page (project link), and, in lists
`papersite fetch` writes, tags, doi and added (the day the paper entered the collection). The arXiv id gives the arXiv and Hugging Face links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Problem
from ..identifiers import arxiv_id, iso_date
from ..model import Author, Link, Paper, Source
from .common import author_from_name, checked_arxiv_id, checked_doi, papers_of, skipped, unique, url_link, warning
from .located import Node

HF_PAPER_KEYS = frozenset({"summary", "upvotes", "ai_keywords", "githubRepo", "publication_date", "discussionId"})
DATE_KEYS = ("publishedAt", "publication_date", "published_at", "date")
CODE_KEYS = ("githubRepo", "github_repo", "github", "code")
PROJECT_KEYS = ("projectPage", "project_page")


def hf_paper_url(identifier: str) -> str:
    return f"https://huggingface.co/papers/{identifier}"


def looks_like_hf(root: Node) -> bool:
    """True for the three shapes above (judged by the first record)."""
    value = root.value
    if isinstance(value, list):
        first = next((item for item in value if isinstance(item, dict)), None)
        return first is not None and (isinstance(first.get("paper"), dict) or _is_paper(first))
    if isinstance(value, dict):
        if _is_paper(value):
            return True
        first_key = next(iter(value), None)
        return first_key is not None and bool(arxiv_id(str(first_key))) and isinstance(value[first_key], dict)
    return False


def _is_paper(item: dict[str, Any]) -> bool:
    return "title" in item and bool(HF_PAPER_KEYS & item.keys())


def read_node(root: Node, path: str) -> tuple[list[Paper], list[Problem]]:
    """Each record with its key (the arXiv id of an object keyed by arXiv id, else "")."""
    if isinstance(root.value, dict) and _is_paper(root.value):
        records = [(root.line, (root.value, ""))]
    elif isinstance(root.value, dict):
        records = [(node.line, (node.value, str(key))) for key, node in root.members]
    else:
        records = [(node.line, (node.value, "")) for _, node in root.members]
    return papers_of(records, path, _paper)


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    """Papers and problems of one Hugging Face Papers JSON file (any of the three shapes)."""
    from .detect import parse_file

    root, problem = parse_file(path, "json")
    return ([], [problem]) if problem or root is None else read_node(root, str(path))


def _paper(record: tuple[Any, str], path: str, line: int, problems: list[Problem]) -> Paper | None:
    item, key = record
    if not isinstance(item, dict):
        problems.append(skipped(path, line, f"a Hugging Face paper is a JSON object, not {type(item).__name__}"))
        return None
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
    title = _string(paper.get("title")) or _string(item.get("title"))
    if not title:
        problems.append(skipped(path, line, f"paper {_string(paper.get('id')) or key or '(no id)'!r} has no title"))
        return None
    identifier = checked_arxiv_id(_string(paper.get("id")) or key, path, line, problems)
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=_string(paper.get("summary")) or _string(paper.get("abstract")),
        authors=_authors(paper.get("authors")),
        date=_date(paper, path, line, problems),
        arxiv_id=identifier,
        links=_links(paper, identifier, path, line, problems),
        doi=checked_doi(_string(paper.get("doi")), path, line, problems),
        tags=unique(_string(k) for key in ("ai_keywords", "tags") if isinstance(paper.get(key), list) for k in paper[key]),
        upvotes=_upvotes(paper.get("upvotes"), path, line, problems),
        added=_added(_string(paper.get("added")), path, line, problems),
    )


def _string(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _authors(value: Any) -> tuple[Author, ...]:
    if not isinstance(value, list):
        return ()
    names = (_string(a.get("name")) if isinstance(a, dict) else _string(a) for a in value)
    return tuple(author_from_name(name) for name in names if name)


def _date(paper: dict[str, Any], path: str, line: int, problems: list[Problem]) -> str:
    text = next((_string(paper.get(k)) for k in DATE_KEYS if _string(paper.get(k))), "")
    date = iso_date(text) if text else ""
    if text and not date:
        problems.append(warning(path, line, f"date {text[:40]!r} is not an ISO date; left out"))
    return date


def _added(text: str, path: str, line: int, problems: list[Problem]) -> str:
    date = iso_date(text) if text else ""
    if text and len(date) != 10:
        problems.append(warning(path, line, f"added {text[:40]!r} is not a YYYY-MM-DD date; left out"))
        return ""
    return date


def _upvotes(value: Any, path: str, line: int, problems: list[Problem]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    problems.append(warning(path, line, f"upvotes {str(value)[:20]!r} is not a count; left out"))
    return None


def _links(paper: dict[str, Any], identifier: str, path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    links = [Link("huggingface", hf_paper_url(identifier))] if identifier else []
    code = next((_string(paper.get(k)) for k in CODE_KEYS if _string(paper.get(k))), "")
    project = next((_string(paper.get(k)) for k in PROJECT_KEYS if _string(paper.get(k))), "")
    links += url_link("code", code, path, line, problems)
    links += url_link("project", project, path, line, problems)
    return tuple(links)
