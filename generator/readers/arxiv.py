"""The "arxiv" format (.atom, .xml): the Atom XML the arXiv API answers a query with, saved to a file.

Per <entry>: id (abs URL with version), title, summary, author names, published and updated dates,
arxiv:primary_category and category terms (the tags, primary first), arxiv:doi, arxiv:journal_ref
(the venue), the PDF link, and code links mentioned in arxiv:comment. The API's error entries
(id .../api/errors#...) are reported and skipped. Parsed with the standard library's expat
(no external entities, bounded entity expansion); malformed XML is one problem at its line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from ..errors import Problem, ProblemKind
from ..identifiers import arxiv_id, arxiv_version, iso_date
from ..model import Link, Paper, Source
from ..normalise import link_kind, links_in
from .common import author_from_name, checked_doi, skipped, unique, url_link, warning

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
NS = {"atom": ATOM, "arxiv": ARXIV}


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    """Papers and problems of one saved arXiv API response. Raises OSError when the file cannot be read."""
    data = path.read_bytes()
    try:
        lines = entry_lines(data)
        root = ET.fromstring(data)
    except expat.ExpatError as error:
        return [], [Problem(str(path), error.lineno, f"not well-formed XML ({expat.ErrorString(error.code)})")]
    except ET.ParseError as error:
        return [], [Problem(str(path), error.position[0], f"not well-formed XML ({expat.ErrorString(error.code)})")]
    except (LookupError, ValueError) as error:  # an unknown encoding in the XML declaration, ...
        return [], [Problem(str(path), 1, f"cannot read this XML ({error})")]
    if root.tag != f"{{{ATOM}}}feed":
        return [], [Problem(str(path), 1, "not an Atom feed (the root element is not <feed>): not an arXiv API response")]
    papers: list[Paper] = []
    problems: list[Problem] = []
    for entry, line in zip(root.findall("atom:entry", NS), lines):
        paper = _paper(entry, str(path), line, problems)
        if paper is not None:
            papers.append(paper)
    if not papers and not problems:
        problems.append(warning(str(path), 0, "no entries in this feed", ProblemKind.EMPTY))
    return papers, problems


def entry_lines(data: bytes) -> list[int]:
    """The line of each top-level <entry> start tag, in order (ElementTree keeps no line numbers)."""
    lines: list[int] = []
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth == 2 and name == f"{ATOM} entry":
            lines.append(parser.CurrentLineNumber)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(data, True)
    return lines


def _paper(entry: ET.Element, path: str, line: int, problems: list[Problem]) -> Paper | None:
    entry_id = _text(entry, "atom:id")
    if "/api/errors" in entry_id:
        problems.append(skipped(path, line, f"the arXiv API answered with an error: {_text(entry, 'atom:summary')}"))
        return None
    title = _text(entry, "atom:title")
    if not title:
        problems.append(skipped(path, line, "entry has no <title>"))
        return None
    identifier = arxiv_id(entry_id)
    if not identifier:
        problems.append(warning(path, line, f"entry id {entry_id[:80]!r} is not an arXiv id"))
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=_text(entry, "atom:summary"),
        authors=tuple(author_from_name(_text(a, "atom:name")) for a in entry.findall("atom:author", NS)),
        date=iso_date(_text(entry, "atom:published")),
        updated=iso_date(_text(entry, "atom:updated")),
        venue=_text(entry, "arxiv:journal_ref"),
        arxiv_id=identifier,
        doi=checked_doi(_text(entry, "arxiv:doi"), path, line, problems),
        links=_links(entry, identifier, path, line, problems),
        tags=_categories(entry),
        entry_type="article" if _text(entry, "arxiv:journal_ref") else "misc",
    )


def _text(element: ET.Element, name: str) -> str:
    found = element.find(name, NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def _categories(entry: ET.Element) -> tuple[str, ...]:
    primary = entry.find("arxiv:primary_category", NS)
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in entry.findall("atom:category", NS)]
    return unique(term.strip() for term in terms)


def _links(entry: ET.Element, identifier: str, path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    """The versioned abs page (as the arXiv link), the PDF, and code links from the comment."""
    links: list[Link] = []
    entry_id = _text(entry, "atom:id")
    if identifier:
        links.append(Link("arxiv", f"https://arxiv.org/abs/{identifier}{arxiv_version(entry_id)}"))
    for link in entry.findall("atom:link", NS):
        if link.get("title") == "pdf":
            links += url_link("pdf", link.get("href", ""), path, line, problems)
    links += [link for link in links_in(_text(entry, "arxiv:comment")) if link_kind(link.url) == "code"]
    return tuple(links)
