"""The form behind the reports page's review-report button."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.forms import Form
from lms.web import FIRST_PERIOD, LAST_PERIOD


class ReviewForm(Form):
    """Download the review report of an area (the officer's own by default) for a year."""

    area = StringField(_l("Địa bàn"), validators=[Optional(), Length(max=64)])
    period = IntegerField(_l("Kỳ đánh giá"), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    since = IntegerField(
        _l("So sánh với năm (để trống: năm trước)"), validators=[Optional(), NumberRange(FIRST_PERIOD, LAST_PERIOD)]
    )
    number = StringField(_l("Số văn bản (có thể để trống)"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Tải báo cáo sơ kết, tổng kết (DOCX)"))
