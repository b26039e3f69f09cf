"""Where every output goes, and the links between pages: the one owner of the site's layout.

Pages are paths relative to the docs folder (posix, ending in .md); MkDocs turns them into URLs.
To add a kind of page (a paginated listing, say), add its path function here and use it in render.py
and the templates (through the `page_link` filter).
"""

from __future__ import annotations

import posixpath

TAGS_PAGE = "tags.md"
TOPICS_INDEX = "topics/index.md"
PAPERS_INDEX = "papers/index.md"
AUTHORS_INDEX = "authors/index.md"  # the authors directory's first page (authors.py)
NEW_PAGE = "new.md"  # the papers added in the last days (whats_new.py)
PAPERS_JSON = "papers.json"  # in the built site
SEARCH_INDEX = "search/papers.js"  # in the built site: papersite's search index (search_index.py)
SITE_FEED = "feeds/papers.xml"  # in the built site


def paper_page(slug: str) -> str:
    return f"papers/{slug}.md"


def paper_slug(page: str) -> str | None:
    """The slug of a paper page (the reverse of paper_page), or None for any other page."""
    folder, _, name = page.partition("/")
    if folder != "papers" or "/" in name or not name.endswith(".md") or page == PAPERS_INDEX:
        return None
    return name.removesuffix(".md")


def topic_page(slug: str) -> str:
    return f"topics/{slug}.md"


def listing_page(first: str, name: str | None) -> str:
    """A page of a listing split into pages (pagination.py): the first page (name None) is `first`
    itself, the next ones go into a folder named after it, each named by a slug that stays with its
    entries (topics/x.md -> topics/x/some-paper.md, authors/index.md -> authors/index/ada-lovelace.md)
    or, the last page, _last (topics/x/_last.md).
    A slug never holds "/", so these never meet a paper or topic page."""
    return first if name is None else f"{first.removesuffix('.md')}/{name}.md"


def topic_feed(slug: str) -> str:
    return f"feeds/topics/{slug}.xml"


def digest_file(day: str, suffix: str) -> str:
    """A digest of new papers in the built site: digest/2024-01-19.html (and .md; digest.py)."""
    return f"digest/{day}{suffix}"


def with_anchor(url: str, anchor: str) -> str:
    """The URL of an element of a page by its id (an author's entry in the directory: a slug)."""
    return f"{url}#{anchor}"


def relative_link(target: str, from_page: str) -> str:
    """The Markdown link from one page to another (both docs-folder paths): MkDocs resolves it."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def page_url(page: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a page (File.url): papers/x.html and topics/index.html, or with
    use_directory_urls papers/x/ and topics/."""
    stem = page.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index") or "./"
    return f"{stem}/"


def built_url(page: str, directory_urls: bool) -> str:
    """The URL of a page in the built site, from the site root: papers/x/ or papers/x.html."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"
