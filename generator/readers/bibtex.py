"""The "bibtex" format (.bib): parsed by bibtexparser 2, text converted by pylatexenc (normalise.bibtex_text).

* @string macros and the month macros (jan ... dec) are expanded; an undefined macro is a warning.
* crossref: an entry takes the fields it lacks from the entry it names (whose title becomes its
  booktitle); an entry that others cross-reference is a container (proceedings), not a paper.
* Fields read: title (required), abstract, author, date or year/month/day, journal/journaltitle/
  booktitle/eventtitle/school/institution (the venue), doi, eprint with archivePrefix/eprinttype,
  url (an arXiv URL gives the arXiv id, a .pdf URL is the PDF), pdf, code, keywords (tags).
  `file` is ignored, and left out of the entry kept for the "Cite" block.
* An entry the parser cannot read, a duplicate key or an entry without a title is reported with
  its line and skipped; the rest of the file is read.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import LibraryMiddleware
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field

from ..cite import write_entry
from ..errors import Problem, ProblemKind
from ..identifiers import arxiv_id, date_from_parts, iso_date
from ..model import Author, Link, Paper, Source
from ..normalise import bibtex_text, link_kind
from .common import checked_doi, skipped, split_list, unique, url_link, warning
from .limits import MAX_BIBTEX_EXPANSION_CHARS
from .listing import decode_utf8

VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "eventtitle", "school", "institution")
PRIVATE_FIELDS = frozenset({"file"})
_YEAR = re.compile(r"\b(\d{4})\b")
_MACRO_NAME = re.compile(r"^[A-Za-z][\w:.+-]*$")
_ESCAPED_SPECIAL = re.compile(r"\\([_%&#~])")

# bibtexparser logs every syntax error itself; we report them as problems instead
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    """Papers and problems of one .bib file. Raises OSError when the file cannot be read."""
    text, problem = decode_utf8(path.read_bytes(), str(path))
    if problem:
        return [], [problem]
    try:
        library = parse(text)
    except ExpansionTooLarge as error:
        return [], [Problem(str(path), error.line, error.message)]
    entries = {entry.key: entry for entry in library.entries}
    problems = [_failed_block_problem(block, str(path), entries) for block in library.failed_blocks]
    containers = {_crossref(entry) for entry in library.entries} & entries.keys()
    papers: list[Paper] = []
    for entry in library.entries:
        if entry.key in containers:
            continue
        paper = _paper(_with_crossref(entry, entries, str(path), problems), str(path), problems)
        if paper is not None:
            papers.append(paper)
    if not papers and not problems:
        problems.append(warning(str(path), 0, "no BibTeX entries found in this file", ProblemKind.EMPTY))
    return papers, problems


def parse(text: str) -> Library:
    """The library of a .bib text: macros and `#` concatenations expanded, authors split into name parts."""
    return bibtexparser.parse_string(
        text,
        parse_stack=[
            ConcatenationMiddleware(),
            middlewares.ResolveStringReferencesMiddleware(),
            ExpansionLimitMiddleware(allowance=len(text)),
            middlewares.RemoveEnclosingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )


class ExpansionTooLarge(Exception):
    """@string macros expand to more text than MAX_BIBTEX_EXPANSION_CHARS (a macro bomb)."""

    def __init__(self, line: int, where: str) -> None:
        limit = f"{MAX_BIBTEX_EXPANSION_CHARS:,}"
        self.line = line
        self.message = f"@string macros expand to more than {limit} characters ({where}); not read"


class ConcatenationMiddleware(LibraryMiddleware):
    """Expand `pre # "text" # macro` values (in @string definitions too) into one braced value.

    bibtexparser 2 resolves a value that is a single macro name, but not a concatenation.
    """

    @classmethod
    def metadata_key(cls) -> str:
        return "papersite-concatenation"

    def transform(self, library: Library) -> Library:
        macros: dict[str, str] = {}
        budget = [MAX_BIBTEX_EXPANSION_CHARS]
        for string in library.strings:
            where = f"@string {string.key!r}"
            macros[string.key.lower()] = _concatenated(str(string.value), macros, budget, string.start_line, where)
            string.value = "{" + macros[string.key.lower()] + "}"
        for entry in library.entries:
            for field in entry.fields:
                if isinstance(field.value, str) and "#" in field.value:
                    where = f"field {field.key!r} of {entry.key!r}"
                    field.value = "{" + _concatenated(field.value, macros, budget, entry.start_line, where) + "}"
        return library


class ExpansionLimitMiddleware(LibraryMiddleware):
    """Refuse a library whose fields, once macros are resolved, hold more than the expansion limit
    beyond the file's own text (`allowance`: a long file of long abstracts and no macros is read).

    Resolved fields share the macro's string, so this costs nothing until the text is copied.
    """

    def __init__(self, allowance: int = 0) -> None:
        super().__init__()
        self.allowance = allowance

    @classmethod
    def metadata_key(cls) -> str:
        return "papersite-expansion-limit"

    def transform(self, library: Library) -> Library:
        total = 0
        for entry in library.entries:
            total += sum(len(f.value) for f in entry.fields if isinstance(f.value, str))
            if total > MAX_BIBTEX_EXPANSION_CHARS + self.allowance:
                raise ExpansionTooLarge((entry.start_line or 0) + 1, f"by entry {entry.key!r}")
        return library


def _concatenated(value: str, macros: dict[str, str], budget: list[int], start_line: int | None, where: str) -> str:
    """The text of a BibTeX value made of parts joined by `#`: quoted, braced, numbers or macro names.

    budget[0] is what is left of the expansion limit; running past it raises ExpansionTooLarge.
    """
    parts = [_part_text(part.strip(), macros) for part in _top_level_parts(value)]
    budget[0] -= sum(len(part) for part in parts)
    if budget[0] < 0:
        raise ExpansionTooLarge((start_line or 0) + 1, f"at {where}")
    return "".join(parts)


def _top_level_parts(value: str) -> list[str]:
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    return parts + [value[start:]]


def _part_text(part: str, macros: dict[str, str]) -> str:
    if len(part) >= 2 and (part[0], part[-1]) in {('"', '"'), ("{", "}")}:
        return part[1:-1]
    return macros.get(part.lower(), part)


def _failed_block_problem(block, path: str, entries: dict[str, Entry]) -> Problem:
    line = (block.start_line or 0) + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        first = f" (first used at line {_line(entries[block.key])})" if block.key in entries else ""
        return skipped(path, line, f"duplicate entry key {block.key!r}{first}")
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
    return skipped(path, line, f"cannot parse this entry ({reason.strip().rstrip('.')})")


def _crossref(entry: Entry) -> str:
    field = next((f for f in entry.fields if f.key.lower() == "crossref"), None)
    return str(field.value).strip() if field else ""


def _with_crossref(entry: Entry, entries: dict[str, Entry], path: str, problems: list[Problem]) -> Entry:
    """The entry with the fields it lacks taken from its crossref target (BibTeX's inheritance)."""
    key = _crossref(entry)
    if not key:
        return entry
    parent = entries.get(key)
    if parent is None:
        problems.append(warning(path, _line(entry), f"crossref {key!r} names no entry in this file"))
        return entry
    own = {f.key.lower() for f in entry.fields}
    parents = {f.key.lower(): f for f in parent.fields}
    inherited = [Field(f.key, f.value) for key, f in parents.items() if key not in own and key not in {"title", "crossref"}]
    if "booktitle" not in own and "booktitle" not in parents and "title" in parents:
        inherited.append(Field("booktitle", parents["title"].value))
    fields = [f for f in entry.fields if f.key.lower() != "crossref"] + inherited
    return Entry(entry.entry_type, entry.key, fields, start_line=entry.start_line, raw=entry.raw)


def _line(entry: Entry) -> int:
    return (entry.start_line or 0) + 1


def _paper(entry: Entry, path: str, problems: list[Problem]) -> Paper | None:
    fields = {f.key.lower(): f for f in entry.fields}
    line = _line(entry)
    _check_macros(entry, path, problems)
    title = bibtex_text(_text(fields, "title"))
    if not title:
        problems.append(skipped(path, line, f"entry {entry.key!r} has no title"))
        return None
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=bibtex_text(_text(fields, "abstract")),
        authors=_authors(fields.get("author")),
        date=_date(fields),
        venue=bibtex_text(next((_text(fields, k) for k in VENUE_FIELDS if _text(fields, k)), "")),
        arxiv_id=_arxiv(fields),
        doi=checked_doi(_verbatim(fields, "doi"), path, line, problems),
        links=_links(fields, path, line, problems),
        tags=unique(bibtex_text(tag) for tag in split_list(_text(fields, "keywords"))),
        entry_type=entry.entry_type.lower(),
        bibtex=cite_entry(entry),
    )


