"""One paper changed, one page rendered: `papersite build` renders only the generated pages whose
Markdown changed since the last build into the same site folder (issue 11, part 2).

MkDocs' dirty build (`build(config, dirty=True)`) leaves the site folder in place and skips reading,
converting and rendering every page whose `file.is_modified()` is False. `IncrementalBuild`, a
plugin that `cli._build_site` adds to the loaded config, answers that question itself instead of
MkDocs' file times. A page is left as the last build wrote it ("unchanged") only when all hold:

- it is a generated page (hand-written pages are always rendered: they are few, and Material's
  search index holds them). A generated page in the nav is left out too (the home page, with its
  map, is the costliest page to convert): its place in the nav, its neighbours and their titles
  are in the nav as rendered, compared below;
- its Markdown has the hash the last build recorded (the docs folder's manifest, write.py, holds
  the hash of every generated page as written this run);
- the build key is the one the last build recorded: versions (papersite, MkDocs, Material, Python),
  papersite's code and templates, the loaded configuration and mkdocs.yml, the theme's custom_dir
  (content), MkDocs' build date, every file that is not a generated page (path, URL, inclusion:
  links resolve against them), the plugins (only papersite, Material's search, tags and offline,
  whose cross-page state is known; any other plugin, another theme than Material or
  pymdownx.snippets makes a full build), and whether the generated pages are kept out of
  Material's search index;
- after every page to render was read (on_env), the navigation as rendered (titles, URLs, meta of
  every nav item: every page shows the sidebar) and the pages holding tag listings are those the
  last build recorded; if not, the pages left out are read now and rendered after all.

Why a page's HTML then cannot differ from a clean build's: it is a function of its Markdown (links
to other generated pages are written by render.py only to pages of the same run, so adding or
removing a paper changes the Markdown of every page linking to it), the files it links to, the
config and theme, the nav, and what the plugins add to its context (papersite: feeds and topic
chips, both written into the page's Markdown too; tags: our chips replace them on paper pages).
What is built from every page is made whole: when Material's tags plugin exports tags.json or
fills a listing, it gets the front matter and title of each page left out (recorded by the build
that rendered it) first, in the order of a clean build (otherwise a page's tags are read only by
that page's rendering); 404.html is a function of the nav as rendered and sitemap.xml of every
page's URLs and date (both made afresh when those differ from the recorded ones); the search index,
papers.json and the feeds are always written (from every page's URL, or from the catalog), and
a static file (theme assets, images) is copied unless its source has the size, modification and
change times it had when the last build copied it.

Files a clean build would not write (the page of a removed paper) are removed: everything the site
folder held before the build (the recorded listing, which must match the folder as found) that
the build did not write again and is not an unchanged page. The record (`.papersite/build-pages.pickle`,
beside the build record) is removed once the input has been read, before MkDocs writes anything,
and saved when the build succeeds, so a build that fails half-way, a damaged record, another site folder, `--force`, or a site folder changed by
anyone else (plain `mkdocs build`) makes the next build a clean full one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mkdocs.commands.build import _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.utils import get_build_date

from . import cache, uptodate
from .errors import WriteError
from .write import load_manifest

if TYPE_CHECKING:
    from .plugin import PapersitePlugin

RECORD_FORMAT = 3
PLUGIN_NAME = "papersite-incremental"
# Plugins whose state across pages is known (see the module's docstring), by class.
KNOWN_PLUGINS = frozenset(
    {
        "generator.plugin.PapersitePlugin",
        "material.plugins.search.plugin.SearchPlugin",
        "material.plugins.tags.plugin.TagsPlugin",
        "material.plugins.offline.plugin.OfflinePlugin",
        f"{__name__}.IncrementalBuild",
    }
)
# The static templates an incremental build leaves out when their inputs are unchanged (sitemap.xml with its .gz).
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
FILE_READING_EXTENSIONS = ("pymdownx.snippets",)  # a page's HTML would depend on other files' content
log = logging.getLogger("mkdocs.plugins.papersite")

Stat = list[int]  # size, mtime_ns, ctime_ns of a file in the site folder


class PageEntry(NamedTuple):
    """What the last build knew of a generated page it rendered (a tuple: ten thousand of them are
    saved and loaded every build)."""

    digest: str  # sha256 of its Markdown file (the docs manifest's)
    title: str | None
    meta: dict[str, Any]  # its front matter after every on_page_markdown
    anchors: list[str]


@dataclass
class SiteRecord:
    """What the last successful `papersite build` left in its site folder."""

    site_dir: str
    key: str  # the build key (see the module docstring)
    nav: str  # the navigation as rendered and the pages with tag listings
    pages: dict[str, PageEntry] = field(default_factory=dict)
    listing: dict[str, Stat] = field(default_factory=dict)  # every file of the site folder
    templates: dict[str, str] = field(default_factory=dict)  # a static template's output -> digest of its inputs
    copied: dict[str, list[Any]] = field(default_factory=dict)  # static file -> its dest_uri and its source's stat when copied


def record_path(build_record: Path) -> Path:
    """The site record lives beside the build record (uptodate.py): .papersite/build-pages.pickle."""
    return build_record.with_name(f"{build_record.stem}-pages.pickle")


def load(path: Path, site_dir: str, site_stats: uptodate.Stats | None = None) -> SiteRecord | None:
    """The record of the last build of site_dir, or None (missing, damaged or not matching its
    checksum, another site folder, or the folder changed since): then the build is a clean full one.
    site_stats: `uptodate.file_stats` of site_dir, when taken already. The record keeps a digest of
    the site folder's listing, not the listing: when the folder's listing has that digest, it is the
    listing the record describes, and the loaded record holds it."""
    data = _stored(path)
    try:
        if data is None or data["site_dir"] != str(Path(site_dir).resolve()):
            return None
        listing = site_listing(Path(site_dir), site_stats)
        if listing_digest(listing) != data["listing"]:
            return None  # anyone else wrote in the site folder
        return SiteRecord(
            site_dir=data["site_dir"],
            key=data["key"],
            nav=data["nav"],
            pages=dict(zip(data["pages"], map(PageEntry._make, data["entries"]), strict=True)),
            listing=listing,
            templates=data["templates"],
            copied=data["copied"],
        )
    except (KeyError, TypeError, ValueError):  # saved by papersite's own code (in the key): not expected
        return None


def matches_site(record: SiteRecord, site_dir: str, site_stats: uptodate.Stats | None = None) -> bool:
    """Whether site_dir holds exactly what the record says its build left there (nobody else wrote in it)."""
    return site_listing(Path(site_dir), site_stats) == record.listing


def save(path: Path, record: SiteRecord) -> None:
    """Write the record (cache.py: with a checksum, under papersite's code key: a record damaged in any
    way, or saved by another papersite, is not used)."""
    _store(
        path,
        {
            "site_dir": record.site_dir,
            "key": record.key,
            "nav": record.nav,
            "pages": list(record.pages),
            "entries": [tuple(entry) for entry in record.pages.values()],
            "listing": listing_digest(record.listing),
            "templates": record.templates,
            "copied": record.copied,
        },
    )


# How the record is stored: one file through cache.py (a row store could keep each page's entry as a row).
_RECORD_KEY = f"site record {RECORD_FORMAT}"


def _store(path: Path, data: dict[str, Any]) -> None:
    cache.save(path, _RECORD_KEY, data)


def _stored(path: Path) -> dict[str, Any] | None:
    data = cache.load(path, _RECORD_KEY)
    return data if isinstance(data, dict) else None


def listing_digest(listing: dict[str, Stat]) -> str:
    """A digest of a site folder's listing: every name with its size, modification and change times."""
    text = "".join(f"{name}\0{size}\0{mtime}\0{ctime}\0" for name, (size, mtime, ctime) in sorted(listing.items()))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def site_listing(site_dir: Path, site_stats: uptodate.Stats | None = None) -> dict[str, Stat]:
    """Every file under site_dir (size, modification and change times) but the hidden entries at its
    top, which MkDocs' clean build leaves alone too (site_stats: its `uptodate.file_stats`, when taken already)."""
    return {
        name: [found.st_size, found.st_mtime_ns, found.st_ctime_ns]
        for name, found in (uptodate.file_stats(site_dir) if site_stats is None else site_stats)
        if not name.startswith(".")
    }


