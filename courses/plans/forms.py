"""The learning plan form: courses from the catalogue (check boxes) and goals in the citizen's words."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.forms import Form


class PlanForm(Form):
    """A citizen's plan for one year."""

    courses = SelectMultipleField(
        _l("Khóa học dự định học"),
        coerce=int,
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    goals = TextAreaField(
        _l("Mục tiêu học tập của tôi"),
        validators=[Optional(), Length(max=3000)],
        render_kw={"rows": 6},
    )
    submit = SubmitField(_l("Lưu kế hoạch"))
