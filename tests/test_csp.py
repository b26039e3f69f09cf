"""The site's own defences: a Content-Security-Policy on every page, no inline script but the theme's
known blocks, no inline event handler; and in a real browser, the policy refuses injected script
from file:// and over http while the site itself works (the other browser tests record every CSP
refusal as a failure, see tests/browser.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser import browser, chromium_path, offline_page, site_base

from generator import csp

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.DOTALL)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)


def built_pages(example_site: Path) -> list[Path]:
    return sorted((example_site / "site").rglob("*.html"))


def test_every_built_page_carries_the_policy_and_no_other_inline_script(example_site):
    pages = built_pages(example_site)
    assert len(pages) > 200
    for path in pages:
        html = path.read_text(encoding="utf-8")
        policies = CSP_META.findall(html)
        hashes = " ".join(dict.fromkeys(csp.source_hash(body) for body in csp.theme_scripts(html)))
        assert policies == [csp.policy(hashes).replace("'", "&#39;")] or policies == [csp.policy(hashes)], path
        assert html.index("Content-Security-Policy") < html.index("<script"), f"{path}: a script before the policy"
        for attributes, body in SCRIPT.findall(html):
            if "src=" in attributes or 'type="application/json"' in attributes:
                continue
            assert body.startswith(csp.THEME_SCRIPT_PREFIXES), f"{path}: unknown inline script {body[:80]!r}"
        assert not EVENT_HANDLER.search(html), f"{path}: inline event handler {EVENT_HANDLER.search(html)[0][:80]!r}"


def test_the_policy_allows_nothing_but_the_site():
    directives = dict(d.split(" ", 1) for d in csp.policy("'sha256-x'").split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    for name, value in directives.items():
        sources = value.split()
        assert "'unsafe-eval'" not in sources and "*" not in sources and "http:" not in sources and "https:" not in sources
        if name != "style-src-attr":
            assert "'unsafe-inline'" not in sources, name


@pytest.fixture(scope="module")
def chromium():
    chromium_path()
    with browser() as instance:
        yield instance


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["file", "http"])
def test_the_browser_refuses_injected_script_but_runs_the_site(chromium, example_site, tmp_path, mode):
    site = tmp_path / "site"
    shutil.copytree(example_site / "site", site)
    blocked: list[str] = []
    page = offline_page(chromium, blocked)
    try:
        with site_base(site, mode) as base:
            check_page(page, base, blocked)
    finally:
        page.context.close()


def check_page(page, base: str, blocked: list[str]) -> None:
    page.goto(base + "topics/index.html")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof __md_get") == "function"  # the theme's hashed inline block ran
    assert page.evaluate("typeof renderMathInElement") == "function"  # KaTeX loaded from the site
    assert blocked == []
    page.evaluate(
        """() => {
        const img = document.createElement("img");
        img.setAttribute("onerror", "window.__handler_ran = true");
        img.src = "does-not-exist.png";
        document.body.appendChild(img);
        const script = document.createElement("script");
        script.textContent = "window.__inline_ran = true";
        document.body.appendChild(script);
    }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.__inline_ran === undefined && window.__handler_ran === undefined")
    refusals = " ".join(blocked)
    assert "inline event handler" in refusals and "inline script" in refusals, blocked