def _stat(path: Path) -> Stat | None:
    try:
        stat = path.lstat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


# MkDocs' dirty build asks each file `is_modified()`; the plugin puts its own answer on the file
# (an instance attribute, so the file keeps its class and equality).
def _rendered() -> bool:
    return True


def _unchanged() -> bool:
    return False


def mark(file: File, rendered: bool) -> None:
    file.is_modified = _rendered if rendered else _unchanged  # type: ignore[method-assign]


def is_unchanged(file: File) -> bool:
    """Whether an incremental build leaves this file's page as the last build wrote it."""
    return file.__dict__.get("is_modified") is _unchanged


@contextlib.contextmanager
def quiet_dirty_build() -> Iterator[None]:
    """Drop MkDocs' messages about dirty builds (a warning, which --strict would count): this one is exact."""
    target = logging.getLogger("mkdocs.commands.build")
    messages = ("A 'dirty' build is being performed", "The directory contains stale files")

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(messages)

    target.addFilter(keep)
    try:
        yield
    finally:
        target.removeFilter(keep)


class IncrementalBuild(BasePlugin):
    """Decides which pages MkDocs renders (on_nav), makes what is built from every page whole
    (on_env), removes what the build no longer makes (on_post_build), and makes the next record."""

    def __init__(self, papersite: PapersitePlugin, previous: SiteRecord | None, build_parts: dict[str, str]) -> None:
        self.papersite = papersite
        self.previous = previous
        self.build_parts = build_parts  # uptodate.build_parts of this build, before any on_config
        self.key = ""
        self.nav: Navigation | None = None
        self.files: Files | None = None
        self.nav_digest = ""
        self.unchanged: list[File] = []
        self.entries: dict[str, PageEntry] = {}
        self.digests: dict[str, str] = {}  # generated page -> hash of its Markdown (the docs manifest)
        self.rendered = 0
        self.removed: list[str] = []
        self.reason: str | None = "not started"  # why every page is rendered (full_build_reason), or None
        self.templates: dict[str, str] = {}  # static template -> digest of its inputs (static_template_inputs)
        self.skipped_templates: list[str] = []  # static templates left as the last build wrote them
        self.theme_templates: tuple[Any, set[str]] | None = None  # the theme's static templates, while some are skipped
        self.copied: dict[str, list[Any]] = {}  # static file (src_uri) -> [dest_uri, size, mtime_ns, ctime_ns of its source]
        self.not_copied: list[str] = []  # static files left as the last build copied them (dest_uri)
        self.keep_record: Callable[[SiteRecord], None] | None = None  # serve keeps the record in memory

    @event_priority(-50)  # after other plugins' nav, before papersite's (which starts the workers)
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        self.files = files
        self.key = self.build_key(config, files)
        reason = self.reason = self.full_build_reason(config)
        self.digests = _generated_digests(config)
        digests = self.digests if reason is None else {}
        previous = self.previous.pages if self.previous and reason is None else {}
        self.unchanged = []
        for file in files:
            entry = previous.get(file.src_uri)
            keep = (
                entry is not None
                and file.src_uri in self.papersite.generated_pages
                and file.is_documentation_page()
                and entry.digest == digests.get(file.src_uri)
            )
            mark(file, not keep)
            if keep:
                self.unchanged.append(file)
        self.leave_copied_files(files)
        if reason is not None and self.previous is not None:
            log.info("papersite: every page is rendered: %s", reason)
        return nav

    def leave_copied_files(self, files: Files) -> None:
        """A static file copied from a source file (theme assets, papersite's, images of the docs folder)
        is not copied again when its source has the size, modification and change times it had when the
        last build copied it: the copy in the site folder is then that content (the site folder is as the
        last build left it, `matches_site`). A source written since, even with its old modification time,
        has another change time."""
        copied_before = self.previous.copied if self.previous is not None and self.reason is None else {}
        self.copied, self.not_copied = {}, []
        for file in files:
            if file.is_documentation_page() or file.abs_src_path is None or file._content is not None:  # content: always written
                continue
            source = _stat(Path(file.abs_src_path))
            if source is None:
                continue
            self.copied[file.src_uri] = [file.dest_uri, *source]
            if copied_before.get(file.src_uri) == self.copied[file.src_uri] and file.dest_uri in self.previous.listing:  # type: ignore[union-attr]
                mark(file, False)
                self.not_copied.append(file.dest_uri)

    def build_key(self, config: MkDocsConfig, files: Files) -> str:
        generated = self.papersite.generated_pages
        others = [
            (f.src_uri, f.dest_uri, f.url, f.inclusion.name)
            for f in files
            if f.src_uri not in generated or not f.is_documentation_page()
        ]
        theme = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
        key = {
            **{name: self.build_parts[name] for name in ("versions", "package", "config")},
            "build date": get_build_date(),
            "custom_dir": uptodate.tree_digest(theme, content=True),
            "files": others,
            "plugins": sorted(_class_name(plugin) for plugin in config.plugins.values()),
            "generated pages searched by papersite": self.papersite.search_worker,
        }
        return uptodate.digest_json(key)

    def full_build_reason(self, config: MkDocsConfig) -> str | None:
        """Why no page may be left as it is, or None."""
        if self.previous is None:
            return "no record of the last build"
        if self.previous.key != self.key:
            return "the configuration, theme, code, versions, day or set of hand-written files changed"
        if config.theme.name != "material":  # another theme's templates are not versioned in the key
            return "the theme is not Material"
        unknown = unknown_plugins(config)
        if unknown:
            return f"plugins whose pages papersite cannot leave out: {', '.join(unknown)}"
        if any(str(ext).endswith(FILE_READING_EXTENSIONS) for ext in config.markdown_extensions):
            return "a Markdown extension includes other files"
        if _search_plugins(config) and not self.papersite.search_worker:
            return "Material's search index holds the generated pages"
        return None

    @event_priority(110)  # before Material's tags plugin (100) exports its tags and fills its listings
    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        for file in self.unchanged:  # first: a page of the nav left out shows its title there
            _restore(file, self.previous.pages[file.src_uri])  # type: ignore[union-attr]
        self.nav_digest = _nav_digest(self.nav, config)
        if self.unchanged and self.previous is not None and self.nav_digest != self.previous.nav:
            log.info("papersite: the navigation changed since the last build: every page is rendered")
            for file in self.unchanged:
                mark(file, True)
                _populate_page(file.page, config, files)  # MkDocs' own reading and converting of a page
            self.unchanged = []
        pages = files.documentation_pages()
        _complete_tags(config, files, pages, self.unchanged)
        self.entries = self.page_entries(config, pages)
        self.rendered = sum(1 for f in pages if not is_unchanged(f))
        self.skip_static_templates(config, pages)
        return env

    def skip_static_templates(self, config: MkDocsConfig, pages: list[File]) -> None:
        """Leave 404.html and sitemap.xml (with sitemap.xml.gz) as the last build wrote them when
        their inputs are the recorded ones: the build key (theme, config, versions, build date) and,
        for 404.html, the nav as rendered (it shows only the nav), for sitemap.xml every page's URLs
        and date (what MkDocs' template prints). Rendering them walks every page's place in the nav
        or every page, a tenth of a second or more each at 10,000 pages."""
        self.templates = static_template_inputs(self.nav_digest, pages)
        previous = self.previous
        if previous is None or self.reason is not None:
            return
        theme = config.theme
        self.skipped_templates = [
            name
            for name, digest in self.templates.items()
            if name in theme.static_templates and previous.templates.get(name) == digest and name in previous.listing
        ]
        if self.skipped_templates:
            self.theme_templates = (theme, theme.static_templates)
            theme.static_templates = theme.static_templates - set(self.skipped_templates)  # a new set: the theme's is kept

    def restore_static_templates(self) -> None:
        """Give the theme its static templates back (a config may be built again)."""
        if self.theme_templates is not None:
            theme, templates = self.theme_templates
            theme.static_templates = templates
            self.theme_templates = None

    def on_build_error(self, *, error: Exception) -> None:
        self.restore_static_templates()

    def page_entries(self, config: MkDocsConfig, pages: list[File]) -> dict[str, PageEntry]:
        """The entry of every generated page (pages: the documentation pages) for the next build
        (none for a page holding a tag listing: it changes with every page's tags, so it is always rendered)."""
        digests = self.digests
        kept = {f.src_uri for f in self.unchanged}
        with_listing = _listing_pages(config)
        entries = {}
        for file in pages:
            src = file.src_uri
            if src in kept and self.previous is not None:
                entries[src] = self.previous.pages[src]
                continue
            page = file.page
            if src not in self.papersite.generated_pages or src not in digests or src in with_listing or page is None:
                continue
            if page.markdown is None:
                continue
            meta = _plain_meta(page.meta)
            if meta is not None:
                entries[src] = PageEntry(digests[src], page.title, meta, sorted(page.present_anchor_ids or ()))
        return entries

    @event_priority(-200)  # after every other plugin wrote its files
    def on_post_build(self, config: MkDocsConfig) -> None:
        """Remove what the site folder held before this build that the build did not write again,
        except the pages left unchanged: what a clean build would not have made."""
        self.restore_static_templates()
        self.removed = []
        site = Path(config.site_dir)
        kept = {file.dest_uri for file in self.unchanged} | self.papersite.outputs  # outputs: left as they were when unchanged
        kept |= set(self.not_copied)
        kept |= {output for name in self.skipped_templates for output in (name, f"{name}.gz" if name == SITEMAP else name)}
        for name, before in self.previous.listing.items() if self.previous is not None else ():
            if name in kept:
                continue
            path = site / name
            if _stat(path) == before:
                path.unlink()
                self.removed.append(name)
                _remove_empty_parents(path.parent, site)
        log.info(
            "papersite: %d pages rendered, %d left as the last build wrote them; %d files removed from %s",
            self.rendered,
            len(self.unchanged),
            len(self.removed),
            config.site_dir,
        )
        if self.keep_record is not None:
            self.keep_record(self.record(config))

    def site_as_left(self, config: MkDocsConfig, before: uptodate.Stats) -> uptodate.Stats | None:
        """The site folder's files as this build left them (`uptodate.file_stats`), from its listing
        before the build (before) without walking it again: every file but the pages left unchanged
        and the static files not copied again (which MkDocs' dirty build does not open) looked at
        again, with every file the build may have made: each File's destination, the theme's static
        and the extra templates, papersite's outputs. None (walk it) after a clean build (MkDocs
        emptied the folder) or with a plugin papersite does not know (it may write anywhere). A file
        someone else wrote meanwhile makes the next build's listing differ from the recorded one: a
        full build, never a page wrongly left out."""
        if self.previous is None or self.files is None or unknown_plugins(config):
            return None
        untouched = {file.dest_uri for file in self.unchanged} | set(self.not_copied)
        again = {name for name, _ in before if name not in untouched}
        again.update(file.dest_uri for file in self.files if file.dest_uri not in untouched)
        again.update(config.theme.static_templates, config.extra_templates, self.papersite.outputs, self.removed)
        again.add(f"{SITEMAP}.gz")
        return uptodate.restat(Path(config.site_dir), before, again)

    def record(self, config: MkDocsConfig, site_stats: uptodate.Stats | None = None) -> SiteRecord:
        """The record of this build, taken when it has succeeded (site_stats: `uptodate.file_stats` of
        the site folder, when taken already)."""
        site = Path(config.site_dir).resolve()
        return SiteRecord(
            str(site), self.key, self.nav_digest, self.entries, site_listing(site, site_stats), self.templates, self.copied
        )


