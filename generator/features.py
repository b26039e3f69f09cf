"""Text features of papers, shared by topics (generator/topics/) and related papers (related.py).

Phrases of one to three words from the title (weighted above the abstract) and the abstract,
broken at punctuation, numbers and stop words, counted once per collection (`count_phrases`);
the TF-IDF matrices that topics and related papers each take from those counts (`build_tfidf`,
with their own pruning); and the small phrase helpers (word counts, overlaps, surface forms) that
labels and reasons both use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, vstack

from .forked import map_parts
from .model import Paper

# scikit-learn's ENGLISH_STOP_WORDS (the Glasgow Information Retrieval Group's list), copied so that
# counting phrases does not import scikit-learn (tests/test_rows.py checks the copy against it).
ENGLISH_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand behind being
    below beside besides between beyond bill both bottom but by call can cannot cant co con could
    couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere
    empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
    fire first five for former formerly forty found four from front full further get give go had has
    hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how
    however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least
    less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my
    myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she should
    show side since sincere six sixty so some somehow someone something sometime sometimes somewhere
    still such system take ten than that the their them themselves then thence there thereafter thereby
    therefore therein thereupon these they thick thin third this those though three through throughout
    thru thus to together too top toward towards twelve twenty two un under until up upon us very via
    was we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
    """.split()
)

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
    allow allows leverage leverages leveraging complex potential capable sparked growing empirically
    investigate investigates help helps increasingly
    """.split()
)
STOP_WORDS = ENGLISH_STOP_WORDS | GENERIC_WORDS

TITLE_REPEATS = 2
MAX_PHRASE_WORDS = 3

# A word starts with a letter, is 2+ characters and may hold inner hyphens ("self-play", "GPT-2").
_WORD_PATTERN = r"\b[^\W\d_][\w-]*\w\b"
WORD = re.compile(_WORD_PATTERN)
_WORD_OR_BREAK = re.compile(rf"({_WORD_PATTERN})|[^\s\w]+|\w+")  # anything not a word breaks a phrase
PAPERS_PER_PROCESS = 2_000  # fewer papers than this per core are counted in one process


@dataclass(frozen=True)
class PhraseCounts:
    """How often each phrase occurs in each paper's `paper_text` (rows in input order), and the
    phrase of each column (alphabetical): every phrase of the collection, analysed once."""

    matrix: csr_matrix
    terms: tuple[str, ...]


@dataclass(frozen=True)
class TfidfFeatures:
    """One L2-normalised TF-IDF row per paper (input order), the phrase of each column, and the
    counts of those phrases the weights come from."""

    matrix: csr_matrix
    terms: tuple[str, ...]
    counts: csr_matrix | None = None


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
        phrases.extend(run)
        if MAX_PHRASE_WORDS >= 2:
            phrases.extend(f"{a} {b}" for a, b in zip(run, run[1:]))
        for size in range(3, MAX_PHRASE_WORDS + 1):
            phrases.extend(" ".join(run[i : i + size]) for i in range(len(run) - size + 1))
    return phrases


def _word_runs(text: str) -> Iterable[list[str]]:
    run: list[str] = []
    for word in _WORD_OR_BREAK.findall(text):  # "" for anything that is not a word
        word = word.casefold()
        if word and word not in STOP_WORDS:
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


def count_phrases(papers: Sequence[Paper]) -> PhraseCounts:
    """The phrases of every paper's `paper_text`, counted (the one pass of `analyze` per collection):
    CountVectorizer's matrix, from parts of the collection counted on every core (forked.py)."""
    texts = [paper_text(p) for p in papers]
    parts = map_parts(lambda part: _counted(texts[part.start : part.stop]), len(texts), minimum=PAPERS_PER_PROCESS)
    return parts[0] if len(parts) == 1 else _joined(parts)


