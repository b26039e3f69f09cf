"""Generated pages converted and built ahead of MkDocs' own loops, in forked worker processes.

MkDocs reads and converts every page in one sequential loop (`_populate_page`), then renders each
page's theme template in another (`_build_page`): most of a build's time at scale. The plugin
makes the generated pages outside the nav `PrerenderedPage`s and starts, in worker processes forked
from the build (inheriting its loaded config, files, nav and theme; nothing is pickled but page
paths and results):

1. at `on_nav`, their conversion (`convert`): MkDocs' loop then takes the worker's source and
   `Conversion` when the Markdown after every plugin's `on_page_markdown` has the same hash, and
   converts the page itself otherwise;
2. at `on_env`, their theme HTML (`build_html`), which MkDocs' loop prints through
   PREBUILT_TEMPLATE.

Both are pure functions of the page's text, the site's files, nav and config, so the site is the
same byte for byte (tests/test_prerender.py builds it both ways). A `Conversion` is keyed by the
hash of its Markdown: a cache between builds (incremental builds) can keep it by that key, with
the files and config. docs/architecture.md tells the whole story.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jinja2
import markdown
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents, get_toc

from . import csp
from .compact import compact_html
from .html_regions import HtmlRegions

PREBUILT_TEMPLATE = "papersite-prebuilt.html"  # templates/overrides: prints PrerenderedPage.prebuilt_html
PAGES_PER_TASK = 50  # pages one worker converts per task: enough to make a task's overhead small


@dataclass(frozen=True)
class LogLine:
    """A message a conversion logged (a broken link, say), replayed in the build's process."""

    logger: str
    level: int
    message: str


@dataclass(frozen=True)
class Conversion:
    """What MkDocs' `Page.read_source` and `Page.render` leave on a page: the source (Markdown and
    front matter as read), and what the Markdown after every on_page_markdown (`markdown_hash`) became."""

    source: str
    meta: dict[str, Any]
    markdown_hash: str
    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None  # target page path -> {anchor: link as written}
    log: tuple[LogLine, ...] = field(default=())


def markdown_hash(markdown: str) -> str:
    return hashlib.blake2b(markdown.encode("utf-8"), digest_size=20).hexdigest()


class PrerenderedPage(Page):
    """A generated page whose conversion and HTML may have been made ahead (`Prerenderer`)."""

    prerenderer: Prerenderer | None = None
    template_name = "main.html"  # the page's theme template (PREBUILT_TEMPLATE prints what it rendered)

    ahead: Conversion | None = None  # the worker's conversion, from read_source to render
    compacted = False  # its HTML came from a worker, already compacted (compact.py)

    def read_source(self, config: MkDocsConfig) -> None:
        """The Markdown and front matter as the worker read them (the same file; no YAML parsed again
        here), unless a plugin gives pages their source (page_read_source): then as MkDocs reads them."""
        self.ahead = self.prerenderer.take(self.file.src_uri) if self.prerenderer else None
        if self.ahead is None or config.plugins.events["page_read_source"]:
            super().read_source(config)
            return
        self.markdown, self.meta = self.ahead.source, copy.deepcopy(self.ahead.meta)  # events change meta

    def render(self, config: MkDocsConfig, files: Files) -> None:
        ready, self.ahead = self.ahead, None
        if ready is None or self.markdown is None or ready.markdown_hash != markdown_hash(self.markdown):
            super().render(config, files)
            return
        apply_conversion(self, ready, files)

    def prebuilt_html(self) -> str | None:
        """The theme's HTML of this page made by a worker, or None (PREBUILT_TEMPLATE then renders it)."""
        html = self.prerenderer.take_html(self.file.src_uri) if self.prerenderer else None
        self.compacted = html is not None
        return html


def apply_conversion(page: Page, done: Conversion, files: Files) -> None:
    """Set on page what `Page.render` would have set, and log what the conversion logged."""
    for line in done.log:
        logging.getLogger(line.logger).log(line.level, line.message)
    page.content = done.content
    page.toc = done.toc
    page._title_from_render = done.title
    page.present_anchor_ids = set(done.anchor_ids)
    if done.links_to_anchors is not None:
        page.links_to_anchors = {
            target: links
            for path, links in done.links_to_anchors.items()
            if (target := files.get_file_from_path(path)) is not None
        }


