"""Clean up the text of a paper: LaTeX to Unicode, inline math kept as LaTeX, whitespace, links.

Input text is mostly plain prose with occasional LaTeX. Only text holding a backslash or a backtick
goes through pylatexenc, and even then URLs, `%`, `&`, `#`, `~`, `$`, runs of hyphens and of braces
(`{{ }}` is template syntax, not LaTeX) are shielded from it, so `--` stays `--`, `~` is never a non-breaking space and `%` never starts a
comment. Inline math (`$...$`) is never converted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexMacroNode

from .identifiers import arxiv_id, arxiv_url, clean_doi, doi_url
from .model import Author, Link, Paper

Segment = tuple[str, str]

# inline math as in Pandoc: the opening $ has a non-space after it, the closing $ a non-space
# before it and no digit after it (so "costs $5 and $6" is text); $$ never opens or closes
_INLINE_MATH = r"(?<!\$)\$(?=[^\s$])(?P<math>(?:[^$\n\\]|\\[^\n])+?)(?<!\s)\$(?![$\d])"
_MATH_TOKENS = re.compile(r"(?P<pair>\\\\)|(?P<dollar>\\\$)|" + _INLINE_MATH)

_URL = r"https?://[^\s<>\"{}\\`]+"
_URL_IN_TEXT = re.compile(_URL, re.IGNORECASE)
# "https://a.b/c{https://a.b/c}": a scraped \href printed twice
_DOUBLED_URL = re.compile(r"(https?://[^\s{}]+)\{\1\}", re.IGNORECASE)
_URL_MACRO = re.compile(r"\\url\{([^{}]*)\}")
_LATEX_TRIGGER = re.compile(r"[\\`]")
# shielded from pylatexenc: URLs, `\%`-style escapes (as the bare character), bare specials,
# hyphen runs; `\\` is matched only so that the character after it is not read as escaped
_SHIELDED_CORE = rf"(?P<url>{_URL})|(?P<pair>\\\\)|\\(?P<escaped>[%&#_])|-{{2,}}"
_SHIELDED = re.compile(_SHIELDED_CORE + r"|[%&#~$]|\{\{+|\}\}+", re.IGNORECASE)
# in BibTeX values braces are grouping, never template syntax, and `~` is a tie (replaced by a space
# before this) or the tilde accent `\~`: pylatexenc handles both
_SHIELDED_BIBTEX = re.compile(_SHIELDED_CORE + r"|[%&#$]", re.IGNORECASE)
# BibTeX: an unescaped `~` is a tie (a space); a brace not escaped is grouping
_TIE = re.compile(r"(?<!\\)~")
_GROUPING_BRACE = re.compile(r"(?<!\\)[{}]")
# an accented letter ({\"u}, \"{u}, \'e, \c{c}, \'\i) or a letter macro (\o, \ss, eating the space after
# it as LaTeX does): names are full of them, and each distinct one is converted by pylatexenc once
# (see _accent_text) instead of in every value
_ACCENT = re.compile(
    r"\{?\\(?:(?:[\"'`^~=.]|[uvHckdbrt](?=[\s{]))\s*(?:\{\s*\\?[A-Za-z]\s*\}|\\[A-Za-z](?![A-Za-z])\s*|[A-Za-z])"
    r"|(?:ss|ae|AE|oe|OE|aa|AA|[ijoOlL])(?![A-Za-z])(?:\{\}|\s*))\}?"
)

# font and layout switches that pylatexenc does not know and that carry no text
_DECLARATIONS = frozenset(
    "it bf rm sf tt sc sl em up md itshape bfseries rmfamily sffamily ttfamily scshape slshape upshape"
    " mdseries normalfont tiny scriptsize footnotesize small normalsize large Large LARGE huge Huge"
    " noindent centering raggedright protect relax par hfill vfill label".split()
)

_TRAILING_PUNCTUATION = ".,;:!?'\""
_CLOSERS = {")": "(", "]": "["}
_CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co")
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"`]")


def normalise(paper: Paper) -> Paper:
    """The paper with clean text fields and identifiers, the abstract's URLs and the identifiers as links."""
    abstract = "" if is_placeholder(paper.abstract) else normalise_text(without_extraction_artefacts(paper.abstract))
    doi, arxiv = _identifiers(paper)
    return replace(
        paper,
        title=normalise_text(without_extraction_artefacts(paper.title)),
        abstract=abstract,
        venue=normalise_text(paper.venue),
        authors=tuple(_normalise_author(author) for author in paper.authors),
        tags=unique_tags(normalise_text(tag) for tag in paper.tags),
        doi=doi,
        arxiv_id=arxiv,
        links=_with_identifier_links(merge_links(paper.links, links_in(abstract)), doi, arxiv),
    )


