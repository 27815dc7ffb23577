"""Activation forms: the citizen's activation, and the officer's choice of people for a code sheet."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.auth.forms import email_or_phone
from lms.auth.passwords import password_validator
from lms.forms import Form


class ActivateForm(Form):
    """A citizen activates the account an officer created: person code, one-time code, login, password."""

    person_code = StringField(_l("Mã người dân"), validators=[DataRequired(), Length(max=64)])
    code = StringField(_l("Mã kích hoạt"), validators=[DataRequired(), Length(max=40)])
    login = StringField(
        _l("Số điện thoại hoặc email của bạn"), validators=[DataRequired(), Length(max=200), email_or_phone]
    )
    password = PasswordField(
        _l("Mật khẩu mới (ít nhất 8 ký tự)"),
        validators=[DataRequired(), Length(max=200), password_validator(login_field="login")],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[DataRequired(), EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Kích hoạt tài khoản"))


class CodesForm(Form):
    """Print codes for a whole village (or, from the people list, for the ticked `person_ids`)."""

    village = StringField(_l("Thôn, khu phố"), validators=[Optional(), Length(max=64)])  # a village code
    submit = SubmitField(_l("Tạo và in mã kích hoạt"))


class OneCodeForm(Form):
    """Issue a new activation code to one person (the button on the person's page)."""

    submit = SubmitField(_l("Cấp mã kích hoạt mới"))
