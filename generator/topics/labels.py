"""Name topics the way a curator would: by the phrase their papers share and other papers do not.

A phrase's score for a topic is how many of the topic's papers use it (a use in the title counts
double), times the share of all its uses that fall inside the topic, with a bonus for longer
phrases. Labels come from titles first (authors name their subject there, as noun phrases:
"Self-Rewarding Language Models", "Mechanistic Interpretability"), scored the same way over the
titles only; the label is the best such phrase that is not generic ("models", "learning") and does
not start with a title verb ("Understanding ...", "Towards ..."), lengthened where most of its uses
are part of a longer phrase ("diffusion" -> "diffusion models"). The description lists the next
few defining phrases of titles and abstracts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer

from ..features import overlaps, word_count
from ..model import Paper

# Words too broad to name a topic on their own: a label made only of these is skipped.
WEAK_LABEL_WORDS = frozenset(
    """
    model models learning learn learns language large llm llms data training train trained
    ai artificial intelligence system systems framework frameworks task tasks
    ability abilities capabilities capability problem problems human humans agent agents
    process processes paradigm setting settings time level high low way ways
    survey analysis understanding towards toward approach theory perspective study
    neural network networks deep performance methods need online wins world worlds mixture trade-offs
    law laws self response responses correct benefit unclear offering powered natural sciences science
    machine hypothesis hypotheses scale explanations explanation benchmark benchmarks evaluation method
    """.split()
)

# Words that open titles but not topics: "Understanding self-predictive ..." is no label.
NOT_FIRST_WORDS = frozenset(
    """
    understanding towards toward looking rethinking investigating exploring analyzing analysing
    enhancing improving bridging boosting mitigating unifying building teaching tailoring advancing
    learning learned learns revisiting measuring quantifying interpreting scaling making inferring
    simulate simulating simulates achieve achieving enable enabling teach training train
    """.split()
)

# A one-word label ending like an adjective ("Robotic", "Causal") is lengthened into the best phrase
# that contains it ("Robotic manipulation") or not used.
ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ful", "able", "ible", "ary", "less", "level", "ing", "ed")
# A one-word label with one of these prefixes is an adjective too ("Multi-reward", "In-context").
ADJECTIVE_PREFIXES = (
    "multi-",
    "in-",
    "cross-",
    "high-",
    "low-",
    "long-",
    "large-",
    "fine-",
    "zero-",
    "non-",
    "semi-",
    "open-",
    "well-",
)
LABEL_NOUNS = frozenset("reasoning planning steering clustering forecasting prompting pruning".split())

TITLE_WEIGHT = 2.0  # a phrase in a title counts this many abstract uses
PHRASE_BONUS = 0.6  # per extra word, so labels prefer "reward models" over "reward"
EXTEND_RATIO = 0.4  # a longer phrase replaces a shorter one used by at least this share of its papers
DESCRIPTION_PHRASES = 4
MIN_PAPERS_FOR_PHRASE = 2  # a label names something several papers share
MIN_LABEL_SHARE = 0.07  # ... and at least this share of the topic's papers use it


@dataclass(frozen=True)
class PhraseUse:
    """Which papers use which phrase: in the title, and anywhere (title or abstract)."""

    terms: tuple[str, ...]
    in_title: csr_matrix
    anywhere: csr_matrix


@dataclass(frozen=True)
class RankedPhrases:
    """A topic's phrases, best first, with the share of its papers that use each."""

    phrases: tuple[str, ...]
    share: dict[str, float]


@dataclass(frozen=True)
class TopicName:
    label: str
    description: str
    phrases: tuple[str, ...]  # defining phrases, best first, lower-case


def phrase_use(papers: Sequence[Paper], terms: Sequence[str], analyzer: Callable[[str], list[str]]) -> PhraseUse:
    """Binary paper x phrase matrices over a fixed vocabulary."""
    vectorizer = CountVectorizer(analyzer=analyzer, vocabulary=list(terms), binary=True)
    in_title = vectorizer.transform([p.title for p in papers]).tocsr()
    anywhere = vectorizer.transform([f"{p.title}. {p.abstract}" for p in papers]).tocsr()
    return PhraseUse(tuple(terms), in_title, anywhere)


def rank_phrases(use: PhraseUse, members: Sequence[int]) -> RankedPhrases:
    """The topic's phrases in titles and abstracts, best first; only phrases of 2+ member papers."""
    return _ranked(use.anywhere, use.in_title, use.terms, members)


def title_phrases(use: PhraseUse, members: Sequence[int]) -> set[str]:
    """The phrases of at least one member's title."""
    used = np.asarray(use.in_title[list(members)].sum(axis=0)).ravel()
    return {use.terms[j] for j in np.flatnonzero(used)}


