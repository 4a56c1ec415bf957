"""The ``triage`` command line: evaluate reports and inspect plugins."""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

import triage_core
from triage_core.conformance import ERROR, check_plugin
from triage_core.errors import PluginLoadError, ReportValidationError
from triage_core.plugin_loading import ENTRY_POINT_GROUP, HOST_DISTRIBUTION, PluginSelection
from triage_service.descriptions import plugin_listing
from triage_service.scaffold import scaffold


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """Commands that list load errors themselves need not also log them."""
    logger = logging.getLogger("triage_core")
    null = logging.NullHandler()
    logger.addHandler(null)
    try:
        yield
    finally:
        logger.removeHandler(null)


def _engine(strict: bool) -> triage_core.Engine:
    try:
        return triage_core.load_engine(strict=strict)
    except PluginLoadError as error:
        raise click.ClickException(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(triage_core.__version__, prog_name="triage")
def main() -> None:
    """Triage lower-leg pain in runners: a rule engine with condition plugins.

    Plugins are loaded from the ``triage`` entry-point group; choose them with
    TRIAGE_LOAD_PLUGINS (allow-list) and TRIAGE_DISABLE_PLUGINS (deny-list),
    comma-separated entry-point or distribution names.
    """


@main.command()
@click.argument("report", type=click.File("r"), default="-")
@click.option("--strict", is_flag=True, help="Fail if any plugin fails to load.")
@click.option("--compact", is_flag=True, help="Print the result on one line.")
def evaluate(report: TextIO, strict: bool, compact: bool) -> None:
    """Evaluate a symptom report (a JSON file, or - for standard input) and print
    the triage result as JSON.

    Exit status: 0 with a result, 1 for an invalid report (each problem printed
    with its field path), 2 for a usage error or a body that is not JSON.
    """
    try:
        data = json.load(report)
    except json.JSONDecodeError as error:
        raise click.UsageError(f"the report is not valid JSON: {error}") from None
    engine = _engine(strict)
    try:
        result = engine.triage(data)
    except ReportValidationError as error:
        click.echo("Invalid report:", err=True)
        for path, messages in error.errors.items():
            for message in messages:
                click.echo(f"  {path}: {message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result.to_dict(), indent=None if compact else 2, ensure_ascii=False))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes  [default: 2 x cores + 1]")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1), help="Threads per worker.")
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(min=1), help="Worker timeout, seconds.")
@click.option("--reload", is_flag=True, help="Restart workers when code changes (development only).")
def serve(host: str, port: int, workers: int | None, threads: int, timeout: int, reload: bool) -> None:
    """Serve the HTTP API with gunicorn.

    Settings come from TRIAGE_* environment variables (see the README); the
    plugins from TRIAGE_LOAD_PLUGINS and TRIAGE_DISABLE_PLUGINS.
    """
    from triage_service.serve import default_workers
    from triage_service.serve import serve as run_server

    run_server(host, port, workers or default_workers(), threads=threads, reload=reload, timeout=timeout)


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the plugin list as JSON.")
@click.pass_context
def plugins(context: click.Context, as_json: bool) -> None:
    """List plugins: name, distribution, version, conditions, hooks and load errors."""
    if context.invoked_subcommand is not None:
        return
    with _quiet_loading():
        engine = _engine(strict=False)
    listing = plugin_listing(engine)
    if as_json:
        click.echo(json.dumps(listing, indent=2))
        return
    for entry in listing:
        origin = f"{entry['distribution'] or '-'} {entry['version'] or ''}".strip()
        click.echo(f"{entry['name']}  ({origin}, {entry['source']})")
        if entry["error"]:
            click.secho(f"    ERROR: {entry['error']}", fg="red")
            continue
        click.echo(f"    conditions: {', '.join(entry['conditions']) or '-'}")
        if entry["red_flags"]:
            click.echo(f"    red flags:  {', '.join(entry['red_flags'])}")
        click.echo(f"    hooks:      {', '.join(entry['hooks'])}")
    click.echo(f"ruleset {engine.ruleset.digest}")
    if engine.load_errors:
        click.secho(f"{len(engine.load_errors)} plugin(s) failed to load", fg="red", err=True)


@plugins.command("check")
@click.argument("target")
def check(target: str) -> None:
    """Check a plugin's conformance: TARGET is a rule file or directory, an installed
    plugin or distribution name, or an importable module.

    The plugin is loaded beside the built-ins (so duplicate ids and other plugins'
    operators are seen as in production). Exit status 1 if there is any error.
    """
    with _quiet_loading():
        engine, names = _engine_for(target)
    findings = [finding for name in names for finding in check_plugin(engine, name)]
    for finding in findings:
        click.secho(str(finding), fg="red" if finding.severity == ERROR else "yellow")
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    click.echo(f"{', '.join(names)}: {errors} error(s), {warnings} warning(s)")
    if errors:
        sys.exit(1)


def _engine_for(target: str) -> tuple[triage_core.Engine, list[str]]:
    builtins = PluginSelection(load=frozenset({HOST_DISTRIBUTION}))
    path = Path(target)
    if path.exists():
        engine = triage_core.load_engine(selection=builtins, rules_dir=path)
        return engine, [record.name for record in engine.plugins if record.source == "rule file"]
    installed = {
        name
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        for name in (entry_point.name, entry_point.dist.metadata["Name"] if entry_point.dist else None)
        if name
    }
    by_module = {
        entry_point.value: entry_point.name for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    }
    target = by_module.get(target, target)  # an installed plugin's module: check it as installed
    if target in installed:
        engine = triage_core.load_engine(selection=PluginSelection(load=frozenset({HOST_DISTRIBUTION, target})))
        return engine, [record.name for record in engine.plugins if target in (record.name, record.distribution)] or [
            target
        ]
    try:
        module = importlib.import_module(target)
    except ImportError as error:
        raise click.BadParameter(
            f"not a rule file or directory, an installed plugin, or an importable module ({error})",
            param_hint="TARGET",
        ) from None
    return triage_core.load_engine(selection=builtins, plugins=[module]), [module.__name__]


@plugins.command("new")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the package.",
)
def new(name: str, directory: Path) -> None:
    """Scaffold a ready-to-install plugin package triage-NAME with a passing test."""
    try:
        root = scaffold(name, directory)
    except (ValueError, FileExistsError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {root}. Next:")
    click.echo(f'  cd {root} && pip install -e ".[test]" && pytest')
    click.echo("  then restart triage: the plugin is loaded through its entry point.")