def unknown_plugins(config: MkDocsConfig) -> list[str]:
    """The plugins of config whose pages and writes papersite does not know (not in KNOWN_PLUGINS)."""
    return sorted(name for name, plugin in config.plugins.items() if _class_name(plugin) not in KNOWN_PLUGINS)


def static_template_inputs(nav_digest: str, pages: list[File]) -> dict[str, str]:
    """What the static templates an incremental build may leave out show, beside what the build key
    holds: 404.html the nav as rendered; sitemap.xml each page's URLs and date, as MkDocs' template
    reads them (the pages MkDocs passes it: the documentation pages)."""
    sitemap = [
        [f.page.is_link, f.page.abs_url, f.page.canonical_url, f.page.update_date] if f.page is not None else None for f in pages
    ]
    return {NOT_FOUND: nav_digest, SITEMAP: uptodate.digest_json(sitemap)}


def _restore(file: File, entry: PageEntry) -> None:
    """Give a page left out of the build what other pages and plugins read of it: title, front
    matter, anchors (MkDocs checks links to them)."""
    page = file.page
    assert page is not None
    page.title = entry.title  # type: ignore[method-assign]
    page.meta = dict(entry.meta)  # read by the tags plugin, never changed
    page.present_anchor_ids = set(entry.anchors)


