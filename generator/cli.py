"""The `papersite` command: a thin front over MkDocs and the papersite plugin.

Each command loads mkdocs.yml with MkDocs' own load_config, sets the plugin's options from the
command line (sources, strict) on that loaded config, and calls MkDocs' build or serve. Nothing is
kept between commands: each loaded config has its own plugin instance.

Exit codes: 0 done, 1 problems in the input (each printed as FILE:LINE: message), 2 usage errors.
"""

from __future__ import annotations

import functools
import logging
import stat
import sys
import time
from dataclasses import replace
from pathlib import Path

import click
from mkdocs.commands import build as mkdocs_build_module
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError
from rich.console import Console
from rich.logging import RichHandler

from . import collector, incremental, kept_files, pipeline, progress, scaffold, uptodate
from . import fetch as fetching
from .config import SourceSpec, project_folder
from .errors import ConfigError, InputError, PapersiteError
from .identifiers import today
from .model import Topic
from .plugin import PapersitePlugin
from .write import JOURNAL_NAME, MANIFEST_NAME, is_scratch

stderr = Console(stderr=True, highlight=False, soft_wrap=True)

sources_argument = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The mkdocs.yml that configures the site and the papersite plugin.",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings about the input as errors.")
force_option = click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
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
    started = time.perf_counter()
    cfg = _load(config_file, sources, strict)
    plugin = _plugin(cfg)
    with progress.display(stderr):
        plugin.generate(cfg)
    _summary(plugin, started, quiet)


@cli.command()
@sources_argument
@config_option
@click.option(
    "-d", "--site-dir", type=click.Path(path_type=Path), help="Where to write the site (default: site_dir of mkdocs.yml)."
)
@strict_option
@force_option
@quiet_option
def build(sources: tuple[Path, ...], config_file: Path, site_dir: Path | None, strict: bool, force: bool, quiet: bool) -> None:
    """Generate the pages, then build the site with MkDocs (unless nothing changed since the last build)."""
    _setup_logging(quiet)
    started = time.perf_counter()
    cfg = _load(config_file, sources, strict, site_dir=str(site_dir.resolve()) if site_dir else None)
    if not _build_site(cfg, force=force):
        if not quiet:
            stderr.print(progress.up_to_date_line(cfg.site_dir, time.perf_counter() - started))
        return
    stderr.print(f"Site written to {cfg.site_dir}")
    _summary(_plugin(cfg), started, quiet)


@cli.command()
@config_option
@click.option("-m", "--message", help="The commit message on the gh-pages branch (default: MkDocs').")
@strict_option
@force_option
@quiet_option
def deploy(config_file: Path, message: str | None, strict: bool, force: bool, quiet: bool) -> None:
    """Build the site and push it to the gh-pages branch (remote_name and remote_branch of mkdocs.yml)."""
    from . import deploy as deployment  # MkDocs' gh-deploy and ghp-import: only here

    _setup_logging(quiet)
    cfg = _load(config_file, (), strict)
    deployment.check_repository(project_folder(cfg), cfg.remote_name)
    _build_site(cfg, force=force)
    deployment.publish(cfg, message)
    stderr.print(f"Site pushed to the {cfg.remote_branch} branch of {cfg.remote_name}")


@cli.group()
def fetch() -> None:
    """Add new papers from Hugging Face daily papers or an arXiv query to a paper list (JSON keyed by arXiv id)."""


output_option = click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="The paper list to add to (created when missing)."
)


