"""MkDocs' list of the docs folder's files, made once and handed out again: in `papersite serve`
(KeptFiles, in memory) and from one `papersite build` to the next (SavedFiles, in the cache folder).

Every rebuild of MkDocs' server lists the docs folder (`get_files`: a walk, a `File` and the
exclusion patterns for each of its 10,000 and more pages) although an edit changes a page or two and
adds or removes a file rarely. While papersite's DocsWatcher runs, `KeptFiles.get_files` makes each
rebuild's list from the last one made (each `File` as get_files left it, copied afresh: a build
changes its files) when no file was added or removed since, by the watcher's notifications, and
the options get_files reads are the same; otherwise (a file added or removed, notifications lost,
other options) it lists the folder as MkDocs does. A File holds only its path, the options and what
it derives from them, so the copies are what get_files would make.

`papersite build` (SavedFiles) keeps the list get_files made in the cache folder, with the names it
was made of, under a key of the options get_files reads. The next build takes it (copies of the
Files) when the docs folder holds exactly those names: the listing of the folder taken at the
build's start (uptodate.py's walk), with what generate wrote or removed since (cli._build_site).
get_files makes each File from its name and the options alone, in an order that depends on the
names only, so the list is the one it would make; with names added or removed, the saved Files of
the others and new Files of the new names, in that order (_updated). Not taken when a name is a symbolic link (MkDocs
follows them), when a plugin papersite does not know might write into the docs folder, or when
get_files left a name out (an index.md beside a README.md: its warning is MkDocs' to give).

The lists both hand out (ThemeListedFiles) add the theme's files (`add_files_from_theme`: the assets of
Material's folder, 14,000 and more files walked and matched against MkDocs' patterns every build)
with the names of an installed theme's folder (Material's, MkDocs' own) as the last build listed
them, kept in the cache folder (THEME_FILES_CACHE): its files are those of its version, which is in
every cache's key. The other folders of the theme (custom_dir, papersite's overrides) are listed
every build; MkDocs' own method does the rest (its filter, which folder a file is taken from).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import material
import mkdocs
from jinja2 import FileSystemLoader
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, set_exclusions

from . import cache
from .uptodate import digest_json
from .watch import DocsWatcher

READER = "kept files"  # this module's reading of the DocsWatcher's changes


class KeptFiles:
    """The files of the last listing (each as get_files made it), and what it was made with."""

    def __init__(self, watcher: DocsWatcher, make: Any, theme_cache: Path | None = None) -> None:
        self.watcher = watcher
        self.make = make  # MkDocs' get_files
        self.theme_cache = theme_cache  # THEME_FILES_CACHE in the cache folder (ThemeListedFiles)
        self.options: tuple[Any, ...] | None = None
        self.files: list[dict[str, Any]] = []  # each File's attributes, as get_files made them
        self.names: set[str] = set()
        self.folders: set[str] = set()  # every folder holding one of the names
        self.reused = 0  # how many listings were made from the kept one (tests, the log)

    def get_files(self, config: MkDocsConfig) -> Files:
        if os.path.abspath(config.docs_dir) != str(self.watcher.folder):  # another site's build
            return self.make(config)
        changed = self.watcher.take_changed(READER)  # first: the changes from now on are after the listing
        options = listing_options(config)
        if changed is not None and options == self.options and not self.listing_changed(config, changed):
            self.reused += 1
            return ThemeListedFiles.made([_copy(attributes) for attributes in self.files], self.theme_cache)
        files = self.make(config)
        self.options = options
        self.files = [dict(vars(file)) for file in files]
        self.names = {file.src_uri for file in files}
        self.folders = _folders(self.names)
        return ThemeListedFiles.made(files, self.theme_cache)

    def listing_changed(self, config: MkDocsConfig, changed: set[str]) -> bool:
        """Whether the docs folder holds other files than the kept listing, judged by the paths
        changed since it was made (a folder made, moved or removed: the files under it)."""
        docs = config.docs_dir
        for path in changed:
            full = os.path.join(docs, path)
            if os.path.isfile(full):
                if path not in self.names:
                    return True
            elif os.path.isdir(full):
                if _listing_under(docs, full) != {name for name in self.names if name.startswith(path + "/")}:
                    return True
            elif path in self.names or path in self.folders:
                return True
        return False


FILES_CACHE = "docs-files"  # SavedFiles' cache in the cache folder


class SavedFiles:
    """`papersite build`: the list the last build's get_files made (cache folder, FILES_CACHE), handed out
    again while the docs folder holds the same names."""

    def __init__(
        self, cache_file: Path | None, theme_cache: Path | None, names: Callable[[], set[str] | None], make: Any
    ) -> None:
        self.cache_file = cache_file
        self.theme_cache = theme_cache  # THEME_FILES_CACHE in the cache folder (ThemeListedFiles)
        self.names = names  # the docs folder's names as get_files would find them, or None (unknown)
        self.make = make  # MkDocs' get_files
        self.reused = False  # whether the last get_files took the saved list as it was (tests, bench)
        self.updated = False  # whether it took it with the files added or removed since (tests)

    def get_files(self, config: MkDocsConfig) -> Files:
        key = saved_files_key(config)
        names = self.names()
        saved = cache.load(self.cache_file, key) if names is not None else None
        self.reused = saved is not None and saved[0] == names
        self.updated = False
        if self.reused:
            return ThemeListedFiles.made([_copy(attributes) for attributes in saved[1]], self.theme_cache)
        files = _updated(config, saved[1], names) if saved is not None and names is not None else None
        self.updated = files is not None
        if files is None:
            files = list(self.make(config))
        attributes = [dict(vars(file)) for file in files]
        if names is not None and {a["src_uri"] for a in attributes} == names:  # none left out
            cache.save(self.cache_file, key, (frozenset(names), attributes))
        return ThemeListedFiles.made(files, self.theme_cache)


def _updated(config: MkDocsConfig, saved: list[dict[str, Any]], names: set[str]) -> list[File] | None:
    """get_files' list for names from a list it made for other names (a page added or removed): the
    Files of the names still there, a File made as get_files makes it for each new name, in
    get_files' order (_walk_order). None when two files would have
    the same destination (README.md beside index.md): get_files decides which, and warns."""
    kept = [_copy(attributes) for attributes in saved if attributes["src_uri"] in names]
    new = sorted(names - {file.src_uri for file in kept})
    made = [File(name, config["docs_dir"], config["site_dir"], config["use_directory_urls"]) for name in new]
    set_exclusions(made, config)
    files = sorted(kept + made, key=_walk_order)
    if len({file.dest_uri for file in files}) != len(files):
        return None
    return files


THEME_FILES_CACHE = "theme-files"  # the names of the installed themes' folders, in the cache folder


class ThemeListedFiles(Files):
    """Files whose theme files are added with the names of the installed themes' folders kept in the
    cache folder (theme_cache), not walked again."""

    theme_cache: Path | None = None

    @classmethod
    def made(cls, files: Iterable[File], theme_cache: Path | None) -> ThemeListedFiles:
        listed = cls(files)
        listed.theme_cache = theme_cache
        return listed

    def add_files_from_theme(self, env: Any, config: MkDocsConfig) -> None:
        super().add_files_from_theme(_ThemeListing(env, config, self.theme_cache), config)


class _ThemeListing:
    """The theme's Jinja environment as add_files_from_theme reads it (list_templates only), listing an
    installed theme's folder from the cache. The filter is MkDocs' own, the same for every name: its
    inputs (the static templates; MkDocs' patterns, of its version) are in the key."""

    def __init__(self, env: Any, config: MkDocsConfig, cache_file: Path | None) -> None:
        self.env, self.config, self.cache_file = env, config, cache_file

    def list_templates(self, extensions: Any = None, filter_func: Any = None) -> list[str]:
        loader = self.env.loader
        folders = [os.fspath(folder) for folder in self.config.theme.dirs]
        if self.cache_file is None or extensions is not None or filter_func is None or not _plain_loader(loader, folders):
            return self.env.list_templates(extensions, filter_func)
        installed = [folder for folder in folders if _installed_theme(folder)]
        key = f"{THEME_FILES_CACHE}:" + digest_json([installed, sorted(self.config.theme.static_templates)])
        saved = cache.load(self.cache_file, key)
        if saved is None:
            saved = {folder: [n for n in FileSystemLoader([folder]).list_templates() if filter_func(n)] for folder in installed}
            cache.save(self.cache_file, key, saved)
        found = {name for folder in installed for name in saved[folder]}
        for folder in folders:
            if folder not in saved:
                found.update(name for name in FileSystemLoader([folder]).list_templates() if filter_func(name))
        return sorted(found)


def _walk_order(file: File) -> tuple[list[str], bool, str]:
    """get_files' order, from the path alone: os.walk's (a folder's files, then its folders, each
    sorted), a folder's index.md or README.md first (as MkDocs' file_sort_key, which reads `name`)."""
    *folders, name = file.src_uri.split("/")
    return folders, os.path.splitext(name)[0] not in ("index", "README"), name


def _plain_loader(loader: Any, folders: list[str]) -> bool:
    """Whether loader lists exactly the theme's folders, as MkDocs' theme makes it (links not followed)."""
    return type(loader) is FileSystemLoader and list(loader.searchpath) == folders and not loader.followlinks


def _installed_theme(folder: str) -> bool:
    """Whether folder belongs to the installed Material or MkDocs (whose versions are in every cache's key)."""
    resolved = Path(folder).resolve()
    return any(resolved.is_relative_to(Path(package.__file__).parent.resolve()) for package in (material, mkdocs))


def saved_files_key(config: MkDocsConfig) -> str:
    """The cache key of SavedFiles: the options get_files reads, its exclusion patterns by what they match."""
    docs_dir, site_dir, directory_urls, *patterns = listing_options(config)
    return f"{FILES_CACHE}:" + digest_json(
        [docs_dir, site_dir, directory_urls, metadata.version("pathspec"), [_spec_patterns(spec) for spec in patterns]]
    )


def _spec_patterns(spec: Any) -> Any:
    """A pathspec's patterns (each: include or exclude, and its regular expression), or None."""
    if spec is None:
        return None
    return [type(spec).__qualname__] + [
        [type(p).__qualname__, p.include, getattr(p.regex, "pattern", None)] for p in spec.patterns
    ]


def listing_options(config: MkDocsConfig) -> tuple[Any, ...]:
    """What get_files reads of the config (the exclusion patterns are pathspec objects, equal when their patterns are)."""
    return (
        config["docs_dir"],
        config["site_dir"],
        config["use_directory_urls"],
        config.get("exclude_docs"),
        config.get("draft_docs"),
        config.get("not_in_nav"),
    )


def _copy(attributes: dict[str, Any]) -> File:
    file = File.__new__(File)
    file.__dict__.update(attributes)
    return file


def _listing_under(docs: str, folder: str) -> set[str]:
    return {
        os.path.relpath(os.path.join(found, name), docs).replace(os.sep, "/")
        for found, _, names in os.walk(folder, followlinks=True)
        for name in names
    }


def _folders(names: set[str]) -> set[str]:
    """Every folder holding one of the names (paths with "/")."""
    folders = set()
    for name in names:
        parts = name.split("/")[:-1]
        folders.update("/".join(parts[: n + 1]) for n in range(len(parts)))
    return folders


@contextlib.contextmanager
def listing_with(get_files: Callable[[MkDocsConfig], Files]) -> Iterator[None]:
    """MkDocs' builds list the docs folder with get_files (a kept list's) while the block runs."""
    before = mkdocs_build.get_files
    mkdocs_build.get_files = get_files
    try:
        yield
    finally:
        mkdocs_build.get_files = before
