"""The fitted model: what enrich learns from the whole collection when topics are discovered, kept
beside the topic state (`settings.topic_model`) until the next refit.

It holds the two phrase vocabularies with each phrase's document frequency (related papers: phrases
of two or more papers; topics: also pruned of near-universal ones), the LSA components, the centres
of the automatic topics and how each word is written (`surface_forms`). With it, a paper's TF-IDF
row, its LSA vector and its similarity to each topic depend on that paper alone: a paper added,
changed or removed leaves every other paper's vectors, topics, labels and shared phrases as they
were, and so the pages that show them. Without it (first build, refit, damaged or foreign file)
the model is fitted afresh from the current papers. It also keeps the map's topic discs (large
collections), so that an added paper moves only its own disc's points.

A clean build with the same state and model computes exactly what an incremental build computes:
every number below is computed row by row (sparse rows, einsum), never in blocks whose rounding
could depend on the size of the collection.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from ..features import PhraseCounts, TfidfFeatures
from ..rows import tfidf_rows, unit_rows
from . import clusters
from .map import Spread

MODEL_VERSION = 1
ROUNDING = clusters.ROUNDING


@dataclass(frozen=True)
class Vocabulary:
    """Phrases (alphabetical), each one's document frequency, and the papers they were counted in."""

    terms: tuple[str, ...]
    document_frequency: np.ndarray
    papers: int

    def tfidf(self, counts: csr_matrix) -> csr_matrix:
        """L2-normalised TF-IDF rows (sublinear tf, smooth idf, as TfidfVectorizer) of counts whose
        columns are these terms, with the idf of the fitted collection."""
        idf = np.log((self.papers + 1) / (self.document_frequency.astype(np.float64) + 1)) + 1.0
        return csr_matrix(tfidf_rows(counts, idf))


@dataclass(frozen=True)
class FittedModel:
    related: Vocabulary
    topic: Vocabulary
    components: np.ndarray  # LSA: dimensions x topic terms (float32: the file stays small)
    centres: dict[str, np.ndarray]  # automatic topic slug -> unit vector in the paper vectors' space
    forms: dict[str, str]  # lower-case word -> how it is written, only where they differ
    signature: str  # the options the model depends on
    discs: dict[str, Disc] = field(default_factory=dict)  # the map's topic discs by topic slug
    # the bytes of the file this model was loaded from, while it is that model unchanged (with_centres
    # and with_discs drop them): to_bytes hands them back instead of compressing the model again
    loaded_bytes: bytes | None = field(default=None, compare=False, repr=False)

    def lsa_vectors(self, topic_tfidf: csr_matrix) -> np.ndarray:
        """Unit-length LSA vectors of topic TF-IDF rows, rounded (one row never depends on another)."""
        if not len(self.components):
            return unit_rows(topic_tfidf.toarray()) if topic_tfidf.shape[1] else np.ones((topic_tfidf.shape[0], 1))
        reduced = topic_tfidf @ self.components.astype(np.float64).T
        return np.round(unit_rows(reduced), ROUNDING)

    def vectors_key(self) -> str:
        """A digest of what the paper vectors depend on besides each paper's text (and the options)."""
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(self.related_key().encode())
        hasher.update("\n".join(self.topic.terms).encode("utf-8"))
        hasher.update(self.topic.document_frequency.astype(np.int64).tobytes())
        hasher.update(str(self.topic.papers).encode())
        hasher.update(np.ascontiguousarray(self.components).tobytes())
        return hasher.hexdigest()

    def related_key(self) -> str:
        """A digest of what the related papers' TF-IDF weights depend on besides each paper's text."""
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update("\n".join(self.related.terms).encode("utf-8"))
        hasher.update(self.related.document_frequency.astype(np.int64).tobytes())
        hasher.update(str(self.related.papers).encode())
        return hasher.hexdigest()

    def with_centres(self, centres: dict[str, np.ndarray]) -> FittedModel:
        return replace(self, centres=centres, discs={}, loaded_bytes=None)

    def with_discs(self, discs: dict[str, Disc]) -> FittedModel:
        """This model with the map's discs; itself (and its loaded bytes) when they are the ones it has."""
        if _same_discs(discs, self.discs):
            return self
        return replace(self, discs=discs, loaded_bytes=None)


def vocabulary(counts: PhraseCounts, columns: np.ndarray, papers: int) -> Vocabulary:
    """The vocabulary of these columns of the collection's phrase counts."""
    in_papers = np.bincount(counts.matrix.indices, minlength=counts.matrix.shape[1])[columns]
    return Vocabulary(tuple(counts.terms[j] for j in columns.tolist()), in_papers.astype(np.int64), papers)


def fit_components(topic_tfidf: csr_matrix, dimensions: int | None = None) -> np.ndarray:
    """LSA components (TruncatedSVD, seeded) of the topic TF-IDF matrix; none when it is too small."""
    from sklearn.decomposition import TruncatedSVD  # only where a model is fitted (see rows.py)

    n_papers, n_terms = topic_tfidf.shape
    k = min(dimensions or clusters.lsa_dimensions(n_papers), n_papers - 1, n_terms - 1)
    if k < 1:
        return np.zeros((0, n_terms), dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):  # copies of one text: no variance to explain
        svd = TruncatedSVD(n_components=k, random_state=clusters.RANDOM_STATE).fit(topic_tfidf)
    return np.nan_to_num(svd.components_).astype(np.float32)


