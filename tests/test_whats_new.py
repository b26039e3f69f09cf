"""The New page's order, the digest (what is new since the previous build, grouped by topic) and the feed order."""

from __future__ import annotations

import datetime

import pytest

from generator.config import settings_for
from generator.digest import (
    DigestSite,
    added_since,
    digest_html,
    digest_markdown,
    group_by_topic,
    paper_key,
    publish_digests,
    write_digest,
)
from generator.feeds import newest_first
from generator.model import Catalog, Paper, Source, Topic
from generator.render import render_site
from generator.whats_new import by_upvotes, recently_added

TODAY = datetime.date(2024, 1, 19)
HOSTILE = "<img src=x onerror=alert(1)> | *bold* [x](javascript:alert(2))"


def paper(slug: str, added: str = "", upvotes: int | None = None, date: str = "", topics=(), **fields) -> Paper:
    return Paper(
        title=fields.pop("title", slug.title()),
        source=Source("p.json", 1),
        slug=slug,
        added=added,
        upvotes=upvotes,
        date=date,
        topics=tuple(topics),
        **fields,
    )


PAPERS = (
    paper("old", added="2024-01-01", upvotes=500),
    paper("a", added="2024-01-18", upvotes=10, arxiv_id="2401.00001"),
    paper("b", added="2024-01-19", upvotes=3, topics=("agents",)),
    paper("c", added="2024-01-19", upvotes=90, topics=("agents",)),
    paper("d", added="2024-01-13"),
    paper("listing", date="2024-01-30"),
)


def test_recently_added_is_the_last_seven_days_newest_first_then_most_upvoted():
    assert [p.slug for p in recently_added(PAPERS, TODAY)] == ["c", "b", "a", "d"]
    assert [p.slug for p in by_upvotes(recently_added(PAPERS, TODAY))] == ["c", "a", "b"]


def test_the_site_feed_follows_the_new_page_order_when_entry_days_are_known():
    assert [p.slug for p in newest_first(PAPERS)] == ["c", "b", "a", "d", "old", "listing"]


def test_the_first_build_digests_the_papers_added_that_day_then_only_what_the_previous_build_lacked():
    assert [p.slug for p in added_since(PAPERS, None, TODAY)] == ["c", "b"]
    seen = {paper_key(p) for p in PAPERS[:3]}
    assert [p.slug for p in added_since(PAPERS, seen, TODAY)] == ["c", "d", "listing"]
    assert paper_key(PAPERS[1]) == "arxiv:2401.00001"


def test_digest_groups_by_main_topic_and_keeps_every_value_text():
    catalog = Catalog(papers=PAPERS, topics=(Topic("agents", "Agents & <Tools>", papers=("b", "c")),))
    hostile = paper("h", added="2024-01-19", title=HOSTILE, abstract="Why <script>x</script>. More.")
    groups = group_by_topic(catalog, [PAPERS[3], hostile, PAPERS[2]])
    assert [(g.label, [p.slug for p in g.papers]) for g in groups] == [("Agents & <Tools>", ["c", "b"]), ("Other papers", ["h"])]
    site = DigestSite("My <site>", lambda slug: f"https://example.org/papers/{slug}.html")
    page = digest_html(site, groups, TODAY)
    assert "<img" not in page and "<script>" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Agents &amp; &lt;Tools&gt; (2)" in page and "<style" not in page and 'style="' in page
    assert 'href="https://example.org/papers/c.html"' in page and "90 upvotes · added 2024-01-19" in page
    markdown = digest_markdown(site, groups, TODAY)
    assert "## Agents &#38; &#60;Tools&#62; (2)" in markdown
    assert "- [&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62; &#124; &#42;bold&#42;" in markdown


def test_write_digest_writes_only_when_something_is_new_and_remembers_the_build(tmp_path):
    site = DigestSite("S", lambda slug: f"../papers/{slug}.html")
    folder = tmp_path / ".papersite/digest"
    catalog = Catalog(papers=PAPERS)
    first = write_digest(site, catalog, folder, TODAY)
    assert [p.name for p in first] == ["2024-01-19.html", "2024-01-19.md"]
    assert (folder / "last-build.json").is_file()
    assert write_digest(site, catalog, folder, TODAY + datetime.timedelta(1)) == []
    grown = Catalog(papers=(*PAPERS, paper("e", added="2024-01-20")))
    (html, md) = write_digest(site, grown, folder, TODAY + datetime.timedelta(1))
    assert html.name == "2024-01-20.html" and "../papers/e.html" in html.read_text() and "[E](../papers/e.html)" in md.read_text()
    assert "Papers/C" not in md.read_text() and "c.html" not in md.read_text()
    assert len(publish_digests(folder, tmp_path / "site")) == 4
    assert (tmp_path / "site/digest/2024-01-19.html").read_bytes() == first[0].read_bytes()


def test_the_new_page_appears_only_when_the_collection_records_entry_days(monkeypatch):
    monkeypatch.setenv("PAPERSITE_TODAY", "2024-01-19")
    topics = (Topic("agents", "Agents", papers=("b", "c")),)
    pages = {p.path: p.text for p in render_site(Catalog(papers=PAPERS, topics=topics), "S")}
    new = pages["new.md"]
    assert new.index("[C](papers/c.md) | 90") < new.index("[B](papers/b.md) | 3") < new.index("[A](papers/a.md)")
    assert "## By upvotes" in new and "[Old]" not in new and "[Listing]" not in new
    assert "[4 paper(s) added in the last 7 days](new.md)" in pages["index.md"]
    plain = {p.path for p in render_site(Catalog(papers=(paper("listing", date="2024-01-30"),)), "S")}
    assert "new.md" not in plain


def test_the_digest_folder_is_an_option_and_the_new_page_cannot_be_the_home_page(tmp_path):
    assert settings_for(tmp_path, digest_folder="kept/digest").digest_folder == tmp_path / "kept/digest"
    assert settings_for(tmp_path).digest_folder is None  # tests keep nothing unless asked
    with pytest.raises(ValueError, match="another generated page"):
        settings_for(tmp_path, home_page="new.md")


def test_a_wrong_replay_day_is_a_clear_error(monkeypatch):
    from generator.errors import ConfigError
    from generator.identifiers import today

    monkeypatch.setenv("PAPERSITE_TODAY", "2024-13-01")
    with pytest.raises(ConfigError, match="PAPERSITE_TODAY='2024-13-01' is not a YYYY-MM-DD date"):
        today()
    monkeypatch.setenv("PAPERSITE_TODAY", "2024-02-29")
    assert today() == datetime.date(2024, 2, 29)
