"""The read stage's cache (cache_folder/normalised-*): each source file's normalised records.

`normalise` is a pure function of a Paper in which the source (file and line) only passes through,
so the cache maps each record as a reader produced it, without its source, to the record after
normalise, without its source; the source is put back from the current read, so a record inserted
in the middle leaves every line number right. A record added, changed or moved costs one normalise;
every other record is a look-up.

A reader's output is a function of the file's bytes, its path (named in every source and problem)
and the format: the cache also keeps, for each source file by (path, format, SHA-256 of its bytes),
its records' keys with their sources and its problems. A file whose bytes are unchanged is not read
again. A file that changed while it was read is not kept.

Only the records and files of the current read are saved, so the cache never grows beyond the
collection. Each of its four parts (records, files, names, read records) is a `cache.SavedRows`: an
edit rewrites the shards holding the rows it changed. A missing, damaged or other-version cache
(generator/cache.py) only means reading and normalising afresh: the result is the same.

Records are kept as plain tuples (unpickling 10,000 dataclasses costs ten times more), keyed by a
digest of the read record's tuple.

The readers' author names: each name the files of the last read held, with the author
readers.common.author_from_name made of it (a pure function of the name), so that a name read
again is looked up, not parsed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import cache
from .errors import Problem
from .model import Paper, Source
from .model import paper_from_tuple as from_tuple
from .model import paper_tuple as as_tuple
from .normalise import normalise
from .readers import read_file
from .readers.common import names_used, remember_names
from .readers.records import ReadRecord, records_used, remember_records

CACHE_FILE = "normalised"  # normalised-records-00 .. -31, normalised-files-00, ...
CACHE_KEY = "normalised-4"
PARTS = ("records", "files", "names", "read")


FileKey = tuple[str, str, bytes]  # path, format name, SHA-256 of the file's bytes
# per record (its key, source path, line); the problems; the author names the reader looked up; the
# digests of the mappings readers/records.py read
KeptFile = tuple[list[tuple[bytes, str, int]], list[Problem], tuple[str, ...], tuple[bytes, ...]]


class NormalisedReads:
    """Reads source files (readers.read_file) and normalises their records, reusing what the last
    read kept in cache_folder (None: nothing kept); `save` keeps what this read found."""

    def __init__(self, cache_folder: Path | None) -> None:
        self.caching = cache_folder is not None
        self.saved = {
            part: cache.SavedRows(cache_folder / f"{CACHE_FILE}-{part}" if cache_folder is not None else None, CACHE_KEY)
            for part in PARTS
        }
        kept = {part: saved.previous or {} for part, saved in self.saved.items()}
        self.kept_records: dict[bytes, tuple[Any, ...]] = kept["records"]
        self.kept_files: dict[FileKey, KeptFile] = kept["files"]
        self.kept_names: dict[str, tuple[str, str]] = kept["names"]
        self.kept_read: dict[bytes, ReadRecord] = kept["read"]
        self.records: dict[bytes, tuple[Any, ...]] = {}
        self.files: dict[FileKey, KeptFile] = {}
        self.names: dict[str, tuple[str, str]] = {}
        self.read_records: dict[bytes, ReadRecord] = {}
        self.record_keys: dict[int, bytes] = {}  # id() of each paper `read` returned -> its record's key
        remember_names(self.kept_names)
        remember_records(self.kept_read)

    def read(self, path: Path, format_name: str) -> tuple[list[Paper], list[Problem]]:
        """The normalised papers and the problems of one file."""
        digest = _file_digest(path) if self.caching else None
        key = (str(path), format_name, digest) if digest is not None else None
        found = self._kept(key) if key is not None else None
        if found is not None:
            return found
        with names_used() as names, records_used() as read:
            papers, problems = read_file(path, format_name)
        self.names.update((name, (author.family, author.given)) for name, author in names.items())
        self.read_records.update(read)
        records = [(self.record_key(paper), paper.source.path, paper.source.line) for paper in papers]
        result = [self.normalised(paper, record) for paper, (record, _, _) in zip(papers, records)]
        self.record_keys.update(zip(map(id, result), (record for record, _, _ in records)))
        if key is not None and _file_digest(path) == digest:
            self.files[key] = (records, problems, tuple(names), tuple(read))
        return result, problems

    def _kept(self, key: FileKey) -> tuple[list[Paper], list[Problem]] | None:
        kept = self.files.get(key) or self.kept_files.get(key)
        if kept is None:
            return None
        records, problems, names, read = kept
        values = [self.records.get(record) or self.kept_records.get(record) for record, _, _ in records]
        if any(value is None for value in values):
            return None
        for (record, _, _), value in zip(records, values):
            self.records[record] = value
        self.files[key] = kept
        self.names.update((name, self.kept_names[name]) for name in names if name in self.kept_names)
        self.read_records.update((digest, self.kept_read[digest]) for digest in read if digest in self.kept_read)
        papers = [from_tuple(value, Source(path, line)) for value, (_, path, line) in zip(values, records)]
        self.record_keys.update(zip(map(id, papers), (record for record, _, _ in records)))
        return papers, list(problems)

    @staticmethod
    def record_key(paper: Paper) -> bytes:
        return hashlib.blake2b(repr(as_tuple(paper)).encode()).digest()

    def normalised(self, paper: Paper, key: bytes) -> Paper:
        """normalise(paper), from the records normalised before when one has this key."""
        done = self.records.get(key) or self.kept_records.get(key)
        if done is None:
            result = normalise(paper)
            # a value normalise left as it was is kept as the read one: the cache file (which also
            # keeps the read records, readers/records.py) then holds it once
            done = tuple(read if read == value else value for read, value in zip(as_tuple(paper), as_tuple(result)))
        else:
            result = from_tuple(done, paper.source)
        self.records[key] = done
        return result

    def save(self) -> None:
        """Keep each part that changed or was not kept (records, files and read records are keyed by what
        they hold: the same keys are the same rows)."""
        parts = {"records": self.records, "files": self.files, "names": self.names, "read": self.read_records}
        for part, rows in parts.items():
            saved = self.saved[part]
            kept = saved.previous or {}
            changed = rows != kept if part == "names" else rows.keys() != kept.keys()
            if changed or saved.previous is None:
                saved.save(rows)


def normalise_all(papers: Sequence[Paper], cache_folder: Path | None = None) -> list[Paper]:
    """normalise(p) for every paper, reusing the records normalised before in cache_folder (None: no cache)."""
    reads = NormalisedReads(cache_folder)
    result = [reads.normalised(paper, reads.record_key(paper)) for paper in papers]
    reads.save()
    return result


def _file_digest(path: Path) -> bytes | None:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return None
