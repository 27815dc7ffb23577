"""`flask --app lms backup create|verify|restore DIR`: the operator's backups (lms.backup.services)."""

import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup

from lms.backup.services import BackupError, Report, create_backup, restore_backup, verify_backup

backup_cli = AppGroup("backup", help="Back up, verify and restore the database and the uploads.")
_dir = click.argument("directory", type=click.Path(file_okay=False, path_type=Path))


def _run(action: Callable[[Path], Report], directory: Path, done: str) -> None:
    try:
        report = action(directory)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for note in report.notes:
        click.echo(note)
    click.echo(f"{done}: {directory}")


@backup_cli.command("create")
@_dir
def create(directory: Path) -> None:
    """Back up the database and the upload store into DIRECTORY (new or empty), with a manifest."""
    _run(create_backup, directory, "backup written")


@backup_cli.command("verify")
@_dir
def verify(directory: Path) -> None:
    """Check a backup's files against its manifest and that its database copy is readable."""
    _run(verify_backup, directory, "backup verified")


@backup_cli.command("restore")
@_dir
def restore(directory: Path) -> None:
    """Restore a verified backup into the empty database of DATABASE_URL and the empty UPLOAD_DIR."""
    _run(restore_backup, directory, "backup restored")
