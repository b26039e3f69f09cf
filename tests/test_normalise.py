from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model import Author, Link, Paper, Source
from generator.normalise import (
    clean_url,
    is_safe_url,
    join_math,
    latex_to_unicode,
    link_kind,
    links_in,
    normalise,
    normalise_text,
    split_math,
    title_key,
)

SOURCE = Source("papers/x.txt", 7)


def paper(abstract: str = "", title: str = "A Title", **fields: object) -> Paper:
    return Paper(title=title, abstract=abstract, source=SOURCE, **fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- LaTeX to Unicode


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('G\\"odel Machine', "Gödel Machine"),
        ('Huxley-G\\"{o}del', "Huxley-Gödel"),
        ("``quotes'' here", "“quotes” here"),
        ("an \\emph{x} and {\\it y} and {\\bf z}", "an x and y and z"),
        ("100\\% robust", "100% robust"),
        ("e.g.\\ the rate", "e.g. the rate"),
        ("our \\model align with", "our model align with"),
        ("\\framework framework can", "framework framework can"),
        ("\\ours{} is fast", "ours is fast"),
        ("\\texttt{code} runs", "code runs"),
        ('Sch\\"{o}n, \\c{c}a, \\ss{}', "Schön, ça, ß"),
    ],
)
def test_latex_becomes_unicode(latex: str, text: str) -> None:
    assert normalise_text(latex) == text


def test_thin_space_becomes_a_space() -> None:
    assert normalise_text("(i.\\,i.\\,d) data") == "(i. i. d) data"


def test_accented_letters_are_precomposed() -> None:
    assert normalise_text('G\\"odel') == "G\u00f6del"


def test_dashes_stay_as_typed_with_and_without_latex() -> None:
    assert normalise_text("self-improvement -- where models") == "self-improvement -- where models"
    assert normalise_text("\\emph{a} -- b --- c") == "a -- b --- c"


@pytest.mark.parametrize(
    "plain",
    [
        "50% of cases & 30% of others",
        "issue #12 with snake_case names",
        "~80 models, 1)~a relabeler",
        "a < b > c and \"quoted\" and 'single' text",
        "see https://example.org/a%20b/~user/some_file?x=1&y=2#frag now",
    ],
)
def test_non_latex_characters_survive_next_to_latex(plain: str) -> None:
    assert normalise_text(plain) == plain
    assert normalise_text("\\emph{E} " + plain) == "E " + plain


def test_url_in_latex_text_keeps_tilde_percent_and_underscore() -> None:
    text = "{\\it code} at https://host.org/~me/a_b%20c and \\url{https://x.org/~y}"
    assert normalise_text(text) == "code at https://host.org/~me/a_b%20c and https://x.org/~y"


def test_percent_never_starts_a_comment() -> None:
    assert normalise_text("up 5% \\emph{faster}, not slower") == "up 5% faster, not slower"
    assert normalise_text("a\\\\% b") == "a % b"


def test_braces_without_a_backslash_are_kept_as_typed() -> None:
    assert normalise_text("MSE losses decay as N^{-alpha}") == "MSE losses decay as N^{-alpha}"
    assert normalise_text("Jinja {{ config }} and {% if %}") == "Jinja {{ config }} and {% if %}"


def test_double_braces_survive_beside_real_latex() -> None:
    assert normalise_text('G\\"odel {{ x }} {\\it fast}') == "Gödel {{ x }} fast"


def test_unparseable_latex_falls_back_to_the_text() -> None:
    # pylatexenc raises IndexError on a bare \href; the text is kept rather than lost
    assert normalise_text("see \\href{http://a.org}  here") == "see \\href{http://a.org} here"


def test_whitespace_is_collapsed_and_stripped() -> None:
    assert normalise_text("  a \t b\n\n c\u00a0d  ") == "a b c d"
    assert latex_to_unicode(" a  b ") == " a b "


# ---------------------------------------------------------------- inline math


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("loss $x^2$ falls", [("text", "loss "), ("math", "x^2"), ("text", " falls")]),
        ("$\\alpha$", [("math", "\\alpha")]),
        ("costs $5 and more", [("text", "costs $5 and more")]),
        ("costs $5 and $6", [("text", "costs $5 and $6")]),
        ("a \\$ sign and \\$x\\$", [("text", "a $ sign and $x$")]),
        ("display $$x$$ math", [("text", "display $$x$$ math")]),
        ("empty $$ dollars", [("text", "empty $$ dollars")]),
        ("$a\nb$", [("text", "$a\nb$")]),
        ("$ x $ spaced", [("text", "$ x $ spaced")]),
        ("$a\\$b$ c", [("math", "a\\$b"), ("text", " c")]),
        ("", []),
    ],
)
def test_split_math(text: str, segments: list[tuple[str, str]]) -> None:
    assert split_math(text) == segments


def test_math_is_kept_verbatim_and_text_around_it_converted() -> None:
    text = 'G\\"odel says $\\"o + \\emph{x}_{i}$ and ' + "``so'' on"
    assert normalise_text(text) == 'Gödel says $\\"o + \\emph{x}_{i}$ and “so” on'
    assert split_math(normalise_text(text))[1] == ("math", '\\"o + \\emph{x}_{i}')


