"""Built pages lose the theme's indentation and nothing a reader sees (generator/compact.py)."""

from __future__ import annotations

from generator.compact import compact_html

PAGE = """<html>
  <body>
    <nav>
      <a href="x.html">
        Home
      </a>   <a href="y.html">Next</a>
    </nav>
    <pre><code>@misc{key,
    title = {Kept    as is}
}</code></pre>
    <p>Inline <code>a
      b</code> and <textarea>  two
  lines</textarea></p>
    <script>var a = 1;
      var b = 2;</script>
    <STYLE>p  {
  color: red }</STYLE>
  </body>
</html>
"""


def test_whitespace_runs_with_a_line_break_become_one_line_break():
    compact = compact_html(PAGE)
    assert '<nav>\n<a href="x.html">\nHome\n</a>   <a href="y.html">Next</a>\n</nav>' in compact
    before_code = compact.split("<pre>")[0]
    assert not any(line.startswith((" ", "\t")) for line in before_code.splitlines())  # no indentation left


def test_preformatted_code_scripts_and_styles_are_kept_as_they_are():
    compact = compact_html(PAGE)
    for kept in (
        "<pre><code>@misc{key,\n    title = {Kept    as is}\n}</code></pre>",
        "<code>a\n      b</code>",
        "<textarea>  two\n  lines</textarea>",
        "<script>var a = 1;\n      var b = 2;</script>",
        "<STYLE>p  {\n  color: red }</STYLE>",
    ):
        assert kept in compact


def test_a_page_without_line_breaks_is_unchanged_and_compacting_twice_changes_nothing():
    assert compact_html("<p>a  b</p>") == "<p>a  b</p>"
    assert compact_html(compact_html(PAGE)) == compact_html(PAGE)