def features(vocabulary: Vocabulary, counts: csr_matrix) -> TfidfFeatures:
    """TfidfFeatures of counts over the vocabulary's terms (indices sorted: sums run in one order)."""
    counts = csr_matrix(counts, copy=True)
    counts.sort_indices()
    return TfidfFeatures(vocabulary.tfidf(counts), vocabulary.terms, counts)


def centre_similarities(vectors: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Paper x centre cosine similarities, rounded; einsum without BLAS sums each pair in one order
    whatever the number of papers, so a paper's similarities never depend on the others."""
    if not len(centres):
        return np.zeros((len(vectors), 0))
    return np.round(np.einsum("ij,tj->it", vectors, centres, optimize=False), ROUNDING)


def to_bytes(model: FittedModel) -> bytes:
    """The model file's bytes: the same model gives the same bytes (no time stamps). A model loaded
    and kept as it was gives the bytes it was loaded from (the file is not rewritten)."""
    if model.loaded_bytes is not None:
        return model.loaded_bytes
    slugs = sorted(model.centres)
    arrays = {
        "related_terms": _joined(model.related.terms),
        "related_df": model.related.document_frequency,
        "topic_terms": _joined(model.topic.terms),
        "topic_df": model.topic.document_frequency,
        "components": model.components,
        "centres": np.vstack([model.centres[s] for s in slugs]) if slugs else np.zeros((0, 0)),
        **_spread_arrays([model.discs[s].spread for s in sorted(model.discs) if model.discs[s].spread is not None]),
        "meta": _json_bytes(
            {
                "version": MODEL_VERSION,
                "signature": model.signature,
                "papers": [model.related.papers, model.topic.papers],
                "centre_slugs": slugs,
                "forms": model.forms,
                "discs": {slug: [*disc.centre, disc.radius, disc.spread is not None] for slug, disc in model.discs.items()},
            }
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            entry = io.BytesIO()
            np.save(entry, array, allow_pickle=False)
            archive.writestr(
                zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), entry.getvalue(), zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def load(path: Path | None, signature: str) -> FittedModel | None:
    """The saved model, or None when there is none, it is damaged, or it was fitted with other options."""
    if path is None or not path.is_file():
        return None
    try:
        raw = path.read_bytes()
        with np.load(io.BytesIO(raw), allow_pickle=False) as saved:
            meta = json.loads(saved["meta"].tobytes())
            if meta["version"] != MODEL_VERSION or meta["signature"] != signature:
                return None
            related_papers, topic_papers = meta["papers"]
            centres = saved["centres"]
            return FittedModel(
                related=Vocabulary(_split(saved["related_terms"]), saved["related_df"].astype(np.int64), int(related_papers)),
                topic=Vocabulary(_split(saved["topic_terms"]), saved["topic_df"].astype(np.int64), int(topic_papers)),
                components=saved["components"].astype(np.float32),
                centres={slug: centres[i].astype(np.float64) for i, slug in enumerate(meta["centre_slugs"])},
                forms={str(k): str(v) for k, v in meta["forms"].items()},
                signature=signature,
                discs=_discs(meta["discs"], saved),
                loaded_bytes=raw,
            )
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile, EOFError):
        return None


@dataclass(frozen=True)
class Disc:
    """One topic's disc on the map (topics/map.py): centre, radius and how it spreads its papers."""

    centre: tuple[float, float]
    radius: float
    spread: Spread | None


def _same_discs(ours: dict[str, Disc], theirs: dict[str, Disc]) -> bool:
    if ours.keys() != theirs.keys():
        return False
    return all(_same_disc(ours[slug], theirs[slug]) for slug in ours)


def _same_disc(ours: Disc, theirs: Disc) -> bool:
    """The same disc; a spread counts only as the same object (map_positions keeps the model's)."""
    return ours.centre == theirs.centre and ours.radius == theirs.radius and ours.spread is theirs.spread


def _spread_arrays(spreads: Sequence[Spread]) -> dict[str, np.ndarray]:
    return {
        "disc_means": np.vstack([s.mean for s in spreads]) if spreads else np.zeros((0, 0)),
        "disc_axes": np.vstack([s.axes for s in spreads]) if spreads else np.zeros((0, 0)),
        "disc_distances": np.concatenate([s.distances for s in spreads]) if spreads else np.zeros(0),
        "disc_sizes": np.array([len(s.distances) for s in spreads], dtype=np.int64),
    }


def _discs(saved_discs: dict, arrays) -> dict[str, Disc]:
    discs = {}
    means, axes, distances, sizes = arrays["disc_means"], arrays["disc_axes"], arrays["disc_distances"], arrays["disc_sizes"]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    n = 0
    for slug in sorted(saved_discs):
        x, y, radius, has_spread = saved_discs[slug]
        spread = None
        if has_spread:
            spread = Spread(means[n], axes[2 * n : 2 * n + 2], distances[starts[n] : starts[n + 1]])
            n += 1
        discs[str(slug)] = Disc((float(x), float(y)), float(radius), spread)
    return discs


def _joined(terms: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


def _split(array: np.ndarray) -> tuple[str, ...]:
    text = array.tobytes().decode("utf-8")
    return tuple(text.split("\n")) if text else ()


def _json_bytes(data: object) -> np.ndarray:
    return np.frombuffer(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
