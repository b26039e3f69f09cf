"""JSON and YAML documents with the line each record starts on: the readers of nested exports need it.

json.loads keeps no positions, so the top two levels of a JSON document are walked with
raw_decode (deeper values are decoded whole); YAML keeps marks on its composed nodes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem
from .common import LineIndex, nesting_depth
from .limits import MAX_NESTING_DEPTH
from .records import yaml_bounds_problem

_DECODER = json.JSONDecoder()
_WALKED_LEVELS = 3  # the root, its members, and their members (BBT JSON's items, a dict of HF papers)


@dataclass
class Node:
    """A decoded value with its 1-based line; `members` holds the located children of walked containers."""

    line: int
    value: Any
    members: list[tuple[Any, Node]] = field(default_factory=list)

    def member(self, key: str) -> Node | None:
        return next((node for name, node in self.members if name == key), None)


class _Broken(Exception):
    def __init__(self, offset: int, message: str) -> None:
        self.offset, self.message = offset, message


TOO_DEEP = f"arrays or objects nested more than {MAX_NESTING_DEPTH} deep; not read"


def parse_json(text: str, path: str) -> tuple[Node | None, Problem | None]:
    """The document as located nodes, or a fatal `not valid JSON` problem at the line where it breaks.

    The members of a list (a list of records) are decoded whole: no reader looks at the lines
    inside a record, and walking each record's fields took most of the time of reading 10,000
    records. A document that does not parse so is walked again into every record, so the problem
    names the place and reason it always named."""
    lines = LineIndex(text)
    node, end, problem = _walk(text, path, lines, walk_lists=False)
    if problem is not None:
        node, end, problem = _walk(text, path, lines, walk_lists=True)
    if node is None:
        return None, problem
    if _skip(text, end) < len(text):
        return None, Problem(path, lines.line(_skip(text, end)), "not valid JSON (extra data after the document)")
    return (None, too_deep) if (too_deep := _depth_problem(node, path)) else (node, None)


def _walk(text: str, path: str, lines: LineIndex, walk_lists: bool) -> tuple[Node | None, int, Problem | None]:
    """The root node and the offset after it, or a fatal problem."""
    try:
        node, end = _value(text, _skip(text, 0), lines, _WALKED_LEVELS, walk_lists)
    except _Broken as broken:
        message = TOO_DEEP if broken.message == TOO_DEEP else f"not valid JSON ({broken.message})"
        return None, 0, Problem(path, lines.line(broken.offset), message)
    except json.JSONDecodeError as error:
        return None, 0, Problem(path, error.lineno, f"not valid JSON ({error.msg})")
    return node, end, None


def _depth_problem(root: Node, path: str) -> Problem | None:
    """A problem at the first top-level member (or the root) that nests deeper than MAX_NESTING_DEPTH."""
    for level, node in [(1, member) for _, member in root.members] or [(0, root)]:
        if nesting_depth(node.value) + level > MAX_NESTING_DEPTH:
            return Problem(path, node.line, TOO_DEEP)
    return None


def _value(text: str, at: int, lines: LineIndex, levels: int, walk_lists: bool = True) -> tuple[Node, int]:
    """The located node of the value at `at` (walked `levels` deep: a list's members only when
    walk_lists is set), and the offset after it."""
    opener = text[at : at + 1]
    if levels <= 1 or opener not in ("[", "{"):
        try:
            value, end = _DECODER.raw_decode(text, at)
        except RecursionError:
            raise _Broken(at, TOO_DEEP) from None
        return Node(lines.line(at), value), end
    closer = "]" if opener == "[" else "}"
    node = Node(lines.line(at), [] if opener == "[" else {})
    at = _skip(text, at + 1)
    index = 0
    while not text.startswith(closer, at):
        if opener == "{":
            key, at = _key(text, at)
        else:
            key, index = index, index + 1
        child, end = _value(text, at, lines, levels - 1 if walk_lists or opener == "{" else 1, walk_lists)
        node.members.append((key, child))
        if opener == "[":
            node.value.append(child.value)
        else:
            node.value[key] = child.value
        at = _skip(text, end)
        if text.startswith(",", at):
            at = _skip(text, at + 1)
            if text.startswith(closer, at):
                raise _Broken(at, f"a comma before '{closer}'")
        elif not text.startswith(closer, at):
            raise _Broken(at, f"expected ',' or '{closer}'")
    return node, at + 1


def _key(text: str, at: int) -> tuple[str, int]:
    if not text.startswith('"', at):
        raise _Broken(at, "expected a quoted property name")
    key, end = _DECODER.raw_decode(text, at)
    end = _skip(text, end)
    if not text.startswith(":", end):
        raise _Broken(end, "expected ':' after a property name")
    return key, _skip(text, end + 1)


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def parse_yaml(text: str, path: str) -> tuple[Node | None, Problem | None]:
    """The document as located nodes (every mapping and list, at any depth), or a fatal problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:
            return Node(1, None), None
        if problem := yaml_bounds_problem(root, path):  # nesting and alias bombs, before any value is built
            return None, problem
        return _yaml_node(root, yaml.SafeLoader(""), _WALKED_LEVELS), None
    except RecursionError:
        return None, Problem(path, 0, f"lists or mappings nested more than {MAX_NESTING_DEPTH} deep; not read")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or "syntax error"
        return None, Problem(path, mark.line + 1 if mark else 0, f"not valid YAML ({reason})")


def _yaml_node(node: yaml.Node, loader: yaml.SafeLoader, levels: int) -> Node:
    located = Node(node.start_mark.line + 1, loader.construct_object(node, deep=True))
    if levels > 1 and isinstance(node, yaml.SequenceNode):
        located.members = [(i, _yaml_node(child, loader, levels - 1)) for i, child in enumerate(node.value)]
    elif levels > 1 and isinstance(node, yaml.MappingNode):
        located.members = [
            (loader.construct_object(key, deep=True), _yaml_node(value, loader, levels - 1)) for key, value in node.value
        ]
    return located