def convert(page: Page, config: MkDocsConfig, files: Files) -> Conversion:
    """MkDocs' own conversion of one page (read, every plugin's on_page_markdown, render), captured."""
    with CapturedLog():  # the build's process runs the plugins' events again and logs what they log
        Page.read_source(page, config)
        source, meta = page.markdown or "", copy.deepcopy(page.meta)
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    with CapturedLog() as captured:
        render_markdown(page, config, files)
    links = page.links_to_anchors
    return Conversion(
        source=source,
        meta=meta,
        markdown_hash=markdown_hash(page.markdown or ""),
        content=page.content or "",
        toc=page.toc,
        title=page._title_from_render,
        anchor_ids=frozenset(page.present_anchor_ids or ()),
        links_to_anchors=None if links is None else {target.src_uri: dict(by) for target, by in links.items()},
        log=tuple(captured.lines),
    )


# Extensions whose state `Markdown.reset` clears (Python-Markdown's own, and those of the example's
# mkdocs.yml): with only these, a worker converts every page with one converter.
REUSABLE_EXTENSIONS = frozenset(
    "abbr admonition attr_list codehilite def_list fenced_code footnotes md_in_html meta nl2br sane_lists "
    "smarty tables toc wikilinks pymdownx.arithmatex pymdownx.highlight pymdownx.superfences".split()
)
_converter: markdown.Markdown | None = None  # in a worker: the one converter it reuses


def render_markdown(page: Page, config: MkDocsConfig, files: Files) -> None:
    """MkDocs' `Page.render`, with one Markdown converter per worker reset between pages instead of
    a new one per page (making one was 40% of a paper page's conversion). The page's own
    processors (MkDocs' links, anchors, title) are registered again for each page, replacing the
    previous page's by name. With an extension not known to be reset cleanly, `Page.render` itself."""
    global _converter
    extensions = config["markdown_extensions"]
    reusable = all(isinstance(e, HtmlRegions) or e in REUSABLE_EXTENSIONS for e in extensions)
    if _worker_site is None or not reusable or page.markdown is None:
        Page.render(page, config, files)
        return
    if _converter is None:
        _converter = markdown.Markdown(extensions=extensions, extension_configs=config["mdx_configs"] or {})
    md = _converter.reset()
    raw_html = mkdocs_pages._RawHTMLPreprocessor()
    raw_html._register(md)
    anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
    anchors._register(md)
    relative_paths = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
    relative_paths._register(md)
    title = mkdocs_pages._ExtractTitleTreeprocessor()
    title._register(md)
    page.content = md.convert(page.markdown)
    page.toc = get_toc(getattr(md, "toc_tokens", []))
    page._title_from_render = title.title
    page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
    if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = relative_paths.links_to_anchors


class CapturedLog(logging.Handler):
    """Every record logged while active, kept instead of printed (in a worker process)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[LogLine] = []
        self._loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
        self._saved: list[tuple[list[logging.Handler], bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(LogLine(record.name, record.levelno, record.getMessage()))

    def __enter__(self) -> CapturedLog:
        for logger in self._loggers:
            self._saved.append((logger.handlers[:], logger.propagate))
            logger.handlers = [self]
        self._loggers[1].propagate = False  # else a record of "mkdocs" reaches this handler again at the root
        return self

    def __exit__(self, *exc: object) -> None:
        for logger, (handlers, propagate) in zip(self._loggers, self._saved):
            logger.handlers = handlers
            logger.propagate = propagate


@dataclass
class WorkerSite:
    """What a worker process was forked with: the build's loaded config, files, and (for builds) nav and theme."""

    config: MkDocsConfig
    files: Files
    nav: Navigation | None = None
    env: jinja2.Environment | None = None
    doc_files: list[File] = field(default_factory=list)  # the pages MkDocs builds: every page's context holds them


