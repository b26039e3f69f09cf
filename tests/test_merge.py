from __future__ import annotations

import random

from generator.errors import ProblemKind
from generator.merge import merge_records, merge_same_works
from generator.model import Author, Link, Paper, Source


def paper(title: str, abstract: str = "An abstract.", line: int = 1, path: str = "list.txt", **fields) -> Paper:
    return Paper(title=title, abstract=abstract, source=Source(path, line), **fields)


def test_exact_duplicates_are_merged_with_a_warning_naming_both_lines():
    papers, warnings = merge_same_works([paper("A", "x", 1), paper("B", "y", 3), paper("A", "x", 5)])
    assert [p.source.line for p in papers] == [1, 3]
    assert len(warnings) == 1 and not warnings[0].fatal and warnings[0].kind != ProblemKind.MERGED
    assert str(warnings[0]).startswith("list.txt:5: duplicate of the paper at list.txt:1")
    assert papers[0].merged_from == (Source("list.txt", 5),)


def test_same_title_different_abstract_in_one_file_keeps_both():
    papers, warnings = merge_same_works([paper("A", "x"), paper("A", "other")])
    assert len(papers) == 2 and not warnings


def test_same_title_in_two_files_is_one_work_with_a_merge_note():
    papers, notes = merge_same_works(
        [paper("Self-Play: A Survey", "x"), paper("self-play a survey", "longer abstract", path="b.bib")]
    )
    assert len(papers) == 1 and papers[0].abstract == "longer abstract"
    assert [n.kind for n in notes] == [ProblemKind.MERGED] and "same title" in notes[0].message
    assert str(notes[0]).startswith("b.bib:1: same work as list.txt:1")


def test_doi_and_arxiv_id_merge_works_whose_titles_differ():
    records = [
        paper("Attention", path="a.bib", doi="10.1/ABC"),
        paper("Attention Is All You Need", path="b.json", doi="10.1/abc", arxiv_id="1706.03762"),
        paper("Transformers (preprint)", path="c.atom", arxiv_id="1706.03762"),
    ]
    papers, notes = merge_same_works(records)
    assert len(papers) == 1
    assert papers[0].title == "Attention Is All You Need"  # the longest title wins
    assert papers[0].doi == "10.1/ABC" and papers[0].arxiv_id == "1706.03762"
    assert [n.message.split("(")[1].split(")")[0] for n in notes] == ["same DOI 10.1/abc", "same arXiv id 1706.03762"]


def test_equal_titles_with_different_identifiers_stay_apart():
    papers, notes = merge_same_works([paper("Intro", path="a.bib", doi="10.1/a"), paper("Intro", path="b.bib", doi="10.1/b")])
    assert len(papers) == 2 and not notes
    papers, _ = merge_same_works(
        [paper("Intro", path="a", arxiv_id="2401.00001"), paper("Intro", path="b", arxiv_id="2401.00002")]
    )
    assert len(papers) == 2


def test_richer_value_wins_field_by_field_and_lists_are_united():
    first = paper(
        "T",
        "",
        path="a.bib",
        authors=(Author("Smith", "J."),),
        date="2024",
        venue="ICML",
        links=(Link("pdf", "https://a/x.pdf"), Link("code", "https://github.com/a/b")),
        tags=("RL",),
        bibtex="@misc{k, title={T}}\n",
        entry_type="misc",
    )
    other = paper(
        "T",
        "Full abstract.",
        path="b.atom",
        authors=(Author("Smith", "John"),),
        date="2024-01-02",
        venue="Proceedings of ICML",
        links=(Link("pdf", "https://b/y.pdf"), Link("code", "https://github.com/c/d")),
        tags=("rl", "cs.LG"),
        updated="2024-02-01",
        entry_type="article",
    )
    merged = merge_records(first, other)
    assert merged.abstract == "Full abstract." and merged.date == "2024-01-02" and merged.venue == "Proceedings of ICML"
    assert merged.authors == (Author("Smith", "John"),)  # full given name over the initial
    assert [link.url for link in merged.links] == ["https://a/x.pdf", "https://github.com/a/b", "https://github.com/c/d"]
    assert merged.tags == ("RL", "cs.LG")
    assert merged.bibtex == "@misc{k, title={T}}\n" and merged.entry_type == "misc"  # the original entry is kept
    assert merged.source == Source("a.bib", 1) and merged.merged_from == (Source("b.atom", 1),)
    assert merged.updated == "2024-02-01"


def test_many_records_merge_by_doi_whatever_their_order():
    """20,000 records, a quarter of them second copies (bench/read_bib.py times this)."""
    records = [paper(f"Paper number {i}", f"abstract {i}", path=f"f{i % 3}", doi=f"10.1/{i % 15000}") for i in range(20000)]
    random.Random(1).shuffle(records)
    papers, notes = merge_same_works(records)
    assert len(papers) == 15000 and len(notes) == 5000
    assert len({p.doi for p in papers}) == 15000


def test_a_record_that_links_two_earlier_works_folds_them_into_one():
    records = [
        paper("Self-Play Fine-Tuning", "x", path="listing.txt"),  # title only
        paper("SPIN: self-play fine-tuning of LLMs", "y", path="q.atom", arxiv_id="2401.01335"),  # another title
        paper("Self-Play Fine-Tuning", "", path="refs.bib", arxiv_id="2401.01335", doi="10.1/spin"),  # links both
        paper("Unrelated", path="refs.bib"),
        paper("Another record", path="c.json", doi="10.1/SPIN"),  # later lookups find the folded work
    ]
    papers, notes = merge_same_works(records)
    assert [p.title for p in papers] == ["SPIN: self-play fine-tuning of LLMs", "Unrelated"]
    spin = papers[0]
    assert spin.source == Source("listing.txt", 1) and spin.arxiv_id == "2401.01335" and spin.doi == "10.1/spin"
    assert len(spin.merged_from) == 3 and len(notes) == 3
    assert "q.atom:1: same work as listing.txt:1" in str(notes[1])
