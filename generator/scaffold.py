"""`papersite init`: a new site from the files shipped in generator/scaffold_files (package data).

The new site's welcome page (site_src/index.md) is hand-written: the generated overview goes to
overview.md (the plugin's `home_page` option), so the generator never touches index.md.
"""

from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path

from .errors import ConfigError

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


def init_site(target: Path, *, force: bool = False) -> list[Path]:
    """Write a new site into target (a new or empty folder; with force, replace the scaffold's files)."""
    _check_target(target, force)
    site_name = target.resolve().name or "Papers"
    written = []
    for name, relative in SCAFFOLD_FILES.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(scaffold_text(name, site_name), encoding="utf-8")
        written.append(path)
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
