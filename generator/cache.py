"""Disposable caches of a build's intermediate results (option `cache_folder`, .papersite/cache/).

Each cache is one file: a pickle of plain data saved with the key it was made under and a checksum.
The key is papersite's code and the versions it runs on (`code_key`) joined by the caller's own key
(the options the cached data depends on). A cache whose file is missing, damaged (checksum), or
saved under another key is thrown away, never trusted: `load` returns None and the caller computes
afresh. So deleting the folder can only make a build slower, never change what it writes.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from pathlib import Path
from typing import Any

from .uptodate import code_parts, digest_json
from .write import atomic_write

MAGIC = b"papersite-cache-1\n"


def load(path: Path | None, key: str) -> Any | None:
    """The data saved at path under key, or None (no cache, damaged, or another key)."""
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    body = raw[len(MAGIC) + 32 :]
    if not raw.startswith(MAGIC) or raw[len(MAGIC) : len(MAGIC) + 32] != hashlib.sha256(body).digest():
        return None
    try:
        saved_key, data = pickle.loads(body)
    except Exception:  # a damaged pickle may raise anything; it is only a cache
        return None
    return data if saved_key == full_key(key) else None


def save(path: Path | None, key: str, data: Any) -> None:
    """Keep data at path under key (atomically); nothing when path is None."""
    if path is None:
        return
    body = pickle.dumps((full_key(key), data), protocol=pickle.HIGHEST_PROTOCOL)
    atomic_write(path, MAGIC + hashlib.sha256(body).digest() + body)


def full_key(key: str) -> str:
    return f"{code_key()}:{key}"


@functools.cache
def code_key() -> str:
    """papersite's code (content) and the versions of what it runs on: any change invalidates every cache."""
    return digest_json(code_parts())
