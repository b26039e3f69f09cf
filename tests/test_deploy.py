"""`papersite deploy` against a local bare repository standing in for GitHub."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sitebuild import papersite

pytestmark = pytest.mark.slow


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return result.stdout


def new_repository(tmp_path: Path) -> Path:
    assert papersite(tmp_path, "init", "mysite").returncode == 0
    root = tmp_path / "mysite"
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.org")
    return root


def test_deploy_outside_a_git_repository_is_one_clear_line(tmp_path):
    assert papersite(tmp_path, "init", "mysite").returncode == 0
    result = papersite(tmp_path / "mysite", "deploy")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"papersite: cannot deploy: {(tmp_path / 'mysite').resolve()} is not in a git repository (run `git init` and add a remote)"
    ]
    assert not (tmp_path / "mysite" / "site").exists()  # checked before building


def test_deploy_without_a_remote_is_one_clear_line(tmp_path):
    root = new_repository(tmp_path)
    result = papersite(root, "deploy")
    assert result.returncode == 1
    assert "no remote 'origin'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_deploy_lands_the_site_on_the_gh_pages_branch(tmp_path):
    root = new_repository(tmp_path)
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(root, "remote", "add", "origin", str(bare))
    result = papersite(root, "deploy", "-m", "Publish the papers")
    assert result.returncode == 0, result.stderr
    files = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {"index.html", "overview.html", "search/search_index.json", ".nojekyll"} <= set(files)
    assert any(f.startswith("papers/") for f in files)
    assert git(bare, "log", "-1", "--format=%s", "gh-pages").strip() == "Publish the papers"
