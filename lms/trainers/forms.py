"""Forms of the trainers' areas page: give a trainer an area, take it back."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from lms.forms import Form


class AssignTrainerForm(Form):
    """Give a trainer account (named by its login) an area of the officer's scope."""

    login = StringField(
        _l("Tên đăng nhập của báo cáo viên (số điện thoại hoặc email)"),
        validators=[DataRequired(message=_l("Nhập tên đăng nhập của báo cáo viên.")), Length(max=200)],
    )
    area = SelectField(_l("Địa bàn"), coerce=int, validators=[DataRequired(message=_l("Hãy chọn địa bàn."))])
    submit = SubmitField(_l("Giao địa bàn"))


class RemoveTrainerAreaForm(Form):
    """Take an area back from a trainer."""

    submit = SubmitField(_l("Thu hồi"))
