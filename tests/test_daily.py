"""`papersite init --daily`: the scheduled workflow's structure, and its steps run here against recorded answers."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from sitebuild import papersite
from test_fetch import Recorded, recorded_server

REPO = Path(__file__).resolve().parent.parent


def workflow(site: Path) -> dict:
    data = yaml.safe_load((site / ".github/workflows/daily.yml").read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def step(data: dict, name: str) -> dict:
    return next(s for s in steps(data) if s.get("name") == name)


def test_daily_hf_workflow_is_scheduled_and_uses_the_official_actions(tmp_path):
    result = papersite(tmp_path, "init", "s", "--daily", "hf")
    assert result.returncode == 0, result.stderr
    data = workflow(tmp_path / "s")
    (schedule,) = data["on"]["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* \*", schedule["cron"]) and "workflow_dispatch" in data["on"]
    uses = {s["uses"].split("@")[0] for s in steps(data) if "uses" in s}
    assert uses == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    cache = next(s for s in steps(data) if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".papersite"
    assert data["permissions"]["contents"] == "write" and data["jobs"]["deploy"]["needs"] == "update"
    names = [s.get("name") for s in data["jobs"]["update"]["steps"]]
    assert names.index("Fetch new papers") < names.index("Commit the updated paper list") < names.index("Build")
    assert step(data, "Fetch new papers")["run"] == "papersite fetch hf -o papers/hf.json"
    assert "git add papers/hf.json" in step(data, "Commit the updated paper list")["run"]
    config = (tmp_path / "s/mkdocs.yml").read_text()
    assert "        - papers/hf.json\n" in config
    assert (tmp_path / "s/papers/hf.json").read_text() == "{}\n"
    assert "papersite[fetch]==" in (tmp_path / "s/requirements.txt").read_text()


def test_daily_arxiv_needs_a_query_and_quotes_it(tmp_path):
    missing = papersite(tmp_path, "init", "a", "--daily", "arxiv")
    assert missing.returncode == 2 and "needs a query" in missing.stderr and not (tmp_path / "a").exists()
    result = papersite(tmp_path, "init", "b", "--daily", "arxiv", "cat:cs.LG AND ti:'agent'")
    assert result.returncode == 0, result.stderr
    run = step(workflow(tmp_path / "b"), "Fetch new papers")["run"]
    assert run == "papersite fetch arxiv 'cat:cs.LG AND ti:'\"'\"'agent'\"'\"'' --max 100 -o papers/arxiv.json"
    stray = papersite(tmp_path, "init", "c", "a query")
    assert stray.returncode == 2 and "only --daily arxiv takes a query" in stray.stderr


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_the_workflow_steps_run_locally_against_recorded_answers(tmp_path):
    assert papersite(tmp_path, "init", "s", "--daily", "hf").returncode == 0
    site = tmp_path / "s"
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(site, "init", "-q", "-b", "main")
    git(site, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "start")
    git(site, "add", "-A")
    git(site, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "new site")
    git(site, "remote", "add", "origin", str(remote))
    git(site, "push", "-q", "-u", "origin", "main")
    data = workflow(site)
    scripts = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin"

    def run_steps(endpoint: str, today: str, names=("Fetch new papers", "Commit the updated paper list", "Build")) -> None:
        Recorded.latest = today
        for name in names:
            wanted = step(data, name)
            env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
            env |= {str(k): str(v) for k, v in wanted.get("env", {}).items()}
            env |= {
                "SITE_URL": "https://example.org/s/",  # what ${{ steps.pages.outputs.base_url }}/ gives
                "HF_ENDPOINT": endpoint,
                "PAPERSITE_TODAY": today,
                "PATH": f"{scripts}:{os.environ['PATH']}",
            }
            result = subprocess.run(
                ["bash", "-e", "-c", wanted["run"]], cwd=site, env=env, capture_output=True, text=True, timeout=600
            )
            assert result.returncode == 0, (name, result.stdout, result.stderr)

    with recorded_server() as endpoint:
        run_steps(endpoint, "2024-01-18")
        assert git(remote, "log", "--format=%s", "-1", "main").startswith("Daily papers ")
        pushed = git(remote, "show", "main:papers/hf.json")
        assert '"2401.10020"' in pushed and '"added": "2024-01-18"' in pushed
        assert (site / "site/new.html").is_file() and (site / "site/digest/2024-01-18.html").is_file()
        assert (site / "site/feeds/papers.xml").is_file()
        commits = git(remote, "rev-list", "--count", "main")
        run_steps(endpoint, "2024-01-18", names=("Fetch new papers", "Commit the updated paper list"))  # nothing new
        assert git(remote, "rev-list", "--count", "main") == commits
        run_steps(endpoint, "2024-01-19")
    assert int(git(remote, "rev-list", "--count", "main")) == int(commits) + 1
    assert '"2402.03300"' in git(remote, "show", "main:papers/hf.json")
    assert "DeepSeekMath" in (site / "site/digest/2024-01-19.html").read_text()
    assert (site / "site/digest/2024-01-18.html").is_file()  # kept in .papersite/digest/ across builds
