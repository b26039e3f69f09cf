"""The "json", "yaml" and "csv" formats: papers written with the field names of our own paper record.

JSON and YAML files hold a list of records (mappings); a CSV file has one header row with field
names and one paper per row, so a spreadsheet works (comma, semicolon or tab separated). Field names (any case; unknown ones are a
warning):

    title       required
    abstract    text
    authors     a list of names ("Given Family" or "Family, Given") or of {given, family}; in one
                string (CSV) names are separated by ";" (or by " and " when there is no ";")
    date        "2024", "2024-05" or "2024-05-03" (year is accepted as an alias)
    venue       journal, proceedings or conference
    arxiv_id    arXiv id or URL (arxiv is accepted as an alias)
    doi         DOI or doi.org URL
    url, pdf, code, project   http(s) links: landing page, PDF, code, project page
    tags        a list, or one string separated by ";" or ","

A .json file whose records use CSL-JSON's names (issued, author, container-title, ...) is read as
CSL-JSON. A record without a title, or one that is not a mapping, is reported and skipped.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ProblemKind
from ..identifiers import iso_date
from ..model import Author, Link, Paper, Source, paper_from_tuple, paper_tuple
from . import csl_json
from .common import (
    author_from_name,
    checked_arxiv_id,
    checked_doi,
    file_items,
    json_array_items,
    skipped,
    split_list,
    split_names,
    unique,
    url_link,
    warning,
)
from .limits import MAX_CSV_FIELD_CHARS, MAX_NESTING_DEPTH, MAX_YAML_ALIAS_VALUES

FIELDS = ("title", "abstract", "authors", "date", "venue", "arxiv_id", "doi", "url", "pdf", "code", "project", "tags")
ALIASES = {"year": "date", "arxiv": "arxiv_id", "author": "authors", "keywords": "tags"}
LINK_FIELDS = {"url": "landing", "pdf": "pdf", "code": "code", "project": "project"}

Items = list[tuple[int, Any]]
OVERSIZED_CELL = object()  # the key of the row csv_items stands in for a row it could not read

# What each record (a mapping) was read as, by a digest of its repr: the paper (paper_tuple, None
# when skipped), its problems (message, fatal, kind; every one at the record's own line) and its
# unknown field names; all a function of the mapping alone, the file and line passing through.
# read_cache.py keeps those of the last read between builds (`remember_records`, `records_used`),
# so a file with one record changed builds one Paper afresh and looks the others up.
ReadRecord = tuple[tuple[Any, ...] | None, tuple[tuple[str, bool, ProblemKind], ...], tuple[str, ...]]
_read_records: dict[bytes, ReadRecord] = {}
_records_used: dict[bytes, ReadRecord] | None = None


def remember_records(known: dict[bytes, ReadRecord]) -> None:
    """Take `known` (what records_used collected in an earlier process) as records read."""
    _read_records.update(known)


@contextlib.contextmanager
def records_used() -> Iterator[dict[bytes, ReadRecord]]:
    """Yields a dict that holds, once the block ends, every record read in it by its digest."""
    global _records_used
    _records_used = used = {}
    try:
        yield used
    finally:
        _records_used = None


def read_json(path: Path) -> tuple[list[Paper], list[Problem]]:
    items, problem = file_items(path, json_array_items)
    if problem:
        return [], [problem]
    first = next((item for _, item in items if isinstance(item, dict)), None)
    if csl_json.looks_like_csl(first):
        return csl_json.read_items(items, str(path))
    return read_records(items, str(path))


def read_yaml(path: Path) -> tuple[list[Paper], list[Problem]]:
    items, problem = file_items(path, yaml_items)
    return ([], [problem]) if problem else read_records(items, str(path))


def read_csv(path: Path) -> tuple[list[Paper], list[Problem]]:
    items, problem = file_items(path, csv_items)
    return ([], [problem]) if problem else read_records(items, str(path))


def yaml_items(text: str, path: str) -> tuple[Items, Problem | None]:
    """(line, value) of each item of the top-level YAML list, or a fatal problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or "syntax error"
        return [], Problem(path, mark.line + 1 if mark else 0, f"not valid YAML ({reason})")
    except RecursionError:
        return [], Problem(path, 0, f"lists or mappings nested more than {MAX_NESTING_DEPTH} deep; not read")
    if root is None:
        return [], None
    if not isinstance(root, yaml.SequenceNode):
        return [], Problem(path, root.start_mark.line + 1, "expected a YAML list of records (- title: ...)")
    problem = yaml_bounds_problem(root, path)
    if problem:
        return [], problem
    loader = yaml.SafeLoader("")
    try:
        return [(node.start_mark.line + 1, loader.construct_document(node)) for node in root.value], None
    except yaml.YAMLError as error:
        return [], Problem(path, 0, f"not valid YAML ({error})")


