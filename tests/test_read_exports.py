"""Readers of the exports researchers bring: RIS, Better BibTeX JSON, CSL YAML, Hugging Face Papers JSON,
and the content detection of .json/.yaml (fixtures in tests/data/{ris,zotero,csl,hf}; see the README there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitebuild import make_project, papersite
from test_read_formats import DATA, messages, read

from generator.errors import ProblemKind
from generator.model import Author, Link
from generator.readers import format_for, read_sources

# ---------------------------------------------------------------- RIS


def test_ris_from_zotero_with_bom_and_crlf():
    papers, problems = read("ris/zotero.ris")
    assert problems == []
    attention, resnet = papers
    assert attention.title == "Attention Is All You Need"
    assert attention.authors == (Author("Vaswani", "Ashish"), Author("Shazeer", "Noam"), Author("Parmar", "Niki"))
    assert attention.date == "2017-06-12"  # DA is more precise than PY
    assert attention.arxiv_id == "1706.03762" and attention.doi == ""  # the arXiv DOI became the arXiv id
    assert attention.link("arxiv") == "https://arxiv.org/abs/1706.03762"
    assert attention.link("pdf") == ""  # L1 is a local file: no link
    assert attention.tags == ("Computer Science - Computation and Language", "Computer Science - Machine Learning")
    assert attention.abstract.startswith("The dominant sequence transduction models")
    assert resnet.source.line == 20 and resnet.venue == "IEEE Transactions on Pattern Analysis"
    assert resnet.date == "2016" and resnet.doi == "10.1109/CVPR.2016.90" and resnet.entry_type == "article"


def test_ris_endnote_tags_multiline_values_and_a_last_record_without_er():
    papers, problems = read("ris/endnote.ris")
    assert problems == []
    rewarding, last = papers
    assert rewarding.title == "Self-Rewarding Language Models" and rewarding.date == "2024"
    assert rewarding.authors[1] == Author("Pang", "Richard Yuanzhe")
    assert rewarding.abstract.endswith(
        "adequate training signal. Current approaches commonly train reward models from human preferences."
    )
    assert rewarding.venue.startswith("Proceedings of the 41st") and rewarding.entry_type == "inproceedings"
    assert rewarding.link("pdf") == "https://proceedings.mlr.press/v235/yuan24d/yuan24d.pdf"
    assert rewarding.link("landing") == "https://proceedings.mlr.press/v235/yuan24d.html"
    assert last.title == "A Last Record Without ER" and last.source.line == 15 and last.authors == (Author("Müller", "Hans"),)


def test_broken_ris_reports_file_and_line_and_keeps_the_good_record():
    papers, problems = read("ris/broken.ris")
    assert [p.title for p in papers] == ["A Good Record"]
    assert messages(problems) == [
        "1: text outside a record (before TY  - ): 'Exported by a reference manager'; ignored",
        "2: record has no title (TI or T1); entry skipped",
        "6: record has no ER line before the next TY; entry skipped",
        "8: date 'sometime' is not YYYY/MM/DD; left out",
        "8: doi 'not-a-doi' is not a DOI (10.NNNN/...); ignored",
        "8: landing link 'javascript:alert(1)' is not an http(s) URL; ignored",
    ]
    assert [p.kind for p in problems[1:3]] == [ProblemKind.SKIPPED, ProblemKind.SKIPPED]


def test_ris_suffix():
    assert format_for(Path("export.RIS")) == "ris"


# ---------------------------------------------------------------- Better BibTeX JSON


def test_better_bibtex_json_items_creators_extra_and_notes_passed_over():
    papers, problems = read("zotero/library.json")
    rewarding, resnet = papers
    assert rewarding.title == "Self-Rewarding Language Models" and rewarding.source.line == 28
    assert rewarding.authors == (Author("Yuan", "Weizhe"), Author("Weston", "Jason"))  # the editor is no author
    assert rewarding.arxiv_id == "2401.10020" and rewarding.date == "2024-01-18"
    assert rewarding.abstract.startswith("We posit") and rewarding.links[0] == Link("arxiv", "https://arxiv.org/abs/2401.10020")
    assert resnet.arxiv_id == "1512.03385"  # from `extra`, on its second line
    assert resnet.date == "2016" and resnet.venue.startswith("2016 IEEE Conference") and resnet.entry_type == "inproceedings"
    assert resnet.authors[1] == Author("Microsoft Research")
    assert messages(problems) == ["115: item '(no key)' has no title; entry skipped"]


# ---------------------------------------------------------------- CSL YAML


def test_csl_yaml_references_with_folded_abstract_pandoc_dates_and_a_record_without_title():
    papers, problems = read("csl/references.yaml")
    rewarding, resnet = papers
    assert rewarding.abstract == (
        "We posit that to achieve superhuman agents, future models require superhuman feedback in order to provide an adequate training signal."
    )
    assert rewarding.date == "2024-01-18" and rewarding.arxiv_id == "2401.10020" and rewarding.source.line == 4
    assert rewarding.tags == ("Computer Science - Machine Learning", "reward modelling")
    assert resnet.date == "2016-06-27" and resnet.venue.startswith("2016 IEEE") and resnet.entry_type == "inproceedings"
    assert messages(problems) == ["32: record 'notitle' has no title; entry skipped"]


def test_csl_yaml_bare_list_with_crlf():
    (mamba,), problems = read("csl/bare-list.yaml")
    assert problems == [] and mamba.arxiv_id == "2312.00752" and mamba.date == "2023-12-01"
    assert mamba.title == "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"


def test_our_own_yaml_records_are_still_read_as_records():
    papers, problems = read("records/papers.yaml")
    assert papers and not [p for p in problems if p.fatal]


def test_broken_yaml_names_the_line():
    papers, problems = read("csl/broken.yaml")
    assert papers == [] and messages(problems) == ["4: not valid YAML (expected ',' or ']', but got '<stream end>')"]


# ---------------------------------------------------------------- Hugging Face Papers JSON


def test_hf_daily_papers_answer():
    papers, problems = read("hf/daily_papers.json")
    assert problems == []
    rewarding, mixtral = papers
    assert rewarding.title == "Self-Rewarding Language Models" and rewarding.arxiv_id == "2401.10020"
    assert rewarding.upvotes == 154 and rewarding.date == "2024-01-18"  # the paper's date, not the day it was listed
    assert rewarding.authors[:2] == (Author("Yuan", "Weizhe"), Author("Pang", "Richard Yuanzhe"))
    assert rewarding.abstract.startswith(
        "We posit that to achieve superhuman agents, future models require superhuman feedback in"
    )
    assert rewarding.link("arxiv") == "https://arxiv.org/abs/2401.10020"
    assert rewarding.link("huggingface") == "https://huggingface.co/papers/2401.10020"
    assert rewarding.link("code") == "https://github.com/lucidrains/self-rewarding-lm-pytorch"
    assert rewarding.tags == ("self-rewarding", "DPO", "LLM-as-a-Judge")
    assert mixtral.source.line == 50 and mixtral.upvotes == 160
    assert mixtral.link("project") == "https://mistral.ai/news/mixtral-of-experts/" and mixtral.link("code") == ""


def test_hf_single_paper_answer_with_crlf():
    (mamba,), problems = read("hf/paper.json")
    assert problems == [] and mamba.upvotes == 143 and mamba.link("code") == "https://github.com/state-spaces/mamba"


def test_hf_object_keyed_by_arxiv_id_with_bom_and_missing_fields():
    papers, problems = read("hf/papers_by_id.json")
    assert [(p.arxiv_id, p.upvotes, p.date) for p in papers] == [
        ("2401.10020", 154, "2024-01-18"),
        ("2402.03300", 98, "2024-02-05"),
        ("", None, ""),
    ]
    assert papers[0].abstract == "We posit that to achieve superhuman agents..."
    assert papers[2].links == ()  # no arXiv id, no Hugging Face link
    assert messages(problems) == [
        "18: paper '2403.99999' has no title; entry skipped",
        "23: arXiv id 'not-an-id' is not an arXiv id; ignored",
        "23: upvotes 'many' is not a count; left out",
    ]


def test_hf_records_merge_with_the_same_arxiv_paper_from_another_export():
    from generator.merge import merge_same_works

    hf_papers, _ = read("hf/daily_papers.json")
    zotero_papers, _ = read("zotero/library.json")
    merged, _ = merge_same_works(hf_papers + zotero_papers)
    rewarding = next(p for p in merged if p.arxiv_id == "2401.10020")
    assert rewarding.upvotes == 154 and rewarding.link("huggingface") and len(merged) == 3


def test_truncated_download_is_a_fatal_problem_with_a_line():
    papers, problems = read("hf/broken.json")
    assert papers == [] and len(problems) == 1 and problems[0].fatal and problems[0].line == 62
    assert problems[0].message.startswith("not valid JSON")


def test_explicit_hf_format_reads_the_file_whatever_its_suffix(tmp_path):
    copy = tmp_path / "saved.txt"
    copy.write_bytes((DATA / "hf/paper.json").read_bytes())
    (mamba,), _ = read_sources([(copy, "hf")])
    assert mamba.upvotes == 143


# ---------------------------------------------------------------- detection


def test_json_that_fits_no_format_names_every_format_tried():
    papers, problems = read("records/unknown-shape.json")
    assert papers == [] and len(problems) == 1
    message = str(problems[0])
    assert message.startswith(f"{DATA / 'records/unknown-shape.json'}:1: not a JSON format papersite reads; tried: ")
    for name in ("Hugging Face Papers JSON", "Better BibTeX JSON", "CSL JSON", "papersite records"):
        assert name in message


def test_yaml_mapping_without_references_names_the_formats_tried(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("papers:\n  - title: x\n")
    _, (problem,) = read_sources([(path, None)])
    assert problem.line == 1 and "tried: CSL YAML" in problem.message and "papersite records" in problem.message


@pytest.mark.parametrize("shape", [[{"title": "T", "summary": "s", "upvotes": 1}], {"items": []}, [{"title": "T"}]])
def test_detection_by_content(tmp_path, shape):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(shape))
    papers, problems = read_sources([(path, None)])
    assert not [p for p in problems if p.fatal]


# ---------------------------------------------------------------- CLI: FILE:LINE, never a traceback


@pytest.mark.parametrize("name", ["ris/broken.ris", "hf/broken.json", "csl/broken.yaml", "records/unknown-shape.json"])
def test_check_of_a_mangled_export_prints_file_line_and_no_traceback(tmp_path, name):
    project = make_project(tmp_path / "site", [DATA / name])
    result = papersite(project, "check", f"papers/{Path(name).name}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{project}/papers/{Path(name).name}:")
    assert first.split(":")[1].isdigit()


@pytest.mark.parametrize(
    ("text", "line"),
    [('{\n  "a": {"title": "x",}\n}', 2), ('[\n  {"title": "x"},\n]', 3), ('{"items": [1 2]}', 1), ("{}\n\n[]", 3)],
)
def test_located_json_refuses_what_json_refuses(text, line):
    from generator.readers.located import parse_json

    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    node, problem = parse_json(text, "f.json")
    assert node is None and problem.line == line and problem.message.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty.ris", "\n"), ("library.json", '{"config": {}, "items": []}'), ("hf.json", "[]"), ("refs.yaml", "references: []")],
)
def test_a_file_with_no_records_is_one_empty_warning(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    papers, problems = read_sources([(tmp_path / name, None)])
    assert papers == [] and [(p.line, p.message, p.kind, p.fatal) for p in problems] == [
        (0, "no records in this file", ProblemKind.EMPTY, False)
    ]


JSON_DOCUMENTS = [
    "hf/daily_papers.json",
    "hf/paper.json",
    "hf/papers_by_id.json",
    "zotero/library.json",
    "csl/zotero.json",
    "records/papers.json",
    "records/unknown-shape.json",
    "bad/deep-array.json",
    "bad/deep-object.json",
]


def walked_into_every_record(monkeypatch) -> None:
    """parse_json as it was: every list member walked too (readers/located.py decodes them whole)."""
    from generator.readers import located

    walk = located._walk
    monkeypatch.setattr(located, "_walk", lambda text, path, lines, walk_lists: walk(text, path, lines, True))


@pytest.mark.parametrize("name", JSON_DOCUMENTS)
def test_json_read_with_records_decoded_whole_is_the_walked_read(tmp_path, monkeypatch, name):
    """What read_json returns (papers, problems with their lines) is the same whether a list's records
    are decoded whole or walked, for each document, each of its truncations and each with one
    character changed or taken out (a broken document is walked again to name the same place)."""
    from generator.readers.detect import read_json

    text = (DATA / name).read_text(encoding="utf-8")[:2000]
    variants = [text, *(text[:end] for end in range(0, len(text), max(1, len(text) // 80)))]
    for at in range(0, len(text), max(1, len(text) // 40)):
        variants += [text[:at] + text[at + 1 :], text[:at] + "," + text[at + 1 :], text[:at] + "[" + text[at:]]
    source = tmp_path / "papers.json"
    quick = []
    for variant in variants:
        source.write_text(variant, encoding="utf-8")
        quick.append(read_json(source))
    walked_into_every_record(monkeypatch)
    for variant, found in zip(variants, quick):
        source.write_text(variant, encoding="utf-8")
        assert found == read_json(source), variant