def _ranked(anywhere: csr_matrix, in_title: csr_matrix, terms: Sequence[str], members: Sequence[int]) -> RankedPhrases:
    if not terms or not members:
        return RankedPhrases((), {})
    rows = list(members)
    count_in = np.asarray(anywhere[rows].sum(axis=0)).ravel()
    title_in = np.asarray(in_title[rows].sum(axis=0)).ravel()
    count_all = np.asarray(anywhere.sum(axis=0)).ravel()
    coverage = (TITLE_WEIGHT * title_in + count_in) / ((TITLE_WEIGHT + 1) * len(rows))
    specificity = np.divide(count_in, count_all, out=np.zeros(len(count_in)), where=count_all > 0)
    bonus = np.array([1 + PHRASE_BONUS * (word_count(t) - 1) for t in terms])
    score = np.round(coverage * specificity * bonus, 6)
    enough = min(MIN_PAPERS_FOR_PHRASE, len(rows))
    candidates = [j for j in range(len(terms)) if count_in[j] >= enough and score[j] > 0]
    best_first = sorted(candidates, key=lambda j: (-score[j], terms[j]))
    fraction = {terms[j]: count_in[j] / len(rows) for j in candidates}
    phrases = dict.fromkeys(_noun_phrase(_extended(terms[j], fraction), fraction) for j in best_first)
    kept = tuple(p for p in phrases if not _is_fragment(p, fraction))
    return RankedPhrases(kept, {p: float(fraction[p]) for p in kept})


def _is_fragment(phrase: str, fraction: dict[str, float]) -> bool:
    """Whether a phrase is mostly a piece of a longer name cut at the three-word limit: "carlo tree
    search" of "monte carlo tree search" (a phrase one word earlier is as common as it)."""
    words = phrase.split(" ")
    if len(words) < 2:
        return False
    head, tail = " ".join(words[:-1]), " ".join(words[1:])
    before = [p for p in fraction if p.endswith(f" {head}") and p.count(" ") == len(words) - 1]
    after = [p for p in fraction if p.startswith(f"{tail} ") and p.count(" ") == len(words) - 1 and p != phrase]
    return any(fraction[p] >= fraction[phrase] for p in before) or any(fraction[p] >= fraction[phrase] for p in after)


def name_topic(ranked: RankedPhrases, in_titles: set[str], used_labels: set[str], cased: Callable[[str], str]) -> TopicName:
    """A label no other topic has yet, and a description of the next defining phrases.

    The label is the best phrase of two or more words that some member's title uses (titles name
    subjects as noun phrases) and MIN_LABEL_SHARE of the members use, else the best such phrase of
    any length from titles or abstracts, else a broad multi-word phrase ("Large language models")
    that many members share, else the best phrase at all."""
    phrases = ranked.phrases
    fresh = [p for p in phrases if label_key(p) not in used_labels]
    # A single word must be shared twice as widely as a phrase to name a topic.
    common = [p for p in fresh if ranked.share[p] >= MIN_LABEL_SHARE * (2 if word_count(p) == 1 else 1)]
    choices = (
        [p for p in common if is_label(p) and p in in_titles and word_count(p) > 1],
        [p for p in common if is_label(p)],
        [p for p in common if " " in p and p.split(" ")[0] not in NOT_FIRST_WORDS],
        [p for p in fresh if is_label(p)],
    )
    label = next((choice[0] for choice in choices if choice), "")
    description = _description(phrases, label)
    return TopicName(cased(label) if label else "", ", ".join(cased(p) for p in description), tuple(phrases))


def is_label(phrase: str) -> bool:
    """Whether a phrase can name a topic: not generic, not opening with a title verb, not a lone adjective."""
    return not is_weak(phrase) and phrase.split(" ")[0] not in NOT_FIRST_WORDS and not is_lone_adjective(phrase)


def is_lone_adjective(phrase: str) -> bool:
    """One word that reads as an adjective: "robotic", "self-rewarding", "multi-reward"."""
    if " " in phrase or phrase in LABEL_NOUNS:
        return False
    return phrase.endswith(ADJECTIVE_ENDINGS) or phrase.startswith(ADJECTIVE_PREFIXES)


def label_key(phrase: str) -> str:
    """What two labels must not share: the first four letters of each word ("self-evolution" and
    "self-evolving" are one label, "reward model" and "reward models" too)."""
    return " ".join(word[:4] for word in re.split(r"[\s-]+", phrase.casefold()))


def _noun_phrase(phrase: str, fraction: dict[str, float]) -> str:
    """A lone adjective ("robotic") becomes its most used longer phrase ("robotic manipulation")."""
    if not is_lone_adjective(phrase):
        return phrase
    longer = [p for p in fraction if p.startswith(f"{phrase} ")]
    return max(longer, key=lambda p: (fraction[p], p)) if longer else phrase


def _extended(phrase: str, fraction: dict[str, float]) -> str:
    """A longer phrase containing this one ("diffusion" -> "diffusion models") when most of its uses have it."""
    longer = [p for p in fraction if p != phrase and f" {phrase} " in f" {p} "]
    if not longer:
        return phrase
    best = max(longer, key=lambda p: (fraction[p], word_count(p), p))
    return best if fraction[best] >= EXTEND_RATIO * fraction[phrase] else phrase


def _description(phrases: Sequence[str], label: str) -> list[str]:
    """Top phrases that neither repeat the label nor each other."""
    chosen: list[str] = []
    for phrase in phrases:
        if not is_label(phrase) or any(overlaps(phrase, other) for other in [label, *chosen] if other):
            continue
        chosen.append(phrase)
        if len(chosen) == DESCRIPTION_PHRASES:
            break
    return chosen


def is_weak(phrase: str) -> bool:
    return phrase in WEAK_LABEL_WORDS or all(word in WEAK_LABEL_WORDS for word in re.split(r"[\s-]+", phrase))


def cased(phrase: str, forms: dict[str, str]) -> str:
    """A phrase written with its surface forms, first letter upper-case."""
    text = " ".join(forms.get(word, word) for word in phrase.split(" "))
    return text[0].upper() + text[1:] if text[:1].islower() else text