def yaml_bounds_problem(root: yaml.Node, path: str) -> Problem | None:
    """A problem when the YAML nests too deep or its aliases (*name) expand to too many values.

    Counts the values each node stands for, aliases included, once per node (a billion-laughs file
    has few nodes that stand for billions of values); an alias inside its own anchor is refused.
    """
    values: dict[int, int] = {}
    depth: dict[int, int] = {}
    written = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _yaml_children(node)
        if children_done:
            open_nodes.discard(key)
            values[key] = 1 + sum(values[id(c)] for c in children)
            is_collection = isinstance(node, (yaml.SequenceNode, yaml.MappingNode))
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0) if is_collection else 0
            if depth[key] > MAX_NESTING_DEPTH:
                return Problem(
                    path, node.start_mark.line + 1, f"lists or mappings nested more than {MAX_NESTING_DEPTH} deep; not read"
                )
            continue
        if key in values:
            continue
        if key in open_nodes:
            return Problem(path, node.start_mark.line + 1, "an alias (*name) inside the value it names; not read")
        open_nodes.add(key)
        written += 1
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in values)
    if values[id(root)] - written > MAX_YAML_ALIAS_VALUES:
        expanded = f"{values[id(root)]:,}"
        return Problem(
            path,
            0,
            f"aliases (*name) expand to {expanded} values, more than {MAX_YAML_ALIAS_VALUES:,} beyond those written; not read",
        )
    return None


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def csv_items(text: str, path: str) -> tuple[Items, Problem | None]:
    """(line, row as a dict of non-empty cells) of each data row, or a fatal problem.

    The delimiter is the one of ",", ";" (spreadsheets in many European locales) and tab that the
    header row holds most of. A row with a cell longer than MAX_CSV_FIELD_CHARS is skipped (as a
    record without a title, so it is reported); the rows after it are still read.
    """
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    consumed = [0]

    def counted_lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed[0] += 1
            yield line

    reader = csv.DictReader(counted_lines(), delimiter=delimiter)
    items: Items = []
    previous_limit = csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    try:
        _ = reader.fieldnames  # reads the header row, so `consumed` counts from the first data row
        while True:
            line = consumed[0] + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                if "field larger than field limit" not in str(error):
                    return [], Problem(path, line, f"not valid CSV ({error})")
                items.append((line, {OVERSIZED_CELL: True}))
                continue
            cells = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            if None in row:
                cells["(cells beyond the header)"] = row[None]
            items.append((line, cells))
    finally:
        csv.field_size_limit(previous_limit)
    return items, None


def read_records(items: Items, path: str) -> tuple[list[Paper], list[Problem]]:
    papers: list[Paper] = []
    problems: list[Problem] = []
    unknown: dict[str, int] = {}
    for line, item in items:
        if not isinstance(item, dict):
            problems.append(skipped(path, line, f"a record is a mapping of field names to values, not {type(item).__name__}"))
            continue
        if OVERSIZED_CELL in item:
            problems.append(skipped(path, line, f"a cell longer than {MAX_CSV_FIELD_CHARS:,} characters"))
            continue
        paper = _record(item, path, line, problems, unknown)
        if paper is not None:
            papers.append(paper)
    if unknown:
        names = ", ".join(sorted(unknown))
        problems.append(warning(path, min(unknown.values()), f"unknown field(s) ignored: {names}; known: {', '.join(FIELDS)}"))
    if not papers and not problems:
        problems.append(warning(path, 0, "no records in this file", ProblemKind.EMPTY))
    return papers, problems


