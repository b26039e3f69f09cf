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
    """Calls on_change (in the observer's thread) for every change to a file under a folder (the docs
    folder in `serve`), through the system's notifications (inotify): MkDocs' own watcher polls,
    taking the size and time of every file twice a second, tens of thousands of generated pages
    included, beside the builds it starts. It also keeps the paths changed (`take_changed`), so that
    papersite's serve need not stat every generated page to know which changed."""

    def __init__(self, folder: Path, on_change: Callable[[], None]) -> None:
        self.folder = folder
        self.on_change = on_change
        self.observer = Observer()
        self.lock = threading.Lock()
        self.changed: set[str] = set()  # paths from the folder (posix) changed since take_changed
        self.lost = False  # the system dropped notifications (its queue overflowed): changed is not complete
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
        if not event.is_directory and event.event_type in CHANGES:
            paths = [str(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
            with self.lock:
                self.changed.update(_relative(path, self.folder) for path in paths)
            self.on_change()

    def take_changed(self) -> set[str] | None:
        """The paths (from the folder, posix) changed since the last call, or None when notifications
        were lost since (then any file may have changed)."""
        with self.lock:
            changed, lost = self.changed, self.lost
            self.changed, self.lost = set(), False
        return None if lost else changed

    def peek_changed(self) -> set[str] | None:
        """What take_changed would return, leaving it to be taken."""
        with self.lock:
            return None if self.lost else set(self.changed)


# watchdog reports a full inotify queue (events dropped) only in its log
WATCHDOG_LOGGERS = ("watchdog.observers.inotify", "watchdog.observers.inotify_c")


class _OverflowFilter(logging.Filter):
    def __init__(self, watcher: DocsWatcher) -> None:
        super().__init__()
        self.watcher = watcher

    def filter(self, record: logging.LogRecord) -> bool:
        if "overflow" in record.getMessage().lower():
            with self.watcher.lock:
                self.watcher.lost = True
        return True


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path
