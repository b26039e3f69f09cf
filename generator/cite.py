"""The BibTeX entry of a paper's "Cite" block: the original entry of a BibTeX source, else one generated
from the record: UTF-8 text (as biber and current LaTeX read it) with LaTeX's special characters
escaped, inline math kept as written."""

from __future__ import annotations

import re
from collections.abc import Sequence

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from slugify import slugify

from .identifiers import arxiv_url
from .model import Paper
from .normalise import split_math

VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
_STOP_WORDS = frozenset("a an the on of in for and to with towards toward is are".split())
_BACKTICKS = re.compile(r"`+")
_LATEX_SPECIALS = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "#": r"\#",
        "_": r"\_",
        "$": r"\$",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def bibtex_for(paper: Paper) -> str:
    """The entry to show and copy: the source's own entry when there is one."""
    return paper.bibtex or generated_entry(paper)


def generated_entry(paper: Paper) -> str:
    """A BibTeX entry built from the record's fields."""
    entry_type = paper.entry_type or ("article" if paper.venue else "misc")
    fields = [("title", latex(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(_name(a.family, a.given) for a in paper.authors)))
    if paper.year:
        fields.append(("year", paper.year))
    if len(paper.date) >= 7:
        fields.append(("month", str(int(paper.date[5:7]))))
    if paper.venue:
        fields.append((VENUE_FIELD.get(entry_type, "howpublished"), latex(paper.venue)))
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    url = paper.link("landing") or (arxiv_url(paper.arxiv_id) if paper.arxiv_id else "")
    if url:
        fields.append(("url", url))
    return write_entry(
        entry_type, citation_key(paper), [(name, _balanced(value)) for name, value in fields], enclose_integers=True
    )


def write_entry(entry_type: str, key: str, fields: Sequence[tuple[str, str]], *, enclose_integers: bool) -> str:
    """One entry as BibTeX text, by bibtexparser's writer (the one BibTeX writer of papersite): values
    in braces (bare integers too, with enclose_integers), two-space indent."""
    entry = Entry(entry_type, key, [Field(name, value) for name, value in fields])
    stack = [
        middlewares.AddEnclosingMiddleware(
            allow_inplace_modification=True,
            default_enclosing="{",
            reuse_previous_enclosing=False,
            enclose_integers=enclose_integers,
        )
    ]
    return bibtexparser.write_string(Library([entry]), unparse_stack=stack, bibtex_format=_FORMAT).strip() + "\n"


_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "


def citation_key(paper: Paper) -> str:
    """Google Scholar style: first author's family name, year, first significant title word ("smith2024self")."""
    family = slugify(paper.authors[0].family, separator="") if paper.authors else ""
    words = [w for w in slugify(paper.title, separator=" ").split() if w not in _STOP_WORDS]
    return (family + paper.year + (words[0] if words else "")) or "paper"


def latex(text: str) -> str:
    """Text as a LaTeX value: special characters escaped (& -> \\&), Unicode kept, inline math kept as it is."""
    return "".join(f"${value}$" if kind == "math" else _text(value) for kind, value in split_math(text))


def _text(value: str) -> str:
    """Text outside math: specials escaped, and LaTeX's ligatures broken so the characters read back as
    typed: two quotes kept two quotes, not a double quote (a title's `''` followed by a backslash read
    back as ”), and "!`" / "?`" kept, not ¡ / ¿."""
    escaped = value.translate(_LATEX_SPECIALS).replace("''", "'{}'").replace("``", "`{}`")
    return escaped.replace("!`", "!{}`").replace("?`", "?{}`")


def _name(family: str, given: str) -> str:
    family, given = latex(family), latex(given)
    return f"{family}, {given}" if given else (f"{{{family}}}" if " " in family else family)


def _balanced(value: str) -> str:
    """The value with unbalanced braces escaped, so the entry always parses."""
    depth = 0
    out = []
    for i, ch in enumerate(value):
        escaped = i > 0 and value[i - 1] == "\\"
        if ch == "{" and not escaped:
            depth += 1
        elif ch == "}" and not escaped:
            if depth == 0:
                out.append("\\}")
                continue
            depth -= 1
        out.append(ch)
    return "".join(out) + "}" * depth


def code_fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks in text (at least three), so text cannot close it."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)
