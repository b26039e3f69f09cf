"""Built HTML pages without the theme's indentation: every run of whitespace that holds a line
break becomes that one line break (about 3 KB of a 19 KB paper page).

A browser shows the page the same: outside preformatted elements a run of whitespace is shown as
one space whether it is a line break or forty spaces. Inside <pre>, <code>, <textarea>, <script>
and <style> nothing is changed (whitespace is shown there, or is code; the CSP hashes of inline
scripts stay valid). A minifier library (minify-html, htmlmin) would also rewrite the markup
itself (quotes, optional tags), which the tests, the CSP hashes and other tools read as it is.
"""

from __future__ import annotations

import re

_KEPT_AS_IS = re.compile(r"(<(pre|code|textarea|script|style)\b.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
_LINE_BREAK_RUN = re.compile(r"[ \t\r\n]*\n[ \t\r\n]*")


def compact_html(page: str) -> str:
    parts = _KEPT_AS_IS.split(page)
    # split gives: text, kept element, its tag name, text, kept element, its tag name, ...
    out = []
    for i in range(0, len(parts), 3):
        out.append(_LINE_BREAK_RUN.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)