def _identifiers(paper: Paper) -> tuple[str, str]:
    """(doi, arxiv id), cleaned; an arXiv DOI (10.48550/arXiv.X) becomes the arXiv id."""
    doi = clean_doi(paper.doi)
    arxiv = arxiv_id(paper.arxiv_id) or arxiv_id(doi)
    return ("" if arxiv_id(doi) else doi), arxiv


def _with_identifier_links(links: tuple[Link, ...], doi: str, arxiv: str) -> tuple[Link, ...]:
    kinds = {link.kind for link in links}
    extra = [Link("arxiv", arxiv_url(arxiv))] if arxiv and "arxiv" not in kinds else []
    extra += [Link("doi", doi_url(doi))] if doi and "doi" not in kinds else []
    return tuple(extra) + links


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Non-empty tags, the first spelling of each (case-insensitively), in order."""
    seen: dict[str, str] = {}
    for tag in tags:
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


@functools.lru_cache(maxsize=1 << 16)  # names, venues and keywords repeat across the entries of a file
def bibtex_text(value: str) -> str:
    """A BibTeX field value as Unicode text (NFC): LaTeX converted, braces and ties dropped, `$...$` math kept."""
    value = _TIE.sub(" ", value)
    if "$" not in value:
        return unicodedata.normalize("NFC", _bibtex_segment(value).strip())
    segments = [(kind, text if kind == "math" else _bibtex_segment(text)) for kind, text in split_math(value)]
    return unicodedata.normalize("NFC", join_math(segments).strip())


def _bibtex_segment(text: str) -> str:
    if "\\" in text:
        text = _ACCENT.sub(lambda match: _accent_text(match[0]), text)
    if "\\" in text:
        return latex_to_unicode(text, shield_braces=False)
    return collapse_whitespace(_GROUPING_BRACE.sub("", text) if "{" in text or "}" in text else text)


def _normalise_author(author: Author) -> Author:
    return Author(family=normalise_text(author.family), given=normalise_text(author.given))


def normalise_text(text: str) -> str:
    """LaTeX outside math turned into Unicode, whitespace collapsed, math left as `$...$`."""
    text = _DOUBLED_URL.sub(r"\1", text)
    if "$" not in text:  # no math: one text segment (the common case, and much faster)
        return latex_to_unicode(text).strip()
    segments = [(kind, value if kind == "math" else latex_to_unicode(value)) for kind, value in split_math(text)]
    return join_math(segments).strip()


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace as one space (ends are not stripped)."""
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------- text extracted from PDFs

# pdfminer writes a glyph it cannot map as "(cid:N)"; 173 is the soft hyphen of a word broken at a line end
_SOFT_HYPHEN_GLYPH = re.compile(r"\(cid:173\)\s*")
_GLYPH_CODE = re.compile(r"\(cid:\d+\)")  # other codes: ligatures and symbols, unknowable
# "informa- tion": a word broken at a line end, the line break become a space. Not "pre- and post-training".
_BROKEN_WORD = re.compile(r"\b([^\W\d_]*[a-z])- ([a-z]+)\b")
_KEPT_AFTER_HYPHEN = frozenset("and or nor to vs versus as but than then with without via from".split())
# abstracts that say there is none: "Abstract unavailable", "[No abstract available]", "N/A"
_PLACEHOLDER = re.compile(
    r"(?:abstract[\s:.-]*)?(?:(?:no|not an?) abstract(?: is)?(?: available| provided| given)?|"
    r"(?:abstract )?(?:is )?(?:not available|unavailable|missing|not provided|forthcoming|to come)|n/?a|none|null|tbd|tba)",
    re.IGNORECASE,
)


def without_extraction_artefacts(text: str) -> str:
    """Text with the traces of PDF extraction mended: glyph codes dropped, words broken across lines joined."""
    if "(cid:" in text:
        text = _GLYPH_CODE.sub("", _SOFT_HYPHEN_GLYPH.sub("", text))
    if "- " in text:
        text = _BROKEN_WORD.sub(_joined_word, text)
    return text


def _joined_word(match: re.Match[str]) -> str:
    head, tail = match[1], match[2]
    return match[0] if tail in _KEPT_AFTER_HYPHEN else head + tail


