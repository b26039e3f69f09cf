"""The papersite options: the `papersite` plugin's entry in mkdocs.yml, typed and validated here only.

    plugins:
      - papersite:
          sources:
            - papers/hf-papers-listing.txt          # format chosen by file suffix
            - refs/thesis.bib                        # .bib .atom .csl.json .json .yaml .csv: see docs/paper-record.md
            - {path: refs/extra.txt, format: bibtex}
          related_count: 5
          topics_file: topics.yml        # optional: rename, merge, pin, exclude, hand-made topics
          topic_vectors: tfidf           # or semantic (needs papersite[semantic])

Relative paths (sources, topics file, topic state, embedding cache, digest folder) are read from
the folder that holds mkdocs.yml.

Every option and its default is declared once, in PapersiteConfig. The stages read one frozen
`Settings` value, made from it by `settings_from` (the only place an option is turned into what a
stage needs). Adding an option: declare it in PapersiteConfig, copy it in `settings_from`, read it
where it is used, document it in README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig

from . import paths


@dataclass(frozen=True)
class SourceSpec:
    """One input file and, when the suffix is not enough, its format."""

    path: Path
    format: str | None = None


class SourceOption(base.BaseConfigOption[SourceSpec]):
    """A source: a path string, or a mapping {path: ..., format: ...}."""

    def run_validation(self, value: Any) -> SourceSpec:
        if isinstance(value, str) and value.strip():
            return SourceSpec(Path(value))
        if isinstance(value, dict) and isinstance(value.get("path"), str) and value["path"].strip():
            unknown = set(value) - {"path", "format"}
            if unknown:
                raise base.ValidationError(f"unknown key(s) in source: {', '.join(sorted(unknown))}")
            fmt = value.get("format")
            if fmt is not None and not isinstance(fmt, str):
                raise base.ValidationError("a source's 'format' must be a string")
            return SourceSpec(Path(value["path"]), fmt)
        raise base.ValidationError(f"a source is a path or {{path: ..., format: ...}}, not {value!r}")


class PapersiteConfig(base.Config):
    sources = c.ListOfItems(SourceOption(), default=[])
    """The paper lists to read, in order."""

    related_count = c.Type(int, default=5)
    """How many related papers each paper page lists."""

    papers_json = c.Type(bool, default=True)
    """Write site/papers.json (every paper's slug, title, url, topics, links, related slugs)."""

    strict = c.Type(bool, default=False)
    """Treat warnings about the input (such as merged duplicates) as errors."""

    home_page = c.Type(str, default="index.md")
    """Where the generated overview page goes (a .md file at the top of the docs folder); a site
    with a hand-written index.md sets e.g. overview.md."""
    topics_file = c.Optional(c.Type(str))
    """A YAML file of topic edits: rename, merge, pin, exclude, hand-made topics (see generator/topics/file.py)."""

    topic_state = c.Type(str, default=".papersite/topics.json")
    """Where the topics of the last run are kept, so topic slugs stay stable (commit it)."""

    topic_vectors = c.Choice(("tfidf", "semantic"), default="tfidf")
    """What topics, related papers and the map are computed from: TF-IDF phrases, or sentence
    embeddings as well (semantic; needs the extra papersite[semantic])."""

    topic_method = c.Choice(("auto", "nmf", "kmeans", "agglomerative"), default="auto")
    """How papers are grouped: auto is nmf with tfidf and kmeans with semantic (see bench/topics.py)."""

    topic_count = c.Type(int, default=0)
    """How many automatic topics to look for; 0 chooses about 1.2 sqrt(papers), at most 25."""

    topic_refit_share = c.Type((int, float), default=0.2)
    """The share of papers added or removed since the topic state was saved above which a build finds
    the topics afresh (a refit, matched to the old topics for stable slugs); at or below it, new
    papers join the saved topics. 0 refits on any change, 1 only when asked (`papersite topics --refit`)
    or when a topic lost every paper."""

    embedding_cache = c.Type(str, default=".papersite/embeddings.npz")
    """Semantic mode: the cache of embeddings by text hash (a rebuild embeds only new papers)."""

    topic_map = c.Type(bool, default=True)
    """Show the map of the collection on the home page and the topic pages."""

    digest_folder = c.Type(str, default=".papersite/digest")
    """Where every per-build digest of new papers is kept, with the papers of the last build
    (last-build.json); each build copies the digests into site/digest/ (see generator/digest.py)."""

    build_record = c.Type(str, default=".papersite/build.json")
    """Where `papersite build` keeps the fingerprint of the last build (generator/uptodate.py): when
    nothing it depends on changed since, the next build does nothing. Empty: always build."""

    cache_folder = c.Type(str, default=".papersite/cache")
    """Where builds keep disposable caches of their intermediate results (generator/cache.py), so
    that a build after a small change redoes little. Safe to delete; empty: keep none."""

    listing_page_size = c.Type(int, default=200)
    """How many entries one page of a listing holds at most (a topic's papers, All papers; in the
    authors directory, paper links); a longer listing is split into pages linked to each other,
    ending where the content says (pagination.py: about 60% of this on average)."""

    build_workers = c.Type(int, default=0)
    """How many processes render the paper pages (render.py) and convert and build the generated pages
    during a build (generator/prerender.py): 0 is one per core; 1 does it all in the build's process,
    in MkDocs' own loops. The site is the same either way."""

    def validate(self):  # type: ignore[override]
        failed, warnings = super().validate()
        if isinstance(self.get("related_count"), int) and not 0 <= self["related_count"] <= 50:
            failed.append(("related_count", base.ValidationError("must be between 0 and 50")))
        if isinstance(self.get("home_page"), str) and (problem := home_page_problem(self["home_page"])):
            failed.append(("home_page", base.ValidationError(problem)))
        if isinstance(self.get("topic_count"), int) and not 0 <= self["topic_count"] <= 200:
            failed.append(("topic_count", base.ValidationError("must be between 0 (automatic) and 200")))
        share = self.get("topic_refit_share")
        if isinstance(share, bool) or (isinstance(share, (int, float)) and not 0 <= share <= 1):
            failed.append(("topic_refit_share", base.ValidationError("must be a share between 0 and 1, such as 0.2")))
        if isinstance(self.get("listing_page_size"), int) and not 10 <= self["listing_page_size"] <= 10_000:
            failed.append(("listing_page_size", base.ValidationError("must be between 10 and 10000")))
        if isinstance(self.get("build_workers"), int) and not 0 <= self["build_workers"] <= 64:
            failed.append(("build_workers", base.ValidationError("must be between 0 (one per core) and 64")))
        return failed, warnings


RESERVED_PAGES = frozenset({paths.TAGS_PAGE, paths.NEW_PAGE})


def home_page_problem(name: str) -> str:
    """Why name cannot be the generated home page, or "" when it can."""
    if not name.endswith(".md") or "/" in name or "\\" in name or name.startswith("."):
        return f"must be a .md file name at the top of the docs folder, such as overview.md, not {name!r}"
    if name.casefold() in RESERVED_PAGES:
        return f"{name!r} is another generated page"
    return ""


# The grouping method each kind of vectors works best with on the example collection (bench/topics.py).
AUTO_METHOD = {"tfidf": "nmf", "semantic": "kmeans"}


@dataclass(frozen=True)
class Settings:
    """The plugin's options, validated, with relative paths resolved: what the stages read.

    topic_method is never "auto" (it is resolved by topic_vectors); topic_count 0 means automatic;
    topic_state, embedding_cache, digest_folder, build_record and cache_folder are None only when nothing is to be kept between
    runs (tests).
    """

    sources: tuple[SourceSpec, ...]
    related_count: int
    papers_json: bool
    strict: bool
    home_page: str
    topics_file: Path | None
    topic_state: Path | None
    topic_vectors: str
    topic_method: str
    topic_count: int
    topic_refit_share: float
    embedding_cache: Path | None
    topic_map: bool
    digest_folder: Path | None
    build_record: Path | None
    cache_folder: Path | None
    listing_page_size: int
    build_workers: int

    @property
    def topic_model(self) -> Path | None:
        """The model fitted with the topics (topics/fitted.py), kept beside the topic state."""
        return self.topic_state.with_name(f"{self.topic_state.stem}-model.npz") if self.topic_state else None

    def cache_file(self, name: str) -> Path | None:
        """The file of the cache `name` in the cache folder (generator/cache.py), or None: no caches kept."""
        return self.cache_folder / name if self.cache_folder else None


def settings_from(config: PapersiteConfig, base_dir: Path) -> Settings:
    """The one frozen value of the options; relative paths are taken from base_dir (the folder of mkdocs.yml)."""
    method = config.topic_method
    return Settings(
        sources=tuple(resolve_sources(config.sources, base_dir)),
        related_count=config.related_count,
        papers_json=config.papers_json,
        strict=config.strict,
        home_page=config.home_page,
        topics_file=base_dir / config.topics_file if config.topics_file else None,
        topic_state=base_dir / config.topic_state if config.topic_state else None,
        topic_vectors=config.topic_vectors,
        topic_method=AUTO_METHOD[config.topic_vectors] if method == "auto" else method,
        topic_count=config.topic_count,
        topic_refit_share=float(config.topic_refit_share),
        embedding_cache=base_dir / config.embedding_cache if config.embedding_cache else None,
        topic_map=config.topic_map,
        digest_folder=base_dir / config.digest_folder if config.digest_folder else None,
        build_record=base_dir / config.build_record if config.build_record else None,
        cache_folder=base_dir / config.cache_folder if config.cache_folder else None,
        listing_page_size=config.listing_page_size,
        build_workers=config.build_workers,
    )


def settings_for(base_dir: Path = Path("."), **options: Any) -> Settings:
    """Settings from plugin options as mkdocs.yml would give them, defaults for the rest (tests and
    benches); unless given, no topic state, embedding cache or digest is kept."""
    config = PapersiteConfig()
    config.load_dict(options)
    failed, _ = config.validate()
    if failed:
        raise ValueError("; ".join(f"{key}: {err}" for key, err in failed))
    settings = settings_from(config, base_dir)
    return replace(
        settings,
        topic_state=settings.topic_state if "topic_state" in options else None,
        embedding_cache=settings.embedding_cache if "embedding_cache" in options else None,
        digest_folder=settings.digest_folder if "digest_folder" in options else None,
        build_record=settings.build_record if "build_record" in options else None,
        cache_folder=settings.cache_folder if "cache_folder" in options else None,
    )


def project_folder(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml: relative paths in the plugin's options start there."""
    return Path(config.config_file_path or "mkdocs.yml").resolve().parent


def resolve_sources(specs: list[SourceSpec], base_dir: Path) -> list[SourceSpec]:
    """Sources with relative paths made absolute against base_dir (the folder of mkdocs.yml)."""
    return [SourceSpec(base_dir / s.path if not s.path.is_absolute() else s.path, s.format) for s in specs]
