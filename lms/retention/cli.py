"""`flask --app lms uploads prune [--dry-run]` and `flask --app lms retention [--dry-run]`."""

import click
from flask.cli import AppGroup

from lms.retention.services import Result, run_rules

uploads_cli = AppGroup("uploads", help="The upload store.")
_dry_run = click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")


def _report(results: list[Result], dry_run: bool) -> None:
    verb = "would remove" if dry_run else "removed"
    for r in results:
        click.echo(f"{r.rule} (older than {r.days} days): {verb} {r.items} items, {r.files} files, {r.bytes} bytes")


@uploads_cli.command("prune")
@_dry_run
def prune(dry_run: bool) -> None:
    """Remove uploads no longer referenced (rejected declarations, finished imports, replaced materials)."""
    _report(run_rules("uploads", dry_run=dry_run), dry_run)


@click.command("retention")
@_dry_run
def retention_command(dry_run: bool) -> None:
    """Apply every retention rule now (beat runs them each night)."""
    _report(run_rules(dry_run=dry_run), dry_run)
