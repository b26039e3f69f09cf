from __future__ import annotations

import html
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render import first_sentence, front_matter, inert, link_button, with_math

# The Markdown extensions of the example site (mkdocs.yml) plus the ones users commonly add.
EXTENSIONS = [
    "attr_list",
    "toc",
    "tables",
    "def_list",
    "footnotes",
    "abbr",
    "md_in_html",
    "pymdownx.arithmatex",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.magiclink",
]
EXTENSION_CONFIGS = {"pymdownx.arithmatex": {"generic": True}}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("!--", []))


def to_html(md_text: str) -> Elements:
    parsed = Elements()
    parsed.feed(markdown.markdown(md_text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS))
    return parsed


def one_line_text():
    return (
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
        .map(lambda s: " ".join(s.split()))
        .filter(bool)
    )


@settings(max_examples=300, deadline=None)
@given(one_line_text())
def test_inert_text_renders_as_exactly_itself(text):
    parsed = to_html(inert(text))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<!-- unclosed comment",
        "# heading",
        "1. list item",
        "- bullet",
        "| a | b |",
        "[link](javascript:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
        "{{ 7*7 }} {% if %}",
        "https://example.com/x_y_z",
        "![img](x.png){: onclick=alert(1) }",
        "*emph* __bold__ `code` ~~strike~~ ==mark== ^^sup^^",
        "Term\n: definition",
        "[^1] footnote",
    ],
)
def test_hostile_markup_stays_text(hostile):
    parsed = to_html(inert(hostile))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == hostile.replace("\n", "\n")


def test_math_becomes_arithmatex_markup_and_text_around_it_stays_inert():
    parsed = to_html(str(with_math("Let $x_1 < y^2$ hold <b>here</b>.")))
    assert [tag for tag, attrs in parsed.tags] == ["p", "span"]
    assert parsed.tags[1][1] == [("class", "arithmatex")]
    assert "".join(parsed.text) == "Let \\(x_1 < y^2\\) hold <b>here</b>."


def test_math_cannot_smuggle_markup():
    parsed = to_html(str(with_math("$</span><script>alert(1)</script>$")))
    assert [tag for tag, _ in parsed.tags] == ["p", "span"]


def test_link_button_only_for_http_urls():
    assert 'href="https://github.com/a/b?x=1&amp;y=2"' in link_button("code", "https://github.com/a/b?x=1&y=2")
    assert '"><' not in link_button("code", 'https://github.com/a/b?x="><script>')
    assert link_button("code", "javascript:alert(1)") == ""
    assert link_button("project", "JaVaScRiPt:alert(1)") == ""
    assert ">Code<" in link_button("code", "https://github.com/a/b")


def test_front_matter_round_trips_awkward_titles():
    import yaml

    for title in ["a: b", "[x]", "- item", "'quoted'", "#hash", "yes", "{{x}}", "null"]:
        text = str(front_matter({"title": title, "tags": [title]}))
        assert text.startswith("---\n") and text.endswith("---\n")
        assert yaml.safe_load(text.strip("-\n")) == {"title": title, "tags": [title]}


def test_first_sentence_does_not_stop_at_abbreviations():
    text = "We study agents, e.g. LLM agents. Then more."
    assert first_sentence(text) == "We study agents, e.g. LLM agents."
    assert first_sentence("No full stop") == "No full stop"


def test_inert_escapes_html_entities_literally():
    parsed = to_html(inert("&amp; &lt;b&gt; &#60;"))
    assert "".join(parsed.text) == "&amp; &lt;b&gt; &#60;"
    assert html.unescape(inert("x&y")) == "x&y"
