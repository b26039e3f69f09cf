"""Compare topic methods on the example collection; prints one table.

    .venv/bin/python bench/topics.py [--topics N]

Columns: number of topics, topic sizes (min / median / max, largest share of the papers), mean
topics per paper, NPMI coherence of each topic's label + description phrases (document
co-occurrence over the collection, mean over topics), adjusted mutual information of each paper's
strongest topic against the hand-labelled gold set (tests/data/gold-topics.tsv), and run time
(the semantic rows include embedding, first from scratch, then from the cache). "AMI, 13-21 topics"
is the mean (min-max) agreement when the method is asked for 13, 15, ..., 21 topics instead.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.catalog import assign_slugs  # noqa: E402
from generator.config import (  # noqa: E402
    AUTO_METHOD,
    SourceSpec,  # noqa: E402
    settings_for,
)
from generator.features import analyze  # noqa: E402
from generator.pipeline import read_all  # noqa: E402
from generator.topics import embeddings, find_topics  # noqa: E402
from generator.topics.discover import TopicAssignment, assign_topics, topic_features  # noqa: E402
from generator.topics.labels import phrase_use  # noqa: E402

EXAMPLE = REPO / "papers" / "hf-papers-listing.txt"
GOLD = REPO / "tests" / "data" / "gold-topics.tsv"
OTHER_COUNTS = (13, 15, 17, 19, 21)


def load_gold() -> dict[str, str]:
    """Title -> gold label."""
    rows = [line.split("\t") for line in GOLD.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    return {title: label for label, title in rows}


def npmi(presence: np.ndarray, a: int, b: int) -> float:
    """Normalised pointwise mutual information of two phrases' document occurrence (-1..1)."""
    n = len(presence)
    pa, pb = presence[:, a].mean(), presence[:, b].mean()
    pab = (presence[:, a] & presence[:, b]).sum() / n
    if pab == 0:
        return -1.0
    if pab == 1:
        return 1.0
    return float(np.log(pab / (pa * pb)) / -np.log(pab))


def coherence(papers, assignment: TopicAssignment, top: int = 5) -> float:
    """Mean over topics of the mean NPMI of all pairs of its first `top` defining phrases."""
    terms = sorted({p for phrases in assignment.phrases.values() for p in phrases[:top]})
    if not terms:
        return float("nan")
    presence = phrase_use(papers, terms, analyze).anywhere.toarray() > 0
    column = {t: j for j, t in enumerate(terms)}
    scores = []
    for phrases in assignment.phrases.values():
        pairs = list(itertools.combinations([column[p] for p in phrases[:top]], 2))
        if pairs:
            scores.append(np.mean([npmi(presence, a, b) for a, b in pairs]))
    return float(np.mean(scores))


def agreement(papers, assignment: TopicAssignment, gold: dict[str, str]) -> tuple[float, int]:
    labelled = [p for p in papers if p.title in gold]
    predicted = [assignment.paper_topics[p.slug][0] for p in labelled]
    return adjusted_mutual_info_score([gold[p.title] for p in labelled], predicted), len(labelled)


def row(name: str, papers, gold, seconds: float, assignment: TopicAssignment, other_counts: list[TopicAssignment]) -> list[str]:
    sizes = sorted(len(t.papers) for t in assignment.topics)
    per_paper = np.mean([len(ts) for ts in assignment.paper_topics.values()])
    ami, _ = agreement(papers, assignment, gold)
    spread = [agreement(papers, other, gold)[0] for other in other_counts]
    return [
        name,
        str(len(sizes)),
        f"{sizes[0]}/{median(sizes):g}/{sizes[-1]} ({sizes[-1] / len(papers):.0%})",
        f"{per_paper:.2f}",
        f"{coherence(papers, assignment):.3f}",
        f"{ami:.3f}",
        f"{np.mean(spread):.3f} ({min(spread):.2f}-{max(spread):.2f})",
        f"{seconds:.2f}",
    ]


def print_table(rows: list[list[str]]) -> None:
    header = [
        "method",
        "topics",
        "sizes min/med/max (max %)",
        "topics/paper",
        "NPMI",
        "AMI vs gold",
        "AMI, 13-21 topics",
        "seconds",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(r, widths)))


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=None, help="number of topics to ask for (default: the generator's)")
    args = parser.parse_args()
    papers = assign_slugs(read_all([SourceSpec(EXAMPLE)])[0])
    gold = load_gold()
    rows = []

    def others(**options) -> list[TopicAssignment]:
        """The same method asked for 13, 15, ... 21 topics: is its agreement luck or robust?"""
        return [assign_topics(papers, n_topics=k, **options) for k in OTHER_COUNTS]

    for method in ("nmf", "kmeans", "agglomerative"):
        seconds, assignment = timed(lambda method=method: assign_topics(papers, method=method, n_topics=args.topics))
        default = " (default)" if method == AUTO_METHOD["tfidf"] else " (LSA)"
        rows.append(row(f"tfidf {method}{default}", papers, gold, seconds, assignment, others(method=method)))
    if embeddings.semantic_available():
        with tempfile.TemporaryDirectory() as cache_dir:
            cache = Path(cache_dir) / "embeddings.npz"
            cold, vectors = timed(lambda: embeddings.embed_papers(papers, cache))
            warm, _ = timed(lambda: embeddings.embed_papers(papers, cache))
            features = topic_features(papers)
            settings = settings_for(topic_vectors="semantic", embedding_cache=str(cache))
            hybrid_seconds, hybrid = timed(lambda: find_topics(papers, settings).vectors)
        for method in ("kmeans", "agglomerative"):
            seconds, assignment = timed(
                lambda method=method: assign_topics(
                    papers, method=method, n_topics=args.topics, vectors=vectors, features=features
                )
            )
            spread = others(method=method, vectors=vectors, features=features)
            rows.append(row(f"embeddings only {method}", papers, gold, seconds + warm, assignment, spread))
        for method in ("nmf", "kmeans", "agglomerative")[1:]:
            seconds, assignment = timed(
                lambda method=method: assign_topics(
                    papers, method=method, n_topics=args.topics, vectors=hybrid, features=features
                )
            )
            default = " (default)" if method == AUTO_METHOD["semantic"] else ""
            spread = others(method=method, vectors=hybrid, features=features)
            rows.append(row(f"semantic {method}{default}", papers, gold, seconds + hybrid_seconds, assignment, spread))
        print(f"semantic: embedding {len(papers)} papers took {cold:.1f} s from scratch, {warm:.2f} s from the cache;")
        print("  semantic mode clusters embeddings joined with the LSA vectors of the TF-IDF phrases (half each)")
    else:
        print("semantic rows left out: the semantic extra is not installed (make semantic)")
    print(
        f"{len(papers)} papers, {len({p.title for p in papers} & set(gold))} in the gold set "
        f"({len(set(gold.values()))} gold topics)\n"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
