"""`papersite init`: a new site that builds with no edits, never overwriting without --force."""

from __future__ import annotations

import re

import yaml
from sitebuild import Page, make_project, papersite

SCAFFOLD = [
    "mkdocs.yml",
    "site_src/index.md",
    "papers/papers.txt",
    "requirements.txt",
    ".gitignore",
    ".github/workflows/pages.yml",
]


class LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's `!ENV` tags as plain values."""


LenientLoader.add_constructor("!ENV", lambda loader, node: None)


def test_init_writes_the_scaffold(tmp_path):
    result = papersite(tmp_path, "init", "mysite")
    assert result.returncode == 0, result.stderr
    assert all((tmp_path / "mysite" / name).is_file() for name in SCAFFOLD)
    config = yaml.load((tmp_path / "mysite" / "mkdocs.yml").read_text(), Loader=LenientLoader)
    assert config["site_name"] == "mysite"
    plugin = next(p["papersite"] for p in config["plugins"] if isinstance(p, dict) and "papersite" in p)
    assert plugin["home_page"] == "overview.md"


def test_workflow_builds_with_papersite_and_deploys_with_the_official_actions(tmp_path):
    papersite(tmp_path, "init", "s")
    workflow = yaml.safe_load((tmp_path / "s" / ".github" / "workflows" / "pages.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uses = {s["uses"].split("@")[0] for s in steps if "uses" in s}
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= uses
    assert any(s.get("run") == "papersite build" for s in steps)
    assert any("pip install -r requirements.txt" in s.get("run", "") for s in steps)
    requirement = (tmp_path / "s" / "requirements.txt").read_text().splitlines()[-1]
    assert re.fullmatch(r"papersite==\d+\.\d+\.\d+\S*", requirement), requirement


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "mkdocs.yml").write_text("mine\n")
    result = papersite(tmp_path, "init", "mysite")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--force" in result.stderr
    assert (tmp_path / "mysite" / "mkdocs.yml").read_text() == "mine\n"
    assert not (tmp_path / "mysite" / "site_src").exists()


def test_init_force_replaces_the_scaffold_and_keeps_other_files(tmp_path):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "mkdocs.yml").write_text("mine\n")
    (tmp_path / "mysite" / "notes.txt").write_text("keep\n")
    result = papersite(tmp_path, "init", "mysite", "--force")
    assert result.returncode == 0, result.stderr
    assert "papersite" in (tmp_path / "mysite" / "mkdocs.yml").read_text()
    assert (tmp_path / "mysite" / "notes.txt").read_text() == "keep\n"


def test_init_into_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "file").write_text("x")
    result = papersite(tmp_path, "init", "file")
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_new_site_builds_and_keeps_the_hand_written_home(new_site):
    site = new_site / "site"
    assert "This is your paper site" in Page(site / "index.html").text
    assert "26 papers" in Page(site / "overview.html").text
    assert (new_site / "site_src" / "index.md").read_text().startswith("# Welcome")
    assert len(list((site / "papers").glob("*.html"))) == 27  # 26 papers + All papers
    assert list((site / "topics").glob("*.html"))
    assert not (site / "tags.json").exists()  # the tags plugin's export, which nothing reads, is off


def test_home_page_must_be_a_top_level_markdown_page(tmp_path):
    for bad in ["sub/overview.md", "overview.html", "tags.md", ".hidden.md"]:
        root = make_project(tmp_path / bad.replace("/", "_"))
        text = (root / "mkdocs.yml").read_text()
        (root / "mkdocs.yml").write_text(text.replace("  - papersite:\n", f"  - papersite:\n      home_page: {bad}\n"))
        result = papersite(root, "generate")
        assert result.returncode == 2, (bad, result.stderr)
        assert "home_page" in result.stderr and "Traceback" not in result.stderr


def test_scaffold_config_keeps_up_with_the_example_config():
    """New sites get the same theme, Markdown extensions, plugins and unlisted folders as the example."""
    from sitebuild import REPO

    example = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=LenientLoader)
    scaffold = yaml.load((REPO / "generator" / "scaffold_files" / "mkdocs.yml").read_text(), Loader=LenientLoader)

    def plugin_names(config):
        return [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]

    assert scaffold["theme"] == example["theme"]
    assert scaffold["markdown_extensions"] == example["markdown_extensions"]
    assert plugin_names(scaffold) == plugin_names(example)
    assert scaffold["not_in_nav"] == example["not_in_nav"]
    tags = [p["tags"] for p in scaffold["plugins"] + example["plugins"] if isinstance(p, dict) and "tags" in p]
    assert tags == [{"export": False}] * 2