def count_vocabulary(papers: Sequence[Paper], terms: Sequence[str]) -> csr_matrix:
    """How often each of `terms` occurs in each paper's `paper_text` (columns in the order of terms):
    the counts count_phrases gives those phrases, without collecting every other phrase."""
    texts = [paper_text(p) for p in papers]
    if not terms:
        return csr_matrix((len(texts), 0), dtype=np.int64)
    column_of = {term: j for j, term in enumerate(terms)}
    parts = map_parts(
        lambda part: _vocabulary_counts(texts[part.start : part.stop], column_of), len(texts), minimum=PAPERS_PER_PROCESS
    )
    return csr_matrix(vstack(parts, format="csr"), dtype=np.int64)


def _vocabulary_counts(texts: Sequence[str], column_of: dict[str, int]) -> csr_matrix:
    """CountVectorizer(analyzer=analyze, vocabulary=column_of).transform(texts), without importing
    scikit-learn (a build that keeps the fitted model counts only the changed papers): each row's
    counts of the vocabulary's phrases, indices sorted."""
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    for text in texts:
        counter = Counter(column for column in map(column_of.get, analyze(text)) if column is not None)
        indices.extend(counter.keys())
        values.extend(counter.values())
        indptr.append(len(indices))
    matrix = csr_matrix(
        (np.array(values, dtype=np.int64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(texts), len(column_of)),
    )
    matrix.sort_indices()
    return matrix


def _counted(texts: Sequence[str]) -> PhraseCounts:
    from sklearn.feature_extraction.text import CountVectorizer  # only where the vocabulary is fitted (see rows.py)

    vectorizer = CountVectorizer(analyzer=analyze)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary: only stop words
        return PhraseCounts(csr_matrix((len(texts), 0), dtype=np.int64), ())
    return PhraseCounts(matrix.tocsr(), tuple(vectorizer.get_feature_names_out()))


def _joined(parts: Sequence[PhraseCounts]) -> PhraseCounts:
    """The counts of consecutive parts of a collection as CountVectorizer counts the whole, to the
    bit: columns alphabetical, and each row's entries in the order of the phrases' first appearance
    in the collection (which its sums, and so every weight after, run in)."""
    rows = sum(part.matrix.shape[0] for part in parts)
    first_seen: dict[str, int] = {}  # phrase -> rank of its first appearance in the collection
    for part in parts:
        for column in _by_first_appearance(part.matrix).tolist():
            first_seen.setdefault(part.terms[column], len(first_seen))
    if not first_seen:
        return PhraseCounts(csr_matrix((rows, 0), dtype=np.int64), ())
    blocks = []
    for part in parts:
        seen = np.array([first_seen[term] for term in part.terms], dtype=part.matrix.indices.dtype)
        matrix = part.matrix
        blocks.append(csr_matrix((matrix.data, seen[matrix.indices], matrix.indptr), shape=(matrix.shape[0], len(first_seen))))
    joined = csr_matrix(vstack(blocks, format="csr"))
    joined.sort_indices()
    terms = sorted(first_seen)
    alphabetical = np.empty(len(terms), dtype=joined.indices.dtype)
    alphabetical[[first_seen[term] for term in terms]] = np.arange(len(terms))
    # a new matrix, not new indices in the old one: its flags say the indices are sorted, they are not
    reordered = csr_matrix((joined.data, alphabetical[joined.indices], joined.indptr), shape=joined.shape)
    return PhraseCounts(reordered, tuple(terms))


def _by_first_appearance(matrix: csr_matrix) -> np.ndarray:
    """The columns in order of first appearance: CountVectorizer sorts each row's entries by it."""
    columns, first = np.unique(matrix.indices, return_index=True)
    return columns[np.argsort(first)]


def build_tfidf(
    papers: Sequence[Paper], *, min_df: int = 1, max_df: float = 1.0, counts: PhraseCounts | None = None
) -> TfidfFeatures:
    """TF-IDF (sublinear tf, smooth idf) of `paper_text` over the phrases in at least min_df papers
    and at most max_df (a share) of them, as scikit-learn's TfidfVectorizer computes it (to the
    last bit or two: rows' sums run in another order); from `counts` when given (the same papers).
    No columns (rather than an error) when no phrase survives."""
    counts = counts if counts is not None else count_phrases(papers)
    kept = kept_columns(counts.matrix, min_df, max_df)
    if not len(kept):
        return TfidfFeatures(csr_matrix((len(papers), 0)), (), csr_matrix((len(papers), 0), dtype=np.int64))
    from sklearn.feature_extraction.text import TfidfTransformer  # fits the idf: imported only here (see rows.py)

    occurrences = counts.matrix[:, kept]
    weights = TfidfTransformer(sublinear_tf=True).fit_transform(occurrences)
    return TfidfFeatures(csr_matrix(weights), tuple(counts.terms[j] for j in kept.tolist()), occurrences)


def kept_columns(matrix: csr_matrix, min_df: int, max_df: float) -> np.ndarray:
    """The columns in at least min_df and at most max_df x n rows (CountVectorizer's pruning)."""
    if min_df > max_df * matrix.shape[0]:
        return np.zeros(0, dtype=np.int64)
    in_papers = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return np.flatnonzero((in_papers >= min_df) & (in_papers <= max_df * matrix.shape[0]))


def word_count(phrase: str) -> int:
    return len(re.split(r"[\s-]+", phrase))


def overlaps(a: str, b: str) -> bool:
    """Whether one phrase holds the other as whole words, plurals aside ("rl" is not in "world")."""
    a, b = singular(a), singular(b)
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


@functools.lru_cache(maxsize=1 << 16)  # called for the same few phrases over and over (labels, reasons)
def singular(phrase: str) -> str:
    """A crude singular, only to tell "reward model" and "reward models" are the same phrase."""
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in phrase.split(" "))


