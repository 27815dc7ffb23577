"""The certificate PDF, downloaded by the learner who earned it (anyone can check it at /verify/<code>)."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort
from flask.typing import ResponseReturnValue

from courses.catalogue.models import Enrolment
from courses.catalogue.services import canonical_code
from courses.certificates.services import certificate_pdf
from lms.auth.services import require_role
from lms.extensions import db

bp = Blueprint("certificates", __name__)


@bp.get("/my/certificates/<code>.pdf")
def download(code: str) -> ResponseReturnValue:
    """Send the certificate PDF to its owner (someone else's code is simply not found)."""
    user = require_role("citizen")
    wanted = canonical_code(code)
    if not wanted or user.person_id is None:
        abort(404)
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.certificate_code == wanted,
            Enrolment.person_id == user.person_id,
            Enrolment.completed_at.is_not(None),
        )
    )
    if enrolment is None:
        abort(404)
    response = Response(certificate_pdf(enrolment), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="chung-nhan-{enrolment.certificate_code}.pdf"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
