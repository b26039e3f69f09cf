""" "Find this paper" searches for a paper with no link at all: title searches on arXiv, Hugging Face
Papers and Semantic Scholar. Pure functions; the title is untrusted text, so it only ever travels
percent-encoded in a query string (quote_plus leaves no character that could end the URL or attribute).
"""

from __future__ import annotations

from urllib.parse import quote_plus

from .model import Paper

SEARCHES = (
    ("arXiv", "https://arxiv.org/search/?searchtype=title&query={}"),
    ("Hugging Face Papers", "https://huggingface.co/papers?q={}"),
    ("Semantic Scholar", "https://www.semanticscholar.org/search?q={}"),
)


def search_query(title: str) -> str:
    """The title as a search query: inline-math dollars dropped, whitespace collapsed."""
    return " ".join(title.replace("$", " ").split())


def find_links(paper: Paper) -> list[tuple[str, str]]:
    """(site name, search URL) for each site, or [] when the paper already has a link or no title."""
    query = search_query(paper.title)
    if paper.links or not query:
        return []
    return [(site, pattern.format(quote_plus(query))) for site, pattern in SEARCHES]
