"""The "ris" format (.ris): RIS, the export of Zotero, Mendeley, EndNote, Web of Science, Scopus and
publishers' sites, read record by record with rispy.

Tags read: TY (entry type), TI | T1 (title, required), AB | N2 (abstract), AU | A1 (authors), PY |
Y1 | DA (date: "2024", "2024/05/03/", "2024///"), JO | JF | T2 | JA (venue), DO (DOI), UR (links; an
arXiv URL gives the arXiv id), L1 (PDF), KW (tags). Values continued on following lines are joined;
a BOM, CRLF line ends and a last record without ER are accepted. The file is cut into records at
TY/ER lines here, so each record keeps its line number and one broken record does not hide the rest.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

from ..errors import Problem
from ..identifiers import arxiv_id, date_from_parts
from ..model import Link, Paper, Source
from .common import author_from_name, checked_doi, file_items, papers_of, skipped, unique, url_link, warning

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
_DATE = re.compile(r"^(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
ENTRY_TYPES = {"JOUR": "article", "CONF": "inproceedings", "CPAPER": "inproceedings", "CHAP": "incollection"}
ENTRY_TYPES |= {"BOOK": "book", "RPRT": "techreport", "THES": "phdthesis"}
VENUE_KEYS = ("journal_name", "alternate_title3", "secondary_title", "alternate_title2", "alternate_title1")

Chunks = list[tuple[int, Any]]


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    """Papers and problems of one RIS file. Raises OSError when the file cannot be read."""
    chunks, problem = file_items(path, split_records)
    return ([], [problem]) if problem else papers_of(chunks, str(path), _paper)


def split_records(text: str, path: str) -> tuple[Chunks, Problem | None]:
    """(line of TY, the record's text ending in ER) of each record, or a Problem for stray text."""
    chunks: Chunks = []
    start, lines = 0, []  # the TY line of the open record, its lines
    for number, line in enumerate(text.splitlines(), start=1):
        tag = _TAG.match(line)
        if tag and tag.group(1) == "TY":
            if lines:
                chunks.append((start, skipped(path, start, "record has no ER line before the next TY")))
            start, lines = number, [line]
        elif lines:
            lines.append(line)
            if tag and tag.group(1) == "ER":
                chunks.append((start, "\n".join(lines)))
                lines = []
        elif line.strip():
            chunks.append(
                (number, warning(path, number, f"text outside a record (before TY  - ): {line.strip()[:60]!r}; ignored"))
            )
    if lines:  # the last record may lack its ER
        chunks.append((start, "\n".join([*lines, "ER  - "])))
    return chunks, None


def _paper(chunk: str | Problem, path: str, line: int, problems: list[Problem]) -> Paper | None:
    if isinstance(chunk, Problem):  # split_records found the record broken, or text outside records
        problems.append(chunk)
        return None
    try:
        entries = rispy.loads(chunk)
    except Exception as error:  # rispy raises ParseError, ValueError and others on broken records
        problems.append(skipped(path, line, f"not a readable RIS record ({error})"))
        return None
    if not entries:
        problems.append(skipped(path, line, "empty RIS record"))
        return None
    entry = entries[0]
    title = _string(entry.get("title")) or _string(entry.get("primary_title"))
    if not title:
        problems.append(skipped(path, line, "record has no title (TI or T1)"))
        return None
    urls = [u.strip() for u in entry.get("urls", []) if isinstance(u, str)]
    identifier = next((arxiv_id(u) for u in urls if arxiv_id(u)), "")
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=_string(entry.get("abstract")) or _string(entry.get("notes_abstract")),
        authors=tuple(author_from_name(n) for n in [*entry.get("authors", []), *entry.get("first_authors", [])] if n.strip()),
        date=_date(entry, path, line, problems),
        venue=next((_string(entry.get(k)) for k in VENUE_KEYS if _string(entry.get(k))), ""),
        arxiv_id=identifier,
        doi=checked_doi(_string(entry.get("doi")), path, line, problems),
        links=_links(urls, _string(entry.get("file_attachments1")), path, line, problems),
        tags=unique(k.strip() for k in entry.get("keywords", [])),
        entry_type=ENTRY_TYPES.get(_string(entry.get("type_of_reference")), "misc"),
    )


def _string(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def _date(entry: dict[str, Any], path: str, line: int, problems: list[Problem]) -> str:
    """The most precise of PY, Y1 and DA ("2024", "2024/05/03/", "2024///")."""
    best = ""
    for key in ("year", "publication_year", "date"):
        text = _string(entry.get(key))
        match = _DATE.match(text)
        if text and not match:
            problems.append(warning(path, line, f"date {text[:40]!r} is not YYYY/MM/DD; left out"))
        date = date_from_parts([int(p) for p in match.groups() if p]) if match else ""
        best = date if len(date) > len(best) else best
    return best


def _links(urls: list[str], pdf: str, path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    links: list[Link] = []
    for url in urls:
        if not arxiv_id(url):
            links += url_link("pdf" if url.lower().endswith(".pdf") else "landing", url, path, line, problems)
    if pdf.startswith(("http://", "https://")):  # L1 is often a local file path (file://, C:\...): not a link
        links += url_link("pdf", pdf, path, line, problems)
    return tuple(links)
