"""Write rendered pages into the docs folder: atomically, only what changed, never a hand-written file.

A manifest (`.papersite-manifest.json` in the docs folder; MkDocs skips dotfiles) records every file
the generator wrote and the hash of what it wrote. A file that exists but is not in the manifest
is hand-written: the generator refuses to replace it. Pages the generator wrote earlier and no
longer renders are removed, unless someone edited them since.

A run can be killed at any moment and the next run still knows what is whose:

* Before a page is replaced, the hash it will have is appended to a journal
  (`.papersite-journal` in the docs folder). The manifest is rewritten only at the end. A run that
  finds a journal first claims every journaled page whose file now has the journaled hash (it was
  put in place), then carries on; a page that still has its old content still matches the manifest.
* Temporary files live in one folder (`.papersite-tmp` beside what is written, the docs folder for
  pages) and carry the writer's pid; every write first removes the ones whose process is gone.
* One run at a time writes into a docs folder: a lock file beside it (`.papersite.lock`, outside the
  docs folder so `mkdocs serve` does not see it) holds the writer's pid. A second run waits up to
  LOCK_WAIT_SECONDS, then refuses; a lock whose process is gone is taken over.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import progress
from .errors import WriteError
from .model import RenderedPage

MANIFEST_NAME = ".papersite-manifest.json"
JOURNAL_NAME = ".papersite-journal"
TEMP_DIR_NAME = ".papersite-tmp"
LOCK_NAME = ".papersite.lock"
LOCK_WAIT_SECONDS = 30.0
# Tests only: seconds to sleep before each page is put in place, so a kill lands mid-write.
TEST_DELAY_VARIABLE = "PAPERSITE_TEST_WRITE_DELAY"
log = logging.getLogger("mkdocs.plugins.papersite")


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{len(self.written)} written, {len(self.unchanged)} unchanged, {len(self.removed)} removed"
        if self.kept_edited:
            text += f", {len(self.kept_edited)} stale but edited by hand (kept)"
        return text


def is_scratch(path: str) -> bool:
    """Whether a docs folder's path (posix, from the folder) is write's own: its journal, or in its temporary folder."""
    return path == JOURNAL_NAME or TEMP_DIR_NAME in path.split("/")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_target(root: Path, relative: str) -> Path:
    """root/relative, refusing any path that would land outside root."""
    target = (root / relative).resolve()
    if relative.startswith(("/", "\\")) or not target.is_relative_to(root.resolve()):
        raise WriteError(f"refusing to write {relative!r}: it is outside {root}")
    return target


class SafeTargets:
    """safe_target for many paths under one root without a realpath each: the root and each folder
    are resolved once, and each folder listed once. A plain path (folders and a name, none of them
    "", "." or "..") whose file is not a symlink resolves to its resolved folder joined with its name;
    anything else goes through safe_target. The same paths, refused or not, as safe_target gives."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.resolved_root = root.resolve()
        self.folders: dict[str, Path | None] = {"": self.resolved_root}  # None: resolves outside root
        self.listings: dict[str, dict[str, os.DirEntry[str]]] = {}

    def find(self, relative: str) -> tuple[Path, bool]:
        """safe_target(root, relative), and whether something is there (Path.exists)."""
        folder, _, name = relative.rpartition("/")
        if relative.startswith("/") or any(ch in relative for ch in "\\\0") or not _plain(folder, name):
            return _found(safe_target(self.root, relative))
        if folder not in self.folders:
            resolved = (self.root / folder).resolve()
            self.folders[folder] = resolved if resolved.is_relative_to(self.resolved_root) else None
        resolved_folder = self.folders[folder]
        if resolved_folder is None:
            return _found(safe_target(self.root, relative))
        entry = self._listing(folder, resolved_folder).get(name)
        target = resolved_folder / name
        if entry is None:  # not there when listed (or there in another case): the file system says
            return _found(safe_target(self.root, relative)) if target.is_symlink() else _found(target)
        return _found(safe_target(self.root, relative)) if entry.is_symlink() else (target, True)

    def _listing(self, folder: str, resolved: Path) -> dict[str, os.DirEntry[str]]:
        if folder not in self.listings:
            try:
                with os.scandir(resolved) as entries:
                    self.listings[folder] = {entry.name: entry for entry in entries}
            except OSError:
                self.listings[folder] = {}
        return self.listings[folder]


def _found(target: Path) -> tuple[Path, bool]:
    return target, target.exists()


def _plain(folder: str, name: str) -> bool:
    return name not in ("", ".", "..") and (not folder or all(part not in ("", ".", "..") for part in folder.split("/")))


