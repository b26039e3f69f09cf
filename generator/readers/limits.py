"""Bounds on what one paper list may cost: every reader keeps time and memory in proportion to the
bytes it is given, and refuses input built to blow up (macro or alias bombs, deep nesting).

Each limit is far beyond any real paper list; tests/test_limits.py tries each at the limit and past it.
"""

from __future__ import annotations

# All sources of one run together; a bigger collection should be split into several sites.
MAX_INPUT_BYTES = 512 * 2**20
# Text that @string macros and `#` concatenations produce in one .bib file beyond its own size (in the macros
# themselves, and again in the fields of the entries once resolved).
MAX_BIBTEX_EXPANSION_CHARS = 10_000_000
# YAML values that aliases (*name) add on top of those written out in the file.
MAX_YAML_ALIAS_VALUES = 100_000
# Lists and mappings inside one another, in a JSON or YAML file (a record is 2 or 3 deep).
MAX_NESTING_DEPTH = 64
# One CSV cell; a longer one skips its row (the csv module's own default is 131,072).
MAX_CSV_FIELD_CHARS = 1_000_000
