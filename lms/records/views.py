"""The citizen's learning record (sổ học tập): points per criterion, evidence, what is missing."""

from flask import Blueprint, abort, render_template

from lms.auth.services import require_role
from lms.criteria.explain import explain_person
from lms.records.services import record_context
from lms.web import period_arg, period_choices

bp = Blueprint("records", __name__)


@bp.get("/record")
def record():  # type: ignore[no-untyped-def]
    """Show the logged-in citizen's learning record for a year."""
    user = require_role("citizen")
    if user.person is None:
        abort(403)
    period = period_arg()
    explanation = explain_person(user.person.id, period)
    return render_template(
        "records/record.html",
        person=user.person,
        period=period,
        periods=period_choices(period),
        explanation=explanation,
        **record_context(user.person.id, explanation),
    )