def write_file(root: Path, relative: str, content: str | bytes) -> Path:
    """Write one output file (papers.json, a feed) under root: guarded by safe_target, atomic."""
    target = safe_target(root, relative)
    atomic_write(target, content)
    return target


def write_output(root: Path, relative: str, content: str | bytes) -> bool:
    """write_file, unless the file already holds exactly content: then it is left as it is (its
    modification time too). Whether it wrote."""
    target = safe_target(root, relative)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(target, data)
    return True


def write_if_changed(target: Path, content: str | bytes) -> bool:
    """Write a state file (atomically) unless it already holds content; returns whether it wrote."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return False
    atomic_write(target, content)
    return True


def write_pages(pages: Sequence[RenderedPage], docs_dir: Path) -> WriteReport:
    """Bring docs_dir in line with pages. Checks everything before the first write."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    with run_lock(docs_dir):
        temp_dir = docs_dir / TEMP_DIR_NAME
        clean_temp_dir(temp_dir)
        manifest = recover_journal(docs_dir)
        targets = _check_targets(pages, docs_dir, manifest)
        encoded = [page.text.encode("utf-8") for page in pages]
        new_manifest = {page.path: hashlib.sha256(data).hexdigest() for page, data in zip(pages, encoded)}
        report = WriteReport()
        delay = float(os.environ.get(TEST_DELAY_VARIABLE) or 0)
        with _Journal(docs_dir / JOURNAL_NAME) as journal:
            for page, data, target in progress.track(zip(pages, encoded, targets), "writing pages", len(pages)):
                if _unchanged(target, data, new_manifest[page.path], manifest.get(page.path)):
                    report.unchanged.append(page.path)
                    continue
                journal.record(page.path, new_manifest[page.path])
                if delay:
                    time.sleep(delay)
                _replace(target, data, temp_dir)
                report.written.append(page.path)
            _remove_stale(docs_dir, manifest, new_manifest, report)
            if new_manifest != manifest:
                _save_manifest(docs_dir, new_manifest)
        _remove_if_empty(temp_dir)
    return report


def recover_journal(docs_dir: Path) -> dict[str, str]:
    """The manifest, with the pages an interrupted run journaled and put in place claimed; the journal removed."""
    manifest = load_manifest(docs_dir)
    journal = docs_dir / JOURNAL_NAME
    if not journal.exists():
        return manifest
    recovered = dict(manifest)
    for path, written_digest in _journal_entries(journal):
        try:
            target = safe_target(docs_dir, path)
        except WriteError:
            continue
        if _file_digest(target) == written_digest:
            recovered[path] = written_digest
    if recovered != manifest:
        _save_manifest(docs_dir, recovered)
    journal.unlink()
    return recovered


def _journal_entries(journal: Path) -> Iterator[tuple[str, str]]:
    """(path, digest) of each complete journal line; a line cut short by a kill is ignored."""
    for line in journal.read_bytes().splitlines():
        try:
            path, written_digest = json.loads(line)
        except (ValueError, TypeError):
            continue
        if isinstance(path, str) and isinstance(written_digest, str):
            yield path, written_digest


class _Journal:
    """Append-only record of pages about to be replaced; removed once the manifest is saved."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> _Journal:
        return self

    def record(self, page_path: str, page_digest: str) -> None:
        if self.fd is None:
            self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.write(self.fd, (json.dumps([page_path, page_digest]) + "\n").encode("utf-8"))

    def __exit__(self, error_type: object, error: object, traceback: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            if error_type is None:
                self.path.unlink(missing_ok=True)


def _save_manifest(docs_dir: Path, manifest: dict[str, str]) -> None:
    data = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    _replace(docs_dir / MANIFEST_NAME, data.encode("utf-8"), docs_dir / TEMP_DIR_NAME)


def _check_targets(pages: Sequence[RenderedPage], docs_dir: Path, manifest: dict[str, str]) -> list[Path]:
    seen: dict[str, str] = {}
    targets = []
    safe = SafeTargets(docs_dir)
    for page in pages:
        target, exists = safe.find(page.path)
        key = str(target).casefold()  # two pages that differ only in case are one file on macOS/Windows
        if key in seen:
            raise WriteError(f"two generated pages would be written to the same file: {seen[key]} and {page.path}")
        seen[key] = page.path
        if exists and page.path not in manifest:
            raise WriteError(
                f"{target} is a hand-written file and papersite would overwrite it with a generated page; move or rename it"
            )
        targets.append(target)
    return targets


def _remove_stale(docs_dir: Path, old: dict[str, str], new: dict[str, str], report: WriteReport) -> None:
    for path, written_digest in sorted(old.items()):
        if path in new:
            continue
        target = safe_target(docs_dir, path)
        current = _file_digest(target)
        if current is None:
            continue
        if current == written_digest:
            target.unlink()
            report.removed.append(path)
        else:
            report.kept_edited.append(path)


def load_manifest(docs_dir: Path) -> dict[str, str]:
    path = docs_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise WriteError(f"{path}: cannot read the manifest of generated files ({err}); delete it to start over") from err
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise WriteError(f"{path}: not a papersite manifest; delete it to start over")
    return data


def _unchanged(target: Path, data: bytes, new_digest: str, written_digest: str | None) -> bool:
    """Whether target already holds data. The manifest says what papersite wrote there: when that is
    the new hash and the file still has the written size, the file is not read (at 10,000 pages,
    reading them all was most of the write step). Otherwise the file's content decides."""
    if written_digest == new_digest:
        try:
            if target.stat().st_size == len(data):
                return True
        except FileNotFoundError:
            return False
    return _file_digest(target) == new_digest


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def atomic_write(target: Path, content: str | bytes) -> None:
    """Write text (UTF-8) or bytes to target via a temporary file and a rename.

    The temporary file goes in `.papersite-tmp` beside target, which is first cleared of the
    leftovers of runs that were killed. The file gets the permissions of an ordinary new file
    (0666 less the umask), not mkstemp's 0600.
    """
    temp_dir = target.parent / TEMP_DIR_NAME
    clean_temp_dir(temp_dir)
    _replace(target, content.encode("utf-8") if isinstance(content, str) else content, temp_dir)
    _remove_if_empty(temp_dir)


