"""Rendering the richer record: Cite block, generated BibTeX, the authors directory, All papers by year."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
import markdown
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url
from test_render import Elements

from generator.authors import AuthorNames, author_entries, directory, directory_pages, entry_pages
from generator.catalog import assign_slugs
from generator.cite import citation_key, code_fence_for, generated_entry
from generator.model import Author, Catalog, Paper, Source
from generator.normalise import bibtex_text, normalise
from generator.readers import read_sources
from generator.render import human_date, papers_by_year, render_site

DATA = Path(__file__).parent / "data"
SITE_EXTENSIONS = ["attr_list", "toc", "tables", "pymdownx.arithmatex", "pymdownx.highlight", "pymdownx.superfences"]


def to_html(md_text: str) -> Elements:
    body = md_text.split("---\n", 2)[2]  # drop the front matter
    parsed = Elements()
    parsed.feed(markdown.markdown(body, extensions=SITE_EXTENSIONS, extension_configs={"pymdownx.arithmatex": {"generic": True}}))
    return parsed


def catalog_of(*papers: Paper) -> Catalog:
    return Catalog(papers=tuple(assign_slugs(papers)))


def paper(title: str, line: int = 1, **fields) -> Paper:
    return Paper(title=title, source=Source("refs.bib", line), **fields)


def test_a_hostile_bibtex_entry_cannot_close_its_code_fence_or_inject_markup():
    papers, _ = read_sources([(DATA / "bibtex/hostile.bib", None)])
    catalog = catalog_of(*[normalise(p) for p in papers])
    page = next(p for p in render_site(catalog, "Site") if p.path.startswith("papers/") and p.path != "papers/index.md")
    html = to_html(page.text)
    # the only links are the "find this paper" title searches (the entry has no link of its own)
    searches = [dict(attrs) for tag, attrs in html.tags if tag == "a"]
    assert [urlsplit(a["href"]).netloc for a in searches] == ["arxiv.org", "huggingface.co", "www.semanticscholar.org"]
    assert all(a["class"] == "md-button papersite-search" for a in searches)
    tags = [tag for tag, _ in html.tags]
    assert "script" not in tags and "img" not in tags
    assert tags.count("pre") == 1 and tags.count("h2") == 2  # Abstract and Cite: nothing escaped the fence
    code = "".join(html.text)
    assert "</code></pre><script>alert(3)</script>" in code and "`````" in code


def test_fence_is_longer_than_any_backtick_run():
    assert code_fence_for("no backticks") == "```"
    assert code_fence_for("a ```` b `` c") == "`````"


def test_generated_entry_parses_and_names_the_fields():
    record = paper(
        "Gödel & Self-Play: 100% $\\alpha$-Go",
        authors=(Author("Schmidhuber", "Jürgen"), Author("OpenAI Team")),
        date="2024-05-03",
        venue="ICML",
        doi="10.1/x",
        arxiv_id="2401.01234",
        entry_type="inproceedings",
    )
    entry = bibtexparser.parse_string(generated_entry(record)).entries[0]
    fields = {f.key: f.value for f in entry.fields}
    assert entry.key == "schmidhuber2024godel" and entry.entry_type == "inproceedings"
    assert fields["title"] == "Gödel \\& Self-Play: 100\\% $\\alpha$-Go"
    assert fields["author"] == "Schmidhuber, Jürgen and {OpenAI Team}"
    assert (fields["year"], fields["month"], fields["booktitle"]) == ("2024", "5", "ICML")
    assert (fields["doi"], fields["eprint"], fields["archivePrefix"]) == ("10.1/x", "2401.01234", "arXiv")


@settings(max_examples=200, deadline=None)
@example("!`{")  # LaTeX's ligatures !` and ?` read back as ¡ and ¿ (found by hypothesis)
@example("Why?` ``quoted''")
@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
def test_generated_entry_always_parses_and_its_title_reads_back(title):
    entry_text = generated_entry(paper(title))
    library = bibtexparser.parse_string(entry_text)
    assert not library.failed_blocks and len(library.entries) == 1
    read_back = bibtex_text(library.entries[0].fields_dict["title"].value)
    # dollars may hold math, kept as LaTeX; pylatexenc reads \\textasciicircum back as U+02C6, not "^"
    if "$" not in title and "^" not in title:
        assert read_back == unicodedata.normalize("NFC", title)  # pylatexenc output is NFC


def test_citation_key_falls_back_when_fields_are_missing():
    assert citation_key(paper("The Art of War")) == "art"
    assert citation_key(paper("!!!")) == "paper"


def test_authors_get_an_entry_only_with_two_or_more_papers():
    ada, bob = Author("Lovelace", "Ada"), Author("Babbage", "Charles")
    papers = assign_slugs(
        [
            paper("One", authors=(ada, bob), date="2020"),
            paper("Two", authors=(Author("LOVELACE", "ada"),), date="2024"),
            paper("Three", authors=(bob, bob)),
        ]
    )
    entries = author_entries(papers)
    assert [(e.name, e.anchor, e.papers) for e in entries.values()] == [
        ("Ada Lovelace", "ada-lovelace", ("two", "one")),  # newest first; names equal but for case are one author
        ("Charles Babbage", "charles-babbage", ("one", "three")),
    ]


def test_the_directory_is_a_to_z_by_family_name_accents_aside():
    names = [
        Author("Zhang", "Wei"),
        Author("Étienne", "Zoé"),
        Author("Babbage", "Charles"),
        Author("ACME Labs"),
        Author("Eck", "Al"),
    ]
    papers = assign_slugs([paper(f"P{i}", authors=tuple(names)) for i in range(2)])
    (page,) = directory_pages(author_entries(papers), 10)
    assert [part.entry.directory_name for part in page.entries] == [
        "ACME Labs",
        "Babbage, Charles",
        "Eck, Al",
        "Étienne, Zoé",
        "Zhang, Wei",
    ]
    assert [part.entry.letter for part in page.entries] == ["A", "B", "E", "E", "Z"]


def test_directory_pages_hold_at_most_page_size_papers_and_split_a_prolific_author():
    ada, bob, cy = Author("Ada", "A"), Author("Bob", "B"), Author("Cy", "C")
    papers = assign_slugs(
        [paper(f"Ada {i}", authors=(ada,)) for i in range(25)] + [paper(f"Two {i}", authors=(bob, cy)) for i in range(3)]
    )
    pages = directory_pages(author_entries(papers), 10)
    parts = [(part.entry.name, len(part.papers), part.continued, part.more) for page in pages for part in page.entries]
    assert parts == [
        ("A Ada", 10, False, True),
        ("A Ada", 10, True, True),
        ("A Ada", 5, True, False),
        ("B Bob", 3, False, False),
        ("C Cy", 3, False, False),
    ]
    assert all(sum(len(part.papers) for part in page.entries) <= 10 for page in pages)
    assert [page.entries[-1].more for page in pages if any(part.more for part in page.entries)] == [True, True]
    assert pages[0].path == "authors/index.md" and pages[0].entries[0].entry.key == "aada"
    assert [page.path for page in pages[1:-1]] == [f"authors/index/{page.entries[-1].key}.md" for page in pages[1:-1]]
    assert pages[-1].path == "authors/index/_last.md"
    assert [part.key for page in pages for part in page.entries] == ["a-ada", "a-ada.2", "a-ada.3", "b-bob", "c-cy"]
    holding = {part.entry.key: page.path for page in pages for part in page.entries if not part.continued}
    assert entry_pages(pages) == holding and set(holding) == {"aada", "bbob", "ccy"}


def test_author_links_lead_to_their_entries_in_the_directory():
    ada, bob = Author("Lovelace", "Ada"), Author("Babbage", "Charles")
    catalog = catalog_of(paper("One", authors=(ada, bob)), paper("Two", authors=(ada,)))
    pages = {p.path: p.text for p in render_site(catalog, "Site")}
    assert '<a href="../authors/index.html#ada-lovelace">Ada Lovelace</a>' in pages["papers/one.md"]
    assert "Charles Babbage" in pages["papers/one.md"] and "charles-babbage" not in pages["papers/one.md"]
    assert set(p for p in pages if p.startswith("authors/")) == {"authors/index.md"}
    assert (
        '<p class="papersite-author" id="ada-lovelace"><strong>Lovelace, Ada</strong> · 2 papers</p>' in pages["authors/index.md"]
    )


def test_author_names_in_the_directory_are_escaped():
    evil = Author("<script>alert(1)</script>", "<b>x")
    catalog = catalog_of(paper("One", authors=(evil,)), paper("Two", authors=(evil,)))
    text = next(p.text for p in render_site(catalog, "Site") if p.path == "authors/index.md")
    assert "<script>" not in text and "<b>" not in text and "&lt;script&gt;" in text
    assert 'id="b-x-script-alert-1-script"' in text


def test_all_papers_by_year_newest_first_undated_last_in_input_order():
    papers = [
        paper("a", date="2023"),
        paper("b"),
        paper("c", date="2024-01"),
        paper("d", date="2023-06-01"),
        paper("e"),
        paper("f", date="2024-01"),
    ]
    groups = [(year, [p.title for p in group]) for year, group in papers_by_year(tuple(papers))]
    assert groups == [("2024", ["c", "f"]), ("2023", ["d", "a"]), ("Undated", ["b", "e"])]


def test_all_papers_page_keeps_the_list_order_when_nothing_is_dated():
    catalog = catalog_of(paper("Zeta"), paper("Alpha"))
    text = next(p.text for p in render_site(catalog, "Site") if p.path == "papers/index.md")
    assert "in the order of the paper list" in text and text.index("Zeta") < text.index("Alpha") and "## " not in text


def test_human_dates():
    assert [human_date(d) for d in ("2024", "2024-05", "2024-05-03")] == ["2024", "May 2024", "3 May 2024"]


def test_links_in_a_paper_pages_html_blocks_are_the_urls_mkdocs_builds():
    """MkDocs does not rewrite links in HTML blocks: page_href writes File.url relative to the page."""
    ada = Author("Lovelace", "Ada")
    catalog = catalog_of(paper("One", authors=(ada,)), paper("Two", authors=(ada,)))
    for directory_urls in (False, True):
        pages = {p.path: p.text for p in render_site(catalog, "Site", directory_urls=directory_urls)}
        here, there = (File(page, "docs", "site", directory_urls) for page in ("papers/one.md", "authors/index.md"))
        assert f'<a href="{get_relative_url(there.url, here.url)}#ada-lovelace">Ada Lovelace</a>' in pages["papers/one.md"]


def test_the_directory_is_made_once_for_a_tuple_of_papers_and_afresh_for_any_other():
    ada, bob = Author("Lovelace", "Ada"), Author("Babbage", "Charles")
    papers = tuple(assign_slugs([paper(f"P{i}", authors=(ada, bob) if i % 2 else (ada,)) for i in range(6)]))
    made = directory(papers, 2)
    assert directory(papers, 2) is made  # the render and the search index of a build share it
    assert made.entries == author_entries(papers) and made.pages == directory_pages(made.entries, 2)
    assert made.places == entry_pages(made.pages)
    assert directory(papers, 3).pages == directory_pages(made.entries, 3)  # another page size
    renamed = tuple(
        dataclasses.replace(p, authors=(Author("Babbage", "Charles"),)) if i == 0 else p for i, p in enumerate(papers)
    )
    assert directory(renamed, 2).entries == author_entries(renamed) != made.entries  # other papers: made afresh
    as_list = list(papers)
    first = directory(as_list, 2)
    as_list[1] = renamed[1]
    as_list[0] = renamed[0]
    assert directory(as_list, 2).entries == author_entries(renamed) != first.entries  # a list may change: never kept


def test_author_names_kept_from_an_earlier_build_give_the_directory_made_afresh():
    ada, bob = Author("Lovelace", "Ada"), Author("Babbage", "Charles")
    papers = assign_slugs([paper(f"P{i}", authors=(ada, bob) if i % 2 else (Author("LOVELACE", "ada"),)) for i in range(6)])
    names = AuthorNames()
    first = author_entries(papers, names)
    assert first == author_entries(papers) and names.changed()
    kept = AuthorNames(dict(names.used))
    again = author_entries(papers, kept)
    assert again == first and [e.order for e in again.values()] == [e.order for e in first.values()]
    assert not kept.changed()  # the same names: nothing to save
    grown = [*papers, *assign_slugs([paper(f"Q{i}", authors=(Author("Étienne", "Zoé"),)) for i in range(2)])]
    more = AuthorNames(dict(kept.used))
    assert author_entries(grown, more) == author_entries(grown) and more.changed()
    assert [e.order for e in author_entries(grown, more).values()] == [e.order for e in author_entries(grown).values()]