def surface_forms(papers: Sequence[Paper], word_pattern: re.Pattern[str]) -> dict[str, str]:
    """Lower-cased word -> how to write it: acronyms, brand casing and names survive (LLM, GPT-2,
    Markov, Dirichlet).

    Words inside sentences of the abstracts vote (titles capitalise every word, and sentences their
    first); a word seen only at the start of sentences keeps a casing other than capitalised, a
    word seen only in titles keeps its casing only when fully upper-case.
    """
    parts = map_parts(
        lambda part: _sentence_words(papers[part.start : part.stop], word_pattern), len(papers), minimum=PAPERS_PER_PROCESS
    )
    opening = _by_lower_case(sum((words for words, _ in parts), Counter()))
    inside = _by_lower_case(sum((words for _, words in parts), Counter()))
    forms: dict[str, str] = {}
    for word, counts in opening.items():
        form = max(counts, key=lambda f: (counts[f], f))
        forms[word] = word if form in (word, word.capitalize()) else form
    for word, counts in inside.items():
        forms[word] = max(counts, key=lambda f: (counts[f], f))
    for paper in papers:
        for word in word_pattern.findall(paper.title):
            if word.casefold() not in forms and word.isupper():
                forms[word.casefold()] = word
    return forms


def _sentence_words(papers: Sequence[Paper], word_pattern: re.Pattern[str]) -> tuple[Counter[str], Counter[str]]:
    """How often each word opens a sentence of the abstracts, and how often it is inside one."""
    opening_words: list[str] = []
    inside_words: list[str] = []
    for paper in papers:
        for sentence in _SENTENCE_BREAK.split(paper.abstract):
            found = word_pattern.findall(sentence)
            if found:
                opening_words.append(found[0])
                inside_words.extend(found[1:])
    return Counter(opening_words), Counter(inside_words)


def _by_lower_case(counts: Counter[str]) -> dict[str, Counter[str]]:
    """Word counts grouped by the lower-case word: "llm" -> {"LLM": 5, "LLMs": ...}."""
    grouped: dict[str, Counter[str]] = defaultdict(Counter)
    for word, count in counts.items():
        grouped[word.casefold()][word] += count
    return grouped


_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+")
