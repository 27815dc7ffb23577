"""The officer's recompute button: a full recompute of a year for their area (or an area inside it)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from lms.forms import Form
from lms.web import FIRST_PERIOD, LAST_PERIOD


class RecomputeForm(Form):
    """Start a full recompute of a year for an area."""

    area = HiddenField(validators=[Optional(), Length(max=64)])
    period = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    submit = SubmitField(_l("Tính toán lại"))
