"""Nothing changed, nothing done: the fingerprint of everything a build reads and writes.

After a build, `papersite build` saves a fingerprint of the state it left (option `build_record`,
.papersite/build.json). The next `papersite build` computes the fingerprint of the state it finds;
when it equals the saved one, the site is what a build would write, and nothing is done.

What the fingerprint covers, and why that is enough:
- the versions of papersite, MkDocs, Material and Python, and the content of the installed
  papersite package (generator/ and its templates: an editable install changes without a version);
- the loaded configuration (every MkDocs setting and every plugin's options, command-line
  overrides included) and the day of the build (the New page and the digest depend on it);
- the content of the paper lists, the topics file and the topic state with its fitted model (which a build may rewrite);
- the name, size and modification time of every file in the docs folder (hand-written pages and
  the generated ones), the theme's custom_dir, the digest folder and the site folder.
A build's output depends on nothing else; anything that changes one of them makes the fingerprint
differ, and a full build runs. A damaged or missing record is a difference, never an error.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import stat
from collections.abc import Iterable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from .config import Settings
from .identifiers import today
from .write import atomic_write

DISTRIBUTIONS = ("papersite", "mkdocs", "mkdocs-material")
Fingerprint = dict[str, str]
Stats = list[tuple[str, os.stat_result]]  # file_stats: every file under a folder with its stat


def fingerprint(
    config: MkDocsConfig, settings: Settings, site_stats: Stats | None = None, docs_stats: Stats | None = None
) -> Fingerprint:
    """The fingerprint of the build this config (as loaded, before any plugin changes it) would
    run now, one digest per part (site_stats, docs_stats: `file_stats` of the site and docs folders,
    when taken already)."""
    return {**build_parts(config, settings), **folder_parts(config, settings, site_stats, docs_stats)}


def build_parts(config: MkDocsConfig, settings: Settings) -> Fingerprint:
    """What the build is asked to do: versions, code, configuration, day, input files."""
    return {
        **code_parts(),
        "config": digest_json([plain_config(config), _file_text(config.config_file_path)]),
        "day": today().isoformat(),
        "inputs": inputs_digest(settings),
    }


def code_parts() -> Fingerprint:
    """What papersite is: the versions it runs on (papersite, MkDocs, Material, Python) and the
    content of its package (an editable install changes without a version)."""
    return {
        "versions": digest_json([_version(name) for name in DISTRIBUTIONS] + [platform.python_version()]),
        "package": tree_digest(_package_folders(), content=True),
    }


def _topic_state_files(settings: Settings) -> list[Path]:
    return [settings.topic_state, settings.topic_model] if settings.topic_state and settings.topic_model else []


def folder_parts(
    config: MkDocsConfig, settings: Settings, site_stats: Stats | None = None, docs_stats: Stats | None = None
) -> Fingerprint:
    """What lies on disk and a build rewrites: the topic state, the docs, digest and site folders
    (and the theme's custom_dir). site_stats, docs_stats: `file_stats` of the site folder and
    `docs_listing` of the docs folder, when taken already (incremental.py lists the site too, and
    after a build the docs folder's listing is the one before with generate's writes: a large
    site's folders are walked once)."""
    site, docs = Path(config.site_dir), Path(config.docs_dir)
    return {
        "topic state": _content_digest(_topic_state_files(settings)),
        "docs": tree_digest([docs], stats={docs: docs_listing(docs) if docs_stats is None else docs_stats}),
        "theme": tree_digest([Path(config.theme.custom_dir)] if config.theme.custom_dir else []),
        "digests": tree_digest([settings.digest_folder] if settings.digest_folder else []),
        "site": tree_digest([site], stats={site: site_stats} if site_stats is not None else None),
    }


def inputs_digest(settings: Settings) -> str:
    """The content of what the pipeline reads and never writes: the paper lists and the topics file."""
    return _content_digest(
        [source.path for source in settings.sources] + ([settings.topics_file] if settings.topics_file else [])
    )


def _content_digest(paths: list[Path]) -> str:
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(f"{path}\0".encode())
        try:
            hasher.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            hasher.update(b"missing")
    return hasher.hexdigest()


def is_up_to_date(record: Path, now: Fingerprint) -> bool:
    """Whether the build that saved record left exactly the state now describes."""
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return saved == now


def save(record: Path, now: Fingerprint) -> None:
    atomic_write(record, json.dumps(now, indent=1, sort_keys=True) + "\n")


def forget(record: Path) -> None:
    """Remove a record before a build: a build that fails half-way must not look up to date, nor be
    built upon (the site record of incremental.py too)."""
    record.unlink(missing_ok=True)


def plain_config(config: MkDocsConfig) -> Any:
    """The loaded configuration as plain data: every setting, the theme's, and each plugin's options."""
    plain = {key: _plain(value) for key, value in config.items() if key not in ("plugins", "theme")}
    plain["theme"] = {"dirs": list(config.theme.dirs), **{key: _plain(value) for key, value in config.theme.items()}}
    plain["plugins"] = {name: _plain(dict(plugin.config)) for name, plugin in config.plugins.items()}
    return plain


def _plain(value: Any) -> Any:
    """Plain data for JSON. Objects without a plain form are described by their type and their
    public attributes, never by repr (which may hold a memory address and differ every run)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, functools.partial):
        return {"partial": _plain(value.func), "args": _plain(value.args), "keywords": _plain(value.keywords)}
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    public = {key: item for key, item in vars(value).items() if not key.startswith("_")} if hasattr(value, "__dict__") else {}
    return {"type": f"{type(value).__module__}.{type(value).__qualname__}", **{k: _plain(v) for k, v in public.items()}}


def _file_text(path: str | None) -> str:
    """The text of mkdocs.yml as written (what the loaded config leaves implicit, such as patterns)."""
    try:
        return Path(path).read_text(encoding="utf-8") if path else ""
    except (OSError, UnicodeDecodeError):
        return ""


def tree_digest(folders: Iterable[Path], *, content: bool = False, stats: dict[Path, Stats] | None = None) -> str:
    """A digest of every file under folders: name, size and modification time (or content).
    stats: the `file_stats` of some of the folders, taken already."""
    hasher = hashlib.sha256()
    for folder in folders:
        hasher.update(f"{folder}\0".encode())
        found_stats = sorted(stats[folder] if stats and folder in stats else file_stats(folder), key=_name)
        if content:
            for name, _ in found_stats:
                hasher.update(f"{name}\0".encode(errors="surrogateescape"))
                hasher.update(hashlib.sha256((folder / name).read_bytes()).digest())
        else:  # the same bytes as one update per file, in one
            text = "".join(f"{name}\0{found.st_size}:{found.st_mtime_ns}\0" for name, found in found_stats)
            hasher.update(text.encode(errors="surrogateescape"))
    return hasher.hexdigest()


def _name(entry: tuple[str, os.stat_result]) -> str:
    return entry[0]


def docs_listing(docs: Path) -> Stats:
    """Every file of the docs folder (`file_stats`, Python's caches included: MkDocs copies them)."""
    return file_stats(docs, python_caches=True)


def restat(folder: Path, stats: Stats, names: Iterable[str]) -> Stats:
    """The `file_stats` of folder taken before some of its files (names) were written, made or
    removed, as it is now: those files looked at again, the others as they were."""
    again = set(names)
    now = [(name, found) for name, found in stats if name not in again]
    for name in sorted(again):
        try:
            found = os.lstat(os.path.join(folder, name))
        except OSError:
            continue
        if not stat.S_ISDIR(found.st_mode):
            now.append((name, found))
    return now


def file_stats(folder: Path, *, python_caches: bool = False) -> Stats:
    """Every file under folder (its path from folder, POSIX) with its stat, symbolic links not
    followed, Python's caches left out (unless python_caches). os.scandir: the folders of a large
    site are walked in a fraction of the time Path objects take."""
    found = []
    pending = [(os.fspath(folder), "")]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if python_caches or entry.name != "__pycache__":
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
            elif python_caches or not entry.name.endswith(".pyc"):
                found.append((prefix + entry.name, entry.stat(follow_symlinks=False)))
    return found


def _package_folders() -> list[Path]:
    folders = [Path(str(resources.files("generator"))), Path(str(resources.files("generator.templates")))]
    return list(dict.fromkeys(folders))


def _version(distribution: str) -> str:
    try:
        return f"{distribution} {metadata.version(distribution)}"
    except metadata.PackageNotFoundError:
        return f"{distribution} none"


def digest_json(data: Any) -> str:
    """sha256 of data as canonical JSON (keys sorted; what JSON cannot hold, as text)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode("utf-8")).hexdigest()
