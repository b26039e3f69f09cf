"""The site's Content-Security-Policy: a meta tag (templates/overrides/main.html) filled in per page.

Scripts, styles, fonts and images come only from the site itself. What else each source allows:

* script-src: the hashes of Material's own inline blocks found in the page (THEME_SCRIPT_PREFIXES:
  the localStorage helpers, the palette restore, the anchor toggle). Any other inline script, and
  every inline event handler (onclick=...), is blocked by the browser.
* style-src: the hash of the topic map's one <style> block (map_svg.STYLE); style-src-attr
  'unsafe-inline' for style="" attributes (Markdown table alignment, the map's size, KaTeX),
  which cannot run script.
* img-src data: for the icons Material's stylesheet embeds as data: SVG.
* Nothing from any other host: KaTeX, its fonts and the search worker are bundled.

On file:// Material's search runs in an iframe (the iframe-worker shim in generator/assets),
which loads its helper script from the site, not inline.
"""

from __future__ import annotations

import base64
import hashlib
import re

from .map_svg import STYLE as MAP_STYLE

PLACEHOLDER = "papersite-theme-script-hashes"
THEME_SCRIPT_PREFIXES = (
    "__md_scope=new URL(",
    'var palette=__md_get("__palette")',
    "var target=document.getElementById(location.hash.slice(1))",
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def policy(theme_script_hashes: str = PLACEHOLDER) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {theme_script_hashes}",
            f"style-src 'self' {source_hash(MAP_STYLE)}",
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def source_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def theme_scripts(html: str) -> list[str]:
    """The inline scripts of a page that are Material's own known blocks."""
    return [body for body in _INLINE_SCRIPT.findall(html) if body.startswith(THEME_SCRIPT_PREFIXES)]


def allow_script(html: str, script: str) -> str:
    """The page with its policy also allowing one more inline script (by hash): `papersite serve`'s
    live-reload script, which MkDocs' server adds to every page it sends."""
    return html.replace("script-src 'self'", f"script-src 'self' {source_hash(script)}", 1)


def with_hashes(html: str) -> str:
    """The page with the policy's placeholder replaced by the hashes of the theme's inline blocks in it."""
    if PLACEHOLDER not in html:
        return html
    hashes = " ".join(dict.fromkeys(source_hash(body) for body in theme_scripts(html)))
    return html.replace(PLACEHOLDER, hashes, 1)