def is_placeholder(abstract: str) -> bool:
    """Whether an abstract only says that there is none ("Abstract unavailable", "N/A")."""
    stripped = abstract.strip().strip("[]().!*_ ").strip()
    return len(stripped) < 60 and _PLACEHOLDER.fullmatch(stripped) is not None


# ---------------------------------------------------------------- inline math


def split_math(text: str) -> list[Segment]:
    """("text", plain) and ("math", latex) segments; `\\$` in text is a literal dollar sign."""
    segments: list[Segment] = []
    plain = ""
    end = 0
    for token in _MATH_TOKENS.finditer(text):
        plain += text[end : token.start()]
        end = token.end()
        if token["math"] is None:
            plain += "$" if token["dollar"] else token[0]
            continue
        if plain:
            segments.append(("text", plain))
            plain = ""
        segments.append(("math", token["math"]))
    plain += text[end:]
    return segments + [("text", plain)] if plain else segments


def join_math(segments: Sequence[Segment]) -> str:
    """The text that split_math reads back as these segments; text dollars are escaped only if needed."""
    plain = _joined(segments, escape_dollars=False)
    if split_math(plain) == _tidied(segments):
        return plain
    return _joined(segments, escape_dollars=True)


def _joined(segments: Sequence[Segment], escape_dollars: bool) -> str:
    parts = []
    for kind, value in segments:
        if kind == "math":
            parts.append(f"${value}$")
        else:
            parts.append(value.replace("$", "\\$") if escape_dollars else value)
    return "".join(parts)


def _tidied(segments: Sequence[Segment]) -> list[Segment]:
    """Segments without empty texts and with neighbouring texts merged, as split_math returns them."""
    tidy: list[Segment] = []
    for kind, value in segments:
        if kind == "text" and tidy and tidy[-1][0] == "text":
            tidy[-1] = ("text", tidy[-1][1] + value)
        elif kind == "math" or value:
            tidy.append((kind, value))
    return tidy


# ---------------------------------------------------------------- LaTeX to Unicode


def _unknown_macro_text(node: LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    """A macro pylatexenc has no text for: `\\model` keeps its name as a word, `\\texttt{x}` gives x.

    pylatexenc passes the converter only to a parameter named exactly `l2tobj`.
    """
    if node.macroname in _DECLARATIONS:
        return ""
    arguments = [arg for arg in (node.nodeargd.argnlist if node.nodeargd else []) if arg is not None]
    if not arguments:
        return node.macroname + node.macro_post_space
    return "".join(l2tobj.nodelist_to_text([arg]) for arg in arguments)


def _make_converter() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro_text))
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


_CONVERTER = _make_converter()
# built once: LatexWalker builds a fresh default context for every text otherwise (most of its cost)
_WALKER_CONTEXT = latexwalker.get_default_latex_context_db()


@functools.lru_cache(maxsize=4096)
def _accent_text(accent: str) -> str:
    return latex_to_unicode(accent, shield_braces=False)


def latex_to_unicode(text: str, *, shield_braces: bool = True) -> str:
    """Text-mode LaTeX as Unicode, whitespace collapsed; text without LaTeX is only collapsed.

    pylatexenc reads a text a character at a time (about 20 ms for an abstract), so only the
    sentences that hold LaTeX go through it. Falls back to a sentence as it was when pylatexenc
    fails on it or loses a shielded part.
    """
    if not _LATEX_TRIGGER.search(text):
        return collapse_whitespace(text)
    pieces = _sentences(text)
    converted = [_sentence_to_unicode(piece, shield_braces) if _LATEX_IN_SENTENCE.search(piece) else piece for piece in pieces]
    return collapse_whitespace("".join(converted))


# Where a text may be cut into sentences that pylatexenc converts alike alone or together: after a
# full stop (not the accent macro `\.`), before a capital, outside braces.
_SENTENCE_END_OR_BRACE = re.compile(r"(?<!\\)[.!?](?P<space>\s+)(?=[A-Z])|(?<!\\)(?P<brace>[{}])")
# what pylatexenc changes in a sentence: macros, quotes (``, '' and `), braces
_LATEX_IN_SENTENCE = re.compile(r"[\\`{}]|''")


def _sentences(text: str) -> list[str]:
    """The text cut into sentences and the whitespace between them (joined, they are the text)."""
    pieces, start, depth = [], 0, 0
    for match in _SENTENCE_END_OR_BRACE.finditer(text):
        if match["brace"]:
            depth += 1 if match["brace"] == "{" else -1
        elif depth == 0:
            pieces += [text[start : match.start("space")], match["space"]]
            start = match.end("space")
    return [*pieces, text[start:]]


