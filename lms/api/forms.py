"""The admin page's forms for API tokens: create one, revoke one."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from lms.forms import Form


class CreateTokenForm(Form):
    """Create a token for a provincial or national system."""

    name = StringField(
        _l("Tên hệ thống dùng mã"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", message=_l("Chỉ dùng chữ, số, dấu chấm, gạch ngang, gạch dưới.")),
        ],
    )
    area = StringField(_l("Mã địa bàn (để trống: toàn hệ thống)"), validators=[Optional(), Length(max=64)])
    scope = SelectField(
        _l("Quyền"), choices=[SelectChoice("read", _l("Chỉ đọc")), SelectChoice("write", _l("Đọc và ghi"))]
    )
    submit = SubmitField(_l("Tạo mã truy cập"))


class RevokeTokenForm(Form):
    """Revoke a token (only the CSRF token)."""

    submit = SubmitField(_l("Thu hồi"))
