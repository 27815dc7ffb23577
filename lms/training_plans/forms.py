"""Forms of the training plan page: plan a session, link a held one, remove a planned one."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from lms.forms import Form

QUARTER_CHOICES = [(1, _l("Quý I")), (2, _l("Quý II")), (3, _l("Quý III")), (4, _l("Quý IV"))]


class PlannedForm(Form):
    """Plan one training session of the year for a commune or village of the officer's area."""

    area = SelectField(_l("Nơi tổ chức"), coerce=int, validators=[DataRequired(message=_l("Hãy chọn địa bàn."))])
    quarter = SelectField(_l("Quý"), coerce=int, choices=QUARTER_CHOICES)
    topic = StringField(_l("Chủ đề"), validators=[DataRequired(message=_l("Nhập chủ đề.")), Length(max=200)])
    audience = StringField(_l("Đối tượng tham dự"), validators=[Length(max=200)])
    target_participants = IntegerField(
        _l("Số người dự kiến"), validators=[DataRequired(message=_l("Nhập số người dự kiến.")), NumberRange(1, 100000)]
    )
    hours = DecimalField(
        _l("Số giờ"), places=1, validators=[DataRequired(message=_l("Nhập số giờ.")), NumberRange(0.5, 200)]
    )
    submit = SubmitField(_l("Thêm vào kế hoạch"))


class LinkForm(Form):
    """Count a held session against a planned one."""

    session = SelectField(_l("Lớp đã tổ chức"), coerce=int, validators=[DataRequired(message=_l("Hãy chọn lớp."))])
    link = SubmitField(_l("Gắn lớp vào kế hoạch"))


class RemoveForm(Form):
    """Remove a planned session."""

    remove = SubmitField(_l("Bỏ khỏi kế hoạch"))
