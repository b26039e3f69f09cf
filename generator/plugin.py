"""The MkDocs plugin: a thin adapter that runs the pipeline before MkDocs collects the docs folder.

`mkdocs build` and `mkdocs serve` regenerate the pages through it; the papersite CLI loads
mkdocs.yml, sets this plugin's options (sources, strict) on the loaded config and runs MkDocs.
"""

from __future__ import annotations

import contextlib
import gc
import html
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import cache, collector, csp, digest, feeds, incremental, pipeline, prerender, search_index, uptodate
from .authors import directory_places
from .compact import compact_html
from .compiled_templates import THEME_TEMPLATES, CompiledTemplates, in_cache_folder
from .config import PapersiteConfig, Settings, project_folder, settings_from
from .errors import PapersiteError
from .html_regions import HtmlRegions
from .identifiers import today
from .kept_files import THEME_FILES_CACHE, KeptFiles, listing_with
from .model import Catalog, Paper
from .paths import PAPERS_JSON, SEARCH_INDEX, built_url, paper_page, paper_slug, topic_page
from .watch import DocsWatcher, SourceWatcher
from .write import MANIFEST_NAME, is_scratch, write_output

ASSET_PREFIX = "assets/papersite"
KATEX_CSS = [f"{ASSET_PREFIX}/katex/katex.min.css"]
KATEX_JS = [f"{ASSET_PREFIX}/katex/katex.min.js", f"{ASSET_PREFIX}/katex/auto-render.min.js", f"{ASSET_PREFIX}/papersite.js"]
# Material's offline plugin fetches this shim from a CDN unless a polyfill named iframe-worker is listed.
IFRAME_WORKER_SHIM = f"{ASSET_PREFIX}/iframe-worker/shim.js"
# Material's search worker (and its source map), replaced by ours: assets/search-worker.js.
MATERIAL_SEARCH_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js(\.map)?")
_PAPER_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder: json.dumps makes one per call
FEEDS_CACHE = "feeds"  # the feeds' XML by what they show (feeds.FeedCache) in the cache folder
SEARCH_TERMS_CACHE = "search-terms"  # the search index's cache (search_index.TermCache) in the cache folder, and its key
PAPERS_JSON_CACHE = "papers-json-lines"  # papers.json's line of each paper by its key (paper_keys; cache.SavedRows)
GENERATED_PAGES = "generated pages"  # generate's reading of the DocsWatcher's changes (docs_changed_since)
log = logging.getLogger("mkdocs.plugins.papersite")


