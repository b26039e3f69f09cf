"""Catalog -> pages of Markdown, through the Jinja2 templates in templates/. Pure: no file I/O here.

Every value a template prints is untrusted text unless it is `Markup`: the environment's finalize
hook turns it into inert Markdown (HTML and Markdown syntax become character references), so a
title or abstract can never become markup, a link or a script. Filters that build markup on
purpose (math, links, front matter) escape their inputs themselves and return Markup.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import html
import multiprocessing
import operator
import pickle
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import PurePath
from typing import Any

import jinja2
import yaml
from markupsafe import Markup
from mkdocs.utils import get_relative_url

from . import changes, identifiers, paths, progress, whats_new
from .authors import AuthorEntry, AuthorNames, DirectoryPart, directory, letters
from .changes import CatalogChanges
from .cite import bibtex_for
from .identifiers import date_parts
from .map_points import MAX_POINTS, TOPIC_MAX_POINTS, central_first, drawn_papers
from .map_svg import Label, MapData, draw_map, map_data, placed_labels
from .model import PAPER_TUPLE_FIELDS, Catalog, Link, Paper, RenderedPage, Topic, paper_tuple
from .normalise import is_safe_url, split_math
from .pagination import ListingPage, Pager, paginate
from .paths import relative_link
from .search_links import find_links

# Characters that Python-Markdown, its common extensions or HTML could read as syntax.
_SPECIAL = frozenset('\\`*_{}[]()#+!|<>&"~=^$:@')
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LEADING_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
_SENTENCE_END = re.compile(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bet al\.)(?<!\bvs\.)(?<!\bcf\.)(?<=[.!?])\s+(?=[A-Z0-9\"“(])")

# libyaml's safe dumper when PyYAML has it (five times faster than the pure-Python one, the same text).
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

LINK_LABELS = {
    "landing": "Paper",
    "pdf": "PDF",
    "code": "Code",
    "project": "Project page",
    "doi": "DOI",
    "arxiv": "arXiv",
    "huggingface": "Hugging Face",
}


def inert(text: object) -> str:
    """Plain text as Markdown that renders to exactly that text and nothing else."""
    if isinstance(text, Markup):
        return str(text)
    text = str(text)
    forced = _block_markers(text)
    return "".join(_ref(ch) if ch in _SPECIAL or i in forced else ch for i, ch in enumerate(text))


def _block_markers(text: str) -> set[int]:
    """Positions that would start a block at the start of a line: "- x", "> x", "1. x"."""
    forced = {0} if text and not (text[0].isalnum() or text[0].isspace()) else set()
    number = _LEADING_LIST_NUMBER.match(text)
    if number:
        forced.add(number.end() - 1)
    return forced


def _ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def with_math(text: str) -> Markup:
    """Text with `$...$` inline math: math goes to KaTeX as arithmatex markup, the rest stays inert."""
    parts = []
    for kind, value in split_math(text):
        if kind == "math":
            latex = inert("\\(" + value + "\\)")
            parts.append(f'<span class="arithmatex">{latex}</span>')
        else:
            parts.append(inert(value))
    return Markup("".join(parts))


def html_paragraphs(text: str) -> Markup:
    """Text as HTML paragraphs (a blank line parts them), escaped, its `$...$` math as arithmatex markup.
    Markdown passes an HTML block through as it is: a long abstract costs none of its inline
    patterns (one per character reference that `inert` would write)."""
    paragraphs = [part.strip() for part in _BLANK_LINE.split(text) if part.strip()]
    return Markup("\n\n".join(f"<p>{_html_with_math(part)}</p>" for part in paragraphs))


def _html_with_math(text: str) -> str:
    parts = []
    for kind, value in split_math(text):
        if kind == "math":
            latex = html.escape("\\(" + value + "\\)", quote=False)
            parts.append(f'<span class="arithmatex">{latex}</span>')
        else:
            parts.append(html.escape(value, quote=False))
    return "".join(parts)


def html_text(text: object) -> Markup:
    """Plain text inside an HTML block of a page (Markdown leaves those as they are): escaped."""
    return Markup(html.escape(str(text), quote=True))


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def link_button(kind: str, url: str) -> Markup:
    """An external link rendered as a Material button; an unsafe URL renders as nothing."""
    if not is_safe_url(url):
        return Markup("")
    label = LINK_LABELS.get(kind, kind.title())
    href = html.escape(url, quote=True)
    return Markup(f'<a class="md-button" href="{href}" rel="noopener">{label}</a>')


def search_button(site: str, url: str) -> Markup:
    """A "find this paper" button: a title search on another site, labelled as a search."""
    if not is_safe_url(url):
        return Markup("")
    href = html.escape(url, quote=True)
    label = html.escape(f"Search {site}", quote=True)
    return Markup(
        f'<a class="md-button papersite-search" href="{href}" rel="noopener nofollow" title="A title search: it may find other papers">{label}</a>'
    )


LINK_ORDER = ("arxiv", "huggingface", "doi", "pdf", "code", "project", "landing")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def ordered_links(links: tuple[Link, ...]) -> list[Link]:
    """Links in button order: arXiv, Hugging Face, DOI, PDF, code, project page, landing page (then any other kind)."""
    return sorted(links, key=lambda link: LINK_ORDER.index(link.kind) if link.kind in LINK_ORDER else len(LINK_ORDER))


def human_date(date: str) -> str:
    """ "2024" as is, "2024-05" as "May 2024", "2024-05-03" as "3 May 2024"."""
    parts = date_parts(date)
    if len(parts) < 2:
        return date
    month = MONTHS[parts[1] - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{parts[2]} {month} {parts[0]}"


def code_block(text: str, language: str) -> Markup:
    """A code block holding text literally, as HTML (escaped): Markdown passes it through, with no
    highlighting to pay for on every page; Material gives it a copy button like any `pre > code`."""
    code = html.escape(text.rstrip(), quote=False)
    return Markup(f'<div class="highlight"><pre><code class="language-{language}">{code}</code></pre></div>')


def front_matter(meta: dict[str, Any]) -> Markup:
    """YAML front matter. Titles and tags are HTML-escaped: themes print them without escaping."""
    dumped = yaml.dump(meta, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
    return Markup(f"---\n{dumped}---\n")


def escape_meta(text: str) -> str:
    return html.escape(text, quote=False)


@jinja2.pass_context
def page_link(context: jinja2.runtime.Context, target: str) -> Markup:
    """The relative Markdown link from the page being rendered (`page_path`) to target (a paths.py page)."""
    return Markup(inert_path(relative_link(target, context["page_path"])))


@jinja2.pass_context
def page_href(context: jinja2.runtime.Context, target: str) -> Markup:
    """The URL of target (a paths.py page) as built, relative to the page being rendered: for links
    in HTML blocks, which MkDocs does not rewrite (`directory_urls` is MkDocs' use_directory_urls)."""
    return Markup(html.escape(_built_url_from_here(context, target), quote=True))


@jinja2.pass_context
def anchor_href(context: jinja2.runtime.Context, target: str, anchor: str) -> Markup:
    """page_href of target with #anchor: an element of that page (an author's entry)."""
    return Markup(html.escape(paths.with_anchor(_built_url_from_here(context, target), anchor), quote=True))


def _built_url_from_here(context: jinja2.runtime.Context, target: str) -> str:
    here = paths.page_url(context["page_path"], context["directory_urls"])
    there = paths.page_url(target, context["directory_urls"])
    return get_relative_url(there, here)


def inert_path(path: str) -> str:
    """A link target with Markdown's special characters as references (a slug never has any)."""
    return "".join(_ref(ch) if ch in _SPECIAL else ch for ch in path)


def make_environment(compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    templates = resources.files("generator.templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=compiled,
        undefined=jinja2.StrictUndefined,
        finalize=inert,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        with_math=with_math,
        html_paragraphs=html_paragraphs,
        html_text=html_text,
        first_sentence=first_sentence,
        link_button=link_button,
        search_button=search_button,
        find_links=find_links,
        front_matter=front_matter,
        escape_meta=escape_meta,
        basename=lambda path: PurePath(path).name,
        ordered_links=ordered_links,
        human_date=human_date,
        code_block=code_block,
        bibtex=bibtex_for,
        by_year=papers_by_year,
        count="{:,}".format,  # 10,000 papers, not 10000
    )
    env.globals.update(
        page_link=page_link,
        page_href=page_href,
        paper_page=paths.paper_page,
        topic_page=paths.topic_page,
        anchor_href=anchor_href,
        TOPICS_INDEX=paths.TOPICS_INDEX,
        PAPERS_INDEX=paths.PAPERS_INDEX,
        AUTHORS_INDEX=paths.AUTHORS_INDEX,
        TAGS_PAGE=paths.TAGS_PAGE,
        NEW_PAGE=paths.NEW_PAGE,
    )
    return env


def render_site(
    catalog: Catalog,
    site_name: str,
    home_page: str = "index.md",
    *,
    directory_urls: bool = False,
    today: datetime.date | None = None,
    page_size: int = 200,  # the default of the option listing_page_size (config.py)
    workers: int = 1,
    page_cache: PageCache | None = None,
    compiled: jinja2.BytecodeCache | None = None,
    author_names: AuthorNames | None = None,
) -> list[RenderedPage]:
    """Every generated page of the site, in a stable order; the overview page goes to home_page.
    `directory_urls` is MkDocs' use_directory_urls: the map's links are written as final URLs
    (MkDocs does not rewrite raw HTML). `today` is the build day of the New page (default: today).
    Listings are split into pages of at most page_size entries. The paper pages are rendered in
    `workers` forked processes when there are many (the same text either way). With a page_cache,
    a paper or listing page whose inputs have the digest recorded there takes the recorded text
    unrendered. `compiled`: the templates' compiled code kept between builds (compiled_templates.py);
    `author_names`: what earlier builds derived from authors' names (authors.AuthorNames)."""
    env = make_environment(compiled)
    page_cache = page_cache or PageCache()
    templates = templates_digest(env)
    maps = _Maps(catalog, directory_urls)
    env.globals["topic_map"] = maps
    env.globals["directory_urls"] = directory_urls
    author_names = author_names or AuthorNames()
    authors_directory = directory(catalog.papers, page_size, author_names)
    authors = authors_directory.entries
    years = papers_by_year(catalog.papers)
    site = {
        "name": site_name,
        "catalog": catalog,
        "topics": catalog.topics,
        "years": years,
        "has_authors": bool(authors),
        "home_page": home_page,
        "new": whats_new.recently_added(catalog.papers, today or identifiers.today()) if has_new_page(catalog) else None,
    }
    newest_first = [paper for _, papers in years for paper in papers]
    home = _CachedPages(env, page_cache, templates, None)
    pages = [
        home.page(home_page, "home.md.j2", _home_inputs(catalog, site["new"], site_name, maps), site=site),
        _page(env, paths.TOPICS_INDEX, "topics_index.md.j2", site=site),
        *_listing(
            env,
            paths.PAPERS_INDEX,
            "all_papers.md.j2",
            newest_first,
            page_size,
            _dates(years),
            cached=_CachedPages(env, page_cache, templates, *_all_papers_inputs(years, bool(authors))),
            site=site,
        ),
        _page(env, paths.TAGS_PAGE, "tags.md.j2", site=site),
    ]
    pages += _new_page(env, site["new"])
    for topic in catalog.topics:
        papers = [catalog.paper(slug) for slug in topic.papers]
        cached = _CachedPages(env, page_cache, templates, *_topic_inputs(topic, maps))
        pages += _listing(env, paths.topic_page(topic.slug), "topic.md.j2", papers, page_size, cached=cached, topic=topic)
    places = authors_directory.places
    pages += _paper_pages(_PaperPages(env, catalog, authors, places, directory_urls, author_names), workers, page_cache)
    if page_cache.states is not None:
        page_cache.states = replace(page_cache.states, listings=dict(page_cache.listings))
    pages += (
        _authors_directory(env, catalog, authors_directory.pages, len(authors), _CachedPages(env, page_cache, templates, None))
        if authors
        else []
    )
    return pages


def has_new_page(catalog: Catalog) -> bool:
    """The New page exists when the collection records entry days (`papersite fetch` writes them)."""
    return any(paper.added for paper in catalog.papers)


def _new_page(env: jinja2.Environment, recent: list[Paper] | None) -> list[RenderedPage]:
    """The New page: the papers added in the last days (None: the collection records no entry days)."""
    if recent is None:
        return []
    upvoted = whats_new.by_upvotes(recent)
    return [_page(env, paths.NEW_PAGE, "new.md.j2", recent=recent, upvoted=upvoted, days=whats_new.NEW_DAYS)]


class _Maps:
    """The templates' topic_map(page, highlight=None): the map with the points that page draws
    (map_points). What each map shows is worked out once a build (`data`): the digest of a topic's
    first page covers it, and the labels' places are the same on every map."""

    def __init__(self, catalog: Catalog, directory_urls: bool) -> None:
        self.catalog = catalog
        self.directory_urls = directory_urls
        self.shown: dict[str | None, MapData | None] = {}
        self.labels: tuple[Label, ...] | None = None

    def data(self, highlight: str | None = None) -> MapData | None:
        if highlight not in self.shown:
            catalog = self.catalog
            if not catalog.layout:
                self.shown[highlight] = None
                return None
            if self.labels is None:
                self.labels = placed_labels(catalog)
            slugs = catalog.topic(highlight).papers if highlight else central_first(catalog)
            drawn = drawn_papers(catalog, slugs, TOPIC_MAX_POINTS if highlight else MAX_POINTS)
            self.shown[highlight] = map_data(catalog, highlight=highlight, papers=drawn, labels=self.labels)
        return self.shown[highlight]

    def __call__(self, page: str, highlight: str | None = None) -> Markup:
        return Markup(draw_map(self.data(highlight), page, self.directory_urls))


PAPERS_PER_TASK = 250  # paper pages one process renders per task
PAPER_TEMPLATE = "paper.md.j2"
_MERGED_FROM = PAPER_TUPLE_FIELDS.index("merged_from")  # in paper_tuple: its sources, lines and all


@dataclass
class PageCache:
    """Pages by path: (digest of the page's inputs, text). `previous` is read (from the last build),
    `current` is filled by render_site with every paper page and every listing page (All papers,
    a topic's pages, the authors directory) of this one.

    With `changes` (the records added, changed and removed since the build whose keys were kept)
    and `known` (that build's PaperStates), a paper page whose inputs are known to be that build's
    keeps its recorded digest without digesting them again; `states` is filled with this build's."""

    previous: dict[str, tuple[str, str]] = field(default_factory=dict)
    current: dict[str, tuple[str, str]] = field(default_factory=dict)
    rendered: set[str] = field(default_factory=set)  # pages of current not taken from previous
    changes: CatalogChanges | None = None
    known: PaperStates | None = None
    states: PaperStates | None = None
    listings: dict[str, tuple[Any, str]] = field(default_factory=dict)  # this build's PaperStates.listings

    def known_listing(self, path: str, key: Any, entries: Sequence[Paper]) -> str | None:
        """The digest the last build recorded for a listing page, when the page's key (its outline, the
        templates, the URL style) is the recorded one and none of its entries' records changed."""
        known, delta = self.known, self.changes
        if known is None or delta is None or not delta.follow(known.generation):
            return None
        recorded = known.listings.get(path)
        if recorded is None or recorded[0] != key:
            return None
        touched = delta.touched()
        if touched and any(paper.slug in touched for paper in entries):
            return None
        return recorded[1]

    def changed(self) -> set[str]:
        """The pages whose entry in current is not the one in previous (rendered, or gone)."""
        return self.rendered | (self.previous.keys() - self.current.keys())


@dataclass(frozen=True)
class _PaperPages:
    """What rendering a paper's page needs (a forked process inherits it as it is)."""

    env: jinja2.Environment
    catalog: Catalog
    authors: dict[str, AuthorEntry]
    places: dict[str, str]
    directory_urls: bool
    names: AuthorNames = field(default_factory=AuthorNames)  # author_key of each author, as the directory found it

    def render(self, indexes: list[int]) -> list[str]:
        papers = self.catalog.papers
        return [self.render_one(papers[i]) for i in indexes]

    def render_one(self, paper: Paper) -> str:
        path = paths.paper_page(paper.slug)
        return self.env.get_template(PAPER_TEMPLATE).render(page_path=path, **self.context(paper))

    def context(self, paper: Paper) -> dict[str, Any]:
        """Everything paper.md.j2 reads besides the environment's functions and constants, as plain
        data: the paper's record, its topics' slugs and labels, its related papers' slugs, titles and
        reasons, its authors with their directory entries (page, anchor)."""
        catalog = self.catalog
        topics = [{"slug": topic.slug, "label": topic.label} for topic in map(catalog.topic, paper.topics)]
        related = [({"slug": r.slug, "title": catalog.paper(r.slug).title}, {"reason": r.reason}) for r in paper.related]
        bylines = [(author, _entry_place(self.names.parts(author)[0], self.authors, self.places)) for author in paper.authors]
        return {"paper": paper, "topics": topics, "related": related, "authors": bylines}

    def digest(self, paper: Paper, template_digest: str) -> str:
        """A digest of everything the page's text depends on: the template, the URL style, the page's
        path and what `context` gives the template, as plain data (`shown`: pickling it costs a third of
        pickling the context's dataclasses). Pickled bytes determine the value they load to, so an
        equal digest means equal inputs."""
        inputs = (template_digest, self.directory_urls, paths.paper_page(paper.slug), self.shown(paper))
        return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()

    def shown(self, paper: Paper) -> tuple[Any, ...]:
        """What `context` gives the template, as plain tuples: the paper's fields (its source and the
        sources merged into it by file only: the page names the files, and a record added above
        moves the line of every later one), its topics' labels, its related papers' titles and its
        authors' directory entries."""
        catalog = self.catalog
        files = (paper.source.path, *(source.path for source in paper.merged_from))
        topics = tuple([self.topic_labels[slug] for slug in paper.topics])
        titles = tuple([catalog.paper(r.slug).title for r in paper.related])
        places = tuple([_entry_place(self.names.parts(author)[0], self.authors, self.places) for author in paper.authors])
        record = paper_tuple(paper)
        return (record[:_MERGED_FROM], record[_MERGED_FROM + 1 :], files, topics, titles, places)

    def states(self, template_digest: str, generation: str) -> PaperStates:
        """This build's PaperStates, the pages' digests left empty."""
        entries = self.authors
        places = {key: ((self.places[key], entry.anchor), entry.papers) for key, entry in entries.items()}
        papers = {paper.slug: (paper.topics, tuple(map(_related_fields, paper.related)), "") for paper in self.catalog.papers}
        return PaperStates(generation, (template_digest, self.directory_urls), dict(self.topic_labels), places, papers)

    @cached_property
    def topic_labels(self) -> dict[str, str]:
        return {topic.slug: topic.label for topic in self.catalog.topics}


RelatedRow = tuple[tuple[str, float, str], ...]  # a paper's related papers: slug, score, reason
_related_fields = operator.attrgetter("slug", "score", "reason")


@dataclass(frozen=True)
class PaperStates:
    """What the paper pages' inputs were made of in one build, besides the papers' records (their keys
    are changes.py's), with each page's digest (_PaperPages.digest). A page's inputs (_PaperPages.shown)
    are the last build's when its record is (not in CatalogChanges.touched), and its topics, its
    related papers (slug, score, reason), its topics' labels, the titles of its related papers (in
    their records: none of them touched) and the directory entries (page, anchor) of its authors
    (keyed by name, which is in the record) are the recorded ones, and so are paper.md.j2 and the URL
    style (`shared`): then the recorded digest is the page's digest. The same for listing pages by
    their outline (`listings`, _CachedPages.listing_page). Valid only against the catalog keys of
    the build that made it (`generation`); anything else takes the full path."""

    generation: str  # changes.CatalogChanges.generation of the build
    shared: tuple[str, bool]  # paper.md.j2's digest, the URL style
    labels: dict[str, str]  # topic slug -> label
    places: dict[str, tuple[tuple[str, str], tuple[str, ...]]]  # author key -> ((directory page, anchor), entry's papers)
    papers: dict[str, tuple[tuple[str, ...], RelatedRow, str]]  # slug -> (topics, related, page digest)
    # listing page path -> (its key: the templates' digest, URL style, template and outline, its digest)
    listings: dict[str, tuple[Any, str]] = field(default_factory=dict)

    def as_data(self) -> tuple[Any, ...]:
        """Plain data for the cache (PaperStates.from_data makes it back)."""
        return (self.generation, self.shared, self.labels, self.places, self.papers, self.listings)

    @classmethod
    def from_data(cls, data: Any) -> PaperStates | None:
        try:
            return cls(*data)
        except TypeError:
            return None

    def known_digests(self, current: PaperStates, changes: CatalogChanges) -> dict[str, str]:
        """Slug -> digest of every paper page whose inputs are those this (the last build's) states
        describe, in the build with `current` states (their digests not filled) and `changes`."""
        if not changes.follow(self.generation) or self.shared != current.shared:
            return {}
        touched = changes.touched()
        labels = {
            slug for slug in self.labels.keys() | current.labels.keys() if self.labels.get(slug) != current.labels.get(slug)
        }
        moved = set()
        if self.places != current.places:
            for key in self.places.keys() | current.places.keys():
                before, after = self.places.get(key), current.places.get(key)
                if (before and before[0]) != (after and after[0]):
                    moved.update(before[1] if before else (), after[1] if after else ())
        known = {}
        for slug, (topics, related, _) in current.papers.items():
            recorded = self.papers.get(slug)
            if recorded is None or slug in touched or slug in moved or recorded[0] != topics or recorded[1] != related:
                continue
            if (labels and not labels.isdisjoint(topics)) or any(row[0] in touched for row in related):
                continue
            known[slug] = recorded[2]
        return known


def template_digest(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _paper_pages(job: _PaperPages, workers: int, cache: PageCache) -> list[RenderedPage]:
    """Every paper's page, in the order of the catalog: the cache's text when the page's inputs have
    the recorded digest, else rendered by this process, or by forked processes PAPERS_PER_TASK at a
    time (at 10,000 papers most of rendering, and independent pages)."""
    papers = job.catalog.papers
    template = template_digest(job.env, PAPER_TEMPLATE)
    known: dict[str, str] = {}
    if cache.changes is not None:  # the changed set is known: keep this build's states, use the last build's
        states = job.states(template, cache.changes.generation)
        known = cache.known.known_digests(states, cache.changes) if cache.known is not None else {}
    digests = [known.get(paper.slug) or job.digest(paper, template) for paper in papers]
    if known and changes.checking():
        _check_known(job, template, known)
    if cache.changes is not None:
        rows = states.papers
        cache.states = replace(
            states, papers={paper.slug: (*rows[paper.slug][:2], digest) for paper, digest in zip(papers, digests)}
        )
    texts: list[str | None] = []
    for paper, digest in zip(papers, digests):
        recorded = cache.previous.get(paths.paper_page(paper.slug))
        texts.append(recorded[1] if recorded is not None and recorded[0] == digest else None)
    missing = [i for i, text in enumerate(texts) if text is None]
    cache.rendered.update(paths.paper_page(papers[i].slug) for i in missing)
    tasks = [missing[first : first + PAPERS_PER_TASK] for first in range(0, len(missing), PAPERS_PER_TASK)]
    if workers < 2 or len(tasks) < 2:
        done = [job.render(task) for task in progress.track(tasks, "paper pages", len(tasks))]
    else:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=fork, initializer=_start_renderer, initargs=(job,)) as pool:
            done = list(progress.track(pool.map(_render_in_worker, tasks), "paper pages", len(tasks)))
    for task, rendered in zip(tasks, done):
        for i, text in zip(task, rendered):
            texts[i] = text
    pages = [RenderedPage(paths.paper_page(paper.slug), text or "") for paper, text in zip(papers, texts)]
    cache.current.update({page.path: (digest, page.text) for page, digest in zip(pages, digests)})
    return pages


def _check_known(job: _PaperPages, template: str, known: dict[str, str]) -> None:
    """Check mode (changes.checking): the digest of every page the delta path kept is its digest."""
    wrong = sorted(slug for slug, digest in known.items() if job.digest(job.catalog.paper(slug), template) != digest)
    if wrong:
        raise changes.DeltaMismatch(f"paper pages kept by the changed set whose inputs changed: {wrong[:10]}")


_job: _PaperPages | None = None  # in a forked process only: what it renders


def _start_renderer(job: _PaperPages) -> None:
    global _job
    _job = job
    gc.freeze()  # the collector leaves the inherited objects alone: no copying them on write


def _render_in_worker(indexes: list[int]) -> list[str]:
    assert _job is not None
    return _job.render(indexes)


def _entry_place(key: str, authors: dict[str, AuthorEntry], places: dict[str, str]) -> tuple[str, str] | None:
    """(directory page, anchor) of an author's entry, or None for an author of one paper."""
    return (places[key], authors[key].anchor) if key in authors else None


def _authors_directory(
    env: jinja2.Environment, catalog: Catalog, directory: list[ListingPage[DirectoryPart]], count: int, cached: _CachedPages
) -> list[RenderedPage]:
    """The authors directory's pages (authors.py), A to Z, with the A to Z links on every page; a page
    whose inputs (its entries, the titles and years of their papers, its pager, the count and the
    letters) are unchanged is taken from the cache."""
    a_to_z = letters(directory)
    pages = []
    for page in directory:
        papers = {slug: (catalog.paper(slug).title, catalog.paper(slug).year) for part in page.entries for slug in part.papers}
        inputs = (tuple(page.entries), papers, _pager_shown(page.pager), count if page.pager.is_first else None, tuple(a_to_z))
        values = dict(entries=page.entries, pager=page.pager, count=count, letters=a_to_z, catalog=catalog)
        pages.append(cached.page(page.path, "authors_index.md.j2", inputs, **values))
    return pages


@dataclass(frozen=True)
class _CachedPages:
    """Listing pages taken from the page cache when the plain data `inputs` makes of a page (everything
    its template reads, besides the page's path, the URL style and the templates, which the digest
    adds) is what the last build recorded. `listing` holds what the whole listing's pages share."""

    env: jinja2.Environment
    cache: PageCache
    templates: str  # templates_digest(env)
    listing: Any
    # a page's inputs with its entries as slugs only, when all its entries show is in their records
    # (None: the page shows more, e.g. a map); see listing_page
    outline: Callable[[Sequence[Paper], Pager, int], Any] | None = None

    def inputs(self, entries: Sequence[Paper], pager: Pager, total: int) -> Any:
        return self.listing(entries, pager, total) if callable(self.listing) else None

    def listing_page(self, path: str, template: str, **context: Any) -> RenderedPage:
        """page() of a listing page (its context holds its entries, pager and the listing's total), with
        the digest the last build recorded for it when its outline is the recorded one and none of its
        entries' records changed (PageCache.known_listing): then its inputs are the recorded ones."""
        entries, pager, total = context["entries"], context["pager"], context["total"]
        outline = self.outline(entries, pager, total) if self.outline is not None else None
        if outline is None:
            return self.page(path, template, self.inputs(entries, pager, total), **context)
        key = (self.templates, self.env.globals["directory_urls"], template, outline)
        digest = self.cache.known_listing(path, key, entries)
        if digest is None or changes.checking():
            full = self.digest(path, template, self.inputs(entries, pager, total))
            if digest is not None and digest != full:
                raise changes.DeltaMismatch(f"the listing page {path} kept by the changed set has other inputs")
            digest = full
        self.cache.listings[path] = (key, digest)
        return self.taken(path, template, digest, **context)

    def page(self, path: str, template: str, inputs: Any, **context: Any) -> RenderedPage:
        if inputs is None:
            return _page(self.env, path, template, **context)
        return self.taken(path, template, self.digest(path, template, inputs), **context)

    def digest(self, path: str, template: str, inputs: Any) -> str:
        given = (self.templates, self.env.globals["directory_urls"], path, template, inputs)
        return hashlib.sha256(pickle.dumps(given, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()

    def taken(self, path: str, template: str, digest: str, **context: Any) -> RenderedPage:
        """The page whose inputs have digest: the recorded text when it has that digest, else rendered."""
        recorded = self.cache.previous.get(path)
        if recorded is not None and recorded[0] == digest:
            text = recorded[1]
        else:
            text = _page(self.env, path, template, **context).text
            self.cache.rendered.add(path)
        self.cache.current[path] = (digest, text)
        return RenderedPage(path, text)


def _home_inputs(catalog: Catalog, new: list[Paper] | None, site_name: str, maps: _Maps) -> Any:
    """What the home page reads (home.md.j2): the site's name, the counts of papers, topics and new
    papers, what its map shows, and each topic's slug, label, count and first three papers."""
    topics = [
        (t.slug, t.label, len(t.papers), [(slug, catalog.paper(slug).title) for slug in t.papers[:3]]) for t in catalog.topics
    ]
    return (site_name, len(catalog.papers), len(catalog.topics), None if new is None else len(new), maps.data(), topics)


def _all_papers_inputs(years: list[tuple[str, list[Paper]]], has_authors: bool) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """What a page of All papers reads (all_papers.md.j2): of the collection, whether it has years,
    only undated papers, undated papers last, authors; of each entry, what its line and by_year show.
    And its outline (_CachedPages.outline)."""
    shape = (
        bool(years),
        [year for year, _ in years[:1]] == ["Undated"] and len(years) == 1,
        bool(years) and years[-1][0] == "Undated",
    )

    def inputs(entries: Sequence[Paper], pager: Pager, total: int) -> Any:
        lines = [
            (p.slug, p.title, p.authors[0].name if p.authors else None, len(p.authors), p.venue, p.year, p.date) for p in entries
        ]
        return (shape, has_authors, _pager_shown(pager), total if pager.is_first else None, lines)

    def outline(entries: Sequence[Paper], pager: Pager, total: int) -> Any:
        """The inputs with the entries as slugs (a line shows only its paper's record)."""
        return (shape, has_authors, _pager_shown(pager), total if pager.is_first else None, tuple([p.slug for p in entries]))

    return inputs, outline


def _topic_inputs(topic: Topic, maps: _Maps) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """What a topic's page reads (topic.md.j2): the topic, and each entry's title, slug and abstract;
    on its first page also the count of its papers and what its map shows (_Maps.data). And the
    outline of its later pages (_CachedPages.outline)."""

    def inputs(entries: Sequence[Paper], pager: Pager, total: int) -> Any:
        first = (total, maps.data(topic.slug)) if pager.is_first else None
        return (
            (topic.slug, topic.label, topic.description),
            _pager_shown(pager),
            [(p.slug, p.title, p.abstract) for p in entries],
            first,
        )

    def outline(entries: Sequence[Paper], pager: Pager, total: int) -> Any:
        """The inputs of a page after the first with the entries as slugs (an entry shows its record)."""
        if pager.is_first:
            return None
        return ((topic.slug, topic.label, topic.description), _pager_shown(pager), tuple([p.slug for p in entries]))

    return inputs, outline


def _pager_shown(pager: Pager) -> tuple[Any, ...]:
    """What the listing templates read of a pager (pager.md.j2 and theirs): whether the page is the
    first, the page count on the first page only (later pages only test it above 1), its label, the
    first, previous, next and last pages and the near neighbours. So a page added or removed far away
    in its listing leaves the page's digest as it was; the listing's total, also shown on the first
    page only, is digested there only."""
    count = pager.count if pager.is_first else pager.count > 1
    return (pager.is_first, count, pager.label, pager.first, pager.previous, pager.next, pager.last, tuple(pager.neighbours()))


def templates_digest(env: jinja2.Environment) -> str:
    """A digest of every template's source (a page's template includes others: pager.md.j2)."""
    assert env.loader is not None
    sources = tuple((name, env.loader.get_source(env, name)[0]) for name in sorted(env.loader.list_templates()))
    return hashlib.sha256(repr(sources).encode("utf-8")).hexdigest()


def papers_by_year(papers: tuple[Paper, ...]) -> list[tuple[str, list[Paper]]]:
    """(year, papers) newest year first, papers newest first within a year (input order on a tie),
    then ("Undated", the papers without a date, in input order)."""
    dated = sorted((p for p in papers if p.year), key=lambda p: p.date, reverse=True)
    groups: dict[str, list[Paper]] = {}
    for paper in dated:
        groups.setdefault(paper.year, []).append(paper)
    undated = [p for p in papers if not p.year]
    return list(groups.items()) + ([("Undated", undated)] if undated else [])


def _listing(
    env: jinja2.Environment,
    first: str,
    template: str,
    items: list[Paper],
    page_size: int,
    label: Callable[[Sequence[Paper]], str] | None = None,
    cached: _CachedPages | None = None,
    **context: Any,
) -> list[RenderedPage]:
    """A listing of papers split into pages of at most page_size entries (pagination.py): each page
    is rendered from template with its `entries`, its `pager` and the listing's `total` (or, with
    `cached`, taken from the cache when its inputs are unchanged)."""
    pages = []
    for page in paginate(first, items, page_size, key=_paper_slug, label=label):
        values = dict(entries=page.entries, pager=page.pager, total=len(items), **context)
        if cached is None:
            pages.append(_page(env, page.path, template, **values))
        else:
            pages.append(cached.listing_page(page.path, template, **values))
    return pages


def _paper_slug(paper: Paper) -> str:
    return paper.slug


def _dates(years: list[tuple[str, list[Paper]]]) -> Callable[[Sequence[Paper]], str] | None:
    """How pages of All papers are labelled: by date, unless no paper has one."""
    return _first_date if any(year != "Undated" for year, _ in years) else None


def _first_date(papers: Sequence[Paper]) -> str:
    """A page of All papers in the links of its neighbours: the date of its first (newest) paper."""
    return human_date(papers[0].date) if papers[0].date else "Undated"


def _page(env: jinja2.Environment, path: str, template: str, **context: Any) -> RenderedPage:
    """A page at path (docs-folder relative), rendered from template; links in it are relative to path."""
    return RenderedPage(path, env.get_template(template).render(page_path=path, **context))
