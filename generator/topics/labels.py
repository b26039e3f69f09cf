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

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from ..features import ENGLISH_STOP_WORDS, MAX_PHRASE_WORDS, STOP_WORDS, overlaps, singular, word_count
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
# A label ending like this is cut short ("generative adversarial") when one word mostly follows it.
CUT_SHORT_ENDINGS = ("al", "ic", "ive", "ous", "ful", "able", "ible", "ary")
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

    @functools.cached_property
    def facts(self) -> _VocabularyFacts:
        return _facts_of(self.anywhere, self.terms)


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


def phrase_use(
    papers: Sequence[Paper], terms: Sequence[str], analyzer: Callable[[str], list[str]], counts: csr_matrix | None = None
) -> PhraseUse:
    """Binary paper x phrase matrices over a fixed vocabulary; "anywhere" from `counts` (paper x
    term occurrences in title and abstract, as features.TfidfFeatures holds them) when given."""
    from sklearn.feature_extraction.text import CountVectorizer  # imported only here (rows.py)

    vectorizer = CountVectorizer(analyzer=analyzer, vocabulary=list(terms), binary=True)
    in_title = vectorizer.transform([p.title for p in papers]).tocsr()
    if counts is None:
        anywhere = vectorizer.transform([f"{p.title}. {p.abstract}" for p in papers]).tocsr()
    else:
        anywhere = csr_matrix((np.ones(counts.nnz, dtype=np.int64), counts.indices, counts.indptr), shape=counts.shape)
    return PhraseUse(tuple(terms), in_title, anywhere)


def rank_phrases(use: PhraseUse, members: Sequence[int]) -> RankedPhrases:
    """The topic's phrases in titles and abstracts, best first; only phrases of 2+ member papers."""
    return _ranked(use.anywhere, use.in_title, use.terms, members, use.facts)


def title_phrases(use: PhraseUse, members: Sequence[int]) -> set[str]:
    """The phrases of at least one member's title."""
    used = np.asarray(use.in_title[list(members)].sum(axis=0)).ravel()
    return {use.terms[j] for j in np.flatnonzero(used)}


@dataclass(frozen=True)
class _VocabularyFacts:
    """What ranking needs of the whole vocabulary, computed once per PhraseUse, not once per topic."""

    count_all: np.ndarray  # papers using each phrase
    bonus: np.ndarray  # 1 + PHRASE_BONUS per extra word
    order: np.ndarray  # each term's rank in alphabetical order (the tie-break)


def _facts_of(anywhere: csr_matrix, terms: Sequence[str]) -> _VocabularyFacts:
    order = np.empty(len(terms), dtype=np.int64)
    order[sorted(range(len(terms)), key=terms.__getitem__)] = np.arange(len(terms))
    return _VocabularyFacts(
        count_all=np.asarray(anywhere.sum(axis=0)).ravel(),
        bonus=np.array([1 + PHRASE_BONUS * (word_count(t) - 1) for t in terms]),
        order=order,
    )


def _ranked(
    anywhere: csr_matrix,
    in_title: csr_matrix,
    terms: Sequence[str],
    members: Sequence[int],
    facts: _VocabularyFacts | None = None,
) -> RankedPhrases:
    if not terms or not members:
        return RankedPhrases((), {})
    facts = facts or _facts_of(anywhere, terms)
    rows = list(members)
    count_in = np.asarray(anywhere[rows].sum(axis=0)).ravel()
    title_in = np.asarray(in_title[rows].sum(axis=0)).ravel()
    coverage = (TITLE_WEIGHT * title_in + count_in) / ((TITLE_WEIGHT + 1) * len(rows))
    specificity = np.divide(count_in, facts.count_all, out=np.zeros(len(count_in)), where=facts.count_all > 0)
    score = np.round(coverage * specificity * facts.bonus, 6)
    enough = min(MIN_PAPERS_FOR_PHRASE, len(rows))
    candidates = np.flatnonzero((count_in >= enough) & (score > 0))
    best_first = candidates[np.lexsort((facts.order[candidates], -score[candidates]))]
    fraction = {terms[j]: count_in[j] / len(rows) for j in candidates.tolist()}
    index = _PhraseIndex(fraction)
    phrases = dict.fromkeys(index.noun_phrase(index.extended(terms[j])) for j in best_first.tolist())
    kept = tuple(p for p in phrases if not index.is_fragment(p))
    return RankedPhrases(kept, {p: float(fraction[p]) for p in kept})


class _PhraseIndex:
    """A topic's candidate phrases (phrase -> share of its papers using it), indexed by their
    pieces, so that finding the longer phrases around one phrase does not scan them all."""

    def __init__(self, fraction: dict[str, float]) -> None:
        self.fraction = fraction
        self.containing: dict[str, list[str]] = defaultdict(list)  # sub-phrase -> longer phrases holding it
        self.by_head: dict[str, list[str]] = defaultdict(list)  # all words but the last -> phrases
        self.by_tail: dict[str, list[str]] = defaultdict(list)  # all words but the first -> phrases
        for phrase in fraction:
            words = phrase.split(" ")
            for size in range(1, len(words)):
                for start in range(len(words) - size + 1):
                    self.containing[" ".join(words[start : start + size])].append(phrase)
            if len(words) > 1:
                self.by_head[" ".join(words[:-1])].append(phrase)
                self.by_tail[" ".join(words[1:])].append(phrase)

    def extended(self, phrase: str) -> str:
        """A longer phrase containing this one ("diffusion" -> "diffusion models") when most of its uses have it."""
        longer = self.containing.get(phrase)
        if not longer:
            return phrase
        best = max(longer, key=lambda p: (self.fraction[p], word_count(p), p))
        return best if self.fraction[best] >= EXTEND_RATIO * self.fraction[phrase] else phrase

    def noun_phrase(self, phrase: str) -> str:
        """A lone adjective ("robotic") becomes its most used longer phrase ("robotic manipulation")."""
        if not is_lone_adjective(phrase):
            return phrase
        longer = [p for p in self.containing.get(phrase, []) if p.startswith(f"{phrase} ")]
        return max(longer, key=lambda p: (self.fraction[p], p)) if longer else phrase

    def is_fragment(self, phrase: str) -> bool:
        """Whether a phrase is mostly a piece of a longer name cut at the three-word limit: "carlo tree
        search" of "monte carlo tree search" (a phrase one word earlier is as common as it)."""
        words = phrase.split(" ")
        if len(words) < 2:
            return False
        head, tail = " ".join(words[:-1]), " ".join(words[1:])
        share = self.fraction[phrase]
        before = self.by_tail.get(head, [])  # phrases of as many words ending with this one's head
        after = [p for p in self.by_head.get(tail, []) if p != phrase]  # ... starting with its tail
        return any(self.fraction[p] >= share for p in before) or any(self.fraction[p] >= share for p in after)