class PapersitePlugin(BasePlugin[PapersiteConfig]):
    """One instance per loaded mkdocs.yml: what it holds belongs to that site's build only."""

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.collected_from: tuple[object, ...] | None = None
        self.files: Files | None = None
        self.watcher: SourceWatcher | None = None
        self.docs_watcher: DocsWatcher | None = None
        self.kept_files: KeptFiles | None = None  # serve: the docs folder's files kept between rebuilds (kept_files.py)
        self.request_rebuild: Callable[[], None] | None = None  # serve: ask MkDocs' server for a rebuild
        self.docs_written = False  # the last generate changed the docs folder: _regenerate asks for a rebuild
        self.generated_pages: set[str] = set()
        self.search_worker = False
        self.report: pipeline.WriteReport | None = None  # what the last generate wrote
        self.page_digests: tuple[Catalog, dict[str, str]] | None = None  # the last generate's catalog and its page digests
        self.serving = False
        self.command_line_sources: list[Any] | None = None  # `papersite serve SOURCES` (cli.serve): kept over mkdocs.yml's
        self.prerenderer: prerender.Prerenderer | None = None
        self.prerendered: list[prerender.PrerenderedPage] = []
        self.nav: Any = None
        self.serve_dirty = False
        self.serve_record: incremental.SiteRecord | None = None  # what the last build of this serve left
        self.serve_context = contextlib.ExitStack()  # what a dirty serve sets up until it ends
        self.generating = threading.Lock()
        self.generated: GeneratedState | None = None  # what the last generate left (generated_state)
        self.outputs: set[str] = set()  # what on_post_build put in the site folder (or found there as it would write it)
        self.compiled_theme: CompiledTemplates | None = None  # the theme's compiled templates (on_env), saved after the build

    def on_startup(self, *, command: str, dirty: bool) -> None:
        collector.tune()  # plain `mkdocs build` and `serve` too
        self.serving = command == "serve"
        self.serve_dirty = self.serving and dirty
        self.serve_record = None
        if self.serving:  # a server keeps what each rebuild read from and wrote to the cache folder
            self.serve_context.enter_context(cache.kept_in_memory())
        if self.serve_dirty:
            self.serve_context.enter_context(incremental.quiet_dirty_build())
        elif self.serving:
            log.info(
                "papersite: every rebuild renders every page; `mkdocs serve --dirty` (or `papersite serve`) renders only the changed ones, exactly"
            )

    def on_shutdown(self) -> None:
        self.serve_context.close()
        if self.docs_watcher is not None:
            self.docs_watcher.stop()
            self.docs_watcher = None
            self.kept_files = None

    def settings(self, config: MkDocsConfig) -> Settings:
        """The options of this plugin as the stages read them, paths from the folder of mkdocs.yml."""
        return settings_from(self.config, project_folder(config))

    @event_priority(50)  # before Material's offline plugin, which looks at the polyfills
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.command_line_sources is not None:  # `papersite serve SOURCES`: each rebuild loads mkdocs.yml again
            self.config.sources = self.command_line_sources
        if self.serve_dirty:
            self.track_serve_build(config)
        _add_unique(config.extra_css, KATEX_CSS)
        _add_unique(config.extra_javascript, KATEX_JS)
        config.extra["polyfills"] = config.extra.get("polyfills") or []
        _add_unique(config.extra["polyfills"], [IFRAME_WORKER_SHIM])
        _add_theme_overrides(config)
        if not any(isinstance(extension, HtmlRegions) for extension in config.markdown_extensions):
            config.markdown_extensions.append(HtmlRegions())  # the HTML of generated pages, passed on unread
        return config

    def track_serve_build(self, config: MkDocsConfig) -> None:
        """In a dirty serve (`papersite serve`, `mkdocs serve --dirty`), let incremental.py decide which
        pages this rebuild renders, from the record the last rebuild left in memory, exactly as
        `papersite build` does from its record file."""
        previous = self.serve_record
        if previous is not None and not incremental.matches_site(previous, config.site_dir):
            previous = None  # something else wrote into the served folder
        tracker = incremental.IncrementalBuild(self, previous, uptodate.build_parts(config, self.settings(config)))
        tracker.keep_record = self.keep_serve_record
        self.serve_record = None  # until this rebuild succeeds
        config.plugins[incremental.PLUGIN_NAME] = tracker
        for plugin in config.plugins.values():
            # Material's search, in a dirty serve, merges its last index with this build's by the first
            # page this build indexes only (one page, as MkDocs' own dirty reload renders); this build
            # renders every page that index holds (the hand-written ones), so it starts afresh
            if hasattr(plugin, "search_index_prev"):
                plugin.search_index_prev = None

    def keep_serve_record(self, record: incremental.SiteRecord) -> None:
        self.serve_record = record

    def load_catalog(self, config: MkDocsConfig) -> Catalog:
        """The enriched catalog of the sources; read again only when the options or an input file changed."""
        settings = self.settings(config)
        inputs = input_fingerprint(settings)
        if self.catalog is None or inputs != self.collected_from:
            self.catalog = pipeline.collect(settings)
            self.collected_from = inputs
        return self.catalog

    def generate(self, config: MkDocsConfig) -> None:
        """Write the catalog's pages into the docs folder and keep the topic state. Nothing is done when
        the last generate left the docs folder and every input as they are now (`papersite serve`: the
        watcher regenerates for an edit, then MkDocs' rebuild would generate the same pages again)."""
        with self.generating:  # the watcher's thread and MkDocs' builds
            self.docs_written = False  # the changes generate makes in the docs folder are its own (_docs_changed)
            settings = self.settings(config)
            generated, pages = self.generated, self.generated_pages
            changed = self.docs_changed_since(generated, take=False)
            if generated is not None and generated == generated_state(
                config, pages, input_fingerprint(settings), generated, changed
            ):
                log.info("papersite: pages in %s: as the last generate left them", config.docs_dir)
                return
            self.generated = None
            catalog = self.load_catalog(config)
            # serve: no forked workers beside its threads
            workers = 1 if self.serving else prerender.workers_wanted(settings.build_workers)
            docs_dir = Path(config.docs_dir)
            digests: dict[str, str] = {}
            self.page_digests = None
            report = pipeline.generate(
                catalog,
                settings,
                docs_dir,
                config.site_name,
                directory_urls=config.use_directory_urls,
                workers=workers,
                page_digests=digests,
            )
            self.page_digests = (catalog, digests)
            self.report = report
            # what it wrote or removed, whether or not the watcher's thread has delivered those notifications yet
            self.docs_written = self.docs_written or bool(report.written or report.removed)
            self.generated_pages = set(report.written) | set(report.unchanged)
            if self.serving:  # only a server generates again (its watcher, then its rebuild)
                self.keep_own_topic_state(settings, catalog)
                changed = self.docs_changed_since(generated, take=True)
                if changed is not None:  # what this generate wrote or removed is taken afresh too (its
                    # notifications may come later), the manifest with them
                    changed |= set(report.written) | set(report.removed) | {MANIFEST_NAME}
                self.generated = generated_state(
                    config, self.generated_pages, self.collected_from, generated, changed, watcher=self.docs_watcher
                )

    def docs_changed_since(self, generated: GeneratedState | None, *, take: bool) -> set[str] | None:
        """The docs folder's files changed since `generated` was taken, as papersite's DocsWatcher saw
        them (take: and start collecting afresh), or None when that is not known: no watcher, one
        started after `generated` was taken, or notifications lost (then every page is looked at)."""
        watcher = self.docs_watcher
        if watcher is None:
            return None
        changed = watcher.take_changed(GENERATED_PAGES) if take else watcher.peek_changed(GENERATED_PAGES)
        return changed if generated is not None and generated.watcher is watcher else None

    def keep_own_topic_state(self, settings: Settings, catalog: Catalog) -> None:
        """The topic state generate just saved is the one this catalog leaves, not a new input: the catalog
        is kept (as `papersite build` records the state it leaves as up to date, uptodate.py). A state
        file that holds anything else, or a paper list changed since it was read, still means reading again."""
        if self.collected_from is None or settings.topic_state is None:
            return
        now = input_fingerprint(settings)
        if now[:-1] == self.collected_from[:-1] and pipeline.holds_topic_state(settings, catalog):
            self.collected_from = now

    def on_pre_build(self, config: MkDocsConfig) -> None:
        try:
            self.generate(config)
        except PapersiteError as err:
            raise PluginError(f"papersite:\n{err.format_message()}") from err

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path in _asset_files():
            uri = f"{ASSET_PREFIX}/{path.relative_to(_assets_root()).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        self.search_worker = _replace_search_worker(files, config)
        self.files = files
        return files

    @event_priority(-100)  # after other plugins' nav: the pages are what MkDocs will convert
    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        """Start converting the generated pages outside the nav in worker processes (prerender.py)."""
        workers = 1 if self.serving else prerender.workers_wanted(self.settings(config).build_workers)
        self.prerendered = []
        self.nav = nav
        if workers > 1:
            self.prerendered = self.prerendered_pages(nav, files, config)
            self.prerenderer = prerender.Prerenderer(workers)
            self.prerenderer.start_conversions(self.prerendered, config, files)
        return nav

    def prerendered_pages(self, nav: Any, files: Files, config: MkDocsConfig) -> list[prerender.PrerenderedPage]:
        """The generated pages outside the nav that this build renders (not left unchanged by incremental.py),
        as PrerenderedPages, in the order MkDocs converts them."""
        in_nav = {id(page) for page in nav.pages}
        pages = []
        for file in files.documentation_pages():
            if file.src_uri in self.generated_pages and id(file.page) not in in_nav and not incremental.is_unchanged(file):
                pages.append(prerender.PrerenderedPage(None, file, config))  # becomes file.page
        return pages

    def on_build_error(self, *, error: Exception) -> None:
        self.close_prerenderer()

    def close_prerenderer(self) -> None:
        if self.prerenderer is not None:
            self.prerenderer.close()
        self.prerenderer = None
        self.prerendered = []
        self.nav = None

    def on_post_build(self, config: MkDocsConfig) -> None:
        self.close_prerenderer()
        if self.compiled_theme is not None:
            self.compiled_theme.save()
        self.outputs = set()
        if self.catalog is None or self.files is None:
            return
        with _collector_paused():
            keys = self.paper_keys(self.catalog, self.files)
            if self.config.papers_json:
                self.write_papers_json(config, self.catalog, self.files, keys)
            self.write_feeds(config, self.catalog, self.files)
            self.write_digest(config, self.catalog, self.files)
            if self.search_worker:
                self.write_search_index(config, self.catalog, self.files, keys)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Generated pages are searched through papersite's index (search_index.py), not Material's."""
        if self.search_worker and page.file.src_uri in self.generated_pages:
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return markdown

    def write_output(self, config: MkDocsConfig, path: str, content: str | bytes) -> None:
        """An output file of the site (path from the site folder), left as it is when it already holds content."""
        write_output(Path(config.site_dir), path, content)
        self.outputs.add(path)

    def paper_keys(self, catalog: Catalog, files: Files) -> dict[str, bytes]:
        """By paper slug, a digest of everything the paper's page is made from (render's digest of its
        inputs: the whole record but the lines it was read from, its topics' labels, ...) and its URL:
        so of its line in papers.json and its search document too. Empty when the last generate
        rendered another catalog (or none)."""
        if self.page_digests is None or self.page_digests[0] is not catalog:
            return {}
        digests = self.page_digests[1]
        keys = {}
        for paper in catalog.papers:
            page = paper_page(paper.slug)
            digest = digests.get(page)
            if digest is not None:
                keys[paper.slug] = bytes.fromhex(digest) + page_url(files, page).encode("utf-8", "surrogatepass")
        return keys

    def write_papers_json(self, config: MkDocsConfig, catalog: Catalog, files: Files, keys: dict[str, bytes]) -> None:
        """papers.json, each paper's line taken from the cache (PAPERS_JSON_CACHE) when its key is there."""
        settings = self.settings(config)
        saved = cache.SavedRows(settings.cache_file(PAPERS_JSON_CACHE) if keys else None, PAPERS_JSON_CACHE)
        previous = saved.previous or {}
        lines, current = papers_json_lines(catalog, files, keys, previous)
        self.write_output(config, PAPERS_JSON, papers_json_text(lines))
        if current.keys() != previous.keys():
            saved.save(current)

    def write_search_index(self, config: MkDocsConfig, catalog: Catalog, files: Files, keys: dict[str, bytes]) -> None:
        settings = self.settings(config)
        authors = directory_places(catalog.papers, settings.listing_page_size)
        saved = search_index.SavedTerms(settings.cache_file(SEARCH_TERMS_CACHE), SEARCH_TERMS_CACHE)
        term_cache = saved.term_cache()
        docs = search_index.catalog_docs(catalog, lambda page: page_url(files, page), authors, keys, term_cache)
        self.write_output(config, SEARCH_INDEX, search_index.index_script(docs, term_cache))
        saved.save(term_cache)

    def write_digest(self, config: MkDocsConfig, catalog: Catalog, files: Files) -> None:
        """site/digest/YYYY-MM-DD.html and .md: the papers added since the previous build (see digest.py)."""
        folder = self.settings(config).digest_folder
        if folder is None:
            return
        site_url = (config.site_url or "").rstrip("/")

        def digest_link(slug: str) -> str:  # absolute when site_url is set, else from site/digest/
            return f"{site_url}/{paper_url(files, slug)}" if site_url else f"../{paper_url(files, slug)}"

        site = digest.DigestSite(config.site_name, digest_link)
        for path in digest.write_digest(site, catalog, folder, today()):
            log.info("papersite: wrote the digest %s", path)
        self.outputs.update(digest.publish_digests(folder, Path(config.site_dir)))

    @event_priority(-100)  # after other plugins' env: the workers build pages with the theme as it is then
    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """The Content-Security-Policy for the theme override's meta tag (generator/csp.py); then
        the generated pages outside the nav are built in worker processes (prerender.py)."""
        env.globals["papersite_csp"] = csp.policy()
        env.bytecode_cache = self.compiled_theme = in_cache_folder(self.settings(config).cache_folder, THEME_TEMPLATES)
        if self.prerenderer is not None and self.nav is not None:
            site = prerender.WorkerSite(config, files, self.nav, env, files.documentation_pages())
            self.prerenderer.start_builds(self.prerendered, site)
        return env

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        compacted = isinstance(page, prerender.PrerenderedPage) and page.compacted  # by a worker
        return csp.with_hashes(output if compacted else compact_html(output))

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):  # sitemap.xml
            return output_content
        return csp.with_hashes(compact_html(output_content))  # 404.html

    def on_page_context(self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        """Tell the theme override (templates/overrides/main.html) which feeds to announce, and
        Material's tag chips of a paper page where its topics' pages are."""
        if config.site_url and self.catalog is not None:
            links = feeds.page_feeds(config.site_name, self.catalog, page.file.src_uri)
            context["papersite_feeds"] = [
                {"title": link.title, "href": get_relative_url(link.path, page.url or "index.html")} for link in links
            ]
        if self.catalog is not None and self.files is not None and page.file.src_uri in self.generated_pages:
            chips = topic_chips(self.catalog, self.files, page.file.src_uri)
            if chips is not None:
                context["tags"] = chips
        return context

    def write_feeds(self, config: MkDocsConfig, catalog: Catalog, files: Files) -> None:
        if not config.site_url:
            log.warning("papersite: no feeds written: set site_url in mkdocs.yml (feeds need absolute links)")
            return
        site_url = config.site_url if config.site_url.endswith("/") else config.site_url + "/"

        site = feeds.FeedSite(
            config.site_name, site_url, config.site_author or config.site_name, lambda slug: site_url + paper_url(files, slug)
        )
        cache_file = self.settings(config).cache_file(FEEDS_CACHE)
        kept = feeds.FeedCache(cache.load(cache_file, feeds.cache_key()))
        written = feeds.render_feeds(site, catalog, kept)
        if kept.changed():
            cache.save(cache_file, feeds.cache_key(), kept.current)
        for path, xml in written.items():
            self.write_output(config, path, xml)
        log.info("papersite: wrote %d Atom feeds under %s/feeds", len(written), config.site_dir)

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Watch the paper lists and the topics file. An edit regenerates the pages into the docs
        folder here, outside a build; MkDocs, which watches the docs folder, then rebuilds once.
        (Watching them with server.watch would build twice: once for the edit, once more for the
        pages that build wrote.)"""
        settings = self.settings(config)
        watched = [source.path for source in settings.sources] + ([settings.topics_file] if settings.topics_file else [])
        self.watcher = SourceWatcher(watched, lambda: self._regenerate(config))
        self.watcher.start()
        self.watch_docs(server, config)
        _allow_live_reload(server)
        return server

    def watch_docs(self, server: Any, config: MkDocsConfig) -> None:
        """Watch the docs folder through the system's notifications instead of MkDocs' polling, and
        ask for one rebuild when the watcher's regeneration has written its pages (not one while it
        writes them and another after). Left to MkDocs when its server is not the one known."""
        self.request_rebuild = _rebuild_request(server)
        docs = os.path.abspath(config.docs_dir)
        if self.request_rebuild is None or docs not in getattr(server, "_watched_paths", {}):
            return
        self.docs_watcher = DocsWatcher(Path(docs), self._docs_changed)
        self.docs_watcher.start()
        server.unwatch(docs)
        # each rebuild's list of the docs folder's files from the last one while none was added or removed
        theme_cache = self.settings(config).cache_file(THEME_FILES_CACHE)
        self.kept_files = KeptFiles(self.docs_watcher, mkdocs_build.get_files, theme_cache)
        self.serve_context.enter_context(listing_with(self.kept_files.get_files))

    def _docs_changed(self, paths: set[str]) -> None:
        if self.generating.locked():  # generate's own pages: the build that runs it, or _regenerate, asks
            self.docs_written = True
        elif self.request_rebuild is not None and not self.left_by_generate(paths):
            self.request_rebuild()

    def left_by_generate(self, paths: set[str]) -> bool:
        """Whether every one of the docs folder's paths is as the last generate left it. The watcher's
        thread may deliver the notifications of generate's own writes after generate has ended (a
        loaded machine): those ask for no second rebuild; an edit of any file does."""
        generated, docs_watcher = self.generated, self.docs_watcher
        if generated is None or docs_watcher is None:
            return False
        docs = os.fspath(docs_watcher.folder)
        removed = set(self.report.removed) if self.report is not None else set()
        for path in paths:
            if is_scratch(path):
                continue  # write's own temporary files
            if path in generated.files:
                if _stat_name(docs, path) != generated.files[path]:
                    return False
            elif path not in removed or os.path.lexists(os.path.join(docs, path)):
                return False
        return True

    def _regenerate(self, config: MkDocsConfig) -> None:
        try:
            self.generate(config)
        except PapersiteError as err:
            log.error("papersite: the pages were not regenerated:\n%s", err.format_message())
        if self.docs_written and self.request_rebuild is not None:
            self.docs_written = False
            self.request_rebuild()


def _rebuild_request(server: Any) -> Callable[[], None] | None:
    """What MkDocs' own watcher does on a change (mkdocs.livereload.LiveReloadServer.watch), or None
    for a server without those parts."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None or not hasattr(server, "_want_rebuild") or not hasattr(server, "unwatch"):
        return None

    def request() -> None:
        with condition:
            server._want_rebuild = True
            condition.notify_all()

    return request


