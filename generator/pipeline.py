"""The whole pipeline: read -> normalise -> catalog -> enrich -> render -> write.

Everything is read and enriched in memory before the first file is written, so bad input never
leaves a half-written site.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import cache, changes, compiled_templates, progress, slugs
from .authors import AuthorNames
from .catalog import assign_slugs
from .changes import PaperKey, paper_keys
from .config import Settings, SourceSpec
from .errors import InputError, Problem, ProblemKind
from .merge import merge_same_works
from .model import Catalog, Paper
from .read_cache import NormalisedReads
from .readers import read_sources
from .render import PageCache, PaperStates, render_site
from .write import WriteReport, write_if_changed, write_pages

log = logging.getLogger("mkdocs.plugins.papersite")
PAGES_CACHE = "rendered-pages"  # render.PageCache: the text of paper and listing pages by a digest of their inputs
SLUGS_CACHE = "slugs.pickle"  # the slug bases and sort keys of the last build's names (slugs.remember)
AUTHOR_NAMES = "author-names"  # authors.AuthorNames: the keys, anchors' slugs and A-to-Z keys of authors' names
PAPER_STATES = "paper-states"  # render.PaperStates: what the paper pages' inputs were made of, with their digests
PAGES_CACHE_PARTS = 32  # files it is kept in (rendered-pages-00...): a build saves only the parts holding changed pages


def collect(settings: Settings) -> Catalog:
    """Read every source of the settings and build the enriched catalog. Raises InputError listing every problem."""
    remember_slugs(settings)
    papers, keys = read_checked_keyed(settings)
    from .enrich import enrich  # scikit-learn takes a second to import; a build with nothing to do never needs it

    started = time.perf_counter()
    with progress.stage("enrich"):
        slugged = assign_slugs(papers)
        catalog = enrich(slugged, settings)
    log.info("papersite: found %d topics and related papers in %.2fs", len(catalog.topics), _since(started))
    return replace(catalog, paper_keys={paper.slug: key for paper, key in zip(slugged, keys)})


def read_checked(settings: Settings) -> list[Paper]:
    """Read every source of the settings, log the warnings, and return the papers; raises InputError
    listing every problem when one is fatal (or fails --strict), or when no source is given."""
    return read_checked_keyed(settings)[0]


def read_checked_keyed(settings: Settings) -> tuple[list[Paper], list[PaperKey | None]]:
    """read_checked, and each paper's key (changes.paper_keys)."""
    sources = settings.sources
    if not sources:
        raise InputError([Problem("mkdocs.yml", 0, "no paper lists given: add `sources:` to the papersite plugin")])
    started = time.perf_counter()
    with progress.stage("read"):
        papers, problems, keys = read_all_keyed(sources, settings.cache_folder)
    if any(p.fatal or (settings.strict and p.fails_strict) for p in problems):
        raise InputError(problems)
    report_warnings(problems)
    log.info("papersite: read %d papers from %d file(s) in %.2fs", len(papers), len(sources), _since(started))
    return papers, keys


def read_all(sources: Sequence[SourceSpec], cache_folder: Path | None = None) -> tuple[list[Paper], list[Problem]]:
    """Read and normalise every source and merge records of the same work; problems are returned, not raised.
    With a cache_folder, files read and records normalised before are reused (generator/read_cache.py): same result."""
    papers, problems, _ = read_all_keyed(sources, cache_folder)
    return papers, problems


def read_all_keyed(
    sources: Sequence[SourceSpec], cache_folder: Path | None = None
) -> tuple[list[Paper], list[Problem], list[PaperKey | None]]:
    """read_all, and each paper's key (changes.paper_keys)."""
    reads = NormalisedReads(cache_folder)
    read, problems = read_sources([(s.path, s.format) for s in sources], reads.read)
    reads.save()
    papers, merged = merge_same_works(read)
    keys = paper_keys(read, reads.record_keys, papers)
    problems += merged
    if not papers and not any(p.fatal for p in problems):
        problems.append(Problem(str(sources[0].path), 0, "no papers found" + (" (every entry was skipped)" if problems else "")))
    return papers, problems, keys