class Prerenderer:
    """Pages converted, then built, in forked worker processes; `take` and `take_html` wait for one page's."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._conversions: dict[str, Future[dict[str, Conversion]]] = {}
        self._builds: dict[str, Future[dict[str, str]]] = {}

    def start_conversions(self, pages: list[PrerenderedPage], config: MkDocsConfig, files: Files) -> None:
        """Start converting pages (before MkDocs reads them), in the order given: MkDocs' order."""
        if not self._fork(pages, WorkerSite(config, files)):
            return
        self._conversions = self._submit(_convert_in_worker, pages)
        for page in pages:
            page.prerenderer = self

    def start_builds(self, pages: list[PrerenderedPage], site: WorkerSite) -> None:
        """Start building pages' HTML (after MkDocs read every page); MkDocs then renders the
        page with PREBUILT_TEMPLATE, which prints the worker's HTML."""
        self.close()
        if not self._fork(pages, site):
            return
        for page in pages:
            page.template_name = page.meta.get("template", "main.html")
        self._builds = self._submit(_build_in_worker, pages)
        for page in pages:
            page.prerenderer = self
            page.meta["template"] = PREBUILT_TEMPLATE

    def take(self, path: str) -> Conversion | None:
        """The conversion of the page at path (waiting for it), or None: not started, or it failed."""
        return _result(self._conversions.pop(path, None), path)

    def take_html(self, path: str) -> str | None:
        """The theme's HTML of the page at path (waiting for it), or None: not started, or it failed."""
        return _result(self._builds.pop(path, None), path)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self._conversions = {}
        self._builds = {}

    def _fork(self, pages: list[PrerenderedPage], site: WorkerSite) -> bool:
        if self.workers < 2 or len(pages) < 2 * PAGES_PER_TASK:
            return False
        fork = multiprocessing.get_context("fork")  # the workers inherit the build's objects as they are
        self._pool = ProcessPoolExecutor(self.workers, mp_context=fork, initializer=_start_worker, initargs=(site,))
        return True

    def _submit(self, work: Callable[[list[str]], dict[str, Any]], pages: list[PrerenderedPage]) -> dict[str, Future]:
        """work(paths) for the pages' paths, PAGES_PER_TASK to a task: each path -> its task."""
        assert self._pool is not None
        paths = [page.file.src_uri for page in pages]
        tasks = {}
        for first in range(0, len(paths), PAGES_PER_TASK):
            batch = paths[first : first + PAGES_PER_TASK]
            tasks.update(dict.fromkeys(batch, self._pool.submit(work, batch)))
        return tasks


def _result(task: Future | None, path: str) -> Any:
    if task is None:
        return None
    try:
        return task.result().get(path)
    except Exception:  # a worker that died: MkDocs does the page itself, with its own errors
        return None


def workers_wanted(option: int) -> int:
    """The option build_workers: 0 means one per core this process may use."""
    return option if option > 0 else len(os.sched_getaffinity(0))


_worker_site: WorkerSite | None = None  # in a worker process only: what it was forked with


def _start_worker(site: WorkerSite) -> None:
    global _worker_site
    _worker_site = site
    if site.env is not None:
        site.env.auto_reload = False  # no template changes during a build: no file checked before each use
    gc.freeze()  # the collector leaves the objects inherited from the build alone: no copying them on write


def _convert_in_worker(paths: list[str]) -> dict[str, Conversion]:
    """The conversions of the pages at paths; a page that fails is left out (MkDocs converts it again and reports)."""
    assert _worker_site is not None
    return _each_page(paths, lambda page: convert(page, _worker_site.config, _worker_site.files))


def _build_in_worker(paths: list[str]) -> dict[str, str]:
    """The theme's HTML of the pages at paths; a page that fails is left out (MkDocs builds it again and reports)."""
    assert _worker_site is not None
    return _each_page(paths, lambda page: build_html(page, _worker_site))


def _each_page(paths: list[str], work: Callable[[Page], Any]) -> dict[str, Any]:
    assert _worker_site is not None
    done = {}
    for path in paths:
        file: File | None = _worker_site.files.get_file_from_path(path)
        if file is None or file.page is None:
            continue
        try:
            done[path] = work(file.page)
        except Exception:
            continue
    return done


def build_html(page: PrerenderedPage, site: WorkerSite) -> str:
    """What MkDocs' `_build_page` renders for page before the post_page events: its theme template
    with the page's context, after every plugin's page_context event (their messages are dropped:
    the build's process runs the events again), compacted and given its CSP hashes here (the
    plugin's post_page compacts only pages that did not come from a worker; compacting twice
    changes nothing, and the hashes replace a placeholder that is then gone)."""
    assert site.nav is not None and site.env is not None
    config = site.config
    config._current_page = page
    page.active = True
    try:
        with CapturedLog():
            context = get_context(site.nav, site.doc_files, config, page)
            template = site.env.get_template(page.template_name)
            context = config.plugins.on_page_context(context, page=page, config=config, nav=site.nav)
            return csp.with_hashes(compact_html(template.render(context)))
    finally:
        page.active = False
        config._current_page = None
