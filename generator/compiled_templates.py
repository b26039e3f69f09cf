"""Compiled Jinja2 templates kept between builds: a jinja2 bytecode cache in one file of the cache folder.

Jinja2 compiles a template's source to Python code the first time an environment loads it: about
half a second a build for papersite's templates and Material's. A CompiledTemplates given to an
environment (its `bytecode_cache`) hands back the code compiled by an earlier build instead. A
template's code is looked up by its name and file and by everything of the environment that the
compiled code depends on (`compile_settings`: delimiters, whitespace options, extensions,
autoescape, finalize, the async mode); Jinja2's bucket then takes it only when the source's checksum
and the Python version are the ones it was compiled from, else compiles the source again. The file
is a cache of generator/cache.py, keyed also by the Jinja2 version: so the code loaded is the code
compiling the source now would give.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from . import cache

PAGE_TEMPLATES = "compiled-templates"  # papersite's templates (render.py), its file in the cache folder and its key
THEME_TEMPLATES = "compiled-theme-templates"  # MkDocs' theme environment (Material's templates; plugin.on_env)


def in_cache_folder(folder: Path | None, name: str) -> CompiledTemplates:
    """The compiled templates kept as the file `name` of the cache folder (None: in memory only)."""
    return CompiledTemplates(folder / name if folder else None, name)


class CompiledTemplates(jinja2.BytecodeCache):
    """The compiled code of an environment's templates, loaded from path (None: in memory only);
    `save` keeps it when a template was compiled afresh."""

    def __init__(self, path: Path | None, name: str) -> None:
        self.path = path
        self.key = f"{name}:jinja2 {jinja2.__version__}"
        self.codes: dict[str, bytes] = dict(cache.load(path, self.key) or {})  # a copy: cache.load's data is never changed
        self.compiled = False  # a template was compiled afresh: the file is saved

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        settings = compile_settings(environment)
        if settings is None:  # an environment whose code this cannot tell apart: nothing cached
            return Bucket(environment, "", "")
        key = hashlib.sha256(repr((name, filename, settings)).encode("utf-8")).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if bucket.key:
            self.dump_bytecode(bucket)

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # rejected (left empty) unless of this source and Python

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()
        self.compiled = True

    def save(self) -> None:
        if self.compiled:
            cache.save(self.path, self.key, dict(self.codes))  # a copy: more may be compiled after
            self.compiled = False


def compile_settings(env: jinja2.Environment) -> tuple | None:
    """What of env the code Jinja2 compiles from a source depends on, as plain data; None when some
    of it is a function whose effect cannot be told from its name (a callable autoescape)."""
    if not isinstance(env.autoescape, bool):
        return None
    finalize = env.finalize
    return (
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.autoescape,
        env.optimized,
        env.is_async,
        None if finalize is None else (finalize.__module__, finalize.__qualname__, getattr(finalize, "jinja_pass_arg", None)),
        sorted(f"{type(ext).__module__}.{type(ext).__qualname__}" for ext in env.extensions.values()),
        getattr(env, "newstyle_gettext", None),  # the i18n extension compiles {% trans %} by it
        env.policies.get("compiler.ascii_str"),
        env.code_generator_class.__module__ + "." + env.code_generator_class.__qualname__,
    )
