from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ConfigError, Problem
from generator.model import Paper, Source
from generator.normalise import normalise
from generator.readers import FORMAT_BY_SUFFIX, READERS, format_for, read_sources
from generator.readers.listing import looks_like_abstract, read

LISTING = Path(__file__).resolve().parent / "data" / "listing"
EXAMPLE = Path(__file__).resolve().parent.parent / "papers" / "hf-papers-listing.txt"

ABSTRACT = (
    "We study a thing in depth and describe it carefully for the reader. We then test it on many data sets "
    "and compare it with strong baselines from the literature. The results show clear gains in accuracy and "
    "robustness, and we release all code and data so that others can build on the work."
)


def titles(papers: list[Paper]) -> list[str]:
    return [paper.title for paper in papers]


def lines_of(problems: list[Problem]) -> list[int]:
    return [problem.line for problem in problems]


def write_bytes(tmp_path: Path, data: bytes, name: str = "listing.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- line ends, BOM, encoding


def test_crlf_file_reads_like_lf() -> None:
    path = LISTING / "crlf.txt"
    assert b"\r\n" in path.read_bytes()
    papers, problems = read(path)
    assert problems == []
    assert titles(papers) == [
        "Self-Improving Coding Agents",
        "Self-Play for Negotiation with Language Models",
        "Observational Scaling Laws",
    ]
    assert [p.source.line for p in papers] == [1, 3, 5]
    assert all("\r" not in p.title + p.abstract for p in papers)


def test_cr_only_line_ends(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, f"First Title\r{ABSTRACT}\rSecond Title\r{ABSTRACT}\r".encode())
    papers, problems = read(path)
    assert problems == []
    assert [(p.title, p.source.line) for p in papers] == [("First Title", 1), ("Second Title", 3)]


def test_bom_is_dropped() -> None:
    papers, problems = read(LISTING / "bom.txt")
    assert problems == []
    assert papers[0].title == "Self-Improving Coding Agents"
    assert len(papers) == 2


def test_not_utf8_points_at_line_and_column(tmp_path: Path) -> None:
    data = f"Title One\n{ABSTRACT}\nTitle\xe9 Two\n".encode() + b"Bad \xff byte\n"
    path = write_bytes(tmp_path, data)
    papers, problems = read(path)
    assert papers == []
    assert problems == [Problem(str(path), 4, "not UTF-8 text (byte 0xff at column 5); save the file as UTF-8")]
    assert str(problems[0]).startswith(f"{path}:4: not UTF-8")


def test_not_utf8_column_counts_characters_after_bom_and_crlf(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfT\r\n" + "é€".encode() + b"\xc3("
    problems = read(write_bytes(tmp_path, data))[1]
    assert [(p.line, p.message) for p in problems] == [(2, "not UTF-8 text (byte 0xc3 at column 3); save the file as UTF-8")]


# ---------------------------------------------------------------- chrome and blank lines


def test_chrome_is_dropped_and_subscribe_cut_from_first_title() -> None:
    papers, problems = read(LISTING / "chrome.txt")
    assert problems == []
    assert titles(papers) == [
        "Self-Improving Coding Agents",
        # a real title later in the file that starts like chrome is kept
        "Get trending papers in your email inbox: a study of newsletters",
    ]
    assert [p.source.line for p in papers] == [3, 5]


def test_subscribe_cut_only_before_uppercase_or_digit(tmp_path: Path) -> None:
    text = f"Subscribers and Their Habits\n{ABSTRACT}\nSubscribeNothing Else\n{ABSTRACT}\n"
    papers = read(write_bytes(tmp_path, text.encode()))[0]
    assert titles(papers) == ["Subscribers and Their Habits", "SubscribeNothing Else"]


def test_subscribe_cut_before_digit_and_standalone_subscribe_line(tmp_path: Path) -> None:
    text = f"Get trending papers!\n\nSubscribe\nSubscribe3D Worlds\n{ABSTRACT}\n"
    papers, problems = read(write_bytes(tmp_path, text.encode()))
    assert problems == []
    assert [(p.title, p.source.line) for p in papers] == [("3D Worlds", 4)]


def test_blank_lines_between_records() -> None:
    papers, problems = read(LISTING / "blank_lines.txt")
    assert problems == []
    assert [p.source.line for p in papers] == [2, 6, 9]
    assert papers[2].title == "Observational Scaling Laws"


def test_double_spaced_file_is_one_stream() -> None:
    papers, problems = read(LISTING / "double_spaced.txt")
    assert problems == []
    assert [(p.title, p.source.line) for p in papers] == [
        ("Self-Improving Coding Agents", 1),
        ("Self-Play for Negotiation with Language Models", 5),
    ]
    assert papers[1].abstract.startswith("Self-play has driven progress")


def test_fields_are_stripped_and_raw(tmp_path: Path) -> None:
    text = f'  A \\emph{{Title}}  \n\t{ABSTRACT} G\\"odel  \n'
    papers = read(write_bytes(tmp_path, text.encode()))[0]
    source = Source(str(tmp_path / "listing.txt"), 1)
    assert papers == [Paper(title="A \\emph{Title}", abstract=ABSTRACT + ' G\\"odel', source=source)]


def test_empty_file_is_a_warning(tmp_path: Path) -> None:
    papers, problems = read(write_bytes(tmp_path, b"Get trending papers in your email inbox!\n\n"))
    assert papers == []
    assert [(p.line, p.fatal) for p in problems] == [(0, False)]


# ---------------------------------------------------------------- missing abstracts


def test_missing_abstract_in_middle_is_found_where_it_happens() -> None:
    papers, problems = read(LISTING / "missing_middle.txt")
    expected = [(3, "title has no abstract line after it", True)]
    assert [(p.line, p.message, p.fatal) for p in problems] == expected
    assert titles(papers) == [
        "Self-Improving Coding Agents",
        "Observational Scaling Laws",
        "How Far Is Video Generation from a World Model?",
    ]
    assert papers[1].abstract.startswith("Scaling laws describe")
    assert papers[2].abstract.startswith("World models let agents")


def test_odd_block_is_the_missing_abstract() -> None:
    papers, problems = read(LISTING / "missing_middle_blocks.txt")
    assert lines_of(problems) == [4]
    assert problems[0].message == "title has no abstract line after it"
    assert [p.source.line for p in papers] == [1, 6, 9]


def test_odd_block_without_abstract_like_lines(tmp_path: Path) -> None:
    # short abstracts: the look-alike check cannot help, the blank lines still do
    text = "T1\nshort one.\n\nT2\n\nT3\nshort three.\n"
    papers, problems = read(write_bytes(tmp_path, text.encode()))
    assert lines_of(problems) == [4]
    assert [(p.title, p.abstract) for p in papers] == [("T1", "short one."), ("T3", "short three.")]


def test_missing_abstract_at_end() -> None:
    papers, problems = read(LISTING / "missing_end.txt")
    assert [(p.line, p.message) for p in problems] == [(5, "title has no abstract line after it")]
    assert len(papers) == 2


def test_abstract_without_title() -> None:
    papers, problems = read(LISTING / "orphan_abstract.txt")
    assert [(p.line, p.message) for p in problems] == [(3, "abstract line has no title line before it")]
    assert titles(papers) == ["Self-Improving Coding Agents", "Observational Scaling Laws"]


def test_short_abstracts_pair_normally(tmp_path: Path) -> None:
    # no abstract looks like an abstract here, so nothing may be flagged
    text = "Title A\nShort abstract A.\nTitle B\nShort abstract B.\n"
    papers, problems = read(write_bytes(tmp_path, text.encode()))
    assert problems == []
    assert [(p.title, p.abstract) for p in papers] == [
        ("Title A", "Short abstract A."),
        ("Title B", "Short abstract B."),
    ]


def test_abstract_heuristic() -> None:
    assert looks_like_abstract(ABSTRACT)
    assert not looks_like_abstract("Huxley-Gödel Machine: Human-Level Coding Agent Development")
    assert not looks_like_abstract("word " * 80)  # long but no sentences
    assert not looks_like_abstract("One. Two. Three.")  # sentences but short


# ---------------------------------------------------------------- registry


def test_format_for_suffix_and_explicit() -> None:
    assert format_for(Path("a/b.txt")) == "listing"
    assert format_for(Path("a/b.LISTING")) == "listing"
    assert format_for(Path("a/b.weird"), "listing") == "listing"
    assert {s: f for s, f in FORMAT_BY_SUFFIX.items() if f == "listing"} == {".txt": "listing", ".listing": "listing"}
    assert set(READERS) >= {"listing"}


def test_format_for_unknown_suffix_names_file_and_formats() -> None:
    with pytest.raises(ConfigError) as caught:
        format_for(Path("papers/list.docx"))
    message = caught.value.message
    assert "papers/list.docx" in message and "listing" in message and ".docx" in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


def test_format_for_unknown_explicit_format() -> None:
    with pytest.raises(ConfigError, match="unknown format 'endnote'"):
        format_for(Path("x.txt"), "endnote")


def test_read_sources_concatenates_in_order_and_reports_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    papers, problems = read_sources([(LISTING / "missing_end.txt", None), (missing, None), (LISTING / "bom.txt", "listing")])
    paths = [str(LISTING / "missing_end.txt")] * 2 + [str(LISTING / "bom.txt")] * 2
    assert [p.source.path for p in papers] == paths
    assert [(p.path, p.line, p.fatal) for p in problems] == [
        (str(LISTING / "missing_end.txt"), 5, True),
        (str(missing), 0, True),
    ]
    assert "cannot read this file" in problems[1].message


def test_read_sources_directory_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    papers, problems = read_sources([(folder, None)])
    assert papers == []
    assert [(p.line, p.fatal) for p in problems] == [(0, True)]


def test_read_sources_checks_formats_before_reading(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        read_sources([(tmp_path / "missing.txt", None), (tmp_path / "other.pdf", None)])


# ---------------------------------------------------------------- the real example


def test_real_example() -> None:
    papers, problems = read_sources([(EXAMPLE, None)])
    assert problems == []
    assert len(papers) == 203
    assert papers[0].title == "Describing a Knowledge Base"
    assert papers[0].source == Source(str(EXAMPLE), 3)
    assert all(p.title and p.abstract and not looks_like_abstract(p.title) for p in papers)
    normalised = [normalise(p) for p in papers]
    hgm = next(p for p in normalised if "(HGM)" in p.abstract)
    assert hgm.link("code") == "https://github.com/metauto-ai/HGM"
    assert hgm.title.startswith("Huxley-Gödel Machine")
    goedel = [p for p in normalised if "Gödel" in p.title]
    assert goedel and all("Gödel" in p.abstract and '\\"' not in p.abstract for p in goedel)