def test_literal_dollars_are_escaped_only_when_needed() -> None:
    assert normalise_text("costs $5 and more") == "costs $5 and more"
    stored = normalise_text("pay \\$x\\$ now")
    assert stored == "pay \\$x\\$ now"
    assert split_math(stored) == [("text", "pay $x$ now")]


def test_join_math_inverts_split_math() -> None:
    segments = [("text", "a "), ("math", "x"), ("text", " b")]
    assert join_math(segments) == "a $x$ b"
    assert split_math(join_math([("text", "$y$")])) == [("text", "$y$")]


# ---------------------------------------------------------------- links


def test_hgm_link_loses_the_full_stop() -> None:
    found = normalise(paper("Code is at https://github.com/metauto-ai/HGM."))
    assert found.links == (Link("code", "https://github.com/metauto-ai/HGM"),)
    assert found.abstract == "Code is at https://github.com/metauto-ai/HGM."


def test_doubled_url_artefact_becomes_one_url() -> None:
    raw = "Code: https://github.com/masa-ue/SVDD{https://github.com/masa-ue/SVDD}."
    found = normalise(paper(raw))
    assert found.abstract == "Code: https://github.com/masa-ue/SVDD."
    assert found.links == (Link("code", "https://github.com/masa-ue/SVDD"),)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://a.org/x.", "https://a.org/x"),
        ("https://a.org/x),", "https://a.org/x"),
        ("https://a.org/x!?;:'\"", "https://a.org/x"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://a.org/[1]]", "https://a.org/[1]"),
        ("https://a.org/", "https://a.org/"),
    ],
)
def test_clean_url(raw: str, clean: str) -> None:
    assert clean_url(raw) == clean


def test_url_in_parentheses() -> None:
    assert [link.url for link in links_in("(see https://a.org/page)")] == ["https://a.org/page"]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/a/b", "code"),
        ("https://www.github.com/a/b", "code"),
        ("http://gitlab.com/a/b", "code"),
        ("https://huggingface.co/models/x", "code"),
        ("https://GitHub.com/a", "code"),
        ("https://selfgoal-agent.github.io", "project"),
        ("https://notgithub.com/a", "project"),
        ("https://dave.ml/selfguidance/", "project"),
    ],
)
def test_link_kind(url: str, kind: str) -> None:
    assert link_kind(url) == kind


def test_links_are_deduplicated_in_order_and_appended_after_existing() -> None:
    existing = (Link("pdf", "https://arxiv.org/pdf/1"), Link("project", "https://site.org"))
    text = "See https://site.org, https://github.com/a/b and https://x.org/p; again https://github.com/a/b."
    found = normalise(paper(text, links=existing))
    assert found.links == existing + (
        Link("code", "https://github.com/a/b"),
        Link("project", "https://x.org/p"),
    )


def test_only_http_urls_become_links() -> None:
    text = "javascript:alert(1) ftp://files.org/x data:text/html,hi mailto:a@b.org and https://ok.org"
    assert [link.url for link in normalise(paper(text)).links] == ["https://ok.org"]


def test_urls_inside_math_are_not_links() -> None:
    assert links_in("$\\href{https://a.org}{x}$ and https://b.org") == [Link("project", "https://b.org")]


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.org/x?y=1", True),
        ("HTTP://a.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript://a.org/%0aalert(1)", False),
        ("https://", False),
        ("/relative/path", False),
        ('https://a.org/"onmouseover=x', False),
        ("https://a.org/<script>", False),
        ("https://a.org/a b", False),
        ("https://a.org/\nx", False),
        ("http://[::1", False),
        ("", False),
    ],
)
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


# ---------------------------------------------------------------- the whole paper


def test_normalise_returns_a_new_paper_with_clean_fields() -> None:
    before = paper(
        "A  \\emph{new}\n method.",
        title='  G\\"odel  Agent ',
        venue="Proc. of \\emph{ICML}",
        authors=(Author('G\\"odel', "Kurt"),),
        date="2024-05",
    )
    after = normalise(before)
    assert after is not before
    assert (after.title, after.abstract, after.venue) == ("Gödel Agent", "A new method.", "Proc. of ICML")
    assert after.authors == (Author("Gödel", "Kurt"),)
    assert (after.source, after.date) == (SOURCE, "2024-05")
    assert before.title == '  G\\"odel  Agent '


# ---------------------------------------------------------------- title keys


def test_title_key_ignores_case_punctuation_spacing_and_width() -> None:
    assert title_key("Attention Is All You Need!") == title_key("attention is all  you need")
    assert title_key("Self-Play: A Survey") == title_key("self play a survey")
    assert title_key("ＧＰＴ－４ Report") == title_key("GPT-4 report")
    assert title_key("STRASSE") == title_key("Straße")
    assert title_key("$k$-means") == title_key("k-means")
    assert title_key("Self-Play: A Survey") == "selfplayasurvey"