@fetch.command("hf")
@click.option("--date", "date_", type=click.DateTime(["%Y-%m-%d"]), help="The daily papers of this day (default: the latest).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="The daily papers of every day from this one to today.")
@output_option
def fetch_hf(date_, since, output: Path | None) -> None:
    """Hugging Face daily papers (huggingface.co/papers), through huggingface_hub."""
    if date_ and since:
        raise ConfigError("give --date or --since, not both")
    dates = fetching.days(since.date(), today()) if since else [date_.date() if date_ else None]
    _report_fetch(output or Path("papers/hf.json"), fetching.fetch_hf(dates))


@fetch.command("arxiv")
@click.argument("query")
@click.option(
    "--max",
    "max_results",
    type=click.IntRange(1, 2000),
    default=50,
    show_default=True,
    help="At most this many papers, newest first.",
)
@output_option
def fetch_arxiv(query: str, max_results: int, output: Path | None) -> None:
    """The newest papers matching an arXiv API QUERY (e.g. "cat:cs.LG AND ti:agents"), through the arxiv package."""
    _report_fetch(output or Path("papers/arxiv.json"), fetching.fetch_arxiv(query, max_results))


def _report_fetch(output: Path, fetched: list[dict]) -> None:
    new, total = fetching.add_to_list(output, fetched)
    click.echo(f"{output}: {new} new paper(s) added, {total - new} of {total} fetched already there")


@cli.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("query", required=False)
@click.option("--force", is_flag=True, help="Write into a folder that is not empty, replacing the new site's files.")
@click.option(
    "--daily", type=click.Choice(["hf", "arxiv"]), help="Add a daily fetch-build-deploy workflow (arxiv: give a QUERY)."
)
def init_command(directory: Path, query: str | None, force: bool, daily: str | None) -> None:
    """Create a new site in DIRECTORY: mkdocs.yml, a welcome page, sample papers, a GitHub Pages workflow.

    With --daily hf, or --daily arxiv "QUERY", the site also gets a workflow that adds new papers every day.
    """
    for path in scaffold.init_site(directory, force=force, daily=daily, query=query):
        click.echo(f"wrote {path}")
    click.echo(f"Next: cd {directory} && papersite build, then open site/index.html")


def _build_site(cfg: MkDocsConfig, *, force: bool = False) -> bool:
    """Build the site, unless the last build left it as this one would (uptodate.py); whether it built."""
    plugin = _plugin(cfg)
    settings = plugin.settings(cfg)
    record = settings.build_record
    # taken before plugins' on_config change the loaded config; without a record nothing compares it
    site_stats = uptodate.file_stats(Path(cfg.site_dir)) if record is not None else None  # walked once, used twice
    docs_stats = uptodate.docs_listing(Path(cfg.docs_dir)) if record is not None else None
    before = uptodate.fingerprint(cfg, settings, site_stats, docs_stats) if record is not None else {}
    if record is not None and not force and uptodate.is_up_to_date(record, before):
        return False
    docs_now = functools.cache(lambda: _docs_as_generated(cfg, plugin, docs_stats))
    saved_files = kept_files.SavedFiles(
        settings.cache_file(kept_files.FILES_CACHE),
        settings.cache_file(kept_files.THEME_FILES_CACHE),
        lambda: _listed_names(docs_now()),
        mkdocs_build_module.get_files,
    )
    with progress.display(stderr):
        plugin.load_catalog(cfg)  # problems in the input stop here, before anything is written or forgotten
        tracker = _track_pages(cfg, plugin, record, before, force, site_stats)
        with progress.stage("MkDocs build"):  # MkDocs logs its own progress; a spinner would garble it
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                with incremental.quiet_dirty_build(), kept_files.listing_with(saved_files.get_files):
                    # dirty: only the pages the tracker marks are rendered
                    mkdocs_build(cfg, dirty=tracker is not None and tracker.previous is not None)
            finally:
                cfg.plugins.on_shutdown()
    if tracker is not None and record is not None and site_stats is not None:  # all three or none (a record kept)
        left = tracker.site_as_left(cfg, site_stats)  # as the build left it
        site_stats = uptodate.file_stats(Path(cfg.site_dir)) if left is None else left
        incremental.save(incremental.record_path(record), tracker.record(cfg, site_stats))
    if record is not None and uptodate.inputs_digest(settings) == before["inputs"]:  # not edited while building
        uptodate.save(record, {**before, **uptodate.folder_parts(cfg, settings, site_stats, docs_now())})
    return True


def _docs_as_generated(cfg: MkDocsConfig, plugin: PapersitePlugin, before: uptodate.Stats | None) -> uptodate.Stats | None:
    """The docs folder's files as the build's generate left them: the listing taken before the build
    with what generate wrote or removed (pages, the manifest, its journal and temporary files) looked
    at again, not the whole folder walked again. Exact while generate is the only writer there, as in
    a build with the plugins papersite knows (MkDocs writes only into the site folder); anyone else's
    write makes the next build's listing differ from the recorded one: a build, never a wrong result.
    None (walk the folder) when there was no listing before, no generate, or another plugin."""
    report = plugin.report
    if before is None or report is None or incremental.unknown_plugins(cfg):
        return None
    again = {*report.written, *report.removed, MANIFEST_NAME, JOURNAL_NAME}
    again.update(name for name, _ in before if is_scratch(name))
    return uptodate.restat(Path(cfg.docs_dir), before, again)


def _listed_names(stats: uptodate.Stats | None) -> set[str] | None:
    """The names MkDocs' get_files finds in a docs folder of this listing, or None when a name is a
    symbolic link (get_files follows them) or the listing is unknown."""
    if stats is None or any(stat.S_ISLNK(found.st_mode) for _, found in stats):
        return None
    return {name for name, _ in stats}


def _track_pages(
    cfg: MkDocsConfig,
    plugin: PapersitePlugin,
    record: Path | None,
    before: uptodate.Fingerprint,
    force: bool,
    site_stats: uptodate.Stats | None,
) -> incremental.IncrementalBuild | None:
    """Forget the records of the last build (a build that fails half-way must not be built upon),
    keeping what the site record says for this build, which renders only the pages that changed."""
    if record is None:
        return None
    uptodate.forget(record)
    pages_record = incremental.record_path(record)
    previous = None if force else incremental.load(pages_record, cfg.site_dir, site_stats)
    uptodate.forget(pages_record)
    uptodate.forget(record.with_name(f"{record.stem}-pages.json"))  # the site record as JSON, before it was a pickle
    tracker = incremental.IncrementalBuild(plugin, previous, before)
    cfg.plugins[incremental.PLUGIN_NAME] = tracker
    return tracker


def _summary(plugin: PapersitePlugin, started: float, quiet: bool) -> None:
    """The line every build ends with: papers, topics, pages written / unchanged / removed, seconds."""
    catalog, report = plugin.catalog, plugin.report
    if quiet or catalog is None or report is None:
        return
    seconds = time.perf_counter() - started
    line = progress.summary_line(
        len(catalog.papers), len(catalog.topics), len(report.written), len(report.unchanged), len(report.removed), seconds
    )
    stderr.print(line)


@cli.command()
@sources_argument
@config_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(sources: tuple[Path, ...], config_file: Path, dev_addr: str) -> None:
    """Generate the pages and serve the site with live reload; edits to SOURCES regenerate it."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _setup_logging(quiet=False)
    cfg = _load(config_file, sources, strict=False)
    plugin = _plugin(cfg)
    plugin.load_catalog(cfg)  # problems in the input stop here, before the server starts
    # serve loads mkdocs.yml again for every rebuild (an edit to it counts), with this plugin instance
    # (MkDocs keeps it): it puts the sources given here back into each config it is loaded with.
    # dirty: each rebuild renders only the pages whose text changed (incremental.py decides, exactly)
    plugin.command_line_sources = plugin.config.sources if sources else None
    mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, build_type="dirty")


@cli.command()
@sources_argument
@config_option
@strict_option
def check(sources: tuple[Path, ...], config_file: Path, strict: bool) -> None:
    """Read SOURCES and report every problem; writes nothing."""
    _setup_logging(quiet=True)
    cfg = _load(config_file, sources, strict)
    specs = _plugin(cfg).settings(cfg).sources
    papers, problems = pipeline.read_all(specs)
    for line in pipeline.warning_lines(problems, merges=True):
        click.echo(line, err=True)
    summary = pipeline.summarise(papers, problems)
    click.echo(summary.line(len(specs)))
    if summary.skipped or (strict and any(p.fails_strict for p in problems)):
        sys.exit(InputError.exit_code)


@cli.command("topics")
@sources_argument
@config_option
@click.option("--refit", is_flag=True, help="Find the topics afresh from SOURCES and save them in the topic state.")
def topics_command(sources: tuple[Path, ...], config_file: Path, refit: bool) -> None:
    """List the saved topics (label, slug, papers); with --refit, find them afresh, keeping the slugs of
    the topics that overlap old ones, save the topic state and say what changed. Writes no pages."""
    _setup_logging(quiet=True)
    cfg = _load(config_file, sources, strict=False)
    settings = _plugin(cfg).settings(cfg)
    if settings.topic_state is None:
        raise ConfigError(f"{config_file}: the option topic_state is empty, so no topics are kept")
    if not refit:
        saved = _saved_topics(settings.topic_state)
        for topic in sorted(saved, key=lambda t: (-len(t.papers), t.slug)):
            click.echo(f"{topic.label}  ({topic.slug}, {len(topic.papers)} papers)")
        click.echo(f"{len(saved)} topics in {settings.topic_state}")
        return
    from .catalog import assign_slugs
    from .topics import find_topics  # scikit-learn is imported only when topics are found
    from .topics.fitted import to_bytes

    if not settings.sources:
        raise ConfigError(f"{config_file}: no paper lists given: add `sources:` to the papersite plugin")
    with progress.display(stderr):
        papers = pipeline.read_checked(replace(settings, strict=False))  # warnings never stop a refit
        found = find_topics(assign_slugs(papers), settings, refit=True)
    for line in found.refit_report:
        click.echo(line)
    saved_now = pipeline.save_topic_state(settings, found.automatic, to_bytes(found.model))
    click.echo(f"topic state {'saved to' if saved_now else 'unchanged in'} {settings.topic_state}")


def _saved_topics(path: Path) -> tuple[Topic, ...]:
    from .topics.state import load_topics

    if not path.is_file():
        raise ConfigError(f"{path}: no topic state yet; papersite build (or papersite topics --refit) makes it")
    return load_topics(path)


def _load(config_file: Path, sources: tuple[Path, ...], strict: bool, **overrides: object) -> MkDocsConfig:
    """mkdocs.yml loaded by MkDocs, with the plugin's sources (when given) and strict set from the command line."""
    if not config_file.is_file():
        raise ConfigError(f"{config_file}: no such config file; run papersite in the folder that holds mkdocs.yml or pass -f")
    try:
        cfg = load_config(config_file=str(config_file), **{k: v for k, v in overrides.items() if v is not None})
    except ConfigurationError as err:
        raise ConfigError(f"{config_file}: {err}") from err
    except Abort as err:  # MkDocs has logged each invalid option
        raise ConfigError(f"{config_file}: invalid configuration (see above)") from err
    plugin = _plugin(cfg)
    if sources:
        plugin.config.sources = [SourceSpec(p.resolve()) for p in sources]
    plugin.config.strict = plugin.config.strict or strict
    return cfg


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
    progress.show(not quiet)


def main() -> None:
    """Entry point: one clean message and an exit code for every error the user can act on."""
    collector.tune()
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