def _sentence_to_unicode(text: str, shield_braces: bool) -> str:
    text = _URL_MACRO.sub(r"\1", text)
    marker = _free_private_char(text)
    if not marker:
        return collapse_whitespace(text)
    shielded, kept = _shield(text, marker, _SHIELDED if shield_braces else _SHIELDED_BIBTEX)
    try:
        converted = unicodedata.normalize("NFC", _CONVERTER.latex_to_text(shielded, latex_context=_WALKER_CONTEXT))
    except Exception:  # pylatexenc raises assorted errors (IndexError, ...) on odd input
        return collapse_whitespace(text)
    restored = _unshield(converted, marker, kept)
    return collapse_whitespace(restored if restored is not None else text)


def _free_private_char(text: str) -> str:
    """A private-use character absent from the text, to build placeholders with ("" if none)."""
    return next((chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text), "")


def _shield(text: str, marker: str, shielded: re.Pattern[str] = _SHIELDED) -> tuple[str, list[str]]:
    """The text with shielded parts replaced by numbered placeholders, and those parts."""
    kept: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        if match["pair"]:
            return match[0]
        kept.append(match["escaped"] or match[0])
        return f"{marker}{len(kept) - 1}{marker}"

    return shielded.sub(placeholder, text), kept


def _unshield(converted: str, marker: str, kept: list[str]) -> str | None:
    """The converted text with placeholders put back, or None if any of them was lost or mangled."""
    found = re.findall(rf"{marker}(\d+){marker}", converted)
    if sorted(int(index) for index in found) != list(range(len(kept))):
        return None
    restored = re.sub(rf"{marker}(\d+){marker}", lambda m: kept[int(m[1])], converted)
    return None if marker in restored else restored


# ---------------------------------------------------------------- links


def links_in(text: str) -> list[Link]:
    """The http(s) URLs in the text parts of the text (not in math), as links, first mention first."""
    urls = [clean_url(match[0]) for kind, value in split_math(text) if kind == "text" for match in _URL_IN_TEXT.finditer(value)]
    safe_urls = [url for url in dict.fromkeys(urls) if is_safe_url(url)]
    return [Link(link_kind(url), url) for url in safe_urls]


def clean_url(url: str) -> str:
    """The URL without the sentence punctuation that follows it, and without an unbalanced `)` or `]`."""
    while url:
        last = url[-1]
        if last in _TRAILING_PUNCTUATION:
            url = url[:-1]
        elif last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last]):
            url = url[:-1]
        else:
            break
    return url


def link_kind(url: str) -> str:
    """ "code" for github.com, gitlab.com, huggingface.co and their subdomains, else "project"."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket: not a code host (is_safe_url rejects it anyway)
        return "project"
    is_code = any(host == code or host.endswith("." + code) for code in _CODE_HOSTS)
    return "code" if is_code else "project"


def is_safe_url(url: str) -> bool:
    """Is this an absolute http(s) URL with a host and nothing that could break out of an attribute?"""
    if _UNSAFE_URL_CHARS.search(url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket, a bad port
        return False


def merge_links(existing: Iterable[Link], found: Iterable[Link]) -> tuple[Link, ...]:
    """The existing links, then the found ones whose URL is not there yet."""
    links = list(existing)
    seen = {link.url for link in links}
    for link in found:
        if link.url not in seen:
            links.append(link)
            seen.add(link.url)
    return tuple(links)


# ---------------------------------------------------------------- comparing titles


def title_key(title: str) -> str:
    """A key equal for titles that differ only in case, Unicode form, punctuation, spacing or `$`."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", title).casefold())
    kept = folded.translate(_TITLE_KEPT)  # drops each character _is_ignored_in_title
    # dropping a space can leave a combining mark next to a letter it now composes with
    return unicodedata.normalize("NFKC", kept)


def _is_ignored_in_title(ch: str) -> bool:
    return ch.isspace() or ch == "$" or unicodedata.category(ch).startswith("P")


class _KeptInTitles(dict):
    """A str.translate table that drops the characters _is_ignored_in_title and keeps the rest,
    deciding for each code point the first time it is met (a loop in Python over every character
    of 10,000 titles took a second)."""

    def __missing__(self, code: int) -> int | None:
        kept = self[code] = None if _is_ignored_in_title(chr(code)) else code
        return kept


_TITLE_KEPT = _KeptInTitles()