def name_topic(
    ranked: RankedPhrases,
    in_titles: set[str],
    used_labels: set[str],
    cased: Callable[[str], str],
    complete: Callable[[str], str] = str,
) -> TopicName:
    """A label no other topic has yet, and a description of the next defining phrases.

    The label is the best phrase of two or more words that some member's title uses (titles name
    subjects as noun phrases) and MIN_LABEL_SHARE of the members use, else the best such phrase of
    any length from titles or abstracts, else a broad multi-word phrase ("Large language models")
    that many members share, else the best phrase at all. `complete` lengthens a phrase cut short
    ("generative adversarial" -> "generative adversarial networks"); the label it gives must be
    unused too."""
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
    label = next((full for choice in choices for full in map(complete, choice) if label_key(full) not in used_labels), "")
    description = _description(phrases, label)
    return TopicName(cased(label) if label else "", ", ".join(cased(p) for p in description), tuple(phrases))


def is_label(phrase: str) -> bool:
    """Whether a phrase can name a topic: not generic, not opening with a title verb, not a lone
    adjective, not ending on a participle (a piece of a sentence: "Transformer trained")."""
    words = phrase.split(" ")
    return (
        not is_weak(phrase)
        and words[0] not in NOT_FIRST_WORDS
        and not is_lone_adjective(phrase)
        and not (len(words) > 1 and words[-1].endswith("ed"))
    )


def is_lone_adjective(phrase: str) -> bool:
    """One word that reads as an adjective: "robotic", "self-rewarding", "multi-reward"."""
    if " " in phrase or phrase in LABEL_NOUNS:
        return False
    return phrase.endswith(ADJECTIVE_ENDINGS) or phrase.startswith(ADJECTIVE_PREFIXES)


def is_description(phrase: str) -> bool:
    """Whether a phrase can describe a topic: not generic, not a title verb, not a lone adjective
    ("Zero-sum games", not "Zero-sum"); names ending on a participle ("SWE-bench verified") are fine here."""
    return not is_weak(phrase) and phrase.split(" ")[0] not in NOT_FIRST_WORDS and not is_lone_adjective(phrase)


def label_key(phrase: str) -> str:
    """What two labels must not share: the first four letters of each word that is not a broad one,
    in any order ("self-evolution" and "self-evolving training" are one label, "reward model" and
    "Reward models" too); labels made only of broad words keep them all."""
    words = [word for word in re.split(r"[\s-]+", phrase.casefold()) if word]
    strong = sorted({word[:4] for word in words if word not in WEAK_LABEL_WORDS and word not in ENGLISH_STOP_WORDS})
    return " ".join(strong) if strong else " ".join(word[:4] for word in words)


FOLLOWER_SHARE = 0.6  # a phrase is cut short when this share of its uses go on with the same word
MAX_LABEL_WORDS = 4
_FOLLOWER = r"(?:[ -]([^\W\d_][\w-]*))?"


def completed(phrase: str, texts: Sequence[str]) -> str:
    """The phrase and the word that follows it in most of its uses in the texts, when the phrase
    reads cut short: it ends on an adjective ("generative adversarial" -> "... networks") or has the
    most words a phrase can have ("reproducing kernel Hilbert" -> "... spaces"). Lower-case."""
    words = phrase.split(" ")
    if len(words) >= MAX_LABEL_WORDS or not (len(words) >= MAX_PHRASE_WORDS or words[-1].endswith(CUT_SHORT_ENDINGS)):
        return phrase
    pattern = re.compile(r"\b" + r"[\s-]+".join(map(re.escape, words)) + r"\b" + _FOLLOWER, re.IGNORECASE)
    uses = 0
    followers: dict[str, Counter[str]] = defaultdict(Counter)
    for match in pattern.finditer("\n".join(texts)):
        uses += 1
        follower = (match[1] or "").casefold()
        if follower and follower not in STOP_WORDS:  # not "... architecture improves"
            followers[singular(follower)][follower] += 1
    if not followers:
        return phrase
    best = max(followers, key=lambda key: (sum(followers[key].values()), key))
    if sum(followers[best].values()) < FOLLOWER_SHARE * uses:
        return phrase
    forms = followers[best]
    return f"{phrase} {max(forms, key=lambda form: (forms[form], form))}"


def _description(phrases: Sequence[str], label: str) -> list[str]:
    """Top phrases that neither repeat the label nor each other."""
    chosen: list[str] = []
    for phrase in phrases:
        if not is_description(phrase) or any(overlaps(phrase, other) for other in [label, *chosen] if other):
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