def test_title_key_keeps_what_tells_titles_apart() -> None:
    assert title_key("Gödel Agent") != title_key("Godel Agent")
    assert title_key("C++ Tricks") != title_key("C Tricks")
    assert title_key("GPT-4") != title_key("GPT-3")


def _title_key_by_character(title: str) -> str:
    """title_key as its definition reads: each character looked at in turn."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", title).casefold())
    kept = "".join(ch for ch in folded if not (ch.isspace() or ch == "$" or unicodedata.category(ch).startswith("P")))
    return unicodedata.normalize("NFKC", kept)


def test_title_key_drops_what_its_definition_drops_for_every_code_point() -> None:
    # title_key drops characters through a translate table filled as code points are met
    blocks = ["".join(map(chr, range(start, start + 64))) for start in range(0, 0x110000, 64) if not 0xD800 <= start < 0xE000]
    assert [title_key(f"A {block} z") for block in blocks] == [_title_key_by_character(f"A {block} z") for block in blocks]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_title_key_matches_its_definition(title: str) -> None:
    assert title_key(title) == _title_key_by_character(title)


# ---------------------------------------------------------------- properties

PLAIN = st.text(
    alphabet=st.characters(blacklist_characters="\\{}`$", blacklist_categories=("Cs",)),
    max_size=200,
)


@given(PLAIN)
def test_plain_text_is_unchanged_but_for_whitespace(text: str) -> None:
    assert normalise_text(text) == " ".join(text.split())


@given(st.text(max_size=300))
def test_normalise_never_raises(text: str) -> None:
    result = normalise(paper(text, title=text, venue=text))
    assert "\n" not in result.abstract and result.abstract == result.abstract.strip()
    assert all(is_safe_url(link.url) and link.url.lower().startswith("http") for link in result.links)


LATEX_PIECES = list("ab $\\{}`'%~&#_-^.:/\n") + ["https://x.org/", "\\emph", '\\"', "\\url{", "\\\\"]
LATEXISH = st.lists(st.sampled_from(LATEX_PIECES), max_size=40).map("".join)


@given(LATEXISH)
def test_normalise_never_raises_on_latex_like_text(text: str) -> None:
    assert isinstance(normalise_text(text), str)


@given(st.text(alphabet=st.sampled_from(list("ab $ \n")), max_size=40))
def test_join_math_round_trips_without_backslashes(text: str) -> None:
    segments = split_math(text)
    assert split_math(join_math(segments)) == segments
    assert all(value for _, value in segments)


@given(st.text(max_size=100))
def test_safe_url_check_never_raises(url: str) -> None:
    assert is_safe_url(url) in (True, False)


@given(st.text(max_size=100))
def test_title_key_is_idempotent(title: str) -> None:
    assert title_key(title_key(title)) == title_key(title)


@pytest.mark.parametrize(
    ("extracted", "clean"),
    [
        ("informa(cid:173)tion retrieval", "information retrieval"),
        ("informa(cid:173) tion retrieval", "information retrieval"),
        ("informa- tion retrieval", "information retrieval"),
        ("a (cid:12)nal answer", "a nal answer"),
        ("pre- and post-training, low- or high-resource", "pre- and post-training, low- or high-resource"),
        ("GPT- 4 and Markov- Models", "GPT- 4 and Markov- Models"),
    ],
)
def test_pdf_extraction_artefacts_are_mended(extracted: str, clean: str) -> None:
    paper = normalise(Paper(title=extracted, abstract=f"We study {extracted}.", source=Source("x.txt", 1)))
    assert paper.title == clean
    assert paper.abstract == f"We study {clean}."


@pytest.mark.parametrize(
    "placeholder", ["Abstract unavailable", "Abstract unavailable.", "[No abstract available]", "N/A", "Abstract: not available"]
)
def test_placeholder_abstracts_count_as_missing(placeholder: str) -> None:
    assert normalise(Paper(title="A title", abstract=placeholder, source=Source("x.txt", 1))).abstract == ""


def test_an_abstract_that_mentions_availability_is_kept() -> None:
    text = "No abstract available models are studied here, and we find that they fail."
    assert normalise(Paper(title="A title", abstract=text, source=Source("x.txt", 1))).abstract == text


@pytest.mark.parametrize(
    "text",
    [
        "We study G\\\"odel machines. They rewrite themselves. The ``map'' is not the territory.",
        "Plain first sentence. Then {a group. Spanning} two sentences. And \\emph{emphasis}. End",
        "A \\model{} that works! Another sentence? `Quoted' text. Costs 5\\% less. Done.",
        "First. \\. Accent macro before a capital? Stays whole. x",
    ],
)
def test_latex_sentence_by_sentence_equals_whole_text(text: str) -> None:
    from generator.normalise import _sentence_to_unicode

    assert latex_to_unicode(text) == _sentence_to_unicode(text, shield_braces=True)
    assert latex_to_unicode(text, shield_braces=False) == _sentence_to_unicode(text, shield_braces=False)
