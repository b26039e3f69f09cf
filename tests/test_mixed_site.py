"""End to end: a listing, a .bib, an arXiv Atom feed and a Zotero CSL-JSON export with overlapping
papers build into one site; the BibTeX "Cite" block's copy button works in a real browser."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import bibtexparser
import pytest
from sitebuild import REPO, Page, make_project, papersite

pytestmark = pytest.mark.slow

MIXED = Path(__file__).parent / "data" / "mixed"
SOURCES = ["listing.txt", "refs.bib", "arxiv.atom", "zotero.json"]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("mixed"), [MIXED / name for name in SOURCES])
    result = papersite(root, "build", *[f"papers/{name}" for name in SOURCES])
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def papers(project) -> dict[str, dict]:
    return {p["title"]: p for p in json.loads((project / "site" / "papers.json").read_text())}


def test_check_reports_every_merge_and_a_summary(project):
    result = papersite(project, "check", *[f"papers/{name}" for name in SOURCES])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "13 records read from 4 file(s): 8 papers, 5 merged, 0 skipped"
    merges = [line for line in result.stderr.splitlines() if "same work as" in line]
    assert len(merges) == 5
    assert any(line.startswith(str(project / "papers/zotero.json") + ":2: ") and "same DOI" in line for line in merges)


def test_overlapping_records_become_one_paper_each(papers):
    assert len(papers) == 8
    spin = papers["Self-Play Fine-Tuning Converts Weak Language Models to Strong Language Models"]
    assert spin["arxiv_id"] == "2401.01335" and spin["date"] == "2024-01-02"
    assert spin["venue"] == "Proceedings of the 41st International Conference on Machine Learning"  # from the .bib
    assert [a["family"] for a in spin["authors"]] == ["Chen", "Deng", "Yuan", "Ji", "Gu"]
    assert {"kind": "code", "url": "https://github.com/uclaml/SPIN"} in spin["links"]  # from the arXiv comment
    assert spin["tags"] == ["self-play", "fine-tuning", "cs.LG", "cs.CL"]
    alphazero = [p for p in papers.values() if p["doi"].casefold() == "10.1126/science.aar6404"]
    assert len(alphazero) == 1 and len(alphazero[0]["authors"]) == 4  # the CSL record lists more authors
    assert alphazero[0]["date"] == "2018-12-07" and "AlphaZero" in alphazero[0]["tags"]
    assert "Mastering Board Games by Self-Play Without Human Knowledge" in papers  # a different title: kept apart


def test_paper_page_shows_authors_date_venue_buttons_tags_and_the_original_entry(project, papers):
    spin = papers["Self-Play Fine-Tuning Converts Weak Language Models to Strong Language Models"]
    page = Page(project / "site" / spin["url"])
    assert "Zixiang Chen, Yihe Deng, Huizhuo Yuan" in page.text
    assert "2 January 2024" in page.text and "Proceedings of the 41st International" in page.text
    buttons = {a.get("href"): a for a in page.attrs("a") if "md-button" in (a.get("class") or "")}
    assert set(buttons) == {
        "https://arxiv.org/abs/2401.01335",
        "http://arxiv.org/pdf/2401.01335v3",
        "https://github.com/uclaml/SPIN",
    }
    assert "cs.LG · cs.CL" in page.text
    entry = bibtexparser.parse_string("".join(page.code)).entries[0]
    assert entry.key == "chen2024spin" and "file" not in entry.fields_dict  # the .bib's own entry, private field dropped
    assert entry.fields_dict["booktitle"].value == "Proceedings of the 41st International Conference on Machine Learning"


def test_papers_from_other_formats_get_a_generated_entry(project, papers):
    meta = papers["Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge"]
    entry = bibtexparser.parse_string("".join(Page(project / "site" / meta["url"]).code)).entries[0]
    assert entry.entry_type == "inproceedings" and entry.key == "wu2024meta"
    assert entry.fields_dict["author"].value == "Wu, Tianhao and Yuan, Weizhe and Weston, Jason"


def test_authors_with_two_papers_get_an_entry_in_the_directory_and_a_link(project, papers):
    assert sorted(p.name for p in (project / "site" / "authors").glob("*.html")) == ["index.html"]
    directory = Page(project / "site" / "authors" / "index.html")
    ids = [a.get("id") for a in directory.attrs("p") if a.get("class") == "papersite-author"]
    assert ids == ["jurgen-schmidhuber", "jason-weston", "weizhe-yuan"]  # A to Z by family name
    weston = directory.text[directory.text.index("Weston, Jason") : directory.text.index("Yuan, Weizhe")]
    assert "Self-Rewarding Language Models" in weston and "Meta-Rewarding Language Models" in weston
    meta = Page(
        project / "site" / papers["Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge"]["url"]
    )
    hrefs = [a.get("href") for a in meta.attrs("a")]
    assert "../authors/index.html#jason-weston" in hrefs and not any("tianhao-wu" in (h or "") for h in hrefs)


def test_all_papers_are_grouped_by_year_newest_first(project):
    page = Page(project / "site" / "papers" / "index.html")
    years = [h for h in page.text.split() if h in {"2024", "2018", "2003", "Undated"}]
    headings = [a.get("id") for a in page.attrs("h2")]
    assert headings == ["2024", "2018", "2003", "undated"]
    assert years.index("2024") < years.index("2018")


# ---------------------------------------------------------------- the copy button, in a real browser


@pytest.fixture(scope="module")
def served_site(project):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (make test installs it as root)")
def test_cite_copy_button_copies_the_bibtex_entry(served_site, papers):
    from playwright.sync_api import sync_playwright

    spin = papers["Self-Play Fine-Tuning Converts Weak Language Models to Strong Language Models"]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            context = browser.new_context(
                permissions=["clipboard-read", "clipboard-write"], viewport={"width": 1200, "height": 1400}
            )
            page = context.new_page()
            page.goto(f"{served_site}/{spin['url']}")
            block = page.locator("pre").filter(has_text="@inproceedings{chen2024spin")
            block.hover()
            button = block.locator("button[data-md-type=copy], button.md-clipboard").first
            button.click()
            copied = page.evaluate("navigator.clipboard.readText()")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "cite-copy.png"), full_page=True)
        finally:
            browser.close()
    entry = bibtexparser.parse_string(copied).entries[0]
    assert entry.key == "chen2024spin" and copied.strip().endswith("}")
    assert entry.fields_dict["eprint"].value == "2401.01335"
