"""`flask --app lms people erase PERSON_CODE --reason TEXT`: the same erasure as the admin page."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.extensions import db

people_cli = AppGroup("people", help="People of the registry (personal data).")


@people_cli.command("erase")
@click.argument("person_code")
@click.option("--reason", required=True, help="Why (e.g. the person's request of 2026-12-01).")
@click.option("--actor", default="cli", show_default=True, help="Who asked for it (recorded in the audit log).")
def erase_command(person_code: str, reason: str, actor: str) -> None:
    """Erase a person's personal data for good; an anonymous record stays for earlier years' figures."""
    from lms.cli import poke_worker
    from lms.people.models import Person
    from lms.privacy.erasure import ErasureError, erase_person, finish_erasure

    person = db.session.scalar(sa.select(Person).where(sa.func.upper(Person.code) == person_code.strip().upper()))
    if person is None:
        click.echo(f"unknown person code: {person_code}", err=True)
        sys.exit(1)
    try:
        report = erase_person(person, actor=actor, reason=reason)
    except ErasureError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    finish_erasure(report)
    poke_worker()
    rows = ", ".join(f"{table} {n}" for table, n in sorted(report.rows.items()))
    click.echo(f"erased: now {report.pseudonym}; rows changed: {rows}; files removed: {len(report.files)}")
