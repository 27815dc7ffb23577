"""The `flask --app lms …` commands: thin wrappers over the same services the pages use."""

import json
import sys
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from lms.areas.models import Area
from lms.areas.services import area_by_code
from lms.extensions import db

CLI_ACTOR = "cli"


def _area_or_exit(code: str | None) -> Area | None:
    if code is None:
        return None
    found = area_by_code(code)
    if found is None:
        click.echo(f"unknown area code: {code}", err=True)
        sys.exit(1)
    return found


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM-DD") from exc


@click.command("import")
@click.argument(
    "kind",
    type=click.Choice(
        [
            "areas",
            "units",
            "families",
            "clans",
            "people",
            "evidence",
            "group-scores",
            "contributions",
            "kh-branches",
            "kh-members",
        ]  # fmt: skip
    ),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", help="Language of the error messages.")
def import_command(kind: str, file: str, dry_run: bool, lang: str) -> None:
    """Import a CSV or XLSX file of KIND; any bad row: nothing written, every error on stderr.

    The file is streamed whatever its size: the web's upload limit (IMPORT_MAX_BYTES) does not apply here."""
    from flask_babel import force_locale

    from lms.imports.services import run_import

    with force_locale(lang), open(file, "rb") as stream:
        report = run_import(kind, stream, file, actor=CLI_ACTOR, dry_run=dry_run, size_limits=False)
        if not report.ok:
            db.session.rollback()
            for err in report.errors:
                click.echo(f"row {err.row}, column {err.column}: {err.message}", err=True)
            sys.exit(1)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
            poke_worker()
    click.echo(json.dumps(report.summary(), ensure_ascii=False))


framework_cli = AppGroup("framework", help="Criteria frameworks.")


@framework_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def framework_load(file: str) -> None:
    """Validate a framework (YAML or JSON) and publish it for its year."""
    from lms.criteria.schema import FrameworkError, load_document
    from lms.criteria.services import publish_framework

    try:
        fw = publish_framework(load_document(file), CLI_ACTOR)
    except FrameworkError as exc:
        for path, message in exc.faults:
            click.echo(f"{path}: {message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"published {fw.code} for {fw.period} (version {fw.version})")


@framework_cli.command("dry-run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def framework_dry_run(file: str) -> None:
    """Show who would gain or lose eligibility / titles, by commune, if FILE were published."""
    from lms.criteria.dry_run import dry_run
    from lms.criteria.schema import FrameworkError, load_document

    try:
        report = dry_run(load_document(file))
    except FrameworkError as exc:
        for path, message in exc.faults:
            click.echo(f"{path}: {message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(report, ensure_ascii=False, indent=1))


@framework_cli.command("export")
@click.option("--period", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
def framework_export(period: int, fmt: str) -> None:
    """Print the published framework of a year as YAML or JSON."""
    import yaml

    from lms.criteria.services import published_framework

    fw = published_framework(period)
    if fw is None:
        click.echo(f"no framework for {period}", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps(fw.document, ensure_ascii=False, indent=1))
    else:
        click.echo(yaml.safe_dump(fw.document, allow_unicode=True, sort_keys=False))


@click.command("recompute")
@click.option("--period", type=int, required=True)
@click.option("--area", "area_code", help="Area code (default: everything).")
@click.option("--wait", is_flag=True, help="Queue for the workers and wait until they finish.")
@click.option("--inline", is_flag=True, help="Run in this process, without a broker.")
def recompute_command(period: int, area_code: str | None, wait: bool, inline: bool) -> None:
    """Full recompute of a year: queued for the workers, or --inline in this process."""
    from lms.criteria.services import NoFramework, compiled_framework
    from lms.jobs.services import leased, send_job
    from lms.recompute.services import create_job, run_full_recompute

    root = _area_or_exit(area_code)
    try:
        compiled_framework(period)
    except NoFramework:
        click.echo(f"no published framework for {period}", err=True)
        sys.exit(1)
    job = create_job(period, root, CLI_ACTOR)
    db.session.commit()
    if inline:
        with leased("recompute", job.id) as lease:  # the sweeper leaves a job alone while its lease lives
            run_full_recompute(period, root, job, before_commit=lease.confirm if lease else None)
        click.echo(f"recomputed {period}: {job.done}/{job.total} steps")
        return
    if not send_job("recompute", job.id):
        click.echo("the broker is unreachable: the job waits, and beat's sweeper sends it when it is back", err=True)
    click.echo(f"queued recompute job {job.id}")
    if wait:
        import time

        while True:
            db.session.expire_all()
            db.session.refresh(job)
            click.echo(f"\r{job.done}/{job.total} {job.status}", nl=False)
            if job.status in ("done", "failed"):
                click.echo()
                break
            time.sleep(1)
        if job.status == "failed":
            click.echo(job.error or "failed", err=True)
            sys.exit(1)


@click.command("award")
@click.option("--period", type=int, required=True)
@click.option("--area", "area_code", required=True)
@click.option("--all-eligible", is_flag=True, required=True, help="Award every eligible person of the area.")
@click.option("--decision", required=True, help="Decision number, e.g. 15/QĐ-UBND.")
@click.option("--date", "decision_date", required=True, callback=lambda c, p, v: _date(v))
def award_command(period: int, area_code: str, all_eligible: bool, decision: str, decision_date: date) -> None:
    """Award the title to every eligible person of an area (bulk, set-based), audited with the CLI as actor.
    The date rule of the web pages applies (lms.decisions.services.check_decision_date), except that a
    decision dated after today is accepted here with a warning (decisions entered in advance of the day).
    With DECISION_APPROVAL=two_step the decision is a proposal an approver approves on the web."""
    from lms.decisions.services import submit
    from lms.titles.services import TitleError
    from lms.util import today_local

    root = _area_or_exit(area_code)
    assert root is not None
    try:
        outcome = submit("person", root, period, decision, decision_date, CLI_ACTOR, None, allow_future=True)
    except TitleError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    if decision_date > today_local():
        click.echo(f"warning: the decision date {decision_date.isoformat()} is after today", err=True)
    if outcome.proposed:
        click.echo(f"proposed {outcome.count} (decision {outcome.decision.id}, waiting for an approver)")
        return
    poke_worker()
    click.echo(f"awarded {outcome.count}")


def _read_codes(file: str) -> list[str]:
    """The person codes of a file, one a line (a CSV's first column; a header `person_code` or `code` is
    skipped; blank lines too). UTF-8, with or without a byte-order mark."""
    codes: list[str] = []
    with open(file, encoding="utf-8-sig") as lines:
        for line in lines:
            code = line.split(",", 1)[0].strip().strip('"')
            if code and code.lower() not in ("person_code", "code"):
                codes.append(code)
    return codes


@click.command("revoke")
@click.option("--period", type=int, required=True)
@click.option("--area", "area_code", required=True, help="The area the titles belong to (the officer's scope).")
@click.option("--decision", help="Revoke this whole decision of the area (every title it made).")
@click.option("--people", "people_file", type=click.Path(exists=True, dir_okay=False), help="A file of person codes.")
@click.option("--reason", required=True)
def revoke_command(period: int, area_code: str, decision: str | None, people_file: str | None, reason: str) -> None:
    """Revoke titles in bulk, with one reason, audited with the CLI as actor: a whole decision of the
    area (--decision NO), or the titles of the year of the people listed in a file of codes (--people
    FILE; nothing is revoked if any of them holds no title in the area). Set-based at any size."""
    from lms.decisions.models import Decision
    from lms.decisions.services import decisions_in, revoke_decision
    from lms.titles.services import TitleError, people_by_code, revoke_titles

    root = _area_or_exit(area_code)
    assert root is not None
    if (decision is None) == (people_file is None):
        click.echo("give exactly one of --decision and --people", err=True)
        sys.exit(2)
    try:
        if decision is not None:
            query = decisions_in(root).where(Decision.number == decision.strip(), Decision.period == period)
            found = list(db.session.scalars(query.where(Decision.kind == "person").limit(2)))
            if len(found) != 1:
                click.echo(f"{'no' if not found else 'more than one'} decision {decision} in {area_code}", err=True)
                sys.exit(1)
            count = revoke_decision(found[0], reason, CLI_ACTOR)
        else:
            assert people_file is not None
            codes = _read_codes(people_file)
            ids = people_by_code(codes)
            unknown = sorted(set(codes) - set(ids))
            if unknown:
                click.echo(f"{len(unknown)} unknown person codes, e.g. {', '.join(unknown[:10])}", err=True)
                sys.exit(1)
            count = revoke_titles(list(ids.values()), period, reason, CLI_ACTOR, root)
    except TitleError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    if count:
        poke_worker()
    click.echo(f"revoked {count}")


@click.command("indicators")
@click.option("--period", type=int, required=True)
@click.option("--area", "area_code", required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def indicators_command(period: int, area_code: str, fmt: str) -> None:
    """Print the stored indicators and counts of an area for a year."""
    from lms.indicators.services import report

    root = _area_or_exit(area_code)
    assert root is not None
    data = report(root.code, root.id, period)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    for code, ind in data["indicators"].items():
        value = "n/a" if ind["value"] is None else f"{ind['value']}%"
        targets = f"2025: {ind['target_2025']}%, 2030: {ind['target_2030']}%"
        click.echo(f"{code}: {ind['numerator']}/{ind['denominator']} = {value} ({targets})")
    for key, n in data["counts"].items():
        click.echo(f"{key}: {n}")
    if "successors" in data:  # a closed area: the union of its successors (lms.indicators.former)
        click.echo(f"closed area: sum of its successors {', '.join(s['area'] for s in data['successors'])}")
    if data.get("exists") is False:
        click.echo(f"the area did not exist at the end of {period}")


@click.command("drain")
@click.option("--until-empty", is_flag=True)
def drain_command(until_empty: bool) -> None:
    """Recompute dirty subjects in this process (what the worker does)."""
    from lms.recompute.services import drain_batch

    total = 0
    while True:
        n = drain_batch(current_app.config["RECOMPUTE_BATCH_SIZE"])
        db.session.commit()
        total += n
        if not n or not until_empty:
            break
    click.echo(f"recomputed {total} subjects")


@click.command("drift")
@click.option("--period", type=int, required=True)
def drift_command(period: int) -> None:
    """Run the drift check now: a clean full recompute compared with the incremental state."""
    from lms.recompute.drift import drift_check

    report = drift_check(period)
    click.echo(
        json.dumps({"period": period, "differences": report.differences, "details": report.details}, ensure_ascii=False)
    )
    if report.differences:
        sys.exit(1)


@click.command("demo")
def demo_command() -> None:
    """Load the demo data (Bắc Bình's communes, people, courses, users); safe to run twice."""
    from lms.demo.services import load_demo

    logins = load_demo()
    db.session.commit()
    click.echo("Demo accounts (password: hoctap2026):")
    for role, login in logins.items():
        click.echo(f"  {role:<18} {login}")
    secret = current_app.config.get("DEMO_TOTP_SECRET")
    if secret:  # DevelopmentConfig only (README: Demo sign-in of officers)
        click.echo(f"Officers and the admin also need a two-factor code (demo key {secret}, demo only):")
        click.echo(f"  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\"")


@click.command("create-admin")
@click.option("--login", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(login: str, password: str) -> None:
    """Create an administrator account (the password policy applies; two-factor set-up at first sign-in)."""
    from lms.auth.errors import PasswordError
    from lms.auth.passwords import check_password
    from lms.auth.services import create_user, find_login, normalise_login

    if find_login(login) is not None:
        click.echo("that login exists already", err=True)
        sys.exit(1)
    try:
        check_password(password, login=normalise_login(login))
    except PasswordError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    create_user(login, password, "admin", display_name="Admin", actor=CLI_ACTOR)
    db.session.commit()
    click.echo("admin created; set up two-factor sign-in at the first login")


def poke_worker() -> None:
    """Ask a worker to drain the outbox now; if the broker is away, the beat drain catches up."""
    try:
        current_app.extensions["celery"].send_task("worker.tasks.drain", retry=False)
    except Exception:  # noqa: BLE001 - a lost poke is harmless: the beat schedule drains anyway
        current_app.logger.info("worker poke failed; the periodic drain will pick the work up")


def register(app: Flask) -> None:
    """Attach the commands to the app."""
    from lms.api.cli import api_tokens_cli
    from lms.areas.cli import areas_cli
    from lms.backup.cli import backup_cli
    from lms.jobs.cli import jobs_cli
    from lms.privacy.cli import people_cli
    from lms.retention.cli import retention_command, uploads_cli
    from lms.reviews.cli import review_report_command, review_template_command

    for command in (
        areas_cli,
        jobs_cli,
        people_cli,
        api_tokens_cli,
        backup_cli,
        uploads_cli,
        retention_command,
        import_command,
        framework_cli,
        recompute_command,
        award_command,
        revoke_command,
        indicators_command,
        review_report_command,
        review_template_command,
        drain_command,
        drift_command,
        demo_command,
        create_admin_command,
    ):
        app.cli.add_command(command)
