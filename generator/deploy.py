"""`papersite deploy`: publish the built site on the gh-pages branch with MkDocs' gh-deploy.

gh-deploy logs and carries on when the folder is not a git repository; we check first and say
so in one line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.gh_deploy import gh_deploy
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from .config import project_folder
from .errors import DeployError


def check_repository(folder: Path, remote: str) -> None:
    """Raise DeployError unless folder is inside a git work tree that has the given remote."""
    if shutil.which("git") is None:
        raise DeployError("cannot deploy: git is not installed")
    if _git(folder, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise DeployError(f"cannot deploy: {folder} is not in a git repository (run `git init` and add a remote)")
    if _git(folder, "remote", "get-url", remote).returncode != 0:
        raise DeployError(f"cannot deploy: the git repository has no remote {remote!r} (add one: git remote add {remote} URL)")


def publish(config: MkDocsConfig, message: str | None = None) -> None:
    """Commit config.site_dir to config.remote_branch and push it to config.remote_name."""
    with _working_directory(project_folder(config)):
        try:
            gh_deploy(config, message=message)
        except Abort as err:
            raise DeployError(f"cannot deploy: pushing to {config.remote_name!r} failed (see the message above)") from err


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)


@contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)