def _text(fields: dict[str, Field], key: str) -> str:
    field = fields.get(key)
    return str(field.value).strip() if field is not None and not isinstance(field.value, list) else ""


def _verbatim(fields: dict[str, Field], key: str) -> str:
    """A URL-like field (doi, url, eprint) with the `\\_`-style escapes that exporters add undone."""
    return _ESCAPED_SPECIAL.sub(r"\1", _text(fields, key))


def _check_macros(entry: Entry, path: str, problems: list[Problem]) -> None:
    """Warn about a bare word that no @string defines (bibtexparser leaves it as the value)."""
    for field in entry.fields:
        value = field.value
        if field.enclosing == "no-enclosing" and isinstance(value, str) and _MACRO_NAME.match(value):
            if field.key.lower() != "month" or _month_number(value) is None:
                problems.append(warning(path, _line(entry), f"field {field.key!r}: undefined @string macro {value!r}"))


def _authors(field: Field | None) -> tuple[Author, ...]:
    """The authors in order; BibTeX's "and others" (et al.) is left out."""
    if field is None or not isinstance(field.value, list):
        return ()
    return tuple(_author(parts) for parts in field.value if _joined_name(parts).strip().lower() != "others")


def _author(parts: middlewares.NameParts) -> Author:
    family = bibtex_text(" ".join(parts.von + parts.last + parts.jr))
    given = bibtex_text(" ".join(parts.first))
    return Author(family=family or given, given=given if family else "")


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_number(value: str) -> int | None:
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTHS.index(value[:3]) + 1 if value[:3] in _MONTHS else None