def _complete_tags(config: MkDocsConfig, files: Files, pages: list[File], unchanged: list[File]) -> None:
    """Material's tags plugin collects each page's tags as the page is read, in the order of the
    pages (the documentation pages). When it exports tags.json or fills a listing, hand it the pages
    left out (their recorded front matter), then put its mappings back in that order, so tags.json
    and every listing are what a clean build makes. Otherwise nothing reads a page's tags but that
    page's own rendering (its chips), and the pages left out are not rendered: nothing to replay."""
    for plugin in _tags_plugins(config):
        if not plugin.config.export and not plugin.listings.data:  # listings: found while the pages were read
            continue
        for file in unchanged:
            plugin.on_page_markdown("", page=file.page, config=config, files=files)
        data = plugin.mappings.data
        ordered = {f.page.url: data.pop(f.page.url) for f in pages if f.page and f.page.url in data}
        plugin.mappings.data = {**ordered, **data}


def _listing_pages(config: MkDocsConfig) -> set[str]:
    return {listing.page.file.src_uri for plugin in _tags_plugins(config) for listing in plugin.listings}


def _tags_plugins(config: MkDocsConfig) -> list[Any]:
    return [
        p for p in config.plugins.values() if _class_name(p) == "material.plugins.tags.plugin.TagsPlugin" and p.config.enabled
    ]


