"""The admin's button that re-sends a queued or stalled job."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from lms.forms import Form


class ResendForm(Form):
    """Re-send a job to the workers: only the CSRF token."""

    submit = SubmitField(_l("Gửi lại"))