def _allow_live_reload(server: Any) -> None:
    """MkDocs' server adds an inline live-reload script to every page it sends, which the pages'
    Content-Security-Policy would block (no reload in the browser): each page sent also gets that
    script's hash in its policy. Only the served pages change, never the built site."""
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is None:  # another MkDocs: no live reload rather than a weaker policy
        return

    def inject_allowed(content: bytes, epoch: int) -> bytes:
        sent = inject(content, epoch)
        body_end = content.rfind(b"</body>")
        body_end = len(content) if body_end < 0 else body_end
        script = sent[body_end + len(b"<script>") : len(sent) - (len(content) - body_end) - len(b"</script>")]
        return csp.allow_script(sent.decode("utf-8"), script.decode("utf-8")).encode("utf-8")

    server._inject_js_into_html = inject_allowed


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the outputs are made: they are acyclic data, freed as they
    go, but their many small objects made the collector walk the build's whole heap (every page and
    paper: millions of objects at 10,000 papers) again and again, a fifth of on_post_build."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def input_fingerprint(settings: Settings) -> tuple[object, ...]:
    """What the catalog depends on: the options and the size and modification time of each input
    file, the topic state and its model last (None when there is no topic state)."""
    files = [s.path for s in settings.sources] + ([settings.topics_file] if settings.topics_file else [])
    state = (_stat(settings.topic_state), _stat(settings.topic_model)) if settings.topic_state and settings.topic_model else None
    return (settings, *(_stat(path) for path in files), state)


