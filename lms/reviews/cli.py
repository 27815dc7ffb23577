"""`flask --app lms review-report …` (the review report as DOCX) and `review-template FILE` (the default layout)."""

import sys
from pathlib import Path

import click

from lms.web import FIRST_PERIOD, LAST_PERIOD


@click.command("review-report")
@click.option("--area", "area_code", required=True, help="the area's code")
@click.option("--period", type=click.IntRange(FIRST_PERIOD, LAST_PERIOD), required=True, help="the year reported")
@click.option(
    "--since", type=click.IntRange(FIRST_PERIOD, LAST_PERIOD), help="compare with this year (default: the year before)"
)
@click.option("--number", default="", help="the document's number (Số …/BC-UBND); left blank by default")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="FILE.docx")
def review_report_command(area_code: str, period: int, since: int | None, number: str, out: str) -> None:
    """Write the review report (sơ kết / tổng kết) of an area and year as DOCX; audited with the CLI as actor."""
    from lms.areas.services import area_by_code
    from lms.extensions import db
    from lms.reviews.document import render
    from lms.reviews.services import audit_report, gather

    area = area_by_code(area_code)
    if area is None:
        click.echo(f"unknown area code: {area_code}", err=True)
        sys.exit(1)
    if since is not None and since >= period:
        click.echo("--since must be a year before --period", err=True)
        sys.exit(1)
    data = render(gather(area, period, since), number=number)
    Path(out).write_bytes(data)
    audit_report("cli", area, period, since)
    db.session.commit()
    click.echo(f"{out}: {len(data)} bytes")


@click.command("review-template")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def review_template_command(target: str) -> None:
    """Write the shipped review-report template to TARGET, to adapt and install as REVIEW_TEMPLATE."""
    from lms.reviews.document import SHIPPED_TEMPLATE

    Path(target).write_bytes(SHIPPED_TEMPLATE.read_bytes())
    click.echo(f"{target}: edit it in a word processor, keep the {{{{ … }}}} fields, set REVIEW_TEMPLATE to its path")
