"""Related papers: nearest neighbours by cosine similarity of TF-IDF vectors of title + abstract
(in semantic mode, the mean of that and the cosine of sentence embeddings), each with a short
reason: the topics the two papers share and the phrases that weigh most in both.

Up to EXACT_LIMIT papers every pair is compared exactly (sparse products, a chunk of rows at a
time). Above it, neighbours.py proposes 2 x CANDIDATES per paper from dense vectors (random
projections of the TF-IDF rows and the topics' LSA vectors: fixed-size products that BLAS runs
fast, where a sparse product costs as much as the phrases two papers share) and only those are
scored exactly (recall of the exact lists: bench/related_recall.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from .features import WORD, PhraseCounts, TfidfFeatures, build_tfidf, overlaps, surface_forms, word_count
from .forked import map_parts
from .model import Paper, Related, Topic
from .neighbours import NONE, CandidateLists, candidate_lists, candidate_spaces, updated_lists

SCORE_SCALE = 10_000  # scores are rounded to 4 decimals
ROWS_PER_CHUNK = 512  # a chunk's dense similarity block is ROWS_PER_CHUNK x n floats
EXCLUDED = -1
EXACT_LIMIT = 2_000
CANDIDATES = 30  # per paper and kind of vector, scored exactly above EXACT_LIMIT papers
CHUNKS_PER_PROCESS = 4  # fewer chunks than this per core are not worth a process


REASON_PHRASES = 3
PAIRS_PER_PROCESS = 5_000  # the shared phrases of fewer pairs than this per core are not worth a process


def related_papers(
    papers: Sequence[Paper],
    k: int,
    vectors: np.ndarray | None = None,
    features: TfidfFeatures | None = None,
    candidate_vectors: np.ndarray | None = None,
    kept: KeptRelated | None = None,
) -> dict[str, tuple[Related, ...]]:
    """For each paper slug, up to k other papers by descending similarity, ties broken by slug.

    Never the paper itself, an exact duplicate of it, or (without `vectors`) a paper sharing no
    phrase with it. `vectors` (unit-length rows, e.g. sentence embeddings) are averaged in when given.
    Above EXACT_LIMIT papers, the neighbours by `candidate_vectors` (unit-length rows, e.g. the
    topics' LSA vectors) are candidates too; `kept` (the candidates and lists of an earlier build)
    lets only the rows an added or removed paper touches be found again.
    """
    if not papers:
        return {}
    # Phrases of a single paper add nothing to any similarity, only dilute its vector: leave them out.
    matrix = (features or related_features(papers)).matrix  # L2-normalised rows: dot = cosine
    if vectors is not None:
        matrix = _with_vectors(matrix, vectors)
    keys = _ranking_keys(papers)
    duplicates = _duplicate_indices(papers)
    if len(papers) > EXACT_LIMIT:
        neighbours = _neighbours_by_candidates(matrix, keys, duplicates, papers, k, candidate_vectors, kept)
    else:
        neighbours = []
        for start in range(0, len(papers), ROWS_PER_CHUNK):
            rows = range(start, min(start + ROWS_PER_CHUNK, len(papers)))
            neighbours.extend(_chunk_neighbours(matrix, rows, keys, duplicates, papers, k))
    return {paper.slug: tuple(found) for paper, found in zip(papers, neighbours)}


def related_features(papers: Sequence[Paper], counts: PhraseCounts | None = None) -> TfidfFeatures:
    """The TF-IDF of every phrase of two or more papers; from `counts` (of the same papers) when given."""
    return build_tfidf(papers, min_df=min(2, len(papers)), counts=counts)


def _with_vectors(matrix: csr_matrix, vectors: np.ndarray) -> csr_matrix:
    """Rows whose dot products are the mean of the TF-IDF cosine and the vectors' cosine."""
    from scipy.sparse import hstack

    return hstack([matrix * np.sqrt(0.5), csr_matrix(vectors * np.sqrt(0.5))]).tocsr()


def _ranking_keys(papers: Sequence[Paper]) -> np.ndarray:
    """Per paper, n - 1 - (its rank by slug): added to scaled scores, it orders ties by slug."""
    order = sorted(range(len(papers)), key=lambda i: papers[i].slug)
    keys = np.empty(len(papers), dtype=np.int64)
    keys[order] = np.arange(len(papers) - 1, -1, -1)
    return keys


def _duplicate_indices(papers: Sequence[Paper]) -> dict[int, list[int]]:
    """Paper index -> indices of the other papers with the same normalised title and abstract."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, paper in enumerate(papers):
        groups[(_normalised(paper.title), _normalised(paper.abstract))].append(i)
    return {i: [j for j in group if j != i] for group in groups.values() if len(group) > 1 for i in group}


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _chunk_neighbours(
    matrix: csr_matrix,
    rows: range,
    keys: np.ndarray,
    duplicates: dict[int, list[int]],
    papers: Sequence[Paper],
    k: int,
) -> list[list[Related]]:
    scores = _rounded_scores(matrix, rows)
    ranking = _ranking(scores, rows, keys, duplicates)
    take = min(k, len(papers))
    if take <= 0:
        return [[] for _ in rows]
    top = np.argpartition(-ranking, take - 1, axis=1)[:, :take]
    result = []
    for offset, candidates in enumerate(top):
        best = sorted(candidates, key=lambda j: -ranking[offset, j])
        result.append(
            [
                Related(slug=papers[j].slug, score=float(scores[offset, j]) / SCORE_SCALE)
                for j in best
                if ranking[offset, j] != EXCLUDED
            ]
        )
    return result


def _rounded_scores(matrix: csr_matrix, rows: range) -> np.ndarray:
    """Cosine similarities of the chunk's rows to every paper, as integers in 1/SCORE_SCALE units."""
    block = (matrix[rows.start : rows.stop] @ matrix.T).toarray()
    return np.rint(block * SCORE_SCALE).astype(np.int64)


def _ranking(scores: np.ndarray, rows: range, keys: np.ndarray, duplicates: dict[int, list[int]]) -> np.ndarray:
    """One integer per candidate, rounded score first and slug order second, so the keys of a row are
    all distinct and argpartition's cut is exact; EXCLUDED for self, duplicates and unrelated papers."""
    ranking = scores * len(keys) + keys
    ranking[scores <= 0] = EXCLUDED
    for offset, i in enumerate(rows):
        ranking[offset, i] = EXCLUDED
        ranking[offset, duplicates.get(i, [])] = EXCLUDED
    return ranking


def _neighbours_by_candidates(
    matrix: csr_matrix,
    keys: np.ndarray,
    duplicates: dict[int, list[int]],
    papers: Sequence[Paper],
    k: int,
    candidate_vectors: np.ndarray | None,
    kept: KeptRelated | None,
) -> list[list[Related]]:
    """Each paper's related papers among its candidates (neighbours.py), found for every row or,
    with `kept`, only for the rows whose candidates changed since the earlier build. Candidates are
    found with the rows in slug order, so ties go to the lower slug whatever the papers' order."""
    order = np.array(sorted(range(len(papers)), key=lambda i: papers[i].slug), dtype=np.int64)
    spaces = [space[order] for space in candidate_spaces(matrix, candidate_vectors)]
    update = kept.update(spaces, CANDIDATES, order) if kept is not None else None
    if update is None:
        lists = candidate_lists(spaces, CANDIDATES)
        rows = np.arange(len(papers))
    else:
        lists = updated_lists(spaces, update.lists, update.fresh, update.added)
        rows = np.union1d(update.fresh, _changed_rows(update.lists, lists))
    merged = lists.merged(CANDIDATES)
    candidates = np.empty_like(merged)
    candidates[order] = np.where(merged == NONE, NONE, order[np.maximum(merged, 0)])
    found = _neighbours_of_candidates(matrix, candidates, keys, duplicates, papers, k, order[rows])
    by_position = update.related if update is not None else [[] for _ in papers]
    for row, row_neighbours in zip(rows.tolist(), found):
        by_position[row] = row_neighbours
    if kept is not None:
        kept.keep(lists, by_position)
    neighbours: list[list[Related]] = [[] for _ in papers]
    for position, row in enumerate(order.tolist()):
        neighbours[row] = by_position[position]
    return neighbours


def _neighbours_of_candidates(
    matrix: csr_matrix,
    candidates: np.ndarray,
    keys: np.ndarray,
    duplicates: dict[int, list[int]],
    papers: Sequence[Paper],
    k: int,
    rows: np.ndarray,
) -> list[list[Related]]:
    """Like the exact chunks, with each of `rows` compared only to its candidates (rows of
    indices); the chunks shared between the cores (forked.py)."""
    if not len(rows):
        return []

    def neighbours_of_chunks(chunks: range) -> tuple[np.ndarray, np.ndarray]:
        found = [
            _chunk_of_candidates(matrix, rows[start : start + ROWS_PER_CHUNK], candidates, keys, duplicates, k)
            for start in range(chunks.start * ROWS_PER_CHUNK, min(chunks.stop * ROWS_PER_CHUNK, len(rows)), ROWS_PER_CHUNK)
        ]
        return np.vstack([best for best, _ in found]), np.vstack([scores for _, scores in found])

    parts = map_parts(neighbours_of_chunks, -(-len(rows) // ROWS_PER_CHUNK), minimum=CHUNKS_PER_PROCESS)
    best = np.vstack([best for best, _ in parts]).tolist()
    scores = np.vstack([scores for _, scores in parts]).tolist()
    return [
        [Related(slug=papers[j].slug, score=score / SCORE_SCALE) for j, score in zip(row, row_scores) if j != NONE]
        for row, row_scores in zip(best, scores)
    ]


def _changed_rows(before: CandidateLists, after: CandidateLists) -> np.ndarray:
    """The rows whose candidates differ between two sets of lists."""
    changed = np.zeros(len(after.best[0]), dtype=bool)
    for old, new in zip(before.best, after.best):
        changed |= (old != new).any(axis=1)
    return np.flatnonzero(changed)


def _chunk_of_candidates(
    matrix: csr_matrix,
    rows: np.ndarray,
    candidates: np.ndarray,
    keys: np.ndarray,
    duplicates: dict[int, list[int]],
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The best k candidates of each of the chunk's rows, best first (NONE for fewer), and their
    scores in 1/SCORE_SCALE units: plain arrays, cheap to send back from a forked process."""
    chosen = candidates[rows]
    scores = _rounded_candidate_scores(matrix, rows, chosen)
    ranking = scores * len(keys) + keys[chosen]
    ranking[(scores <= 0) | (chosen == NONE)] = EXCLUDED
    for offset, i in enumerate(rows.tolist()):
        if i in duplicates:
            ranking[offset, np.isin(chosen[offset], duplicates[i])] = EXCLUDED
    best = np.argsort(-ranking, axis=1, kind="stable")[:, :k]
    if best.shape[1] < k:  # fewer candidates than k
        best = np.hstack([best, np.zeros((len(best), k - best.shape[1]), dtype=best.dtype)])
        ranking = np.hstack([ranking, np.full((len(ranking), k), EXCLUDED, dtype=ranking.dtype)])
    excluded = np.take_along_axis(ranking, best, axis=1) == EXCLUDED
    return (
        np.where(excluded, NONE, np.take_along_axis(chosen, best, axis=1)),
        np.where(excluded, 0, np.take_along_axis(scores, best, axis=1)),
    )


def _rounded_candidate_scores(matrix: csr_matrix, rows: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row to each of its candidates (NONE: 0), in 1/SCORE_SCALE units."""
    flat = candidates.ravel()
    repeated = matrix[np.repeat(rows, candidates.shape[1])]
    dots = np.asarray(repeated.multiply(matrix[np.where(flat == NONE, 0, flat)]).sum(axis=1)).reshape(candidates.shape)
    dots[candidates == NONE] = 0
    return np.rint(dots * SCORE_SCALE).astype(np.int64)


@dataclass(frozen=True)
class RelatedUpdate:
    """What an earlier build's lists give the current rows: their candidate lists renumbered (rows
    to be found afresh hold anything), the rows to find afresh, the rows added, and each row's
    related papers as that build found them (empty for fresh rows)."""

    lists: CandidateLists
    fresh: np.ndarray
    added: np.ndarray
    related: list[list[Related]]


class KeptRelated:
    """The candidate lists and related papers of an earlier build (`previous`, plain data keyed by
    each paper's key: its slug and a digest of its text), and after related_papers those of this one
    (`current`), rows in slug order. Valid only with the vectors they were found with (the fitted
    model and options)."""

    def __init__(self, paper_keys: Sequence[bytes], previous: dict[str, Any] | None = None) -> None:
        self.paper_keys = list(paper_keys)
        self.previous = previous
        self.current: dict[str, Any] | None = None

    def update(self, spaces: Sequence[np.ndarray], count: int, order: np.ndarray) -> RelatedUpdate | None:
        """The earlier build's lists for the current rows (in `order`: position -> paper row); None when
        they cannot be used (none kept, other spaces, or fewer papers than a full list)."""
        self.paper_keys = [self.paper_keys[i] for i in order.tolist()]
        previous = self.previous
        n = len(self.paper_keys)
        if not previous or len(previous["best"]) != len(spaces) or n - 1 < count or len(previous["keys"]) - 1 < count:
            return None
        now = {key: i for i, key in enumerate(self.paper_keys)}
        renumber = np.array([now.get(key, -1) for key in previous["keys"]], dtype=np.int64)
        before = {key: i for i, key in enumerate(previous["keys"])}
        source = np.array([before.get(key, -1) for key in self.paper_keys], dtype=np.int64)
        added = np.flatnonzero(source < 0)
        fresh = np.zeros(n, dtype=bool)
        fresh[added] = True
        best, values = [], []
        for old_best, old_values in zip(previous["best"], previous["values"]):
            lists = np.where(source[:, None] >= 0, renumber[old_best[np.maximum(source, 0)]], NONE)
            fresh |= (lists < 0).any(axis=1)
            best.append(lists)
            values.append(old_values[np.maximum(source, 0)])
        related = [
            [Related(slug, score / SCORE_SCALE) for slug, score in previous["related"][s]] if s >= 0 else []
            for s in source.tolist()
        ]
        return RelatedUpdate(CandidateLists(tuple(best), tuple(values)), np.flatnonzero(fresh), added, related)

    def keep(self, lists: CandidateLists, related: Sequence[Sequence[Related]]) -> None:
        self.current = {
            "keys": self.paper_keys,
            "best": lists.best,
            "values": lists.values,
            "related": [tuple((r.slug, round(r.score * SCORE_SCALE)) for r in row) for row in related],
        }


def with_reasons(
    papers: Sequence[Paper],
    related: dict[str, tuple[Related, ...]],
    paper_topics: dict[str, tuple[str, ...]],
    topics: Sequence[Topic],
    features: TfidfFeatures | None = None,
    forms: dict[str, str] | None = None,
    shared: SharedPhrases | None = None,
    kept: KeptReasons | None = None,
) -> dict[str, tuple[Related, ...]]:
    """The related papers with a short reason each: "Both in Self-play; shared: zero-sum games, MARL"
    (phrases written as `forms`, the papers' `surface_forms`, made here when not given). `shared`
    holds the shared phrases of pairs from an earlier build: only the other pairs are computed.
    `kept` (with a `shared` keyed by the papers' text digests) holds each paper's reasons of an
    earlier build: a paper whose row has the same key (KeptReasons.row_key) takes them from there."""
    features = features or related_features(papers)
    row_of = {p.slug: i for i, p in enumerate(papers)}
    label_of = {t.slug: t.label for t in topics}
    forms = forms if forms is not None else surface_forms(papers, WORD)
    shared = shared or SharedPhrases([b"%d" % i for i in range(len(papers))])
    rows: dict[str, tuple[Related, ...]] = {}
    todo = list(papers)
    if kept is not None:
        todo = kept.reuse(papers, related, paper_topics, label_of, forms, shared, rows)
    chosen = [(paper.slug, r.slug) for paper in todo for r in related.get(paper.slug, ())]
    pairs = [(row_of[a], row_of[b]) for a, b in chosen]
    missing = [pair for pair in dict.fromkeys(pairs) if shared.get(pair) is None]

    def phrases_of(part: range) -> list[list[str]]:
        return shared_phrases_of_pairs(features.matrix, features.terms, missing[part.start : part.stop])

    parts = map_parts(phrases_of, len(missing), minimum=PAIRS_PER_PROCESS)  # both cores (forked.py)
    for pair, phrases in zip(missing, [phrases for part in parts for phrases in part]):
        shared.put(pair, phrases)
    reason = _Reasons(paper_topics, label_of, forms)
    reasons = iter([reason(shared.get(pair), a, b) for pair, (a, b) in zip(pairs, chosen)])
    for paper in todo:
        rows[paper.slug] = tuple(Related(r.slug, r.score, next(reasons)) for r in related.get(paper.slug, ()))
        if kept is not None:
            kept.keep(paper.slug, rows[paper.slug])
    return {paper.slug: rows[paper.slug] for paper in papers}


class KeptReasons:
    """Each paper's reasons of an earlier build (`previous`, as `saved()` left it), by a key of all they
    depend on but the related vocabulary's weights (the cache's key: `related_key`), the topic labels
    and the word forms (saved with them): the paper's text digest and topics, and of each of its
    related papers, in order, the slug, score, text digest and topics (`row_key`). `current` holds
    this build's rows, the next build's `previous`."""

    def __init__(self, previous: tuple[dict[str, str], dict[str, str], dict[str, Any]] | None = None) -> None:
        self.previous = previous or ({}, {}, {})
        self.labels: dict[str, str] = {}
        self.forms: dict[str, str] = {}
        self.rows: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self.keys: dict[str, Any] = {}
        self.changed = previous is None

    def reuse(self, papers, related, paper_topics, label_of, forms, shared: SharedPhrases, rows) -> list[Paper]:
        """Fill rows with the related papers (and reasons) of every paper whose row key was recorded
        (their pairs' shared phrases stay in `shared`); the other papers, to be done."""
        old_labels, old_forms, old_rows = self.previous
        self.labels, self.forms = label_of, forms
        if old_labels != label_of or old_forms != forms:
            old_rows, self.changed = {}, True
        state = {p.slug: (key, paper_topics.get(p.slug, ())) for p, key in zip(papers, shared.paper_keys)}
        todo = []
        for paper in papers:
            listed = related.get(paper.slug, ())
            key = self.keys[paper.slug] = (state[paper.slug], tuple([(r.slug, r.score, state[r.slug]) for r in listed]))
            found = old_rows.get(paper.slug)
            if found is None or found[0] != key:
                todo.append(paper)
                continue
            self.rows[paper.slug] = found
            rows[paper.slug] = tuple([Related(r.slug, r.score, why) for r, why in zip(listed, found[1])])
            own = key[0][0]
            for other in key[1]:
                shared.carry(own, other[2][0])
        self.changed = self.changed or bool(todo) or len(self.rows) != len(old_rows)
        return todo

    def keep(self, slug: str, row: tuple[Related, ...]) -> None:
        self.rows[slug] = (self.keys[slug], tuple([r.reason for r in row]))

    def saved(self) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
        return self.labels, self.forms, self.rows


class SharedPhrases:
    """The shared phrases of pairs of papers, by the pair's keys (a digest of each paper's text):
    those of an earlier build (`previous`) and those asked for in this one (`current`), the next
    build's `previous`. Valid only with the TF-IDF weights they were computed with."""

    def __init__(self, paper_keys: Sequence[bytes], previous: dict[tuple[bytes, bytes], list[str]] | None = None) -> None:
        self.paper_keys = paper_keys
        self.previous = previous or {}
        self.current: dict[tuple[bytes, bytes], list[str]] = {}

    def get(self, pair: tuple[int, int]) -> list[str] | None:
        key = (self.paper_keys[pair[0]], self.paper_keys[pair[1]])
        found = self.current.get(key)
        if found is None:
            found = self.previous.get(key)
            if found is not None:
                self.current[key] = found
        return found

    def put(self, pair: tuple[int, int], phrases: list[str]) -> None:
        self.current[(self.paper_keys[pair[0]], self.paper_keys[pair[1]])] = phrases

    def carry(self, key: bytes, other: bytes) -> None:
        """Keep the earlier build's phrases of a pair (by the papers' keys) for the next build, if any."""
        found = self.previous.get((key, other))
        if found is not None:
            self.current[(key, other)] = found


class _Reasons:
    """The reason of a pair of related papers from its shared phrases: "Both in <the topics of a that
    b has too>; shared: <phrases as `forms` writes them>". Fifty thousand pairs share a few hundred
    topic pairs and far fewer phrases than they name, so each topic pair and each phrase is put into
    words once."""

    def __init__(self, paper_topics, label_of: dict[str, str], forms: dict[str, str]) -> None:
        self.paper_topics = paper_topics
        self.label_of = label_of
        self.forms = forms
        self.both_in: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
        self.written: dict[str, str] = {}

    def __call__(self, phrases: list[str], a: str, b: str) -> str:
        topics = (self.paper_topics.get(a, ()), self.paper_topics.get(b, ()))
        both_in = self.both_in.get(topics)
        if both_in is None:
            shared_topics = [self.label_of[t] for t in topics[0] if t in topics[1] and t in self.label_of]
            both_in = self.both_in[topics] = "Both in " + " and ".join(shared_topics) if shared_topics else ""
        if phrases:
            written = self.written
            shared = "shared: " + ", ".join([written[p] if p in written else self._written(p) for p in phrases])
            text = f"{both_in}; {shared}" if both_in else "S" + shared[1:]
        else:
            text = both_in or "Similar wording"
        return text

    def _written(self, phrase: str) -> str:
        written = self.written.get(phrase)
        if written is None:
            written = self.written[phrase] = " ".join(self.forms.get(w, w) for w in phrase.split(" "))
        return written


def shared_phrases(matrix: csr_matrix, terms: Sequence[str], i: int, j: int, limit: int = REASON_PHRASES) -> list[str]:
    """The phrases that weigh most in both papers (product of TF-IDF weights), longer phrases first
    among near-equals, none contained in another."""
    return shared_phrases_of_pairs(matrix, terms, [(i, j)], limit)[0]


PAIRS_PER_CHUNK = 20_000  # the two row blocks of a chunk hold PAIRS_PER_CHUNK x (phrases per paper) weights


def shared_phrases_of_pairs(
    matrix: csr_matrix, terms: Sequence[str], pairs: Sequence[tuple[int, int]], limit: int = REASON_PHRASES
) -> list[list[str]]:
    """shared_phrases of many pairs of rows at once: the products of all pairs in a few sparse
    operations, then only each pair's best few phrases looked at in Python."""
    bonus = np.array([1 + 0.5 * (word_count(t) - 1) for t in terms])
    order = np.empty(len(terms), dtype=np.int64)
    order[sorted(range(len(terms)), key=terms.__getitem__)] = np.arange(len(terms))
    result: list[list[str]] = []
    for start in range(0, len(pairs), PAIRS_PER_CHUNK):
        chunk = np.asarray(pairs[start : start + PAIRS_PER_CHUNK], dtype=np.int64).reshape(-1, 2)
        both = csr_matrix(matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]]))
        both.eliminate_zeros()
        rows = np.repeat(np.arange(len(chunk)), np.diff(both.indptr))
        columns = both.indices[_best_first(rows, both.data * bonus[both.indices], order[both.indices])].tolist()
        bounds = both.indptr.tolist()
        result.extend(_distinct(terms, columns[bounds[k] : bounds[k + 1]], limit) for k in range(len(chunk)))
    return result


def _best_first(rows: np.ndarray, weights: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """The order of the entries by row, then weight rounded to 6 decimals (highest first), then
    rank: lexsort's, from one sort of integer keys packing the three (4 times faster)."""
    scaled = np.rint(weights * 1e6).astype(np.int64)  # the order of np.round(weights, 6)
    top = int(scaled.max(initial=0)) + 1
    weight_bits, rank_bits = top.bit_length(), int(ranks.max(initial=0)).bit_length()
    if scaled.min(initial=0) < 0 or int(rows.max(initial=0)).bit_length() + weight_bits + rank_bits > 62:
        return np.lexsort((ranks, -scaled, rows))
    return np.argsort((rows << (weight_bits + rank_bits)) | ((top - scaled) << rank_bits) | ranks)


def _distinct(terms: Sequence[str], columns: Sequence[int], limit: int) -> list[str]:
    """The first phrases (best first) none of which holds another."""
    chosen: list[str] = []
    for column in columns:
        phrase = terms[column]
        if not any(overlaps(phrase, other) for other in chosen):
            chosen.append(phrase)
            if len(chosen) == limit:
                break
    return chosen
