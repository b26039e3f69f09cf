"""The search index of papers, topics and authors (generator/search_index.py), read back in Python."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from generator import cache
from generator.model import Author, Catalog, Paper, Source, Topic
from generator.search_index import (
    DIGITS,
    FIELDS,
    USED_SHARE,
    WEIGHTS,
    SavedTerms,
    SearchDoc,
    TermCache,
    build_index,
    catalog_docs,
    index_script,
    terms,
    text_digest,
    varint,
)


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


def reference_index(docs: list[SearchDoc]) -> dict:
    """The index as the format says, a posting at a time (build_index's first version): what the
    numpy assembly must equal byte for byte."""
    masks: dict[str, dict[int, int]] = {}
    for number, document in enumerate(docs):
        for bit, field in enumerate(FIELDS):
            for term in set(terms(document.text.get(field, ""))):
                per_doc = masks.setdefault(term, {})
                per_doc[number] = per_doc.get(number, 0) | (1 << bit)
    ordered = sorted(masks)

    def postings(per_doc: dict[int, int]) -> str:
        out, previous = [], 0
        for number in sorted(per_doc):
            out.append(varint(number - previous) + DIGITS[per_doc[number]])
            previous = number
        return "".join(out)

    tags = sorted({tag for d in docs for tag in d.tags})
    return {
        "version": 1,
        "fields": list(FIELDS),
        "weights": list(WEIGHTS),
        "docs": [[d.location, d.title, d.byline, [tags.index(t) for t in d.tags]] for d in docs],
        "tags": tags,
        "terms": "\n".join(ordered),
        "postings": ",".join(postings(masks[term]) for term in ordered),
    }


def many_docs(count: int) -> list[SearchDoc]:
    """Documents with rare and common terms, accents and scripts that sort apart, some with no term at
    all, and gaps between postings long enough for three-digit varints."""
    docs = []
    for i in range(count):
        words = [f"w{i % 13}", f"rare{i}", "Ærø" if i % 5 == 0 else "zeta", "東京" if i % 1500 == 0 else ""]
        title = "" if i % 97 == 0 else " ".join(words)
        tags = ("Marmots",) if i % 3 == 0 else ()
        docs.append(SearchDoc(f"p/{i}.html", title, "", tags, {"title": title, "abstract": "common words" if i % 2 else "a"}))
    return docs


def test_the_index_is_the_reference_index_byte_for_byte():
    for docs in (
        [],
        [doc("A")],
        [doc("Reward models", abstract="reward hacking"), doc("Other", authors="Ada Reward")],
        many_docs(40_000),
    ):
        assert build_index(docs) == reference_index(docs)
        assert (
            index_script(docs)
            == f"papersiteSearch({json.dumps(reference_index(docs), ensure_ascii=False, separators=(',', ':'))});\n"
        )


def doc_edits(docs: list[SearchDoc]) -> list[tuple[str, list[SearchDoc]]]:
    """The bench's kinds of edit of a collection, as documents, one after the other."""
    middle = len(docs) // 2
    steps = [("start", docs)]
    steps.append(
        ("add a paper in the middle", docs[:middle] + [doc("Marmots on tidal flats", abstract="marmots")] + docs[middle:])
    )
    current = steps[-1][1]
    changed = SearchDoc(current[3].location, current[3].title, "", (), {**current[3].text, "abstract": "brand new marmot words"})
    steps.append(("change an abstract", current[:3] + [changed] + current[4:]))
    current = steps[-1][1]
    steps.append(("change a title", current[:5] + [doc("A new title for a paper")] + current[6:]))
    current = steps[-1][1]
    steps.append(("remove a paper", current[:middle] + current[middle + 1 :]))
    steps.append(("reorder", steps[-1][1][::-1]))
    steps.append(("back to the start", docs))
    return steps


def test_an_index_made_with_the_term_cache_is_the_index_made_without_it():
    saved = None
    reused = 0
    for name, docs in doc_edits(many_docs(600)):
        term_cache = TermCache(pickle.loads(pickle.dumps(saved)))  # as the plugin keeps it: through a file
        assert index_script(docs, term_cache) == index_script(docs), name
        reused += len(term_cache.previous.keys() & term_cache.current.keys())
        vocabulary, kept, shown = term_cache.saved()
        assert not shown  # no document had a key of its own
        assert set(vocabulary) == {term for d in docs for field in FIELDS for term in terms(d.text.get(field, ""))}, name
        assert kept.keys() == {text_digest(d) for d in docs}, name  # only this build's documents: it never grows
        saved = (vocabulary, kept, shown)
    assert reused > 0  # the cache served documents: the comparison above tested it


def test_terms_are_used_only_under_their_text_digest():
    docs = many_docs(50)
    term_cache = TermCache()
    build_index(docs, term_cache)
    vocabulary, kept, _ = term_cache.saved()
    wrong = {digest: (numbers[::-1], masks[::-1]) for digest, (numbers, masks) in kept.items()}  # another text's terms
    stale = TermCache((vocabulary, {b"not a digest": next(iter(wrong.values()))}, {}))
    assert build_index(docs, stale) == reference_index(docs)


def test_papers_with_a_key_take_their_documents_from_the_cache_under_that_key():
    """A paper whose key (the plugin's: a digest of all its document is made from) the term cache
    holds gets its document from there, text-less: the index is the one made from the papers."""
    made = catalog()
    keys = {paper.slug: paper.slug.encode() + b"-key" for paper in made.papers}
    fresh = index_script(catalog_docs(made, lambda path: path, []))
    term_cache = TermCache()
    assert index_script(catalog_docs(made, lambda path: path, [], keys, term_cache), term_cache) == fresh
    warm = TermCache(pickle.loads(pickle.dumps(term_cache.saved())))
    docs = catalog_docs(made, lambda path: path, [], keys, warm)
    assert all(not d.text for d in docs if d.key is not None) and any(d.key for d in docs)  # taken from the cache
    assert index_script(docs, warm) == fresh
    assert warm.saved()[1].keys() == term_cache.saved()[1].keys()
    unknown = {slug: key + b"-other" for slug, key in keys.items()}  # another record: made again, not looked up
    other = TermCache(pickle.loads(pickle.dumps(term_cache.saved())))
    docs = catalog_docs(made, lambda path: path, [], unknown, other)
    assert all(d.text for d in docs if d.key is not None)
    assert index_script(docs, other) == fresh


def saved_terms_build(folder: Path, docs: list[SearchDoc]) -> tuple[str, TermCache]:
    """As the plugin does: the index made with the cache folder's terms, which are saved after."""
    saved = SavedTerms(folder / "search-terms", "search-terms")
    term_cache = saved.term_cache()
    script = index_script(docs, term_cache)
    saved.save(term_cache)
    return script, term_cache


def test_saved_terms_give_the_index_made_without_them_and_keep_their_numbers(tmp_path: Path) -> None:
    """Through edits, the kept documents keep their term numbers (one generation, the vocabulary grown by
    new terms) and only the shards of new documents are rewritten; the index is always the one made
    without any cache."""
    folder = tmp_path / "cache"
    generations = []
    for step, (name, docs) in enumerate(doc_edits(many_docs(600))):
        for shard in folder.glob("search-terms-docs-*"):
            os.utime(shard, ns=(1, 1))
        script, term_cache = saved_terms_build(folder, docs)
        assert script == index_script(docs), name
        generations.append(term_cache.generation)
        if step:
            assert len(term_cache.previous.keys() & term_cache.current.keys()) > 0, name
            rewritten = [p for p in folder.glob("search-terms-docs-*") if p.stat().st_mtime_ns != 1]
            assert len(rewritten) < cache.SHARDS // 2, name
    assert len(set(generations)) == 1  # a few terms unused never renumbered them
    kept = SavedTerms(folder / "search-terms", "search-terms").term_cache()
    used = {term for d in doc_edits(many_docs(600))[-1][1] for field in FIELDS for term in terms(d.text.get(field, ""))}
    assert used <= set(kept.vocabulary) and len(used) >= USED_SHARE * len(kept.vocabulary)


def test_saved_terms_renumbered_are_a_new_generation_whose_rows_are_another_key(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    docs = many_docs(300)
    _, first = saved_terms_build(folder, docs)
    few = docs[:60]  # most terms unused: the vocabulary is made again
    script, second = saved_terms_build(folder, few)
    assert script == index_script(few) and second.generation != first.generation
    third = SavedTerms(folder / "search-terms", "search-terms").term_cache()
    assert third.generation == second.generation and len(third.vocabulary) < len(first.vocabulary)
    assert third.previous.keys() == {text_digest(d) for d in few}
    assert index_script(docs, third) == index_script(docs)


@pytest.mark.parametrize("part", ["search-terms", "search-terms-docs-04", "search-terms-shown-00"])
def test_saved_terms_with_a_damaged_part_are_not_trusted(tmp_path: Path, part: str) -> None:
    folder = tmp_path / "cache"
    docs = many_docs(200)
    saved_terms_build(folder, docs)
    path = folder / part
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    term_cache = SavedTerms(folder / "search-terms", "search-terms").term_cache()
    assert not term_cache.previous and not term_cache.vocabulary
    changed = docs[:10] + [doc("Marmots on tidal flats", abstract="marmots")] + docs[10:]
    script, _ = saved_terms_build(folder, changed)
    assert script == index_script(changed)
    assert SavedTerms(folder / "search-terms", "search-terms").term_cache().previous.keys() == {text_digest(d) for d in changed}
