"""The "listing" format: a scraped Hugging Face Papers page, one title line then one abstract line per paper.

How lines become records (line numbers are 1-based and count every line, blank or not):

* Page chrome before the first record is dropped: lines starting "Get trending papers" and a line
  that is exactly "Subscribe". A "Subscribe" glued to the first title ("SubscribeDescribing ...")
  is cut off when an uppercase letter or digit follows it. Nothing after the first record is chrome.
* Blank lines split the file into blocks. A record never spans two blocks, so a block with an odd
  number of lines ends with a title that has no abstract. A file with a blank line after every
  line (double-spaced) is read as one block.
* Within a block, lines alternate title, abstract. An abstract-looking line is long (at least
  ABSTRACT_MIN_CHARS characters) with at least two sentence ends. Two checks resync after a gap
  instead of pairing every later title with the wrong abstract:
  - a title whose next line is title-looking and whose line after that is abstract-looking is
    missing its abstract (T1 T2 A2: T1 is reported, T2 A2 is read as a record);
  - an abstract-looking line where a title is expected has no title (A1 A2: A2 is reported).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import Problem, ProblemKind
from ..model import Paper, Source

ABSTRACT_MIN_CHARS = 250
BINARY_SNIFF_BYTES = 8192  # a NUL byte this early means a binary file (or UTF-16 without a byte order mark)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[A-Z0-9])")
# The page's own lines, exactly as the Hugging Face Papers page prints them.
_CHROME_LINES = frozenset(
    {"Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!", "Subscribe"}
)

NumberedLine = tuple[int, str]


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    """Papers and problems of one listing file. Raises OSError when the file cannot be read."""
    text, problem = decode_utf8(path.read_bytes(), str(path))
    if problem:
        return [], [problem]
    papers: list[Paper] = []
    problems: list[Problem] = []
    for block in _blocks(_without_chrome(_numbered_lines(text), str(path), problems)):
        block_papers, block_problems = _pair_block(block, str(path))
        papers += block_papers
        problems += block_problems
    if not papers and not problems:
        problems.append(Problem(str(path), 0, "no papers found in this file", fatal=False, kind=ProblemKind.EMPTY))
    return papers, problems


def decode_utf8(data: bytes, path: str) -> tuple[str, Problem | None]:
    """The text of the file (a leading BOM dropped), or a fatal problem naming what the file is instead."""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            return "", Problem(
                path, 1, f"{name} text (it starts with the byte order mark {bom.hex(' ').upper()}); save the file as UTF-8"
            )
    data = data.removeprefix(codecs.BOM_UTF8)
    nul = data.find(b"\0", 0, BINARY_SNIFF_BYTES)
    if nul >= 0:
        return "", Problem(path, data.count(b"\n", 0, nul) + 1, "a binary file (it holds NUL bytes), not a text paper list")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            line = data.count(b"\n", 0, error.start) + 1
            return "", Problem(path, line, "the file ends in the middle of a UTF-8 character; was it cut short?")
        return "", _not_utf8(data, error.start, path)


def _not_utf8(data: bytes, bad_at: int, path: str) -> Problem:
    before = data[:bad_at]
    breaks = list(_BYTE_LINE_BREAK.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    # everything before the bad byte decoded fine, so the column counts characters, not bytes
    column = len(before[line_start:].decode("utf-8")) + 1
    message = f"not UTF-8 text (byte 0x{data[bad_at]:02x} at column {column}); save the file as UTF-8"
    return Problem(path, len(breaks) + 1, message)


def _numbered_lines(text: str) -> list[NumberedLine]:
    return [(number, line.strip()) for number, line in enumerate(_LINE_BREAK.split(text), start=1)]


def _is_chrome(line: str) -> bool:
    return line.startswith("Get trending papers") or line == "Subscribe"


def _without_chrome(lines: list[NumberedLine], path: str, problems: list[Problem]) -> list[NumberedLine]:
    """The lines from the first record on, with a "Subscribe" glued to the first title cut off.

    The page's own lines later on (a second page pasted below the first) are dropped with a warning.
    """
    first = next((i for i, (_, line) in enumerate(lines) if line and not _is_chrome(line)), len(lines))
    if first == len(lines):
        return []
    number, title = lines[first]
    kept = [(number, _GLUED_SUBSCRIBE.sub("", title))]
    after_chrome = False
    for number, line in lines[first + 1 :]:
        if line in _CHROME_LINES:
            problems.append(
                Problem(
                    path,
                    number,
                    f"page chrome {line!r} in the middle of the listing; dropped",
                    fatal=False,
                    kind=ProblemKind.IGNORED,
                )
            )
            after_chrome = True
            continue
        if after_chrome and line:
            line = _GLUED_SUBSCRIBE.sub("", line)
            after_chrome = False
        kept.append((number, line))
    return kept


def _blocks(lines: list[NumberedLine]) -> list[list[NumberedLine]]:
    """Runs of non-blank lines; all of them as one run when every run is a single line."""
    blocks: list[list[NumberedLine]] = [[]]
    for number, line in lines:
        if line:
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if all(len(block) == 1 for block in blocks):
        return [[line for block in blocks for line in block]] if blocks else []
    return blocks


def looks_like_abstract(line: str) -> bool:
    return len(line) >= ABSTRACT_MIN_CHARS and len(_SENTENCE_END.findall(line)) >= 2


def _missing_abstract(block: list[NumberedLine], title_at: int) -> bool:
    """Is the title at block[title_at] followed by another title rather than by its abstract?"""
    if title_at + 1 >= len(block):
        return True
    after = block[title_at + 2][1] if title_at + 2 < len(block) else ""
    return not looks_like_abstract(block[title_at + 1][1]) and looks_like_abstract(after)


def _pair_block(block: list[NumberedLine], path: str) -> tuple[list[Paper], list[Problem]]:
    papers: list[Paper] = []
    problems: list[Problem] = []
    at = 0
    while at < len(block):
        number, title = block[at]
        if looks_like_abstract(title):
            problems.append(Problem(path, number, "abstract line has no title line before it"))
            at += 1
        elif _missing_abstract(block, at):
            problems.append(Problem(path, number, "title has no abstract line after it"))
            at += 1
        else:
            papers.append(Paper(title=title, abstract=block[at + 1][1], source=Source(path, number)))
            at += 2
    return papers, problems
