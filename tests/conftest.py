from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = REPO / "papers" / "hf-papers-listing.txt"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="Rewrite tests/golden/ from the current output.")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example project, built once per test run with `papersite build`; returns the project folder."""
    from sitebuild import make_project, papersite

    root = make_project(tmp_path_factory.mktemp("example"))
    result = papersite(root, "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def new_site(tmp_path_factory) -> Path:
    """`papersite init mysite && cd mysite && papersite build`, once per test run; returns mysite."""
    from sitebuild import papersite

    parent = tmp_path_factory.mktemp("new-site")
    result = papersite(parent, "init", "mysite")
    assert result.returncode == 0, result.stderr
    result = papersite(parent / "mysite", "build")
    assert result.returncode == 0, result.stderr
    return parent / "mysite"
