from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE = REPO / "papers" / "hf-papers-listing.txt"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Every build of the suite (its own and papersite's in subprocesses) checks each stage's delta path
# (generator/changes.py) against its full path: a difference fails the build.
os.environ.setdefault("PAPERSITE_CHECK_DELTA", "1")

# The files that take longest (`pytest --durations`, on 2 cores), longest first. They start first, so the
# two xdist workers (pyproject.toml) end together instead of one running a long file while the other waits.
LONGEST_FIRST = [
    "test_incremental.py",
    "test_kill.py",
    "test_browser_site.py",
    "test_postbuild_cache.py",
    "test_search_large.py",
    "test_render_cache.py",
    "test_uptodate.py",
    "test_semantic.py",
    "test_serve.py",
    "test_search_browser.py",
    "test_browser_search.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first; every other file after them in its usual order, each file's tests in theirs."""
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


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


@pytest.fixture(scope="session")
def math_project(tmp_path_factory) -> Path:
    """The example project built with tests/data/math.txt added, once per test run; returns the project folder."""
    from sitebuild import make_project, papersite

    root = make_project(tmp_path_factory.mktemp("math"))
    result = papersite(root, "build", str(DATA / "math.txt"))
    assert result.returncode == 0, result.stderr
    return root