@dataclass(frozen=True)
class ReadSummary:
    """What reading the sources came to: records read, records merged into others, entries skipped."""

    papers: int
    merged: int
    skipped: int
    warnings: int

    def line(self, files: int) -> str:
        records = self.papers + self.merged
        text = f"{records} records read from {files} file(s): {self.papers} papers, {self.merged} merged, {self.skipped} skipped"
        return text + (f", {self.warnings} other warning(s)" if self.warnings else "")


def summarise(papers: Sequence[Paper], problems: Sequence[Problem]) -> ReadSummary:
    skipped = sum(p.fatal or p.kind == ProblemKind.SKIPPED for p in problems)
    merged = sum(p.kind in (ProblemKind.MERGED, ProblemKind.DUPLICATE) for p in problems)
    return ReadSummary(len(papers), merged, skipped, len(problems) - skipped - merged)


def generate(
    catalog: Catalog,
    settings: Settings,
    docs_dir: Path,
    site_name: str,
    *,
    directory_urls: bool = False,
    workers: int = 1,
    page_digests: dict[str, str] | None = None,
) -> WriteReport:
    """Render the catalog (the paper pages in `workers` forked processes), bring the generated pages in
    docs_dir up to date, and keep the topic state. `page_digests`, when given, is filled with the
    digest of each paper and listing page's inputs by path (render.PageCache.current)."""
    with progress.stage("render"):
        keys_file = settings.cache_file(changes.CATALOG_KEYS)
        states_file = settings.cache_file(PAPER_STATES)
        catalog_changes = (
            changes.catalog_changes(changes.load_keys(keys_file), catalog.paper_keys) if catalog.paper_keys else None
        )
        known = PaperStates.from_data(cache.load(states_file, PAPER_STATES)) if catalog_changes is not None else None
        page_cache = PageCache(load_rendered_pages(settings.cache_folder), changes=catalog_changes, known=known)
        compiled = compiled_templates.in_cache_folder(settings.cache_folder, compiled_templates.PAGE_TEMPLATES)
        names_file = settings.cache_file(AUTHOR_NAMES)
        author_names = AuthorNames(cache.load(names_file, author_names_key()))
        pages = render_site(
            catalog,
            site_name,
            settings.home_page,
            directory_urls=directory_urls,
            page_size=settings.listing_page_size,
            workers=workers,
            page_cache=page_cache,
            compiled=compiled,
            author_names=author_names,
        )
        compiled.save()
        if author_names.changed():
            cache.save(names_file, author_names_key(), author_names.used)
        save_rendered_pages(settings.cache_folder, page_cache.current, page_cache.changed())
        if page_digests is not None:
            page_digests.update((path, digest) for path, (digest, _) in page_cache.current.items())
    with progress.stage("write"):
        report = write_pages(pages, docs_dir)
        if catalog_changes is not None:  # kept once the pages are written: the next build's changes are from these
            changes.save_keys(keys_file, catalog_changes, catalog.paper_keys)
            if page_cache.states is not None and page_cache.states != known:
                cache.save(states_file, PAPER_STATES, page_cache.states.as_data())
    log.info("papersite: pages in %s: %s", docs_dir, report.summary())
    save_topic_state(settings, catalog.automatic_topics, catalog.topic_model)
    keep_slugs(settings)
    if settings.cache_folder is not None:
        cache.remove_retired(settings.cache_folder)
    return report


_remembered_slugs: dict[Path, tuple[dict[str, str], dict[str, str]]] = {}  # cache file -> what it held


def remember_slugs(settings: Settings) -> None:
    """Take the slug bases and sort keys the last build kept (SLUGS_CACHE) as made (slugs.remember)."""
    path = settings.cache_file(SLUGS_CACHE)
    kept = cache.load(path, slugs.memo_key()) or ({}, {})
    slugs.remember(kept)
    if path is not None:
        _remembered_slugs[path] = kept


def keep_slugs(settings: Settings) -> None:
    """Keep the slug bases and sort keys of the names this build used, when they differ from those kept."""
    path = settings.cache_file(SLUGS_CACHE)
    if path is not None and path in _remembered_slugs:
        made = slugs.made()
        if made != _remembered_slugs.pop(path):
            cache.save(path, slugs.memo_key(), made)


