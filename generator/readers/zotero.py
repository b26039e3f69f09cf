"""The "zotero-json" format: Better BibTeX JSON, Zotero's native export (`{"config", "collections", "items": [...]}`).

Fields read from each item: title (required), creators (firstName/lastName, or name), date (ISO or
any text holding a year), abstractNote, publicationTitle | proceedingsTitle | conferenceName |
bookTitle | university (the venue), DOI, url, tags ([{tag}] or names), itemType (the BibTeX entry
type) and the arXiv id from `extra` ("arXiv: 2401.01234"), from an arXiv url or an arXiv DOI.
Attachments and notes stored as items are not papers and are passed over.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem
from ..identifiers import arxiv_id, iso_date
from ..model import Author, Link, Paper, Source
from .common import checked_doi, papers_of, skipped, unique, url_link, warning
from .located import Node

NOT_PAPERS = frozenset({"attachment", "note", "annotation"})
VENUE_KEYS = ("publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle", "university", "institution")
ENTRY_TYPES = {
    "journalArticle": "article",
    "conferencePaper": "inproceedings",
    "bookSection": "incollection",
    "book": "book",
    "report": "techreport",
    "thesis": "phdthesis",
    "preprint": "misc",
}
_EXTRA_ARXIV = re.compile(r"^\s*arXiv\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def looks_like_zotero(root: Node) -> bool:
    value = root.value
    return isinstance(value, dict) and isinstance(value.get("items"), list) and not {"title", "paper"} & value.keys()


def read_node(root: Node, path: str) -> tuple[list[Paper], list[Problem]]:
    items = root.member("items")
    nodes = items.members if items else []
    papers = [(n.line, n.value) for _, n in nodes if not (isinstance(n.value, dict) and n.value.get("itemType") in NOT_PAPERS)]
    return papers_of(papers, path, _paper)


def _paper(item: Any, path: str, line: int, problems: list[Problem]) -> Paper | None:
    if not isinstance(item, dict):
        problems.append(skipped(path, line, f"a Zotero item is a JSON object, not {type(item).__name__}"))
        return None
    title = _string(item.get("title"))
    if not title:
        problems.append(skipped(path, line, f"item {_string(item.get('citationKey')) or '(no key)'!r} has no title"))
        return None
    url = _string(item.get("url"))
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=_string(item.get("abstractNote")),
        authors=_authors(item.get("creators")),
        date=_date(_string(item.get("date")), path, line, problems),
        venue=next((_string(item.get(k)) for k in VENUE_KEYS if _string(item.get(k))), ""),
        arxiv_id=_arxiv(item, url),
        doi=checked_doi(_string(item.get("DOI")), path, line, problems),
        links=() if arxiv_id(url) else _links(url, path, line, problems),
        tags=unique(_tag(tag) for tag in item.get("tags") or () if isinstance(item.get("tags"), list)),
        entry_type=ENTRY_TYPES.get(_string(item.get("itemType")), "misc"),
    )


def _string(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _authors(value: Any) -> tuple[Author, ...]:
    if not isinstance(value, list):
        return ()
    authors = []
    for creator in value:
        if not isinstance(creator, dict) or creator.get("creatorType", "author") != "author":
            continue
        family, given = _string(creator.get("lastName")), _string(creator.get("firstName"))
        name = _string(creator.get("name"))
        if family or name:
            authors.append(Author(family=family, given=given) if family else Author(family=name))
    return tuple(authors)


def _date(text: str, path: str, line: int, problems: list[Problem]) -> str:
    if not text:
        return ""
    date = iso_date(text)
    if not date and (year := _YEAR.search(text)):
        date = year.group(1)
    if not date:
        problems.append(warning(path, line, f"date {text[:40]!r} holds no year; left out"))
    return date


def _arxiv(item: dict[str, Any], url: str) -> str:
    extra = _EXTRA_ARXIV.search(_string(item.get("extra")))
    return (arxiv_id(extra.group(1)) if extra else "") or arxiv_id(url) or arxiv_id(_string(item.get("DOI")))


def _links(url: str, path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    return tuple(url_link("pdf" if url.lower().endswith(".pdf") else "landing", url, path, line, problems))


def _tag(tag: Any) -> str:
    return _string(tag.get("tag")) if isinstance(tag, dict) else _string(tag)
