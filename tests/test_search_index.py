"""The search index of papers, topics and authors (generator/search_index.py), read back in Python."""

from __future__ import annotations

import json

from generator.model import Author, Catalog, Paper, Source, Topic
from generator.search_index import DIGITS, FIELDS, SearchDoc, build_index, catalog_docs, index_script, terms, varint


def decode(postings: str) -> list[tuple[int, int]]:
    """The worker's decoder, in Python: (document number, field mask) pairs."""
    value = {ch: i for i, ch in enumerate(DIGITS)}
    out, doc, i = [], 0, 0
    while i < len(postings):
        gap, shift = 0, 0
        while value[postings[i]] >= 32:
            gap += (value[postings[i]] - 32) << shift
            shift += 5
            i += 1
        doc += gap + (value[postings[i]] << shift)
        out.append((doc, value[postings[i + 1]]))
        i += 2
    return out


def test_terms_fold_case_and_accents_and_split_at_punctuation():
    assert terms("Schrödinger Bridges: Self-Play in the GPT-2 era") == ["schrodinger", "bridges", "self", "play", "gpt", "era"]
    assert terms("A B of") == []  # single letters and stop words are left out
    assert terms("Ærø 東京大学") == ["ærø", "東京大学"]


def test_varint_round_trips_through_the_decoder():
    for number in (0, 1, 31, 32, 1023, 1024, 50_000, 2**31):
        assert decode(varint(number) + DIGITS[5]) == [(number, 5)]


def doc(title: str, **text: str) -> SearchDoc:
    return SearchDoc(f"{title}.html", title, "", (), {"title": title, **text})


def test_postings_list_every_document_of_a_term_with_its_fields():
    docs = [doc("Reward models", abstract="reward hacking"), doc("Other", authors="Ada Reward"), doc("Third")]
    index = build_index(docs)
    vocabulary = index["terms"].split("\n")
    assert vocabulary == sorted(vocabulary)
    postings = dict(zip(vocabulary, index["postings"].split(",")))
    title, authors, abstract = (1 << FIELDS.index(f) for f in ("title", "authors", "abstract"))
    assert decode(postings["reward"]) == [(0, title | abstract), (1, authors)]
    assert decode(postings["third"]) == [(2, title)]
    assert [d[0] for d in index["docs"]] == ["Reward models.html", "Other.html", "Third.html"]


def test_many_documents_keep_their_numbers():
    docs = [doc(f"Paper {i}", abstract="common" if i % 7 == 0 else "rare") for i in range(3000)]
    index = build_index(docs)
    postings = dict(zip(index["terms"].split("\n"), index["postings"].split(",")))
    assert [d for d, _ in decode(postings["common"])] == list(range(0, 3000, 7))


def catalog() -> Catalog:
    papers = (
        Paper(
            "Gödel <b>machines</b>",
            Source("x.yaml", 1),
            abstract="Self-referential.",
            authors=(
                Author("Schmidhuber", "Jürgen"),
                Author("Steunebrink", "Bas"),
                Author("Kirsch", "Louis"),
                Author("Other", "An"),
            ),
            date="2007-03",
            venue="AGI",
            slug="godel",
            topics=("self",),
        ),
    )
    return Catalog(papers=papers, topics=(Topic("self", "Self-improvement", "Machines that improve.", ("godel",)),))


def test_catalog_documents_are_topics_then_authors_then_papers():
    authors = [("Jürgen Schmidhuber", "authors/index/2.md", "jurgen-schmidhuber", 2)]
    docs = catalog_docs(catalog(), lambda path: path.replace(".md", ".html"), authors)
    assert [d.location for d in docs] == ["topics/self.html", "authors/index/2.html#jurgen-schmidhuber", "papers/godel.html"]
    paper = docs[-1]
    assert paper.title == "Gödel <b>machines</b>"  # plain text: the worker escapes it
    assert paper.byline == "Jürgen Schmidhuber, Bas Steunebrink, Louis Kirsch et al. · 2007 · AGI"
    assert paper.tags == ("Self-improvement",)
    assert "Schmidhuber" in paper.text["authors"] and paper.text["topics"] == "Self-improvement"


def test_index_script_is_one_call_with_json_inside():
    text = index_script(catalog_docs(catalog(), lambda path: path, []))
    assert text.startswith("papersiteSearch(") and text.endswith(");\n")
    data = json.loads(text[len("papersiteSearch(") : -len(");\n")])
    assert data["fields"] == list(FIELDS) and data["tags"] == ["Self-improvement"]
    assert data["docs"][1][1] == "Gödel <b>machines</b>"
