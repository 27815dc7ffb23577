"""`flask --app lms areas …`: record a reorganisation (merge, move, dissolve) from the command line."""

import json
import sys
from collections.abc import Callable

import click
from flask.cli import AppGroup

from lms.areas.reorg import Plan, ReorgError, apply, plan_dissolve, plan_merge, plan_move
from lms.extensions import db

areas_cli = AppGroup("areas", help="Area reorganisations: merge, move, dissolve (effective from a date).")
CLI_ACTOR = "cli"

_lang = click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", help="Language of the messages.")
_decision = click.option("--decision", default="", help="Decision number and title, e.g. 1666/NQ-UBTVQH15.")
_dry_run = click.option("--dry-run", is_flag=True, help="Check and describe the change; write nothing.")
_date = click.option("--date", "effective", default="", help="Effective date, YYYY-MM-DD.")


def _summary(plan: Plan) -> dict[str, object]:
    return {
        "kind": plan.kind,
        "effective": plan.effective.isoformat(),
        "decision": plan.decision,
        "area": plan.new_code if plan.kind == "merge" else (plan.area.code if plan.area else None),
        "sources": [s.code for s in plan.sources],
        "parent": plan.parent.code if plan.parent else None,
        "children": [c.code for c in plan.children],
        "clans_moved": plan.clans,
        "units_moved": plan.units,
        "accounts_on_closed_areas": plan.accounts,
        "became_disadvantaged": [g.code for g in plan.gains],
    }


def _run(lang: str, dry_run: bool, make_plan: Callable[[], Plan]) -> None:
    from flask_babel import force_locale

    from lms.cli import poke_worker

    with force_locale(lang):
        try:
            plan = make_plan()
        except ReorgError as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            sys.exit(1)
        summary = _summary(plan)
        if dry_run:
            db.session.rollback()
            click.echo(json.dumps({"dry_run": True, **summary}, ensure_ascii=False))
            return
        change = apply(plan, CLI_ACTOR)
        db.session.commit()
    poke_worker()
    click.echo(json.dumps({"change": change.id, **change.details}, ensure_ascii=False))


@areas_cli.command("merge")
@click.argument("codes", nargs=-1)
@click.option("--into", "into", default="", help="Code of the new area.")
@click.option("--name", default="", help="Name of the new area.")
@click.option("--parent", "parent", default="", help="Parent of the new area (default: the sources' common parent).")
@click.option("--disadvantaged", is_flag=True, help="Flag the new area disadvantaged.")
@_date
@_decision
@_dry_run
@_lang
def merge_command(
    codes: tuple[str, ...],
    into: str,
    name: str,
    parent: str,
    disadvantaged: bool,
    effective: str,
    decision: str,
    dry_run: bool,
    lang: str,
) -> None:
    """Merge areas CODES of one level into a new area, effective from --date."""
    _run(
        lang,
        dry_run,
        lambda: plan_merge(
            list(codes), into, name, effective, parent_code=parent, decision=decision, disadvantaged=disadvantaged
        ),
    )


@areas_cli.command("move")
@click.argument("code")
@click.option("--to", "to", default="", help="Code of the new parent.")
@_date
@_decision
@_dry_run
@_lang
def move_command(code: str, to: str, effective: str, decision: str, dry_run: bool, lang: str) -> None:
    """Move area CODE (with everything below it) under --to, effective from --date."""
    _run(lang, dry_run, lambda: plan_move(code, to, effective, decision=decision))


@areas_cli.command("dissolve")
@click.argument("code")
@_date
@_decision
@_dry_run
@_lang
def dissolve_command(code: str, effective: str, decision: str, dry_run: bool, lang: str) -> None:
    """Dissolve area CODE (e.g. a district): its areas go to its parent, effective from --date."""
    _run(lang, dry_run, lambda: plan_dissolve(code, effective, decision=decision))


@areas_cli.command("changes")
def changes_command() -> None:
    """List the recorded reorganisations, latest first (JSON lines)."""
    from lms.areas.reorg import changes

    for change in changes():
        click.echo(json.dumps({"change": change.id, "actor": change.actor, **change.details}, ensure_ascii=False))