def _search_plugins(config: MkDocsConfig) -> list[Any]:
    return [p for p in config.plugins.values() if "search" in _class_name(p).lower() and getattr(p.config, "enabled", True)]


def _nav_digest(nav: Navigation | None, config: MkDocsConfig) -> str:
    """The navigation as every page's sidebar shows it, and the pages that hold tag listings."""

    def item(node: Any) -> dict[str, Any]:
        return {
            "kind": type(node).__name__,
            "title": node.title,
            "url": getattr(node, "url", None),
            "meta": getattr(node, "meta", None),
            "children": [item(child) for child in node.children or []],
        }

    items = [item(node) for node in nav.items] if nav is not None else None
    return uptodate.digest_json({"nav": items, "listings": sorted(_listing_pages(config))})


def _generated_digests(config: MkDocsConfig) -> dict[str, str]:
    """The hash of every generated page's Markdown as written this run (the docs folder's manifest)."""
    try:
        return load_manifest(Path(config.docs_dir))
    except WriteError:
        return {}


def _plain_meta(meta: Any) -> dict[str, Any] | None:
    """The front matter as JSON data, or None when it holds anything else (the page is then always rendered)."""
    try:
        plain = json.loads(json.dumps(meta))
    except (TypeError, ValueError):
        return None
    return plain if plain == meta else None


def _remove_empty_parents(folder: Path, site: Path) -> None:
    while folder != site and folder.is_relative_to(site):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _class_name(plugin: object) -> str:
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}"