def author_names_key() -> str:
    """The key of the author names' cache: the slug library's versions (papersite's code is in every key)."""
    return f"{AUTHOR_NAMES}:{slugs.memo_key()}"


def pages_cache_part(path: str) -> int:
    """Which part of the render cache holds a page (stable across runs, unlike hash())."""
    return zlib.crc32(path.encode("utf-8")) % PAGES_CACHE_PARTS


def _pages_cache_file(folder: Path, part: int) -> Path:
    return folder / f"{PAGES_CACHE}-{part:02}"


def load_rendered_pages(folder: Path | None) -> dict[str, tuple[str, str]]:
    """The render cache (every part that loads: a missing or damaged part only costs its pages' rendering)."""
    pages: dict[str, tuple[str, str]] = {}
    if folder is None:
        return pages
    (folder / PAGES_CACHE).unlink(missing_ok=True)  # the one-file cache of papersite before the parts (~55 MB at 10,000 papers)
    for part in range(PAGES_CACHE_PARTS):
        pages.update(cache.load(_pages_cache_file(folder, part), PAGES_CACHE) or {})
    return pages


def save_rendered_pages(folder: Path | None, pages: dict[str, tuple[str, str]], changed: set[str]) -> None:
    """Save the parts of the render cache that hold a changed page; the others already hold what they would."""
    if folder is None or not changed:
        return
    touched = {pages_cache_part(path) for path in changed}
    parts: dict[int, dict[str, tuple[str, str]]] = {part: {} for part in touched}
    for path, entry in pages.items():
        part = pages_cache_part(path)
        if part in parts:
            parts[part][path] = entry
    cache.save_all([(_pages_cache_file(folder, part), PAGES_CACHE, entries) for part, entries in sorted(parts.items())])


def save_topic_state(settings: Settings, automatic_topics, topic_model: bytes) -> bool:
    """Keep the automatic topics (the state file) and the fitted model beside it; whether either changed."""
    from .topics.state import state_text  # the topics package imports scikit-learn (see collect)

    if settings.topic_state is None:
        return False
    saved = write_if_changed(settings.topic_state, state_text(automatic_topics))
    if topic_model and settings.topic_model:
        saved = write_if_changed(settings.topic_model, topic_model) or saved
    if saved:
        log.info("papersite: topic state saved to %s", settings.topic_state)
    return saved


def holds_topic_state(settings: Settings, catalog: Catalog) -> bool:
    """Whether the topic state file and the model beside it hold what generate saves for this catalog."""
    from .topics.state import state_text  # the topics package imports scikit-learn (see collect)

    if settings.topic_state is None:
        return False
    try:
        if settings.topic_state.read_text(encoding="utf-8") != state_text(catalog.automatic_topics):
            return False
        return not catalog.topic_model or settings.topic_model is None or settings.topic_model.read_bytes() == catalog.topic_model
    except (OSError, UnicodeDecodeError):
        return False


def warning_lines(problems: Sequence[Problem], shown_per_kind: int = 5, *, merges: bool = False) -> list[str]:
    """The warnings to show: the first few of each kind, then one line per kind with the count of
    the rest. Merge notes are left out (a build counts them) unless merges is set (check lists them)."""
    seen: Counter[ProblemKind] = Counter()
    lines = []
    for problem in problems:
        if problem.kind == ProblemKind.MERGED and not merges:
            continue
        seen[problem.kind] += 1
        if seen[problem.kind] <= shown_per_kind:
            lines.append(str(problem))
    lines += [
        f"... and {count - shown_per_kind} more warning(s) of the kind {kind.value!r}"
        for kind, count in seen.items()
        if count > shown_per_kind
    ]
    return lines


def report_warnings(problems: Sequence[Problem], shown_per_kind: int = 5) -> None:
    """Log the merges as one note and the warnings summarised by kind (warning_lines)."""
    merges = sum(p.kind == ProblemKind.MERGED for p in problems)
    if merges:
        log.info("papersite: %d record(s) merged with a record of the same work in another file", merges)
    for line in warning_lines(problems, shown_per_kind):
        log.warning("%s", line)


def _since(started: float) -> float:
    return time.perf_counter() - started
