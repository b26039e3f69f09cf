"""Topic discovery: TF-IDF phrases of title + abstract, factorised by NMF into labelled topics.

Also home of the shared text features (`paper_text`, `build_tfidf`) that related.py reuses.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from slugify import slugify

from .model import Paper, Topic

# Words every abstract uses; they break phrases like stop words do.
GENERIC_WORDS = frozenset(
    """
    paper papers propose proposes proposed method methods result results approach approaches
    show shows shown showing use uses used using based novel new work works study studies
    present presents presented demonstrate demonstrates demonstrated significantly significant
    state-of-the-art existing performance furthermore additionally moreover introduce introduces
    introduced including achieve achieves achieved various different effective effectively
    experiments experimental extensive evaluate evaluated outperforms outperform key
    challenge challenges end-to-end able enables enable improve improves improved improving
    high-quality real-world wide remain remains provide provides provided providing offer offers
    allow allows leverage leverages leveraging complex potential
    """.split()
)
STOP_WORDS = ENGLISH_STOP_WORDS | GENERIC_WORDS

# Words too broad to name a topic on their own: a label made only of these is skipped.
WEAK_LABEL_WORDS = frozenset(
    """
    model models learning learn learns language large llm llms data training train trained
    ai artificial intelligence system systems framework task tasks
    ability abilities capabilities capability problem problems human humans agent agents
    process processes paradigm setting settings time level high low way ways
    """.split()
)

TITLE_REPEATS = 2
MAX_PHRASE_WORDS = 3
MIN_TOPICS, MAX_TOPICS = 2, 20
MAX_TOPICS_PER_PAPER = 3
SECONDARY_TOPIC_RATIO = 0.5  # a further topic needs this fraction of the paper's strongest weight
PHRASE_BONUS = 0.5  # per extra word, so labels prefer "reward models" over "reward"
DESCRIPTION_PHRASES = 4
LABEL_CANDIDATES = 100
EXTEND_RATIO = 0.5  # a longer phrase replaces a shorter one used by at most twice as many papers
PRUNE_FROM_PAPERS = 10  # below this many papers every phrase is kept
RANDOM_STATE = 0
NMF_TOLERANCE = 1e-3  # converges to within 0.01% of the 1e-4 error, several times faster

# A word starts with a letter, is 2+ characters and may hold inner hyphens ("self-play", "GPT-2").
_WORD_PATTERN = r"\b[^\W\d_][\w-]*\w\b"
_WORD = re.compile(_WORD_PATTERN)
_WORD_OR_BREAK = re.compile(rf"({_WORD_PATTERN})|[^\s\w]+|\w+")  # anything not a word breaks a phrase


@dataclass(frozen=True)
class TfidfFeatures:
    """One L2-normalised TF-IDF row per paper (input order) and the phrase of each column."""

    matrix: csr_matrix
    terms: tuple[str, ...]


@dataclass(frozen=True)
class TopicAssignment:
    """Topics, and for each paper slug its topic slugs, strongest first."""

    topics: tuple[Topic, ...]
    paper_topics: dict[str, tuple[str, ...]]


def paper_text(paper: Paper) -> str:
    """Title (repeated, so it weighs more) and abstract, as sentences so phrases do not span them."""
    title = _normalised(paper.title)
    return ". ".join([title] * TITLE_REPEATS + [_normalised(paper.abstract)])


def _normalised(text: str) -> str:
    # NFKC composes accents ("Go" + combining diaeresis -> "Gö") so words do not split at them.
    return unicodedata.normalize("NFKC", text).strip()


def analyze(text: str) -> list[str]:
    """Lower-cased 1- to 3-word phrases that never span punctuation, numbers or stop words."""
    phrases: list[str] = []
    for run in _word_runs(text):
        for size in range(1, MAX_PHRASE_WORDS + 1):
            phrases.extend(" ".join(run[i : i + size]) for i in range(len(run) - size + 1))
    return phrases


def _word_runs(text: str) -> Iterable[list[str]]:
    run: list[str] = []
    for match in _WORD_OR_BREAK.finditer(text):
        word = match.group(1)
        word = word.casefold() if word else None
        if word and word not in STOP_WORDS:
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


def build_tfidf(papers: Sequence[Paper], *, min_df: int = 1, max_df: float = 1.0) -> TfidfFeatures:
    """TF-IDF of `paper_text`; no columns (rather than an error) when no phrase survives."""
    vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, min_df=min_df, max_df=max_df)
    try:
        matrix = vectorizer.fit_transform([paper_text(p) for p in papers])
    except ValueError:  # empty vocabulary: only stop words, or everything pruned
        return TfidfFeatures(csr_matrix((len(papers), 0)), ())
    return TfidfFeatures(matrix.tocsr(), tuple(vectorizer.get_feature_names_out()))


def topic_count(n_papers: int) -> int:
    """About sqrt(n) topics, within [MIN_TOPICS, MAX_TOPICS] and never more than papers."""
    return min(n_papers, max(MIN_TOPICS, min(MAX_TOPICS, round(math.sqrt(n_papers)))))


def discover_topics(papers: Sequence[Paper]) -> tuple[Topic, ...]:
    """Topics ordered by size (descending) then slug; each holds paper slugs, most central first."""
    return assign_topics(papers).topics


def assign_topics(papers: Sequence[Paper]) -> TopicAssignment:
    """Discover topics and give every paper 1 to MAX_TOPICS_PER_PAPER of them, strongest first."""
    if not papers:
        return TopicAssignment((), {})
    features = _topic_features(papers)
    n_topics = min(topic_count(len(papers)), len(features.terms))
    if n_topics == 0:
        return _single_topic(papers)
    paper_weights, term_weights = _factorise(features.matrix, n_topics)
    memberships = _memberships(paper_weights)
    members = _members_by_topic(memberships)
    casing = _surface_forms(papers)

    topic_of: dict[int, Topic] = {}
    used_labels: set[str] = set()
    for t in sorted(members, key=lambda t: (-len(members[t]), t)):  # bigger topics choose labels first
        phrases = _ranked_phrases(
            term_weights[t], _specificity(term_weights, t), _coverage(features.matrix, members[t]), features.terms
        )
        label = _pick_label(phrases, used_labels) or f"topic {len(topic_of) + 1}"
        used_labels.add(_singular(label))
        central_first = sorted(members[t], key=lambda i: (-paper_weights[i, t], papers[i].slug))
        topic_of[t] = Topic(
            slug=_unique_slug(_cased(label, casing), {topic.slug for topic in topic_of.values()}),
            label=_cased(label, casing),
            description=", ".join(_cased(p, casing) for p in _description(phrases, label)),
            papers=tuple(papers[i].slug for i in central_first),
        )

    topics = tuple(sorted(topic_of.values(), key=lambda topic: (-len(topic.papers), topic.slug)))
    paper_topics = {p.slug: tuple(topic_of[t].slug for t in ts) for p, ts in zip(papers, memberships)}
    return TopicAssignment(topics, paper_topics)


def _topic_features(papers: Sequence[Paper]) -> TfidfFeatures:
    # Phrases in a single paper cannot link papers, and near-universal ones cannot separate them.
    if len(papers) >= PRUNE_FROM_PAPERS:
        pruned = build_tfidf(papers, min_df=2, max_df=0.5)
        if pruned.terms:
            return pruned
    return build_tfidf(papers)


def _factorise(matrix: csr_matrix, n_topics: int) -> tuple[np.ndarray, np.ndarray]:
    """Paper x topic and topic x term weights."""
    nmf = NMF(n_components=n_topics, init="nndsvda", random_state=RANDOM_STATE, tol=NMF_TOLERANCE, max_iter=1000)
    # Degenerate input (one paper, one phrase, copies of one text) can stall without converging, or fit
    # so exactly that the squared error rounds below zero; the factors are fine, warnings only noise.
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        paper_weights = nmf.fit_transform(matrix)
    return paper_weights, nmf.components_


def _memberships(paper_weights: np.ndarray) -> list[list[int]]:
    """Per paper, its topic indices strongest first. A paper with no weight at all (every phrase of
    it pruned) joins the heaviest topic, so that no paper is left out."""
    heaviest = int(np.argmax(paper_weights.sum(axis=0)))
    return [_strongest_topics(row) or [heaviest] for row in paper_weights]


def _strongest_topics(weights: np.ndarray) -> list[int]:
    """Topic indices of one paper, strongest first; empty when the paper has no weight at all."""
    strongest = float(weights.max())
    if strongest <= 0:
        return []
    order = sorted(range(len(weights)), key=lambda t: (-weights[t], t))
    return [t for t in order[:MAX_TOPICS_PER_PAPER] if weights[t] >= SECONDARY_TOPIC_RATIO * strongest]


def _members_by_topic(memberships: Sequence[Sequence[int]]) -> dict[int, list[int]]:
    """Topic index -> paper indices; topics nobody joined are absent, so never empty."""
    members: dict[int, list[int]] = defaultdict(list)
    for paper_index, topic_indices in enumerate(memberships):
        for t in topic_indices:
            members[t].append(paper_index)
    return dict(members)


def _single_topic(papers: Sequence[Paper]) -> TopicAssignment:
    """No usable phrase at all (e.g. titles made only of stop words): one topic for everything."""
    topic = Topic(slug="all-papers", label="All papers", papers=tuple(sorted(p.slug for p in papers)))
    return TopicAssignment((topic,), {p.slug: (topic.slug,) for p in papers})


def _coverage(matrix: csr_matrix, rows: Sequence[int]) -> np.ndarray:
    """Per term, the fraction of the given papers that use it."""
    return matrix[rows].getnnz(axis=0) / len(rows)


def _specificity(term_weights: np.ndarray, topic: int) -> np.ndarray:
    """Per term, the share of its weight over all topics that this topic holds."""
    totals = term_weights.sum(axis=0)
    return np.divide(term_weights[topic], totals, out=np.zeros_like(totals), where=totals > 0)


def _ranked_phrases(
    term_weights: np.ndarray, specificity: np.ndarray, coverage: np.ndarray, terms: Sequence[str]
) -> list[str]:
    """The topic's defining phrases, best first: heavy in the topic, rather its own than other topics',
    and used by many of its papers."""
    top = [j for j in np.argsort(-term_weights, kind="stable")[:LABEL_CANDIDATES] if term_weights[j] > 0]
    coverage_of = {terms[j]: float(coverage[j]) for j in top}
    score_of = {
        terms[j]: float(term_weights[j] * specificity[j]) * coverage_of[terms[j]] * _length_bonus(terms[j]) for j in top
    }
    best_first = sorted(score_of, key=lambda term: (-score_of[term], term))
    extended = (_extended(term, coverage_of) for term in best_first)
    return list(dict.fromkeys(extended))


def _length_bonus(phrase: str) -> float:
    return 1 + PHRASE_BONUS * (_word_count(phrase) - 1)


def _extended(phrase: str, coverage_of: dict[str, float]) -> str:
    """A longer phrase containing this one ("diffusion" -> "diffusion models") when most of its uses have it."""
    longer = [p for p in coverage_of if p != phrase and f" {phrase} " in f" {p} "]
    if not longer:
        return phrase
    best = max(longer, key=lambda p: (coverage_of[p], _word_count(p), p))
    return best if coverage_of[best] >= EXTEND_RATIO * coverage_of[phrase] else phrase


def _word_count(phrase: str) -> int:
    return len(re.split(r"[\s-]+", phrase))


def _is_weak(phrase: str) -> bool:
    return all(word in WEAK_LABEL_WORDS for word in re.split(r"[\s-]+", phrase))


def _pick_label(phrases: Sequence[str], used: set[str]) -> str:
    return next((p for p in phrases if not _is_weak(p) and _singular(p) not in used), "")


def _description(phrases: Sequence[str], label: str) -> list[str]:
    """Top phrases that neither repeat the label nor each other."""
    chosen: list[str] = []
    for phrase in phrases:
        if _is_weak(phrase) or any(_overlaps(phrase, other) for other in [label, *chosen]):
            continue
        chosen.append(phrase)
        if len(chosen) == DESCRIPTION_PHRASES:
            break
    return chosen


def _overlaps(a: str, b: str) -> bool:
    """Whether one phrase holds the other as whole words, plurals aside ("rl" is not in "world")."""
    a, b = _singular(a), _singular(b)
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _singular(phrase: str) -> str:
    """A crude singular, only to tell "reward model" and "reward models" are the same phrase."""
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in phrase.split(" "))


def _surface_forms(papers: Sequence[Paper]) -> dict[str, str]:
    """Lower-cased word -> how to write it: acronyms and brand casing (LLM, GPT-2) survive.

    Abstracts vote, because titles capitalise every word; a word seen only in titles keeps
    its casing only when fully upper-case.
    """
    in_abstracts: dict[str, Counter[str]] = defaultdict(Counter)
    for paper in papers:
        for word in _WORD.findall(_normalised(paper.abstract)):
            in_abstracts[word.casefold()][word] += 1
    forms: dict[str, str] = {}
    for word, counts in in_abstracts.items():
        form = max(counts, key=lambda f: (counts[f], f))
        forms[word] = word if form in (word, word.capitalize()) else form
    for paper in papers:
        for word in _WORD.findall(_normalised(paper.title)):
            if word.casefold() not in forms and word.isupper():
                forms[word.casefold()] = word
    return forms


def _cased(phrase: str, forms: dict[str, str]) -> str:
    text = " ".join(forms.get(word, word) for word in phrase.split(" "))
    return text[0].upper() + text[1:] if text[:1].islower() else text


def _unique_slug(label: str, taken: set[str]) -> str:
    base = slugify(label, max_length=60, word_boundary=True) or "topic"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
