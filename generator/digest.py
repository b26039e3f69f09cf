"""The per-build digest: the papers added since the previous build, grouped by topic, as
e-mail-ready HTML (inline styles) and Markdown, every value escaped.

The digest folder (option `digest_folder`, .papersite/digest/) keeps every digest and, in
last-build.json, which papers the previous build had: a paper is in the digest when that build did
not have it. The first build, with nothing to compare to, takes the papers added that day (see
whats_new.py for `added`). Paths in the site come from paths.py; every file is written through write.py.

    site/digest/YYYY-MM-DD.html     the digest with inline styles, ready to paste into an e-mail
    site/digest/YYYY-MM-DD.md       the same in Markdown
    .papersite/digest/              every digest so far (a build empties site/; each build copies them back)
"""

from __future__ import annotations

import datetime
import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import Catalog, Paper
from .paths import digest_file
from .render import first_sentence, inert
from .whats_new import newest_added_first
from .write import write_file, write_if_changed, write_output

OTHER = "Other papers"
LAST_BUILD = "last-build.json"  # in the digest folder: the papers of the previous build


def paper_key(paper: Paper) -> str:
    """What identifies a paper from one build to the next: its arXiv id, DOI, else its slug."""
    if paper.arxiv_id:
        return f"arxiv:{paper.arxiv_id.casefold()}"
    return f"doi:{paper.doi.casefold()}" if paper.doi else f"slug:{paper.slug}"


def load_seen(state: Path) -> set[str] | None:
    """The paper keys of the previous build, or None when there was none (or its state is unreadable)."""
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
        return {str(key) for key in data["papers"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def seen_text(papers: Sequence[Paper], today: datetime.date) -> str:
    """The state of this build as load_seen reads it back."""
    return json.dumps({"built": today.isoformat(), "papers": sorted(paper_key(p) for p in papers)}, indent=0) + "\n"


def added_since(papers: Sequence[Paper], seen: set[str] | None, today: datetime.date) -> list[Paper]:
    """The papers the previous build did not have (first build: those added today), newest first."""
    if seen is None:
        return newest_added_first([p for p in papers if p.added == today.isoformat()])
    return newest_added_first([p for p in papers if paper_key(p) not in seen])


@dataclass(frozen=True)
class DigestGroup:
    label: str
    papers: tuple[Paper, ...]


def group_by_topic(catalog: Catalog, papers: Sequence[Paper]) -> list[DigestGroup]:
    """The papers under their main (first) topic, topics in the catalog's order; papers without a topic last."""
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        groups.setdefault(paper.topics[0] if paper.topics else "", []).append(paper)
    ordered = [DigestGroup(t.label, tuple(groups[t.slug])) for t in catalog.topics if t.slug in groups]
    return ordered + ([DigestGroup(OTHER, tuple(groups[""]))] if "" in groups else [])


@dataclass(frozen=True)
class DigestSite:
    name: str
    page_url: Callable[[str], str]  # paper slug -> URL of its page (absolute when site_url is set)


def digest_markdown(site: DigestSite, groups: Sequence[DigestGroup], today: datetime.date) -> str:
    count = sum(len(g.papers) for g in groups)
    lines = [
        f"# {inert(site.name)}: new papers, {today.isoformat()}",
        "",
        f"{count} paper(s) added since the previous build.",
        "",
    ]
    for group in groups:
        lines += [f"## {inert(group.label)} ({len(group.papers)})", ""]
        for paper in group.papers:
            extra = _details(paper)
            lines.append(f"- [{inert(paper.title)}]({site.page_url(paper.slug)})" + (f" · {inert(extra)}" if extra else ""))
        lines.append("")
    return "\n".join(lines)


_STYLE = {
    "body": "margin:0;padding:24px;background:#f5f5f5;font-family:Helvetica,Arial,sans-serif;color:#212121",
    "box": "max-width:640px;margin:0 auto;background:#ffffff;padding:24px;border-radius:6px",
    "h1": "font-size:22px;margin:0 0 8px 0;color:#3f51b5",
    "lead": "font-size:14px;color:#616161;margin:0 0 16px 0",
    "h2": "font-size:17px;margin:24px 0 8px 0;border-bottom:1px solid #e0e0e0;padding-bottom:4px",
    "li": "margin:0 0 12px 0;font-size:15px;line-height:1.4",
    "a": "color:#3f51b5;text-decoration:none;font-weight:bold",
    "meta": "display:block;font-size:13px;color:#757575",
    "abstract": "display:block;font-size:13px;color:#424242;margin-top:2px",
}


def digest_html(site: DigestSite, groups: Sequence[DigestGroup], today: datetime.date) -> str:
    """A standalone HTML page, styles inline (e-mail clients drop <style>), every value escaped."""
    e = html.escape
    count = sum(len(g.papers) for g in groups)
    title = f"{site.name}: new papers, {today.isoformat()}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta name="viewport" content="width=device-width"><title>{e(title)}</title></head>',
        f'<body style="{_STYLE["body"]}"><div style="{_STYLE["box"]}">',
        f'<h1 style="{_STYLE["h1"]}">{e(title)}</h1>',
        f'<p style="{_STYLE["lead"]}">{count} paper(s) added since the previous build.</p>',
    ]
    for group in groups:
        parts.append(f'<h2 style="{_STYLE["h2"]}">{e(group.label)} ({len(group.papers)})</h2><ul style="padding-left:18px">')
        for paper in group.papers:
            url = e(str(site.page_url(paper.slug)), quote=True)
            item = f'<li style="{_STYLE["li"]}"><a style="{_STYLE["a"]}" href="{url}">{e(paper.title)}</a>'
            if _details(paper):
                item += f'<span style="{_STYLE["meta"]}">{e(_details(paper))}</span>'
            if paper.abstract:
                item += f'<span style="{_STYLE["abstract"]}">{e(first_sentence(paper.abstract))}</span>'
            parts.append(item + "</li>")
        parts.append("</ul>")
    parts.append("</div></body></html>\n")
    return "\n".join(parts)


def _details(paper: Paper) -> str:
    names = [a.name for a in paper.authors[:3]] + (["et al."] if len(paper.authors) > 3 else [])
    bits = [", ".join(names)] if names else []
    bits += [f"{paper.upvotes} upvotes"] if paper.upvotes is not None else []
    bits += [f"added {paper.added}"] if paper.added else []
    return " · ".join(bits)


def write_digest(site: DigestSite, catalog: Catalog, folder: Path, today: datetime.date) -> list[Path]:
    """Write today's digest into folder (when any paper is new since the previous build) and remember
    this build's papers there. The folder (.papersite/digest/) outlives builds, which empty site/."""
    state = folder / LAST_BUILD
    new = added_since(catalog.papers, load_seen(state), today)
    written: list[Path] = []
    if new:
        groups = group_by_topic(catalog, new)
        for suffix, text in ((".html", digest_html(site, groups, today)), (".md", digest_markdown(site, groups, today))):
            written.append(write_file(folder, f"{today.isoformat()}{suffix}", text))
    write_if_changed(state, seen_text(catalog.papers, today))
    return written


def publish_digests(folder: Path, site_dir: Path) -> list[str]:
    """Copy every digest kept in folder into the built site (paths.digest_file), each unless the site
    already holds it as it is; the digests' paths in the site."""
    files = sorted(p for p in folder.glob("*") if p.suffix in (".html", ".md")) if folder.is_dir() else []
    published = [digest_file(path.stem, path.suffix) for path in files]
    for path, relative in zip(files, published):
        write_output(site_dir, relative, path.read_bytes())
    return published