def _date(fields: dict[str, Field]) -> str:
    """An ISO date prefix from biblatex `date`, else from year, month and day."""
    if _text(fields, "date") and iso_date(_text(fields, "date")):
        return iso_date(_text(fields, "date"))
    year = _YEAR.search(_text(fields, "year"))
    if not year:
        return ""
    parts = [int(year[1])]
    month = _month_number(_text(fields, "month"))
    if month:
        parts.append(month)
        day = _text(fields, "day")
        if day.isdigit():
            parts.append(int(day))
    return date_from_parts(parts) or date_from_parts(parts[:1])


def _arxiv(fields: dict[str, Field]) -> str:
    prefix = (_text(fields, "archiveprefix") or _text(fields, "eprinttype")).lower()
    eprint = _verbatim(fields, "eprint")
    if eprint and prefix in ("", "arxiv"):
        return arxiv_id(eprint)
    return arxiv_id(_verbatim(fields, "url"))


def _links(fields: dict[str, Field], path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    links: list[Link] = []
    url = _verbatim(fields, "url")
    if url and not arxiv_id(url):
        kind = "pdf" if url.lower().endswith(".pdf") else "code" if link_kind(url) == "code" else "landing"
        links += url_link(kind, url, path, line, problems)
    for kind in ("pdf", "code"):
        links += url_link(kind, _verbatim(fields, kind), path, line, problems)
    return tuple(links)


def cite_entry(entry: Entry) -> str:
    """The entry as BibTeX text for citing: fields as written (macros expanded), `file` left out."""
    fields = [Field(f.key, _cite_value(f)) for f in entry.fields if f.key.lower() not in PRIVATE_FIELDS]
    return write_entry(entry.entry_type, entry.key, [(f.key, f.value) for f in fields], enclose_integers=False)


def _cite_value(field: Field) -> str:
    if isinstance(field.value, list):  # author and editor: name parts back to "Family, Given and ..."
        return " and ".join(_joined_name(parts) for parts in field.value)
    return str(field.value)


def _joined_name(parts: middlewares.NameParts) -> str:
    family = " ".join(parts.von + parts.last)
    tail = [", ".join(p for p in (" ".join(parts.jr), " ".join(parts.first)) if p)]
    return ", ".join([family, *[t for t in tail if t]])
