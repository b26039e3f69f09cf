from __future__ import annotations

from generator.catalog import assign_slugs
from generator.model import Paper, Source
from generator.slugs import RESERVED_SLUGS, SLUG_MAX_LENGTH, slug_base


def paper(title: str, abstract: str = "An abstract.", line: int = 1) -> Paper:
    return Paper(title=title, abstract=abstract, source=Source("list.txt", line))


def test_slugs_are_unique_even_when_titles_differ_only_in_case():
    papers = assign_slugs([paper("Self-Play"), paper("self-play"), paper("SELF PLAY")])
    slugs = [p.slug for p in papers]
    assert slugs == ["self-play", "self-play-2", "self-play-3"]
    assert len({s.casefold() for s in slugs}) == 3


def test_slug_never_leaves_the_folder_or_names_a_reserved_file():
    for title in ["../../../etc/passwd", "..\\..\\windows", "/abs/path", "index", "CON", "nul", "tags"]:
        slug = slug_base(title)
        assert "/" not in slug and "\\" not in slug and not slug.startswith(".")
        assert slug not in RESERVED_SLUGS


def test_slug_is_never_empty_and_is_short():
    assert slug_base("!!!").startswith("paper-")
    assert slug_base("!!!") != slug_base("???")
    long = slug_base("Word " * 100)
    assert 0 < len(long) <= SLUG_MAX_LENGTH and not long.endswith("-")


def test_cjk_titles_get_readable_ascii_slugs():
    slug = slug_base("深度学习中的自我博弈")
    assert slug and slug.isascii() and not slug.startswith("paper-")


def test_twin_slug_stays_within_the_length_limit():
    title = "Word " * 100
    papers = assign_slugs([paper(title), paper(title.upper())])
    assert len(papers[1].slug) <= SLUG_MAX_LENGTH and papers[1].slug.endswith("-2")
