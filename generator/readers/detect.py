"""Which format a .json or .yaml file is in, judged by its content, and the reader that fits.

A .json file may be our own records, CSL JSON, Better BibTeX JSON or Hugging Face Papers JSON; a
.yaml file our own records or CSL YAML (`references:` as pandoc and Better BibTeX write it, or a bare
list). When nothing fits, the one fatal problem names every format tried.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..model import Paper
from . import csl_json, hf, records, zotero
from .listing import decode_utf8
from .located import Node, parse_json, parse_yaml

JSON_FORMATS = (
    "Hugging Face Papers JSON (a list of {paper: ...}, one paper, or an object keyed by arXiv id)",
    'Better BibTeX JSON ({"items": [...]})',
    "CSL JSON (a list of CSL items)",
    "papersite records (a list of {title, authors, ...})",
)
YAML_FORMATS = (
    "CSL YAML (references: [...], or a list of CSL items)",
    "papersite records (a list of {title, authors, ...})",
)


def parse_file(path: Path, kind: str) -> tuple[Node | None, Problem | None]:
    """The file decoded as UTF-8 (BOM dropped) and parsed as `kind` ("json" or "yaml") into located nodes."""
    text, problem = decode_utf8(path.read_bytes(), str(path))
    if problem:
        return None, problem
    return parse_json(text, str(path)) if kind == "json" else parse_yaml(text, str(path))


def read_json(path: Path) -> tuple[list[Paper], list[Problem]]:
    root, problem = parse_file(path, "json")
    if problem or root is None:
        return [], [problem] if problem else []
    where = str(path)
    if root.value == {}:  # an empty paper list, as `papersite init --daily` writes it
        return records.read_records([], where)
    if hf.looks_like_hf(root):
        return hf.read_node(root, where)
    if zotero.looks_like_zotero(root):
        return zotero.read_node(root, where)
    if isinstance(root.value, list):
        items = _items(root)
        first = next((item for _, item in items if isinstance(item, dict)), None)
        if csl_json.looks_like_csl(first):
            return csl_json.read_items(items, where)
        return records.read_records(items, where)
    return [], [_nothing_fits(where, root, "JSON", JSON_FORMATS)]


def read_yaml(path: Path) -> tuple[list[Paper], list[Problem]]:
    root, problem = parse_file(path, "yaml")
    if problem or root is None:
        return [], [problem] if problem else []
    where = str(path)
    if root.value is None:
        return records.read_records([], where)
    references = root.member("references") if isinstance(root.value, dict) else None
    if references is not None and isinstance(references.value, list):
        return csl_json.read_items(_csl_items(references), where)
    if isinstance(root.value, list):
        items = _items(root)
        first = next((item for _, item in items if isinstance(item, dict)), None)
        if csl_json.looks_like_csl(first) or (isinstance(first, dict) and "issued" in first):
            return csl_json.read_items(_csl_items(root), where)
        return records.read_records(items, where)
    return [], [_nothing_fits(where, root, "YAML", YAML_FORMATS)]


def _items(root: Node) -> list[tuple[int, Any]]:
    return [(node.line, node.value) for _, node in root.members]


def _csl_items(root: Node) -> list[tuple[int, Any]]:
    """CSL YAML items as CSL JSON items: YAML dates and pandoc's `issued: [{year, month, day}]` as date-parts."""
    return [(node.line, _as_csl_json(node.value)) for _, node in root.members]


def _as_csl_json(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    item = dict(item)
    for key in ("issued", "accessed"):
        value = item.get(key)
        if isinstance(value, datetime.date):
            item[key] = value.isoformat()
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            parts = [value[0].get(k) for k in ("year", "month", "day")]
            item[key] = {"date-parts": [[p for p in parts if p is not None]]}
    if isinstance(item.get("keyword"), list):
        item["keyword"] = ", ".join(str(k) for k in item["keyword"])
    return item


def _nothing_fits(path: str, root: Node, kind: str, tried: tuple[str, ...]) -> Problem:
    return Problem(path, root.line, f"not a {kind} format papersite reads; tried: {'; '.join(tried)}")