@dataclass(frozen=True)
class GeneratedState:
    """What generate's pages depend on and what it left: the inputs (input_fingerprint), the options
    of the MkDocs config it writes with, the day (the New page), and the size and modification time
    of each generated page and of the docs folder's manifest (write.py); `watcher`: papersite's
    DocsWatcher when it ran before these were taken (its changes since then say which files to look at again)."""

    inputs: tuple[object, ...] | None
    options: tuple[object, ...]
    files: dict[str, tuple[int, int] | None]
    watcher: object | None = field(default=None, compare=False)


def generated_state(
    config: MkDocsConfig,
    pages: set[str],
    inputs: tuple[object, ...] | None,
    before: GeneratedState | None = None,
    changed: set[str] | None = None,
    *,
    watcher: object | None = None,
) -> GeneratedState:
    """The GeneratedState of these generated pages in config's docs folder, made from these inputs.
    With `before` and the docs folder's files `changed` since it was taken (DocsWatcher), only those
    and the pages it did not hold are looked at; the rest have the sizes and times it holds. `watcher`:
    the running DocsWatcher, whose changes from now on are those since this state."""
    docs = os.path.abspath(config.docs_dir)
    options = (docs, config.site_name, config.use_directory_urls, today())
    wanted = pages | {MANIFEST_NAME}
    if before is None or changed is None:
        files = {page: _stat_name(docs, page) for page in wanted}
    else:
        kept = before.files
        files = {page: kept[page] if page in kept and page not in changed else _stat_name(docs, page) for page in wanted}
    return GeneratedState(inputs, options, files, watcher)


