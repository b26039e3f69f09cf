"""The labeller's small rules, on hand-made inputs."""

from __future__ import annotations

import pytest

from generator.features import WORD, analyze, surface_forms
from generator.model import Paper, Source
from generator.topics.labels import (
    RankedPhrases,
    cased,
    completed,
    is_label,
    label_key,
    name_topic,
    phrase_use,
    rank_phrases,
)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("self-play", True),
        ("mechanistic interpretability", True),
        ("reasoning", True),
        ("robotic", False),  # a lone adjective
        ("self-rewarding", False),
        ("multi-reward", False),
        ("language models", False),  # generic words only
        ("understanding self-predictive", False),  # opens like a title
        ("transformer trained", False),  # a piece of a sentence, ending on a participle
    ],
)
def test_what_can_be_a_label(phrase: str, expected: bool) -> None:
    assert is_label(phrase) is expected


def test_label_key_treats_word_forms_as_one_label() -> None:
    assert label_key("Self-evolution") == label_key("self-evolving")
    assert label_key("reward model") == label_key("Reward models")
    assert label_key("self-play") != label_key("self-improvement")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Self-evolution", "Self-evolving training"),
        ("Diffusion models", "diffusion model"),
        ("Reward design", "design of rewards"),
    ],
)
def test_nearly_the_same_labels_share_a_key(a: str, b: str) -> None:
    assert label_key(a) == label_key(b)


@pytest.mark.parametrize(
    ("a", "b"), [("Diffusion models", "Discrete diffusion models"), ("Language models", "Large language models")]
)
def test_different_labels_have_different_keys(a: str, b: str) -> None:
    assert label_key(a) != label_key(b)


def test_labels_keep_the_capitals_of_names() -> None:
    papers = [
        paper(0, "Hidden Markov Models For Speech", "We fit hidden Markov models. Latent Dirichlet allocation helps."),
        paper(1, "Topic Models", "Hidden states of Markov chains. We use latent Dirichlet allocation with LDA."),
    ]
    forms = surface_forms(papers, WORD)
    assert cased("hidden markov models", forms) == "Hidden Markov models"
    assert cased("latent dirichlet allocation", forms) == "Latent Dirichlet allocation"
    assert cased("topic models", forms) == "Topic models"


def test_a_phrase_cut_short_gets_the_word_that_follows_it() -> None:
    texts = [
        "Generative adversarial networks (GANs) learn. We train generative adversarial networks.",
        "A generative adversarial network for images.",
        "Functions in a reproducing kernel Hilbert space.",
        "Monte Carlo tree search and Monte Carlo sampling.",
    ]
    assert completed("generative adversarial", texts) == "generative adversarial networks"
    assert completed("reproducing kernel hilbert", texts) == "reproducing kernel hilbert space"
    assert completed("monte carlo", texts) == "monte carlo"  # no one word mostly follows it
    assert completed("diffusion models", ["diffusion models beat GANs"]) == "diffusion models"  # not cut short


def paper(n: int, title: str, abstract: str) -> Paper:
    return Paper(title=title, abstract=abstract, source=Source("t", n), slug=f"p{n}")


def test_ranking_lengthens_adjectives_and_drops_cut_off_names() -> None:
    papers = [
        paper(0, "Robotic manipulation of cloth", "Monte Carlo tree search plans robotic manipulation."),
        paper(1, "Robotic manipulation with tactile sensing", "Monte Carlo tree search for robotic manipulation."),
        paper(2, "Protein folding", "Amino acids fold."),
    ]
    terms = sorted({t for p in papers for t in analyze(f"{p.title}. {p.abstract}")})
    ranked = rank_phrases(phrase_use(papers, terms, analyze), [0, 1])
    assert "robotic manipulation" in ranked.phrases and "robotic" not in ranked.phrases
    assert "carlo tree search" not in ranked.phrases and "monte carlo tree" not in ranked.phrases
    assert "amino acids" not in ranked.phrases  # used by no member


def test_labels_prefer_title_phrases_that_enough_members_share() -> None:
    ranked = RankedPhrases(
        ("rare phrase", "zero-sum games", "self-play", "games"),
        {"rare phrase": 0.05, "zero-sum games": 0.3, "self-play": 0.6, "games": 0.5},
    )
    name = name_topic(ranked, {"zero-sum games", "self-play", "rare phrase"}, set(), str.capitalize)
    assert name.label == "Zero-sum games"
    assert name.description == "Rare phrase, Self-play"  # in rank order; "games" repeats the label
    taken = name_topic(ranked, {"zero-sum games", "self-play"}, {label_key("zero-sum games")}, str.capitalize)
    assert taken.label == "Self-play"


def test_completed_never_adds_a_verb_every_abstract_uses() -> None:
    texts = ["Joint-Embedding Predictive Architecture improves planning."] * 3 + ["joint-embedding predictive architecture"]
    assert completed("joint-embedding predictive architecture", texts) == "joint-embedding predictive architecture"
