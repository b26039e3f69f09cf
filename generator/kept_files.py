"""`papersite serve`: MkDocs' list of the docs folder's files, made once and handed out again.

Every rebuild of MkDocs' server lists the docs folder (`get_files`: a walk, a `File` and the
exclusion patterns for each of its 10,000 and more pages) although an edit changes a page or two and
adds or removes a file rarely. While papersite's DocsWatcher runs, `KeptFiles.get_files` makes each
rebuild's list from the last one made (each `File` as get_files left it, copied afresh: a build
changes its files) when no file was added or removed since, by the watcher's notifications, and
the options get_files reads are the same; otherwise (a file added or removed, notifications lost,
other options) it lists the folder as MkDocs does. A File holds only its path, the options and what
it derives from them, so the copies are what get_files would make.
"""

from __future__ import annotations

import os
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from .watch import DocsWatcher

READER = "kept files"  # this module's reading of the DocsWatcher's changes


class KeptFiles:
    """The files of the last listing (each as get_files made it), and what it was made with."""

    def __init__(self, watcher: DocsWatcher, make: Any) -> None:
        self.watcher = watcher
        self.make = make  # MkDocs' get_files
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
            return Files([_copy(attributes) for attributes in self.files])
        files = self.make(config)
        self.options = options
        self.files = [dict(vars(file)) for file in files]
        self.names = {file.src_uri for file in files}
        self.folders = _folders(self.names)
        return files

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
