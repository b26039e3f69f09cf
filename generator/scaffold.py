"""`papersite init`: a new site from the files shipped in generator/scaffold_files (package data).

The new site's welcome page (site_src/index.md) is hand-written: the generated overview goes to
overview.md (the plugin's `home_page` option), so the generator never touches index.md.
"""

from __future__ import annotations

import json
import shlex
from importlib import metadata, resources
from pathlib import Path

from .errors import ConfigError
from .write import write_file

# File in the package -> where it goes in the new site (package data cannot start with a dot).
SCAFFOLD_FILES = {
    "mkdocs.yml": "mkdocs.yml",
    "site_src/index.md": "site_src/index.md",
    "papers/papers.txt": "papers/papers.txt",
    "requirements.txt": "requirements.txt",
    "gitignore": ".gitignore",
    "github/workflows/pages.yml": ".github/workflows/pages.yml",
}


def scaffold_text(name: str, site_name: str) -> str:
    """A scaffold file's text, with the site name and papersite's version filled in."""
    text = (resources.files("generator.scaffold_files") / name).read_text(encoding="utf-8")
    return text.replace("__SITE_NAME__", json.dumps(site_name)).replace("__PAPERSITE_VERSION__", _version())


DAILY_LISTS = {"hf": "papers/hf.json", "arxiv": "papers/arxiv.json"}


def daily_command(source: str, query: str | None) -> str:
    """The workflow's fetch command: `papersite fetch hf -o papers/hf.json` or `... arxiv 'QUERY' ...`."""
    if source == "arxiv":
        return f"papersite fetch arxiv {shlex.quote(query or '')} --max 100 -o {DAILY_LISTS['arxiv']}"
    return f"papersite fetch hf -o {DAILY_LISTS['hf']}"


def init_site(target: Path, *, force: bool = False, daily: str | None = None, query: str | None = None) -> list[Path]:
    """Write a new site into target (a new or empty folder; with force, replace the scaffold's files).

    daily ("hf" or "arxiv" with a query) adds a scheduled workflow that fetches, commits, builds and
    deploys every day, an empty paper list for it (named in mkdocs.yml's sources), and the fetch extra.
    """
    if daily not in (None, *DAILY_LISTS):
        raise ConfigError(f"--daily takes hf or arxiv, not {daily!r}")
    if daily == "arxiv" and not (query or "").strip():
        raise ConfigError('--daily arxiv needs a query: papersite init DIR --daily arxiv "cat:cs.LG AND ti:agent"')
    if query and daily != "arxiv":
        raise ConfigError(f"unexpected extra argument {query!r} (only --daily arxiv takes a query)")
    _check_target(target, force)
    site_name = target.resolve().name or "Papers"
    texts = {relative: scaffold_text(name, site_name) for name, relative in SCAFFOLD_FILES.items()}
    if daily:
        paper_list = DAILY_LISTS[daily]
        texts["mkdocs.yml"] = texts["mkdocs.yml"].replace(
            "        - papers/papers.txt\n", f"        - papers/papers.txt\n        - {paper_list}\n"
        )
        texts["requirements.txt"] = texts["requirements.txt"].replace("papersite==", "papersite[fetch]==")
        workflow = scaffold_text("github/workflows/daily.yml", site_name)
        texts[".github/workflows/daily.yml"] = workflow.replace("__FETCH_COMMAND__", daily_command(daily, query)).replace(
            "__PAPER_LIST__", paper_list
        )
        texts[paper_list] = "{}\n"
    written = []
    for relative, text in texts.items():
        write_file(target, relative, text)
        written.append(target / relative)
    return written


def _check_target(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{target} exists and is not a folder")
    if force or not target.exists():
        return
    existing = [relative for relative in SCAFFOLD_FILES.values() if (target / relative).exists()]
    if existing or any(target.iterdir()):
        detail = f" (it already has {', '.join(existing)})" if existing else ""
        raise ConfigError(f"{target} is not empty{detail}; use --force to write the new site's files into it anyway")


def _version() -> str:
    return metadata.version("papersite")  # the one version, pyproject.toml's