def atomic_writes(contents: Sequence[tuple[Path, bytes]]) -> None:
    """atomic_write each (target, bytes), the temporary folder of each target folder cleared, made and
    removed once (removing a folder costs milliseconds on some file systems, more than a small file)."""
    folders: dict[Path, list[tuple[Path, bytes]]] = {}
    for target, data in contents:
        folders.setdefault(target.parent / TEMP_DIR_NAME, []).append((target, data))
    for temp_dir, items in folders.items():
        clean_temp_dir(temp_dir)
        try:
            for target, data in items:
                _replace(target, data, temp_dir)
        finally:
            _remove_if_empty(temp_dir)


def _replace(target: Path, data: bytes, temp_dir: Path) -> None:
    """Put data at target through a temporary file in temp_dir (same file system) and os.replace."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp_dir.mkdir(parents=True, exist_ok=True)
    tmp = temp_dir / f"{os.getpid()}.{time.monotonic_ns()}.{target.name}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as for any new file
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_temp_dir(temp_dir: Path) -> list[Path]:
    """Remove the temporary files in temp_dir whose writing process is gone; the removed paths."""
    removed = []
    try:
        entries = list(temp_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return removed
    for entry in entries:
        pid = entry.name.split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _process_alive(int(pid)):
            continue
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()
        removed.append(entry)
    _remove_if_empty(temp_dir)
    return removed


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def lock_path(docs_dir: Path) -> Path:
    return docs_dir.resolve().parent / LOCK_NAME


@contextlib.contextmanager
def run_lock(docs_dir: Path, wait: float | None = None) -> Iterator[Path]:
    """Hold the lock on docs_dir for the duration; wait for another run up to `wait` seconds, then refuse."""
    path = lock_path(docs_dir)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    waited = False
    while not _take_lock(path):
        holder = _lock_holder(path)
        if holder is None or not _process_alive(holder):  # garbage, or its process is gone
            _break_lock(path, holder)
            continue
        if not waited:
            log.info("papersite: waiting for process %d, which is writing into %s", holder, docs_dir)
            waited = True
        if time.monotonic() >= deadline:
            raise WriteError(f"{docs_dir}: another papersite run (process {holder}) is writing here; try again when it is done")
        time.sleep(0.1)
    try:
        yield path
    finally:
        if _lock_holder(path) == os.getpid():
            path.unlink(missing_ok=True)


def _take_lock(path: Path) -> bool:
    """Create the lock file holding our pid, atomically: written aside, then hard-linked into place."""
    aside = path.with_name(f"{LOCK_NAME}.{os.getpid()}.{time.monotonic_ns()}")
    aside.write_text(f"{os.getpid()}\n", encoding="ascii")
    try:
        os.link(aside, path)
        return True
    except FileExistsError:
        return False
    finally:
        aside.unlink(missing_ok=True)


def _lock_holder(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return int(text) if text.isdigit() else None


def _break_lock(path: Path, dead_holder: int | None) -> None:
    """Remove a lock whose process is gone (unless another run took it over meanwhile)."""
    if _lock_holder(path) == dead_holder:
        path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True
