"""The structured readers on small fixture files of our own, good and broken (tests/data/<format>/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import Problem, ProblemKind
from generator.model import Author, Link
from generator.normalise import normalise
from generator.readers import format_for, read_sources
from generator.readers.arxiv import read as read_atom

DATA = Path(__file__).parent / "data"


def read(relative: str, fmt: str | None = None):
    papers, problems = read_sources([(DATA / relative, fmt)])
    return [normalise(p) for p in papers], problems


def messages(problems) -> list[str]:
    return [f"{p.line}: {p.message}" for p in problems]


# ---------------------------------------------------------------- BibTeX


def test_bibtex_macros_concatenation_months_and_name_parts():
    papers, problems = read("bibtex/features.bib")
    assert problems == []
    macros = papers[0]
    assert macros.title == "Macros and Month Names"
    assert macros.venue == "Proceedings of the Conference on Advances in Neural Information Processing Systems"
    assert macros.date == "2023-12"
    assert macros.authors == (Author("Müller", "Hans"), Author("García", "José"), Author("Google DeepMind"))
    assert macros.tags == ("self-play", "reward modelling", "Games")
    assert macros.source.line == 7 and macros.entry_type == "inproceedings"
    assert "file" not in macros.bibtex and "@inproceedings{macros," in macros.bibtex


def test_bibtex_crossref_fills_missing_fields_and_the_proceedings_is_no_paper():
    papers, _ = read("bibtex/features.bib")
    titles = [p.title for p in papers]
    assert "Proceedings of the Workshop on Self-Improvement" not in titles
    child = papers[titles.index("A Paper in the Proceedings")]
    assert child.venue == "Proceedings of the Workshop on Self-Improvement" and child.date == "2022-06"
    assert child.authors[1] == Author("von Neumann", "John") and child.authors[2] == Author("King Jr.", "Martin")


def test_bibtex_latex_accents_braces_math_and_identifiers():
    papers, _ = read("bibtex/features.bib")
    accents = next(p for p in papers if p.title.startswith("Gödel"))
    assert accents.title == "Gödel Machines and Schrödinger's Cat: Self-Reference with $\\alpha$-Go"
    assert accents.authors == (Author("Schmidhuber", "Jürgen"), Author("Knuth", "D. E."))
    assert accents.abstract == "We show that 50% of agents improve themselves. “Quoted” text and a dash -- stay readable."
    assert accents.doi == "10.1613/JAIR.1.12345" and accents.venue == "Journal of AI Research"
    assert Link("pdf", "https://example.org/papers/accents.pdf") in accents.links
    assert Link("doi", "https://doi.org/10.1613/JAIR.1.12345") in accents.links
    preprint = next(p for p in papers if p.title == "An arXiv Preprint")
    assert preprint.arxiv_id == "2402.03300" and Link("code", "https://github.com/example/preprint") in preprint.links
    biblatex = next(p for p in papers if p.title == "A Biblatex Entry")
    assert biblatex.arxiv_id == "2403.01234" and biblatex.date == "2024-03-15"


def test_bibtex_malformed_entries_are_skipped_with_their_line_and_the_rest_is_read():
    papers, problems = read("bibtex/broken.bib")
    assert [p.title for p in papers] == [
        "The First Entry Is Fine",
        "The Second Entry Is Fine",
        "An Undefined Macro",
        "The Third Entry Is Fine",
    ]
    assert not any(p.fatal for p in problems)
    assert [p.line for p in problems if p.kind == ProblemKind.SKIPPED] == [6, 16, 20]
    text = messages(problems)
    assert text[1] == "16: duplicate entry key 'first' (first used at line 1); entry skipped"
    assert text[2] == "20: entry 'notitle' has no title; entry skipped"
    assert "25: field 'journal': undefined @string macro 'jmlr'" in text
    assert "30: doi 'not a doi' is not a DOI (10.NNNN/...); ignored" in text
    assert all(str(p).startswith(str(DATA / "bibtex/broken.bib") + ":") for p in problems)


def test_bibtex_not_utf8_is_one_fatal_problem():
    papers, problems = read("bibtex/latin1.bib")
    assert papers == [] and len(problems) == 1 and problems[0].fatal and problems[0].line == 2


# ---------------------------------------------------------------- arXiv Atom


def test_atom_entry_fields():
    papers, problems = read("arxiv/query.atom")
    spin = papers[0]
    assert spin.title == "Self-Play Fine-Tuning Converts Weak Language Models to Strong Language Models"
    assert spin.arxiv_id == "2401.01335" and spin.date == "2024-01-02" and spin.updated == "2024-02-12"
    assert spin.authors == (Author("Chen", "Zixiang"), Author("Deng", "Yihe"))
    assert spin.tags == ("cs.LG", "cs.AI", "cs.CL") and spin.venue == "Proceedings of ICML 2024"
    assert spin.doi == "10.1000/spin.2024" and "$\\epsilon$" in spin.abstract
    assert sorted(link.kind for link in spin.links) == ["arxiv", "code", "doi", "pdf"]
    assert spin.link("arxiv") == "https://arxiv.org/abs/2401.01335v2"
    assert spin.link("code") == "https://github.com/uclaml/SPIN"
    old = papers[1]
    assert old.arxiv_id == "hep-th/9901001" and old.title == "An Old-Style Identifier: Schrödinger Revisited"
    assert old.link("pdf") == ""  # the javascript: link is dropped ...
    assert messages(problems) == [
        "36: pdf link 'javascript:alert(1)' is not an http(s) URL; ignored",  # ... and reported
        "46: the arXiv API answered with an error: incorrect id format for 1234; entry skipped",
    ]


def test_atom_malformed_xml_names_the_line():
    papers, problems = read("arxiv/malformed.atom")
    assert papers == [] and messages(problems) == ["5: not well-formed XML (mismatched tag)"]


def test_atom_rejects_xml_that_is_not_a_feed(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<html><body/></html>")
    assert read_atom(path)[1][0].message.startswith("not an Atom feed")


def test_atom_entity_expansion_is_refused(tmp_path):
    path = tmp_path / "bomb.atom"
    lol = "".join(f'<!ENTITY l{i + 1} "&l{i};&l{i};&l{i};&l{i};&l{i};&l{i};&l{i};&l{i};&l{i};&l{i};">' for i in range(9))
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY l0 "lol">{lol}]><feed xmlns="http://www.w3.org/2005/Atom"><title>&l9;</title></feed>'
    )
    papers, problems = read_atom(path)
    assert papers == [] and problems and problems[0].fatal


# ---------------------------------------------------------------- CSL-JSON


def test_csl_json_fields_particles_literals_and_dates():
    papers, problems = read("csl/zotero.json")
    first = papers[0]
    assert first.authors == (Author("van der Waal", "Jan"), Author("The SPIN Team"), Author("Ng Jr.", "Andrew"))
    assert first.date == "2024-05-03" and first.venue == "Proceedings of the Self-Improvement Workshop"
    assert first.doi == "10.5555/PARTICLES.2024" and first.tags == ("names", "particles", "markup")
    assert first.link("pdf") == "https://example.org/particles.pdf" and first.entry_type == "inproceedings"
    assert papers[1].arxiv_id == "2405.00001" and papers[1].date == "2024-05"
    assert papers[2].date == "" and papers[2].entry_type == "techreport"
    assert messages(problems) == [
        "28: issued date {'literal': 'Spring 2023'} is not a date; left out",
        "28: landing link 'javascript:alert(1)' is not an http(s) URL; ignored",
    ]


def test_csl_json_bad_records_are_skipped_and_bad_json_names_the_line():
    papers, problems = read("csl/broken.csl.json")
    assert [p.title for p in papers] == ["The Fine Record"] and papers[0].source.line == 4
    assert messages(problems) == [
        "2: a CSL record is a JSON object, not str; entry skipped",
        "3: record 'untitled' has no title; entry skipped",
    ]
    papers, problems = read("csl/invalid.csl.json")
    assert papers == [] and messages(problems) == ["3: not valid JSON (Expecting ',' delimiter)"] and problems[0].fatal


def test_a_plain_json_file_of_csl_items_is_read_as_csl():
    assert format_for(DATA / "csl/zotero.json") == "json"
    papers, _ = read("csl/zotero.json")
    assert papers[0].authors[0] == Author("van der Waal", "Jan")


# ---------------------------------------------------------------- our own records: YAML, CSV, JSON


def test_yaml_records_with_every_field():
    papers, problems = read("records/papers.yaml")
    assert problems == []
    paper = papers[0]
    assert paper.authors == (Author("Lovelace", "Ada"), Author("Babbage", "Charles"), Author("Hopper", "Grace"))
    assert paper.abstract == "Written by hand in a YAML file, with a folded abstract over two lines."
    assert (paper.date, paper.arxiv_id, paper.doi) == ("2024-05-03", "2405.12345", "10.1234/yaml.1")
    assert [link.kind for link in paper.links] == ["arxiv", "doi", "pdf", "code", "project"]
    assert papers[1].date == "2023" and papers[1].tags == ("one", "two") and papers[1].source.line == 19


def test_csv_rows_with_a_multi_line_cell_keep_their_line_numbers():
    papers, problems = read("records/papers.csv")
    assert problems == []
    assert [p.source.line for p in papers] == [2, 4]
    assert papers[0].authors == (Author("Lovelace", "Ada"), Author("Babbage", "Charles"))
    assert papers[0].abstract == "An abstract that spans two lines of the sheet."
    assert papers[1].authors == (Author("Lovelace", "Ada"), Author("Hopper", "Grace"))
    assert papers[0].tags == ("spreadsheets", "tables") and papers[0].doi == "10.1234/csv.1"


def test_json_records_accept_field_names_in_any_case():
    papers, _ = read("records/papers.json")
    assert papers[1].title == "Field Names In Any Case" and papers[1].arxiv_id == "2201.00001"


def test_broken_records_are_reported_and_the_rest_read():
    papers, problems = read("records/broken.yaml")
    assert [p.title for p in papers] == ["Fine Before", "A Bad Date And An Unknown Field", "Fine After"]
    assert [p.line for p in problems if p.kind == ProblemKind.SKIPPED] == [2, 3, 8]
    assert "5: date 'last spring' is not YYYY, YYYY-MM or YYYY-MM-DD; left out" in messages(problems)
    assert any(m.startswith("5: unknown field(s) ignored: colour;") for m in messages(problems))
    papers, problems = read("records/invalid.yaml")
    assert papers == [] and problems[0].fatal and problems[0].line == 3


@pytest.mark.parametrize(
    "name, expected",
    [
        ("a.bib", "bibtex"),
        ("q.atom", "arxiv"),
        ("x.csl.json", "csl-json"),
        ("p.yml", "yaml"),
        ("s.CSV", "csv"),
        ("list.v2.txt", "listing"),
    ],
)
def test_formats_by_suffix(name, expected):
    assert format_for(Path(name)) == expected


def test_explicit_format_overrides_the_suffix(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text("@misc{k, title={Read as BibTeX}}\n")
    papers, problems = read_sources([(path, "bibtex")])
    assert [p.title for p in papers] == ["Read as BibTeX"] and problems == []


@pytest.mark.parametrize(
    "latex",
    [
        'G\\"odel',
        'Schr\\"{o}dinger\\"s',
        '\\"\\i x',
        "Garc{\\'\\i}a",
        "Jos\\'e and \\'Etienne",
        "\\c c",
        "\\o x \\ss{}y",
        "{\\O}stergaard",
        "\\v s \\u{g} \\H{o} \\k{a}",
        '\\aa{}ngstr\\"om',
        '\\emph{Deep} \\"u \\textbf{x}',
        "M{\\\"u}ller-\\'{E}mile",
    ],
)
def test_bibtex_accent_shortcut_agrees_with_pylatexenc(latex):
    """bibtex_text converts each accent once and caches it; the result must be what pylatexenc gives for the whole."""
    from generator.normalise import bibtex_text, latex_to_unicode

    assert bibtex_text(latex) == latex_to_unicode(latex, shield_braces=False)


def test_csv_from_a_spreadsheet_that_separates_with_semicolons():
    papers, problems = read("records/semicolons.csv")
    assert problems == [] and papers[0].title == "Ein Papier"
    assert papers[0].authors == (Author("Müller", "Hans"),) and papers[0].date == "2021"


def test_bibtex_escaped_links_and_et_al():
    papers, problems = read("bibtex/features.bib")
    escaped = next(p for p in papers if p.title == "Escaped Underscores in Links")
    assert escaped.doi == "10.1000/a_b" and escaped.link("pdf") == "https://example.org/tech_report%20v1.pdf"
    assert escaped.authors == (Author("Solo", "Han"),)  # "and others" is not an author
    assert escaped.venue == "Rebel Alliance" and escaped.entry_type == "techreport"


# ---------------------------------------------------------------- no input makes a reader crash

SEEDS = {
    "bibtex": "bibtex/features.bib",
    "arxiv": "arxiv/query.atom",
    "csl-json": "csl/zotero.json",
    "json": "records/papers.json",
    "yaml": "records/papers.yaml",
    "csv": "records/papers.csv",
}
SYNTAX = st.sampled_from(list('{}"\\#@,=[]:-\n $%`<>&') + ["null", "42", "true", "- ", '{"a":1}', "<entry>", "x"])


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_mangled_files_give_problems_not_exceptions(fmt, tmp_path_factory):
    """Cut a fixture and splice in syntax characters: the reader reports problems, it never raises."""
    seed = (DATA / SEEDS[fmt]).read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp(fmt.replace("-", "")) / ("mangled" + (".atom" if fmt == "arxiv" else ".txt"))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(st.tuples(st.integers(0, len(seed)), st.integers(0, 40), st.lists(SYNTAX, max_size=5)), min_size=1, max_size=6)
    )
    def mangled(edits):
        text = seed
        for start, length, inserted in edits:
            start = min(start, len(text))
            text = text[:start] + "".join(inserted) + text[start + length :]
        path.write_text(text, encoding="utf-8")
        papers, problems = read_sources([(path, fmt)])
        assert all(isinstance(p, Problem) for p in problems)
        for paper in papers:
            normalise(paper)

    mangled()
