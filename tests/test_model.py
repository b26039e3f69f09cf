"""The Paper record's helpers (generator/model.py)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from generator.model import Author, Link, Paper, Related, Source, with_fields


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