def _record(item: dict[Any, Any], path: str, line: int, problems: list[Problem], unknown: dict[str, int]) -> Paper | None:
    """The paper of one record (None when it is skipped), its problems and unknown field names
    added to problems and unknown: read once per distinct record (see remember_records)."""
    key = hashlib.blake2b(repr(item).encode("utf-8", "backslashreplace"), digest_size=16).digest()
    read = _read_records.get(key)
    if read is None:
        own_problems: list[Problem] = []
        own_unknown: dict[str, int] = {}
        paper = _paper(_canonical(item, line, own_unknown), path, line, own_problems)
        if any(p.path != path or p.line != line for p in own_problems):  # not a function of the record alone
            problems += own_problems
            unknown.update((name, line) for name in own_unknown if name not in unknown)
            return paper
        read = (
            paper_tuple(paper) if paper is not None else None,
            tuple((p.message, p.fatal, p.kind) for p in own_problems),
            tuple(own_unknown),
        )
        _read_records[key] = read
    if _records_used is not None:
        _records_used[key] = read
    values, messages, names = read
    problems += [Problem(path, line, message, fatal, kind) for message, fatal, kind in messages]
    for name in names:
        unknown.setdefault(name, line)
    return paper_from_tuple(values, Source(path, line)) if values is not None else None


def _canonical(item: dict[Any, Any], line: int, unknown: dict[str, int]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in item.items():
        name = str(key).strip().lower()
        name = ALIASES.get(name, name)
        if name in FIELDS:
            fields.setdefault(name, value)
        else:
            unknown.setdefault(str(key), line)
    return fields


def _paper(fields: dict[str, Any], path: str, line: int, problems: list[Problem]) -> Paper | None:
    title = _string(fields.get("title"))
    if not title:
        problems.append(skipped(path, line, "record has no title"))
        return None
    authors = _authors(fields.get("authors"))
    if authors is None:
        problems.append(skipped(path, line, "authors must be a list of names or one string of names"))
        return None
    return Paper(
        title=title,
        source=Source(path, line),
        abstract=_string(fields.get("abstract")),
        authors=authors,
        date=_date(fields.get("date"), path, line, problems),
        venue=_string(fields.get("venue")),
        arxiv_id=checked_arxiv_id(_string(fields.get("arxiv_id")), path, line, problems),
        doi=checked_doi(_string(fields.get("doi")), path, line, problems),
        links=_links(fields, path, line, problems),
        tags=_tags(fields.get("tags")),
    )


def _string(value: Any) -> str:
    if value is None or isinstance(value, (list, dict, bool)):
        return ""
    return str(value).strip()


def _authors(value: Any) -> tuple[Author, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(author_from_name(name) for name in split_names(value))
    if not isinstance(value, list):
        return None
    authors = []
    for name in value:
        if isinstance(name, dict) and (_string(name.get("family")) or _string(name.get("given"))):
            family, given = _string(name.get("family")), _string(name.get("given"))
            authors.append(Author(family=family or given, given=given if family else ""))
        elif isinstance(name, str) and name.strip():
            authors.append(author_from_name(name))
        else:
            return None
    return tuple(authors)


def _date(value: Any, path: str, line: int, problems: list[Problem]) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (list, dict)):
        problems.append(warning(path, line, f"date is a {type(value).__name__}, not one value like 2024-05-03; left out"))
        return ""
    date = iso_date(str(value))
    if not date:
        problems.append(warning(path, line, f"date {str(value)[:40]!r} is not YYYY, YYYY-MM or YYYY-MM-DD; left out"))
    return date


def _links(fields: dict[str, Any], path: str, line: int, problems: list[Problem]) -> tuple[Link, ...]:
    links: list[Link] = []
    for name, kind in LINK_FIELDS.items():
        links += url_link(kind, _string(fields.get(name)), path, line, problems)
    return tuple(links)


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return unique(_string(tag) for tag in value)
    return unique(split_list(_string(value)))
