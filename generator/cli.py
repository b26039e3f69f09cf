"""The `papersite` command: a thin front over the MkDocs plugin and the pipeline.

Exit codes: 0 done, 1 problems in the input (each printed as FILE:LINE: message), 2 usage errors.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from rich.console import Console
from rich.logging import RichHandler

from . import pipeline
from .config import SourceSpec, resolve_sources
from .errors import ConfigError, InputError, PapersiteError
from .plugin import OVERRIDES, PapersitePlugin

stderr = Console(stderr=True, highlight=False, soft_wrap=True)

sources_argument = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
config_option = click.option(
    "-f", "--config-file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"), show_default=True,
    help="The mkdocs.yml that configures the site and the papersite plugin.",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings about the input as errors.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")


@click.group()
@click.version_option(package_name="papersite")
def cli() -> None:
    """Build a searchable static site from a list of research papers."""


@cli.command()
@sources_argument
@config_option
@strict_option
@quiet_option
def generate(sources: tuple[Path, ...], config_file: Path, strict: bool, quiet: bool) -> None:
    """Write the Markdown pages for SOURCES (default: the sources in mkdocs.yml) into the docs folder."""
    _setup_logging(quiet)
    cfg, specs = _load(config_file, sources)
    settings = _plugin(cfg).enrich_settings(cfg)
    catalog = pipeline.collect(specs, settings=settings, strict=strict)
    pipeline.generate(
        catalog, Path(cfg.docs_dir), cfg.site_name, state_file=settings.state_file, directory_urls=cfg.use_directory_urls
    )


@cli.command()
@sources_argument
@config_option
@click.option("-d", "--site-dir", type=click.Path(path_type=Path), help="Where to write the site (default: site_dir of mkdocs.yml).")
@strict_option
@quiet_option
def build(sources: tuple[Path, ...], config_file: Path, site_dir: Path | None, strict: bool, quiet: bool) -> None:
    """Generate the pages, then build the site with MkDocs."""
    _setup_logging(quiet)
    cfg, specs = _load(config_file, sources, site_dir=str(site_dir.resolve()) if site_dir else None)
    OVERRIDES.sources = specs
    OVERRIDES.catalog = pipeline.collect(specs, settings=_plugin(cfg).enrich_settings(cfg), strict=strict)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    stderr.print(f"Site written to {cfg.site_dir}")


@cli.command()
@sources_argument
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(sources: tuple[Path, ...], config_file: Path, dev_addr: str) -> None:
    """Generate the pages and serve the site with live reload; edits to SOURCES regenerate it."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _setup_logging(quiet=False)
    cfg, specs = _load(config_file, sources)
    OVERRIDES.sources = specs
    OVERRIDES.catalog = pipeline.collect(specs, settings=_plugin(cfg).enrich_settings(cfg))
    mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr)


@cli.command()
@sources_argument
@config_option
@strict_option
def check(sources: tuple[Path, ...], config_file: Path, strict: bool) -> None:
    """Read SOURCES and report every problem; writes nothing."""
    _setup_logging(quiet=True)
    _, specs = _load(config_file, sources)
    papers, problems = pipeline.read_all(specs)
    for problem in problems:
        click.echo(str(problem), err=True)
    skipped = sum(p.fatal for p in problems)
    merged = len(problems) - skipped
    click.echo(f"{len(papers)} papers read, {merged} merged, {skipped} problems")
    if skipped or (strict and problems):
        sys.exit(InputError.exit_code)


def _load(config_file: Path, sources: tuple[Path, ...], **overrides: object) -> tuple[MkDocsConfig, list[SourceSpec]]:
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no such config file; run papersite in the folder that holds mkdocs.yml or pass -f")
    try:
        cfg = load_config(config_file=str(config_file), **{k: v for k, v in overrides.items() if v is not None})
    except ConfigurationError as err:
        raise ConfigError(f"{config_file}: {err}") from err
    specs = [SourceSpec(p.resolve()) for p in sources] or _plugin(cfg).sources_from(cfg)
    return cfg, specs


def _plugin(cfg: MkDocsConfig) -> PapersitePlugin:
    plugin = cfg.plugins.get("papersite")
    if not isinstance(plugin, PapersitePlugin):
        raise ConfigError(f"{cfg.config_file_path}: the papersite plugin is not enabled; add `- papersite` under `plugins:`")
    return plugin


def _setup_logging(quiet: bool) -> None:
    logger = logging.getLogger("mkdocs")
    if stderr.is_terminal:
        handler: logging.Handler = RichHandler(console=stderr, show_time=False, show_path=False, markup=False)
    else:  # one unwrapped line per message, for logs and grep
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def main() -> None:
    """Entry point: one clean message and an exit code for every error the user can act on."""
    try:
        cli.main(standalone_mode=False)
    except InputError as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        fatal = sum(p.fatal for p in err.problems)
        click.echo(f"papersite: stopped; {fatal or len(err.problems)} problem(s) in the input, nothing written", err=True)
        sys.exit(err.exit_code)
    except (PapersiteError, click.ClickException) as err:
        click.echo(f"papersite: {err.format_message()}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("papersite: aborted", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)


if __name__ == "__main__":
    main()
