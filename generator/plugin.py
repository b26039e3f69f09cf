"""The MkDocs plugin: a thin adapter that runs the pipeline before MkDocs collects the docs folder.

`mkdocs build` and `mkdocs serve` regenerate the pages through it; the papersite CLI uses the
same plugin and only adds its own error reporting and source overrides (see cli.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import feeds, pipeline
from .config import PapersiteConfig, SourceSpec, resolve_sources
from .enrich import EnrichSettings
from .errors import PapersiteError
from .model import Catalog

ASSET_PREFIX = "assets/papersite"
KATEX_CSS = [f"{ASSET_PREFIX}/katex/katex.min.css"]
KATEX_JS = [f"{ASSET_PREFIX}/katex/katex.min.js", f"{ASSET_PREFIX}/katex/auto-render.min.js", f"{ASSET_PREFIX}/papersite.js"]
# Material's offline plugin fetches this shim from a CDN unless a polyfill named iframe-worker is listed.
IFRAME_WORKER_SHIM = f"{ASSET_PREFIX}/iframe-worker/shim.js"
log = logging.getLogger("mkdocs.plugins.papersite")


@dataclass
class RunOverrides:
    """What the papersite CLI sets before it hands over to MkDocs."""

    sources: list[SourceSpec] | None = None
    catalog: Catalog | None = None


OVERRIDES = RunOverrides()


class PapersitePlugin(BasePlugin[PapersiteConfig]):
    def __init__(self) -> None:
        self.sources: list[SourceSpec] = []
        self.catalog: Catalog | None = None
        self.files: Files | None = None
        self.report: pipeline.WriteReport | None = None  # what the last generate wrote

    @event_priority(50)  # before Material's offline plugin, which looks at the polyfills
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.sources = OVERRIDES.sources or self.sources_from(config)
        _add_unique(config.extra_css, KATEX_CSS)
        _add_unique(config.extra_javascript, KATEX_JS)
        config.extra["polyfills"] = config.extra.get("polyfills") or []
        _add_unique(config.extra["polyfills"], [IFRAME_WORKER_SHIM])
        _add_theme_overrides(config)
        return config

    def sources_from(self, config: MkDocsConfig) -> list[SourceSpec]:
        """The configured sources, relative paths taken from the folder of mkdocs.yml."""
        base_dir = Path(config.config_file_path or ".").resolve().parent
        return resolve_sources(self.config.sources, base_dir)

    def enrich_settings(self, config: MkDocsConfig) -> EnrichSettings:
        """The topic, related-paper and map options, with paths taken from the folder of mkdocs.yml."""
        base_dir = Path(config.config_file_path or ".").resolve().parent
        return EnrichSettings(
            related_count=self.config.related_count,
            vectors=self.config.topic_vectors,
            method=self.config.topic_method,
            topic_count=self.config.topic_count or None,
            topics_file=base_dir / self.config.topics_file if self.config.topics_file else None,
            state_file=base_dir / self.config.topic_state,
            embedding_cache=base_dir / self.config.embedding_cache,
            topic_map=self.config.topic_map,
        )

    def collect(self, config: MkDocsConfig, sources: list[SourceSpec], *, strict: bool) -> Catalog:
        """The enriched catalog of sources, with this plugin's topic and related-paper options."""
        return pipeline.collect(sources, settings=self.enrich_settings(config), strict=strict)

    def generate(self, config: MkDocsConfig, catalog: Catalog) -> None:
        """Write the catalog's pages into the docs folder and keep the topic state."""
        self.report = pipeline.generate(
            catalog,
            Path(config.docs_dir),
            config.site_name,
            self.config.home_page,
            state_file=self.enrich_settings(config).state_file,
            directory_urls=config.use_directory_urls,
        )

    def on_pre_build(self, config: MkDocsConfig) -> None:
        try:
            self.catalog = OVERRIDES.catalog or self.collect(config, self.sources, strict=self.config.strict)
            self.generate(config, self.catalog)
        except PapersiteError as err:
            raise PluginError(f"papersite:\n{err.format_message()}") from err
        OVERRIDES.catalog = None  # a `serve` rebuild regenerates from the sources

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        for path in _asset_files():
            uri = f"{ASSET_PREFIX}/{path.relative_to(_assets_root()).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        self.files = files
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.config.papers_json and self.catalog is not None and self.files is not None:
            data = papers_json(self.catalog, self.files)
            out = Path(config.site_dir) / "papers.json"
            out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if self.catalog is not None and self.files is not None:
            self.write_feeds(config, self.catalog, self.files)

    def on_page_context(self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        """Tell the theme override (templates/overrides/main.html) which feeds to announce."""
        if config.site_url and self.catalog is not None:
            links = feeds.page_feeds(config.site_name, self.catalog, page.file.src_uri)
            context["papersite_feeds"] = [
                {"title": link.title, "href": get_relative_url(link.path, page.url or "index.html")} for link in links
            ]
        return context

    def write_feeds(self, config: MkDocsConfig, catalog: Catalog, files: Files) -> None:
        if not config.site_url:
            log.warning("papersite: no feeds written: set site_url in mkdocs.yml (feeds need absolute links)")
            return
        site_url = config.site_url if config.site_url.endswith("/") else config.site_url + "/"

        def page_url(slug: str) -> str:
            file = files.get_file_from_path(f"papers/{slug}.md")
            return site_url + (file.url if file else f"papers/{slug}.html")

        site = feeds.FeedSite(config.site_name, site_url, config.site_author or config.site_name, page_url)
        written = feeds.write_feeds(site, catalog, Path(config.site_dir))
        log.info("papersite: wrote %d Atom feeds under %s/feeds", len(written), config.site_dir)

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        for source in self.sources:
            server.watch(str(source.path))
        if self.config.topics_file:
            server.watch(str(self.enrich_settings(config).topics_file))
        return server


def papers_json(catalog: Catalog, files: Files) -> list[dict[str, Any]]:
    """Every paper as plain data for other tools: slug, title, url, topics, links, related."""
    result = []
    for paper in catalog.papers:
        file = files.get_file_from_path(f"papers/{paper.slug}.md")
        result.append(
            {
                "slug": paper.slug,
                "title": paper.title,
                "url": file.url if file else f"papers/{paper.slug}.html",
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
        )
    return result


def _add_theme_overrides(config: MkDocsConfig) -> None:
    """Put our theme override (feed links in the page head) after the user's custom_dir, before the theme."""
    overrides = str(resources.files("generator.templates") / "overrides")
    if overrides not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, overrides)


def _assets_root() -> Path:
    return Path(str(resources.files("generator.assets")))


def _asset_files() -> list[Path]:
    root = _assets_root()
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"})


def _add_unique(items: list[Any], new: list[str]) -> None:
    present = {str(item) for item in items}
    items.extend(item for item in new if item not in present)
