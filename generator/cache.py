"""Disposable caches of a build's intermediate results (option `cache_folder`, .papersite/cache/).

Each cache is one file: a pickle of plain data saved with the key it was made under and a checksum.
The key is papersite's code and the versions it runs on (`code_key`) joined by the caller's own key
(the options the cached data depends on). A cache whose file is missing, damaged (checksum), or
saved under another key is thrown away, never trusted: `load` returns None and the caller computes
afresh. So deleting the folder can only make a build slower, never change what it writes.

A server (`papersite serve`) keeps what it loaded and saved in memory (`kept_in_memory`): a file
that still has the size, times and inode it had when this process read or wrote it is not read and
unpickled again. Data passed to `save` or returned by `load` is never changed afterwards by its caller
(the memory hands back the same object).

A cache of many rows (a dict by a key of what each row depends on: a record's digest, a paper's key)
is kept as `SavedRows`: SHARDS files, each the rows whose key falls in it (CRC-32), each saved and
checked as above. A build that changed one paper makes again and rewrites the few shards holding
its rows, not the whole cache; the rows come back only when every shard loads under the key (else None: all afresh).
Shards rather than a database of single rows: loading all 10,000 rows of a cache one by one (SQLite,
a pickle each) measured 2.4-6 times slower than one pickle, 32 shards about the same.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import threading
import zlib
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .uptodate import code_parts, digest_json
from .write import atomic_writes

MAGIC = b"papersite-cache-1\n"
SHARDS = 32  # files of a SavedRows cache
_NONE = object()  # no row
# cache files that earlier versions wrote and no build reads any more (each now kept as SavedRows shards)
RETIRED = ("normalised.pickle", "phrase-counts.pickle", "reasons.pickle", "papers-json-lines")
FileStat = tuple[int, int, int, int, int]  # device, inode, size, modification and change times (ns)


@dataclass(frozen=True)
class _Kept:
    """A cache file as this process last read or wrote it: its stat then, its key and its data."""

    stat: FileStat
    key: str
    data: Any


_memory: dict[Path, _Kept] | None = None  # path -> _Kept, while kept_in_memory
_memory_lock = threading.Lock()


@contextlib.contextmanager
def kept_in_memory() -> Iterator[None]:
    """While the block runs (a server's life), keep each cache file's data as read or written by this
    process, and hand it back while the file is unchanged (same stat) instead of reading it again."""
    global _memory
    with _memory_lock:
        outer, _memory = _memory, {} if _memory is None else _memory
    try:
        yield
    finally:
        with _memory_lock:
            _memory = outer


def load(path: Path | None, key: str) -> Any | None:
    """The data saved at path under key, or None (no cache, damaged, or another key)."""
    if path is None:
        return None
    memory = _memory
    if memory is not None:
        kept = memory.get(path)
        if kept is not None and kept.stat == _file_stat(path):
            return kept.data if kept.key == full_key(key) else None
    try:
        with path.open("rb") as handle:
            stat = _stat_of(os.fstat(handle.fileno()))
            raw = handle.read()
    except OSError:
        return None
    body = raw[len(MAGIC) + 32 :]
    if not raw.startswith(MAGIC) or raw[len(MAGIC) : len(MAGIC) + 32] != hashlib.sha256(body).digest():
        return None
    try:
        saved_key, data = pickle.loads(body)
    except Exception:  # a damaged pickle may raise anything; it is only a cache
        return None
    if memory is not None:
        memory[path] = _Kept(stat, saved_key, data)
    return data if saved_key == full_key(key) else None


def save(path: Path | None, key: str, data: Any) -> None:
    """Keep data at path under key (atomically); nothing when path is None."""
    if path is not None:
        save_all([(path, key, data)])


def save_all(caches: Sequence[tuple[Path, str, Any]]) -> None:
    """save each (path, key, data), the files written together (write.atomic_writes)."""
    atomic_writes([(path, _file_bytes(key, data)) for path, key, data in caches])
    memory = _memory
    if memory is not None:
        for path, key, data in caches:
            stat = _file_stat(path)
            if stat is None:
                memory.pop(path, None)
            else:
                memory[path] = _Kept(stat, full_key(key), data)


def _file_bytes(key: str, data: Any) -> bytes:
    body = pickle.dumps((full_key(key), data), protocol=pickle.HIGHEST_PROTOCOL)
    return MAGIC + hashlib.sha256(body).digest() + body


class SavedRows:
    """A cache of rows (a dict) at path-00 .. path-31 under key: `previous`, the rows saved there (None when
    any shard is missing, damaged or of another key), and `save`, which rewrites only the shards whose rows
    differ from those (every shard when there were none). Rows follow `save`'s rules: plain data, never
    changed after."""

    def __init__(self, path: Path | None, key: str, *, load: bool = True) -> None:
        """load=False: a cache known to hold nothing under key (not read; `save` writes every shard)."""
        self.paths = [path.with_name(f"{path.name}-{n:02d}") for n in range(SHARDS)] if path is not None else []
        self.key = key
        self._shards = self._loaded() if load else None
        self.previous: dict[Any, Any] | None = None
        if self._shards is not None:
            self.previous = {}
            for shard in self._shards:
                self.previous.update(shard)

    def save(self, rows: Mapping[Any, Any]) -> None:
        if not self.paths:
            return
        if self._shards is None:
            shards = _sharded(rows)
            touched = range(SHARDS)
        else:
            # the shards of rows added, removed or not the very object loaded; the others are as loaded
            previous = self.previous
            changed = [key for key, value in rows.items() if previous.get(key, _NONE) is not value]
            changed += [key for key in previous.keys() - rows.keys()]
            numbers = _shard_numbers(changed)
            touched = sorted(set(numbers))
            shards = list(self._shards)
            for n in touched:
                shards[n] = {key: rows[key] for key in self._shards[n] if key in rows}
            for key, n in zip(changed, numbers):
                if key in rows:
                    shards[n][key] = rows[key]
        changed_shards = [n for n in touched if self._shards is None or not _same_rows(shards[n], self._shards[n])]
        save_all([(self.paths[n], self.key, shards[n]) for n in changed_shards])
        self._shards = shards
        self.previous = dict(rows)

    def _loaded(self) -> list[dict[Any, Any]] | None:
        shards = []
        for path in self.paths:
            shard = load(path, self.key)
            if not isinstance(shard, dict):
                return None
            shards.append(shard)
        return shards or None


def shard_of(key: Hashable) -> int:
    """The shard (0 .. SHARDS-1) of a row's key: bytes, or anything else by its repr."""
    return _shard_numbers([key])[0]


def _shard_numbers(keys: Iterable[Hashable]) -> list[int]:
    return [zlib.crc32(key if isinstance(key, bytes) else repr(key).encode("utf-8")) % SHARDS for key in keys]


def _sharded(rows: Mapping[Any, Any]) -> list[dict[Any, Any]]:
    shards: list[dict[Any, Any]] = [{} for _ in range(SHARDS)]
    for (key, value), n in zip(rows.items(), _shard_numbers(rows)):
        shards[n][key] = value
    return shards


def _same_rows(ours: dict[Any, Any], theirs: dict[Any, Any]) -> bool:
    """Whether two shards hold equal rows (a value that cannot say, such as an array, counts as changed)."""
    try:
        return bool(ours == theirs)
    except Exception:  # numpy's "truth value of an array is ambiguous", and the like
        return False


def full_key(key: str) -> str:
    return f"{code_key()}:{key}"


@functools.cache
def code_key() -> str:
    """papersite's code (content) and the versions of what it runs on: any change invalidates every cache."""
    return digest_json(code_parts())


def _file_stat(path: Path) -> FileStat | None:
    try:
        return _stat_of(os.stat(path))
    except OSError:
        return None


def _stat_of(found: os.stat_result) -> FileStat:
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def remove_retired(folder: Path) -> list[Path]:
    """Delete the cache files of earlier versions from the cache folder (tens of megabytes at 10,000
    papers, never read again); only files that are papersite caches (MAGIC), never another file of
    that name. Returns the files deleted."""
    removed = []
    for name in RETIRED:
        path = folder / name
        try:
            with path.open("rb") as file:
                if file.read(len(MAGIC)) != MAGIC:
                    continue
            path.unlink()
        except OSError:  # none there, or not ours to delete
            continue
        removed.append(path)
    return removed
