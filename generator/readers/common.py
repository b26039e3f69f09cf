"""Helpers the structured readers share: names, lists, line numbers, and the checks every record gets."""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from bibtexparser.middlewares.names import parse_single_name_into_parts

from ..errors import Problem, ProblemKind
from ..identifiers import arxiv_id, clean_doi
from ..model import Author, Link, Paper
from ..normalise import is_safe_url
from .limits import MAX_NESTING_DEPTH
from .listing import decode_utf8

_LIST_SEPARATOR = re.compile(r"\s*[;,]\s*")
_AND = re.compile(r"\s+and\s+")


# author_from_name's results by name (whitespace folded): each name is parsed once per process, and
# read_cache.py keeps those of the last read between builds (parsing names was a third of reading
# 10,000 records) as (family, given). `_names_used` collects the names looked up while a
# `names_used` block runs.
_parsed_names: dict[str, Author] = {}
_known_names: dict[str, tuple[str, str]] = {}
_names_used: set[str] | None = None


def author_from_name(name: str) -> Author:
    """An author from "Given Family", "Family, Given" or "Given von Family" (BibTeX's name rules)."""
    name = " ".join(name.split())
    author = _parsed_names.get(name)
    if author is None:
        known = _known_names.get(name)
        author = _parsed_names[name] = Author(*known) if known is not None else _parse_name(name)
    if _names_used is not None:
        _names_used.add(name)
    return author


def remember_names(known: dict[str, tuple[str, str]]) -> None:
    """Take `known` as parsed names: name -> the family and given names author_from_name made of it."""
    _known_names.update(known)


@contextlib.contextmanager
def names_used() -> Iterator[dict[str, Author]]:
    """Yields a dict that holds, once the block ends, every name author_from_name was given in it."""
    global _names_used
    used: dict[str, Author] = {}
    _names_used = set()
    try:
        yield used
    finally:
        used.update((name, _parsed_names[name]) for name in _names_used)
        _names_used = None


def _parse_name(name: str) -> Author:
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except Exception:  # the name parser raises on odd brace nesting; keep the name whole
        return Author(family=name)
    family = " ".join(parts.von + parts.last + parts.jr)
    return Author(family=family, given=" ".join(parts.first)) if family else Author(family=name)


def split_names(text: str) -> list[str]:
    """Names from one string: separated by ";" when there is one, else by " and "."""
    names = text.split(";") if ";" in text else _AND.split(text)
    return [name.strip() for name in names if name.strip()]


def split_list(text: str) -> list[str]:
    """Items of a "a; b" or "a, b" list, without empties."""
    return [item for item in _LIST_SEPARATOR.split(text.strip()) if item]


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


class LineIndex:
    """Offsets in a text to 1-based line numbers, by binary search over the line starts."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def url_link(kind: str, url: str, path: str, line: int, problems: list[Problem]) -> list[Link]:
    """[Link(kind, url)] for an http(s) URL; for anything else a warning and no link."""
    url = url.strip()
    if not url:
        return []
    if is_safe_url(url):
        return [Link(kind, url)]
    problems.append(
        Problem(path, line, f"{kind} link {url[:80]!r} is not an http(s) URL; ignored", fatal=False, kind=ProblemKind.IGNORED)
    )
    return []


def papers_of(
    items: Iterable[tuple[int, Any]], path: str, make: Callable[[Any, str, int, list[Problem]], Paper | None]
) -> tuple[list[Paper], list[Problem]]:
    """The papers `make(item, path, line, problems)` builds from (line, item) pairs (None: left out, its
    problem recorded), the problems, and a warning when the file holds no record at all."""
    papers: list[Paper] = []
    problems: list[Problem] = []
    for line, item in items:
        paper = make(item, path, line, problems)
        if paper is not None:
            papers.append(paper)
    if not papers and not problems:
        problems.append(warning(path, 0, "no records in this file", ProblemKind.EMPTY))
    return papers, problems


def skipped(path: str, line: int, message: str) -> Problem:
    """A record that could not be read: reported, left out, and the rest of the file still read."""
    return Problem(path, line, f"{message}; entry skipped", fatal=False, kind=ProblemKind.SKIPPED)


def warning(path: str, line: int, message: str, kind: ProblemKind = ProblemKind.IGNORED) -> Problem:
    return Problem(path, line, message, fatal=False, kind=kind)


JsonItems = list[tuple[int, object]]


def file_items(path: Path, parse: Callable[[str, str], tuple[JsonItems, Problem | None]]) -> tuple[JsonItems, Problem | None]:
    """The file decoded as UTF-8 and split by parse into (line, item) pairs, or its first fatal problem."""
    text, problem = decode_utf8(path.read_bytes(), str(path))
    return ([], problem) if problem else parse(text, str(path))


def json_array_items(text: str, path: str) -> tuple[JsonItems, Problem | None]:
    """(line, value) of each element of the top-level JSON array, or a fatal problem where the JSON breaks.

    json.loads keeps no positions, so the array is walked element by element with raw_decode.
    """
    lines = LineIndex(text)
    decoder = json.JSONDecoder()
    at = _skip_space(text, 0)
    if not text.startswith("[", at):
        return [], Problem(path, lines.line(at), "expected a JSON array ([...]) of records")
    items: JsonItems = []
    at = _skip_space(text, at + 1)
    while not text.startswith("]", at):
        try:
            value, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as error:
            return [], Problem(path, error.lineno, f"not valid JSON ({error.msg})")
        except RecursionError:
            value, end = None, -1
        if end < 0 or nesting_depth(value) > MAX_NESTING_DEPTH - 1:  # the array itself is one level
            return [], Problem(path, lines.line(at), f"arrays or objects nested more than {MAX_NESTING_DEPTH} deep; not read")
        items.append((lines.line(at), value))
        at = _skip_space(text, end)
        if text.startswith(",", at):
            at = _skip_space(text, at + 1)
        elif not text.startswith("]", at):
            return [], Problem(path, lines.line(at), "not valid JSON (expected ',' or ']' after an array element)")
    if text[_skip_space(text, at + 1) :]:
        return [], Problem(path, lines.line(at + 1), "not valid JSON (extra data after the array)")
    return items, None


def nesting_depth(value: object) -> int:
    """How many lists and dicts deep value goes (0 for a string or number), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def checked_doi(text: str, path: str, line: int, problems: list[Problem]) -> str:
    """The DOI as given when it is one (normalise cleans it), else a warning and ""."""
    text = text.strip()
    if text and not clean_doi(text):
        problems.append(warning(path, line, f"doi {text[:80]!r} is not a DOI (10.NNNN/...); ignored"))
        return ""
    return text


def checked_arxiv_id(text: str, path: str, line: int, problems: list[Problem]) -> str:
    """The versionless arXiv id in text, else (when text is not empty) a warning and ""."""
    text = text.strip()
    if text and not arxiv_id(text):
        problems.append(warning(path, line, f"arXiv id {text[:80]!r} is not an arXiv id; ignored"))
        return ""
    return arxiv_id(text)
