"""Forms of the account management page: create an account, change one, the action buttons."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from lms.auth.forms import email_or_phone
from lms.forms import Form

ROLE_CHOICES = [
    SelectChoice("officer", _l("Cán bộ")),
    SelectChoice("approver", _l("Lãnh đạo phê duyệt")),
    SelectChoice("trainer", _l("Báo cáo viên")),
    SelectChoice("admin", _l("Quản trị")),
]


class AccountForm(Form):
    """Change an account's name, role and area."""

    display_name = StringField(_l("Họ tên, chức vụ"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Vai trò"), choices=ROLE_CHOICES, validators=[DataRequired()])
    area = StringField(
        _l("Mã địa bàn (cán bộ: bắt buộc; báo cáo viên: nơi phụ trách)"), validators=[Optional(), Length(max=64)]
    )
    submit = SubmitField(_l("Lưu"))


class NewAccountForm(AccountForm):
    """Create an officer, trainer or admin account (a temporary password is shown once)."""

    login = StringField(
        _l("Email hoặc số điện thoại đăng nhập"), validators=[DataRequired(), Length(max=200), email_or_phone]
    )
    submit = SubmitField(_l("Tạo tài khoản"))


class ActionForm(Form):
    """A button that changes an account (disable, unlock, reset): only the CSRF token."""

    submit = SubmitField(_l("Xác nhận"))