def _stat_name(folder: str, name: str) -> tuple[int, int] | None:
    return _stat(os.path.join(folder, name))


def _stat(path: str | Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


def papers_json_lines(
    catalog: Catalog, files: Files, keys: dict[str, bytes], previous: dict[bytes, str]
) -> tuple[list[str], dict[bytes, str]]:
    """papers.json's line of every paper (paper_entry as compact JSON), and the lines by the papers' keys: a
    paper whose key (PapersitePlugin.paper_keys) previous holds takes its line from there."""
    lines = []
    current: dict[bytes, str] = {}
    for paper in catalog.papers:
        key = keys.get(paper.slug)
        line = previous.get(key) if key is not None else None
        if line is None:
            line = _PAPER_LINE.encode(paper_entry(paper, paper_url(files, paper.slug)))
        if key is not None:
            current[key] = line
        lines.append(line)
    return lines, current


def paper_entry(paper: Paper, url: str) -> dict[str, Any]:
    """A paper in papers.json, as plain data for other tools: slug, title, url, topics, links, related, ..."""
    return {
        "slug": paper.slug,
        "title": paper.title,
        "url": url,
        "topics": list(paper.topics),
        "links": [{"kind": link.kind, "url": link.url} for link in paper.links],
        "authors": [{"family": a.family, "given": a.given} for a in paper.authors],
        "date": paper.date,
        "venue": paper.venue,
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
        "tags": list(paper.tags),
        "related": [r.slug for r in paper.related],
    }


def papers_json_text(lines: list[str]) -> str:
    """papers.json as text: a JSON list, one paper to a line with no spaces in it (indented, it was
    about a third larger: 58 MB at 50,000 papers), still read line by line by a person or by grep."""
    return "[\n" + ",\n".join(lines) + "\n]\n"


@dataclass(frozen=True)
class TopicChip:
    """A tag chip as Material's partials/tags.html prints it: name (printed as is: HTML-escaped
    here) and url (the topic's page, from the site root)."""

    name: str
    url: str
    hidden: bool = False


def topic_chips(catalog: Catalog, files: Files, page: str) -> list[TopicChip] | None:
    """The chips of a paper page (its topics, each linking to the topic's page), or None for any
    other page. Material's tags plugin would link each chip to a listing of every paper under every
    tag (tags.md), a page that grows with the collection; the topic's own pages are split into
    pages of a bounded size."""
    slug = paper_slug(page)
    if slug is None:
        return None
    chips = []
    for topic_slug in catalog.paper(slug).topics:
        file = files.get_file_from_path(topic_page(topic_slug))
        if file is not None:
            chips.append(TopicChip(html.escape(catalog.topic(topic_slug).label, quote=False), file.url))
    return chips


def page_url(files: Files, page: str) -> str:
    """The URL of a docs-folder page (a paths.py path: posix, no "./") from the site root, as MkDocs built it."""
    file = files.src_uris.get(page)  # get_file_from_path's PurePath cost more than the rest of papers.json
    return file.url if file else built_url(page, directory_urls=False)


def paper_url(files: Files, slug: str) -> str:
    """The URL of a paper's page from the site root, as MkDocs built it."""
    return page_url(files, paper_page(slug))


def _add_theme_overrides(config: MkDocsConfig) -> None:
    """Put our theme override (feed links in the page head) after the user's custom_dir, before the theme."""
    overrides = str(resources.files("generator.templates") / "overrides")
    if overrides not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, overrides)


def _replace_search_worker(files: Files, config: MkDocsConfig) -> bool:
    """Put papersite's search worker where Material's search box looks for its worker (a theme file
    whose name Material versions with a hash). False when the theme has no search worker."""
    theirs = [f for f in files if MATERIAL_SEARCH_WORKER.fullmatch(f.src_uri)]
    for file in theirs:
        files.remove(file)
        if file.src_uri.endswith(".js"):
            files.append(File.generated(config, file.src_uri, abs_src_path=str(_assets_root() / "search-worker.js")))
    return any(f.src_uri.endswith(".js") for f in theirs)


def _assets_root() -> Path:
    return Path(str(resources.files("generator.assets")))


def _asset_files() -> list[Path]:
    root = _assets_root()
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"})


def _add_unique(items: list[Any], new: list[str]) -> None:
    present = {str(item) for item in items}
    items.extend(item for item in new if item not in present)
