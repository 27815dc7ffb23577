"""Forms of the accounts: login, self-registration, second factor, password change."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased
from wtforms import IntegerField, PasswordField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, ValidationError

from lms.areas.models import Area
from lms.auth.passwords import password_validator
from lms.extensions import db
from lms.forms import Form
from lms.util import today_local

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9]{9,12}$")


def email_or_phone(form: Form, field: StringField) -> None:
    """Accept an email address or a phone number (spaces, dots and dashes allowed)."""
    value = (field.data or "").strip()
    compact = re.sub(r"[\s.\-()]", "", value)
    if not (EMAIL.match(value) or PHONE.match(compact)):
        raise ValidationError(_l("Nhập số điện thoại hoặc địa chỉ email hợp lệ."))


class LoginForm(Form):
    """Log in with an email or phone number and a password."""

    login = StringField(_l("Số điện thoại hoặc email"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Đăng nhập"))


class LogoutForm(Form):
    """The logout button (a POST with a CSRF token, never a link)."""

    submit = SubmitField(_l("Đăng xuất"))


def village_choices() -> dict[str, list[SelectChoice]]:
    """Return the villages grouped by their commune, both ordered by name."""
    commune = aliased(Area)
    rows = db.session.execute(
        sa.select(Area.id, Area.name, commune.name)
        .join(commune, commune.id == Area.parent_id)
        .where(Area.level == "village", Area.valid_to.is_(None))
        .order_by(commune.name, Area.name)
    ).all()
    groups: dict[str, list[SelectChoice]] = {}
    for village_id, village_name, commune_name in rows:
        groups.setdefault(commune_name, []).append(SelectChoice(village_id, village_name))
    return groups


class RegisterForm(Form):
    """A citizen registers with a phone number or email and chooses their village."""

    login = StringField(_l("Số điện thoại hoặc email"), validators=[DataRequired(), Length(max=200), email_or_phone])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(min=2, max=200)])
    birth_year = IntegerField(_l("Năm sinh"), validators=[DataRequired()])
    gender = RadioField(
        _l("Giới tính"),
        choices=[SelectChoice("nam", _l("Nam")), SelectChoice("nữ", _l("Nữ")), SelectChoice("khác", _l("Khác"))],
        validators=[DataRequired()],
    )
    village = SelectField(_l("Thôn, khu phố nơi cư trú"), coerce=int, validators=[DataRequired()])
    password = PasswordField(
        _l("Mật khẩu (ít nhất 8 ký tự)"),
        validators=[DataRequired(), Length(max=200), password_validator(login_field="login", name_field="full_name")],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[DataRequired(), EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Đăng ký"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.village.choices = village_choices()
        year = today_local().year
        self.birth_year.validators = [
            DataRequired(message=_l("Nhập năm sinh.")),
            NumberRange(min=year - 120, max=year, message=_l("Năm sinh không hợp lệ.")),
        ]


class TwoFactorForm(Form):
    """The second step of a sign-in: a code from the authenticator app, or a recovery code."""

    code = StringField(_l("Mã xác thực"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Xác nhận"))


class EnrolForm(Form):
    """Confirm a new authenticator app with the code it shows."""

    code = StringField(_l("Mã 6 chữ số trên ứng dụng"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Bật xác thực hai bước"))


class PasswordForm(Form):
    """Change one's password (the current one first)."""

    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Mật khẩu mới (ít nhất 8 ký tự)"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(), EqualTo("password", message=_l("Hai mật khẩu không khớp."))],
    )
    submit = SubmitField(_l("Đổi mật khẩu"))


class ButtonForm(Form):
    """A button that changes state (new recovery codes, turn two-factor off): only the CSRF token."""

    submit = SubmitField(_l("Xác nhận"))
