"""Input readers, one per format: `read(path) -> (papers, problems)`, chosen by file suffix or by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import ConfigError, Problem
from ..model import Paper
from . import arxiv, bibtex, csl_json, detect, hf, listing, records, ris
from .limits import MAX_INPUT_BYTES

Reader = Callable[[Path], tuple[list[Paper], list[Problem]]]
FileReader = Callable[[Path, str], tuple[list[Paper], list[Problem]]]  # (path, format name)

READERS: dict[str, Reader] = {
    "listing": listing.read,
    "bibtex": bibtex.read,
    "arxiv": arxiv.read,
    "csl-json": csl_json.read,
    "json": detect.read_json,
    "yaml": detect.read_yaml,
    "hf": hf.read,
    "ris": ris.read,
    "csv": records.read_csv,
}

# Longest suffix first wins: "refs.csl.json" is CSL-JSON. A ".json" or ".yaml" file is judged by its
# content (readers/detect.py): our own records, CSL, Better BibTeX JSON or Hugging Face Papers JSON.
FORMAT_BY_SUFFIX: dict[str, str] = {
    ".txt": "listing",
    ".listing": "listing",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".atom": "arxiv",
    ".xml": "arxiv",
    ".csl.json": "csl-json",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
    ".ris": "ris",
    ".tsv": "csv",
}


def format_for(path: Path, explicit: str | None = None) -> str:
    """The format name of an input file: the explicit one if given, else the one its suffix implies."""
    if explicit is not None:
        if explicit not in READERS:
            raise ConfigError(f"{path}: unknown format {explicit!r}; known formats: {known_formats()}")
        return explicit
    suffix = _known_suffix(path)
    if suffix not in FORMAT_BY_SUFFIX:
        shown = repr(suffix) if suffix else "(none)"
        raise ConfigError(
            f"{path}: cannot tell the format from the suffix {shown}; name it explicitly; known formats: {known_formats()}"
        )
    return FORMAT_BY_SUFFIX[suffix]


def _known_suffix(path: Path) -> str:
    """The longest of the path's suffixes ("".csl.json", then ".json") that names a format, else the last."""
    suffixes = [s.lower() for s in path.suffixes]
    for start in range(len(suffixes)):
        joined = "".join(suffixes[start:])
        if joined in FORMAT_BY_SUFFIX:
            return joined
    return path.suffix.lower()


def known_formats() -> str:
    """Every format with its suffixes, for error messages: "listing (.listing, .txt)"."""
    described = []
    for name in sorted(READERS):
        suffixes = sorted(s for s, f in FORMAT_BY_SUFFIX.items() if f == name)
        described.append(f"{name} ({', '.join(suffixes)})" if suffixes else name)
    return ", ".join(described)


def read_sources(
    sources: Sequence[tuple[Path, str | None]], read_one: FileReader | None = None
) -> tuple[list[Paper], list[Problem]]:
    """All papers and problems of the given (path, explicit format) inputs, in order; each file read
    by read_one (default: read_file; the read cache passes its own, generator/read_cache.py).

    Every format is checked before any file is read, so a wrong name fails fast with ConfigError.
    A file that cannot be read is a fatal problem for that file, not an exception.
    """
    read_one = read_one or read_file
    formats = [None if path.is_dir() else format_for(path, explicit) for path, explicit in sources]
    papers: list[Paper] = []
    problems: list[Problem] = []
    total_bytes = 0
    for (path, _), name in zip(sources, formats):
        if name is None:
            problems.append(Problem(str(path), 0, "a folder, not a paper list; name the files in it"))
            continue
        size = _size(path)
        total_bytes += max(size, 0)
        if total_bytes > MAX_INPUT_BYTES:
            limit = f"{MAX_INPUT_BYTES // 2**20} MB"
            problems.append(
                Problem(
                    str(path),
                    0,
                    f"the paper lists add up to more than {limit} ({size:,} bytes in this one); split the collection",
                )
            )
            break
        if size == 0:
            problems.append(Problem(str(path), 0, "empty file (0 bytes): no papers to read"))
            continue
        file_papers, file_problems = read_one(path, name)
        papers += file_papers
        problems += file_problems
    return papers, problems


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1  # read_file reports why the file cannot be read


def read_file(path: Path, format_name: str) -> tuple[list[Paper], list[Problem]]:
    """The papers and problems of one file in the named format."""
    try:
        return READERS[format_name](path)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return [], [Problem(str(path), 0, f"cannot read this file ({reason})")]
