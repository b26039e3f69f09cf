"""`serve`: watch the paper lists and the topics file, and call back once per burst of edits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

SETTLE_SECONDS = 0.3  # editors write a file in several steps: wait for them to finish
# Only what changes a file: watchdog also reports a file opened or closed unwritten, which
# reading it to regenerate would cause, and regenerate again, without end.
CHANGES = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED, EVENT_TYPE_DELETED, EVENT_TYPE_CLOSED})
# Of a folder: a folder "modified" is a file changed in it.
FOLDER_CHANGES = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_MOVED, EVENT_TYPE_DELETED})


class SourceWatcher(FileSystemEventHandler):
    """Calls on_change (in its own thread) SETTLE_SECONDS after the last change to any of the files.
    The observer's threads are daemons: they end with the `serve` process."""

    def __init__(self, files: Sequence[Path], on_change: Callable[[], None]) -> None:
        self.files = {str(path.resolve()) for path in files}
        self.on_change = on_change
        self.observer = Observer()
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        for folder in sorted({str(Path(path).parent) for path in self.files}):
            if Path(folder).is_dir():
                self.observer.schedule(self, folder, recursive=False)
        self.observer.start()

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = {str(Path(str(p)).resolve()) for p in (event.src_path, getattr(event, "dest_path", "")) if p}
        if event.is_directory or event.event_type not in CHANGES or not paths & self.files:
            return
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(SETTLE_SECONDS, self.on_change)
            self.timer.daemon = True
            self.timer.start()


class DocsWatcher(FileSystemEventHandler):
    """Calls on_change (in the observer's thread, with the changed paths from the folder, posix) for
    every change to a file under a folder (the docs folder in `serve`), through the system's
    notifications (inotify): MkDocs' own watcher polls, taking the size and time of every file twice
    a second, tens of thousands of generated pages included, beside the builds it starts. It also
    keeps the paths changed for each of its readers (`take_changed`), so that papersite's serve need
    not stat every generated page, or list the folder, to know what changed."""

    def __init__(self, folder: Path, on_change: Callable[[set[str]], None]) -> None:
        self.folder = folder
        self.on_change = on_change
        self.observer = Observer()
        self.lock = threading.Lock()
        # for each reader of the changes (take_changed): the paths from the folder (posix, folders too)
        # changed since it last took them, or None when the system dropped notifications since
        self.changed: dict[str, set[str] | None] = {}
        self.overflows = _OverflowFilter(self)

    def start(self) -> None:
        for name in WATCHDOG_LOGGERS:
            logging.getLogger(name).addFilter(self.overflows)
        self.observer.schedule(self, str(self.folder), recursive=True)
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        for name in WATCHDOG_LOGGERS:
            logging.getLogger(name).removeFilter(self.overflows)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in (FOLDER_CHANGES if event.is_directory else CHANGES):
            return
        paths = {_relative(str(p), self.folder) for p in (event.src_path, getattr(event, "dest_path", "")) if p}
        with self.lock:
            for changed in self.changed.values():
                if changed is not None:
                    changed.update(paths)
        if not event.is_directory:
            self.on_change(paths)

    def take_changed(self, reader: str) -> set[str] | None:
        """The paths (from the folder, posix; a folder's own path when it was made, moved or removed)
        changed since this reader last took them, or None when that is not known: its first call, or
        notifications lost since (then any file may have changed)."""
        with self.lock:
            changed = self.changed.get(reader)
            self.changed[reader] = set()
        return changed

    def peek_changed(self, reader: str) -> set[str] | None:
        """What take_changed would return, left to be taken."""
        with self.lock:
            changed = self.changed.get(reader)
            return None if changed is None else set(changed)

    def lose_changes(self) -> None:
        """Notifications were dropped: no reader knows what changed."""
        with self.lock:
            self.changed = dict.fromkeys(self.changed)


# watchdog reports a full inotify queue (events dropped) only in its log
WATCHDOG_LOGGERS = ("watchdog.observers.inotify", "watchdog.observers.inotify_c")


class _OverflowFilter(logging.Filter):
    def __init__(self, watcher: DocsWatcher) -> None:
        super().__init__()
        self.watcher = watcher

    def filter(self, record: logging.LogRecord) -> bool:
        if "overflow" in record.getMessage().lower():
            self.watcher.lose_changes()
        return True


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path
