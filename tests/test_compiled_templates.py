"""Compiled templates kept in the cache folder (generator/compiled_templates.py): an environment given
the cache renders what it renders without it, compiles nothing that an earlier build compiled from the
same source with the same settings, and compiles afresh for another source, other settings, or a
damaged cache file."""

from __future__ import annotations

import marshal
import pickle
from io import BytesIO
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from generator.compiled_templates import CompiledTemplates, in_cache_folder
from generator.config import settings_for
from generator.enrich import enrich
from generator.pipeline import generate
from tests.examples import load_example

TEMPLATE = "{% for x in items %}\n  <{{ x }}>\n{% endfor %}\n{% trans %}done{% endtrans %}"


def environment(folder: Path, compiled: CompiledTemplates | None, **options) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=compiled, extensions=["jinja2.ext.i18n"], **options
    )
    env.install_null_translations()  # type: ignore[attr-defined]
    return env


def render(folder: Path, cache_file: Path | None, **options) -> tuple[str, bool]:
    """The page rendered by a fresh environment (as a new build makes), and whether it compiled the template."""
    compiled = CompiledTemplates(cache_file, "test-templates") if cache_file else None
    env = environment(folder, compiled, **options)
    calls = []
    compile_source = env.compile
    env.compile = lambda *args, **kwargs: calls.append(args) or compile_source(*args, **kwargs)  # type: ignore[method-assign]
    text = env.get_template("page.j2").render(items=["a", "b"])
    if compiled is not None:
        compiled.save()
    return text, bool(calls)


def test_a_template_compiled_before_is_not_compiled_again_and_renders_the_same(tmp_path):
    (tmp_path / "page.j2").write_text(TEMPLATE, encoding="utf-8")
    cache_file = tmp_path / "cache" / "compiled"
    plain, _ = render(tmp_path, None)
    assert render(tmp_path, cache_file) == (plain, True)  # the first build compiles
    assert render(tmp_path, cache_file) == (plain, False)  # the next takes the code kept
    saved = cache_file.read_bytes()
    render(tmp_path, cache_file)
    assert cache_file.read_bytes() == saved  # nothing compiled: the file is not written again


@pytest.mark.parametrize(
    "options",
    [{"trim_blocks": True}, {"lstrip_blocks": True}, {"variable_start_string": "<<", "variable_end_string": ">>"}],
)
def test_other_settings_compile_their_own_code(tmp_path, options):
    (tmp_path / "page.j2").write_text(TEMPLATE, encoding="utf-8")
    cache_file = tmp_path / "compiled"
    render(tmp_path, cache_file)
    expected, _ = render(tmp_path, None, **options)
    assert render(tmp_path, cache_file, **options) == (expected, True)
    assert render(tmp_path, cache_file, **options) == (expected, False)


def test_an_edited_template_or_a_damaged_file_is_compiled_afresh(tmp_path):
    page = tmp_path / "page.j2"
    page.write_text(TEMPLATE, encoding="utf-8")
    cache_file = tmp_path / "compiled"
    render(tmp_path, cache_file)
    page.write_text(TEMPLATE.replace("<{{ x }}>", "[{{ x }}]"), encoding="utf-8")
    expected, _ = render(tmp_path, None)
    assert "[a]" in expected
    assert render(tmp_path, cache_file) == (expected, True)
    data = bytearray(cache_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache_file.write_bytes(bytes(data))
    assert render(tmp_path, cache_file) == (expected, True)
    assert render(tmp_path, cache_file) == (expected, False)


def test_a_callable_autoescape_is_never_cached(tmp_path):
    (tmp_path / "page.j2").write_text(TEMPLATE, encoding="utf-8")
    cache_file = tmp_path / "compiled"
    autoescape = jinja2.select_autoescape()
    render(tmp_path, cache_file, autoescape=autoescape)
    assert render(tmp_path, cache_file, autoescape=autoescape)[1]


def test_generate_keeps_the_compiled_page_templates(tmp_path):
    catalog = enrich(load_example()[:12])
    settings = settings_for(tmp_path, cache_folder=str(tmp_path / "cache"))
    generate(catalog, settings, tmp_path / "docs", "Site")
    kept = in_cache_folder(tmp_path / "cache", "compiled-templates")
    assert {"paper.md.j2", "topic.md.j2", "home.md.j2"} <= set(_names(kept))
    again = tmp_path / "again"
    generate(catalog, settings, again, "Site")
    for page in (tmp_path / "docs").rglob("*.md"):
        assert (again / page.relative_to(tmp_path / "docs")).read_text() == page.read_text()


def _names(kept: CompiledTemplates) -> list[str]:
    """The templates whose code is kept (the code object's file is the template's)."""
    names = []
    for code in kept.codes.values():
        stream = BytesIO(code)
        stream.read(len(bc_magic))
        pickle.load(stream)  # the source's checksum
        names.append(Path(marshal.load(stream).co_filename).name)
    return names
