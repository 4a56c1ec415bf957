"""The ``triage`` command line: evaluate reports and inspect plugins."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click

import triage_core
from triage_core.errors import PluginLoadError, ReportValidationError
from triage_service.descriptions import plugin_listing


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
