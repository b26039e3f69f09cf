"""HTML regions: runs of HTML in a generated page that Markdown passes on without reading them.

A paper page is HTML blocks between Markdown headings (templates/paper.md.j2). Python-Markdown
parses every HTML block with an HTML parser to find where it ends, and MkDocs parses the page's
HTML once more for element ids: at 10,000 paper pages those two parses were a third of the
pages' conversion. A template marks such a run of HTML, between two headings, with a line
REGION_START before it and a line REGION_END after it; this extension stores the run as it is
(Python-Markdown's stash of raw HTML, from which the run comes back into the page after
conversion) before either parser looks at the page.

Only papersite's templates write the markers, around HTML whose every value is escaped
(`html_text`, `page_href`, ...): untrusted text can never hold a marker, since `<` is always
escaped. A region is not searched for ids (links to `page.md#id` are checked against the ids
MkDocs finds): a template puts no element with an id in a region (the authors directory's
entries have ids: its pages use no region). Without this extension (a plain Markdown converter)
the markers are HTML comments and the HTML between them is converted as usual.
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

REGION_START = "<!-- papersite:html -->"
REGION_END = "<!-- /papersite:html -->"
# After Python-Markdown's whitespace normalisation (30), before superfences' fences (25), MkDocs'
# scan for ids (21) and Python-Markdown's HTML blocks (20).
PRIORITY = 28


class HtmlRegions(Extension):
    """The Markdown extension the plugin adds to the site's (plugin.on_config)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(StashRegions(md), "papersite_html_regions", PRIORITY)


class StashRegions(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if REGION_START not in lines:
            return lines
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            end = _region_end(lines, i) if line == REGION_START else None
            if end is None:
                out.append(line)
                i += 1
                continue
            html = "\n".join(lines[i + 1 : end]).strip("\n")
            if html.strip():
                out += ["", self.md.htmlStash.store(html), ""]  # a paragraph of its own: replaced whole
            i = end + 1
        return out


def _region_end(lines: list[str], start: int) -> int | None:
    """The index of the line that closes the region opened at start (None: never closed, or
    another region opens first; the lines then stay as they are)."""
    for i in range(start + 1, len(lines)):
        if lines[i] == REGION_END:
            return i
        if lines[i] == REGION_START:
            return None
    return None
