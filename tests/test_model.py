"""The Paper record's helpers (generator/model.py)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from generator.model import Author, Link, Paper, Related, Source, paper_from_tuple, paper_tuple, with_fields


def test_with_fields_is_dataclasses_replace():
    paper = Paper(
        "A title", Source("x.bib", 3), authors=(Author("Lovelace", "Ada"),), links=(Link("pdf", "https://x.org/a.pdf"),)
    )
    for changes in ({"slug": "a-title"}, {"topics": ("t",), "related": (Related("b", 0.5, "Shared: x"),)}, {}):
        made = with_fields(paper, **changes)
        expected = dataclasses.replace(paper, **changes)
        assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
        assert pickle.loads(pickle.dumps(made)) == expected
    assert paper.slug == "" and paper.topics == ()  # the record given is left as it was
    with pytest.raises(TypeError, match="nope"):
        with_fields(paper, nope=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        with_fields(paper).title = "other"  # type: ignore[misc]


def test_paper_from_tuple_makes_the_record_the_constructor_makes():
    """paper_from_tuple sets the fields without __init__: the same record, to its pickled bytes."""
    paper = Paper(
        "A title",
        Source("x.bib", 3),
        abstract="Words.",
        authors=(Author("Lovelace", "Ada"), Author("Babbage")),
        links=(Link("pdf", "https://x.org/a.pdf"),),
        upvotes=4,
        merged_from=(Source("y.json", 9),),
        slug="a-title",
        topics=("t",),
        related=(Related("b", 0.5, "Shared: x"),),
    )
    for record in (paper, Paper("Bare", Source("z.csv", 1))):
        made = paper_from_tuple(paper_tuple(record), record.source)
        assert made == record and hash(made) == hash(record) and repr(made) == repr(record)
        assert pickle.dumps(made) == pickle.dumps(record)  # the fields in __init__'s order
        assert all(type(a) is Author for a in made.authors) and all(type(s) is Source for s in made.merged_from)
