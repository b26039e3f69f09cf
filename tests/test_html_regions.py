"""HTML regions (generator/html_regions.py): HTML that Markdown passes on without reading it."""

from __future__ import annotations

import re

import markdown
import pytest

from generator.html_regions import REGION_END, REGION_START, HtmlRegions
from generator.model import Catalog, Paper, Related, Source, Topic
from generator.render import render_site

EXTENSIONS = ["attr_list", "toc", "tables", "pymdownx.arithmatex", "pymdownx.highlight", "pymdownx.superfences"]
CONFIGS = {"toc": {"permalink": True}, "pymdownx.arithmatex": {"generic": True}}


def convert(text: str, regions: bool = True) -> str:
    extensions = EXTENSIONS + ([HtmlRegions()] if regions else [])
    return markdown.Markdown(extensions=extensions, extension_configs=CONFIGS).convert(text)


def region(html: str) -> str:
    return f"{REGION_START}\n{html}\n{REGION_END}"


def test_a_region_comes_out_as_it_went_in_and_markdown_around_it_is_converted():
    html = '<p>*not emphasis* [not](a-link.md) `code`</p>\n\n<ul>\n<li><a href="x.html">x</a></li>\n</ul>'
    out = convert(f"# Title\n\n{region(html)}\n\n## Next *one*\n\nText *emphasis*.\n")
    assert html in out
    assert "<em>one</em>" in out and "<em>emphasis</em>" in out
    assert REGION_START not in out and REGION_END not in out
    assert not re.search(r"<p>\s*<p>", out)  # the region is not wrapped in a paragraph


def test_the_html_is_the_same_as_markdown_makes_of_the_same_blocks():
    """Apart from the blank lines between blocks (compact.py makes every run of them one line break)."""
    html = '<p><strong>Authors:</strong> A &amp; B</p>\n\n<div class="highlight"><pre><code>@misc{x,\n  title = {T}\n}</code></pre></div>'
    with_regions = convert(f"# T\n\n{region(html)}\n")
    plain = convert(f"# T\n\n{html}\n", regions=False)
    assert re.sub(r"\n+", "\n", with_regions) == re.sub(r"\n+", "\n", plain)


@pytest.mark.parametrize(
    "text",
    [
        f"{REGION_START}\n<p>*a*</p>\n",  # never closed
        f"{REGION_START}\n<p>*a*</p>\n{REGION_START}\n",  # a second one opens first
        f"<p>*a*</p>\n{REGION_END}\n",  # closed, never opened
    ],
)
def test_lines_that_do_not_make_a_region_are_converted_as_usual(text):
    assert convert(text) == convert(text, regions=False)


def test_an_empty_region_leaves_nothing():
    assert convert(f"# T\n\n{REGION_START}\n\n{REGION_END}\n\nText.\n") == convert("# T\n\nText.\n", regions=False)


def test_regions_of_generated_pages_hold_no_ids_and_no_unescaped_text():
    """MkDocs does not look for ids in a region (links to page.md#id are checked against them);
    and a hostile title stays text in a paper page's regions."""
    hostile = 'A <script>alert(1)</script> "title" & <!-- /papersite:html --> *b*'
    papers = (
        Paper(title=hostile, abstract=hostile, source=Source("p.txt", 1), slug="a", topics=("t",), related=(Related("b", 0.5),)),
        Paper(title="B", abstract="Text.", source=Source("p.txt", 2), slug="b", topics=("t",)),
    )
    catalog = Catalog(papers=papers, topics=(Topic("t", "T", "t", ("a", "b")),))
    pages = {page.path: page.text for page in render_site(catalog, "Site")}
    found = []
    for text in pages.values():
        found += re.findall(f"{re.escape(REGION_START)}\n(.*?)\n{re.escape(REGION_END)}", text, re.DOTALL)
    assert found and not [r for r in found if re.search(r"\sid=", r)]
    assert not [r for r in found if "<script" in r or "<!--" in r]
    page = pages["papers/a.md"]
    assert page.count(REGION_START) == page.count(REGION_END) == 4
