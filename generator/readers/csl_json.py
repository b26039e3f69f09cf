"""The "csl-json" format (.csl.json; a .json whose records use CSL names): Zotero's CSL JSON and
Better BibTeX's "Better CSL JSON" exports, a JSON array of CSL items.

Fields read: title (required), author (family/given with particles, or literal), issued
(date-parts, raw or literal), abstract, container-title (else event-title/event: the venue), DOI,
URL, keyword (comma-separated, tags), and the arXiv id from an arXiv DOI or URL or from `number`
when `archive`/`publisher` is arXiv. The CSL type gives the entry type of the generated BibTeX.
A record that is not an object or has no title is reported with its line and skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Problem
from ..identifiers import arxiv_id, date_from_parts, iso_date
from ..model import Author, Link, Paper, Source
from .common import (
    author_from_name,
    checked_doi,
    file_items,
    json_array_items,
    papers_of,
    skipped,
    split_list,
    unique,
    url_link,
    warning,
)

# Keys only CSL items have (our own records use title/authors/date/venue): how a .json is recognised.
CSL_KEYS = frozenset({"issued", "container-title", "author", "DOI", "URL", "type", "citation-key"})

ENTRY_TYPES = {
    "article-journal": "article",
    "article": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "report": "techreport",
    "thesis": "phdthesis",
}


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    """Papers and problems of one CSL-JSON file. Raises OSError when the file cannot be read."""
    items, problem = file_items(path, json_array_items)
    return ([], [problem]) if problem else read_items(items, str(path))


def read_items(items: list[tuple[int, Any]], path: str) -> tuple[list[Paper], list[Problem]]:
    return papers_of(items, path, _paper)


def looks_like_csl(item: Any) -> bool:
    return isinstance(item, dict) and bool(CSL_KEYS & item.keys()) and "authors" not in item


def _paper(item: Any, path: str, line: int, problems: list[Problem]) -> Paper | None:
    if not isinstance(item, dict):
        problems.append(skipped(path, line, f"a CSL record is a JSON object, not {type(item).__name__}"))
        return None
    title = _string(item.get("title"))
    if not title:
        problems.append(skipped(path, line, f"record {_string(item.get('id')) or '(no id)'!r} has no title"))
        return None
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=_string(item.get("abstract")),
        authors=_authors(item.get("author")),
        date=_date(item.get("issued"), path, line, problems),
        venue=next((_string(item.get(k)) for k in ("container-title", "event-title", "event") if _string(item.get(k))), ""),
        arxiv_id=_arxiv(item),
        doi=checked_doi(_string(item.get("DOI")), path, line, problems),
        links=_links(item, path, line, problems),
        tags=unique(split_list(", ".join(_strings(item.get("keyword"))))),
        entry_type=ENTRY_TYPES.get(_string(item.get("type")), "misc"),
    )


def _string(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _strings(value: Any) -> list[str]:
    return [_string(v) for v in value] if isinstance(value, list) else [_string(value)]


def _authors(value: Any) -> tuple[Author, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(author for author in (_author(name) for name in value) if author is not None)


def _author(name: Any) -> Author | None:
    if isinstance(name, str):
        return author_from_name(name)
    if not isinstance(name, dict):
        return None
    family = " ".join(filter(None, (_string(name.get(k)) for k in ("non-dropping-particle", "family", "suffix"))))
    given = " ".join(filter(None, (_string(name.get(k)) for k in ("given", "dropping-particle"))))
    if family:
        return Author(family=family, given=given)
    literal = _string(name.get("literal")) or given
    return Author(family=literal) if literal else None


def _date(value: Any, path: str, line: int, problems: list[Problem]) -> str:
    """An ISO date prefix from CSL's {"date-parts": [[y, m, d]]}, {"raw": ...}, {"literal": ...} or a string."""
    if not value:
        return ""
    date = ""
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list):
            date = date_from_parts(_ints(parts[0]))
        date = date or iso_date(_string(value.get("raw")) or _string(value.get("literal")))
    else:
        date = iso_date(_string(value))
    if not date:
        problems.append(warning(path, line, f"issued date {value!r} is not a date; left out"))
    return date


def _ints(parts: list[Any]) -> list[int]:
    try:
        return [int(p) for p in parts]
    except (TypeError, ValueError):
        return []


def _arxiv(item: dict[str, Any]) -> str:
    archive = (_string(item.get("archive")) or _string(item.get("publisher"))).lower()
    from_number = arxiv_id(_string(item.get("number"))) if archive == "arxiv" else ""
    return from_number or arxiv_id(_string(item.get("DOI"))) or arxiv_id(_string(item.get("URL")))


def _links(item: dict[str, Any], path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    url = _string(item.get("URL"))
    if not url or arxiv_id(url):
        return ()
    return tuple(url_link("pdf" if url.lower().endswith(".pdf") else "landing", url, path, line, problems))
