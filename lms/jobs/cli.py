"""`flask --app lms jobs …`: the background jobs with work left, and re-sending one."""

import sys

import click
from flask.cli import AppGroup

from lms.extensions import db

jobs_cli = AppGroup("jobs", help="Background jobs (full recomputes, imports): list the pending ones, re-send one.")
CLI_ACTOR = "cli"


@jobs_cli.command("list")
def jobs_list() -> None:
    """List the queued, running and stalled jobs, oldest first, with their age."""
    from lms.jobs.services import pending_jobs

    jobs = pending_jobs()
    if not jobs:
        click.echo("no pending jobs")
        return
    for job in jobs:
        minutes = int(job.age.total_seconds() // 60)
        progress = f"{job.done}/{job.total}" if job.total else "-"
        click.echo(
            f"{job.kind}:{job.id}\t{job.state}\t{job.status}\t{minutes} min\t{progress}\t"
            f"recoveries={job.recoveries}\t{job.label}"
        )


@jobs_cli.command("resend")
@click.argument("job_ref", metavar="ID")
def jobs_resend(job_ref: str) -> None:
    """Re-send a queued or stalled job to the workers: ID as `jobs list` prints it (recompute:12), or its number."""
    from lms.jobs.services import ResendError, job_kinds, pending_jobs, resend, send_job

    kind, _, number = job_ref.rpartition(":")
    if not kind and number.isdigit():  # a bare number: the one pending job of any kind with that id
        matches = [j.kind for j in pending_jobs() if j.id == int(number)]
        if len(matches) != 1:
            click.echo(f"{len(matches)} pending jobs have id {number}: write KIND:{number}", err=True)
            sys.exit(2)
        kind = matches[0]
    if kind not in job_kinds() or not number.isdigit():
        click.echo(f"expected KIND:NUMBER with KIND one of {', '.join(job_kinds())}, e.g. recompute:12", err=True)
        sys.exit(2)
    try:
        resend(kind, int(number), CLI_ACTOR)
    except LookupError:
        click.echo(f"no {kind} job {number}", err=True)
        sys.exit(1)
    except ResendError as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    if not send_job(kind, int(number)):
        click.echo("the broker is unreachable: beat's sweeper sends the job when it is back", err=True)
        sys.exit(1)
    click.echo(f"re-sent {kind} job {number}")
