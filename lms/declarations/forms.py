"""Forms: a citizen's declaration, an officer's verification (points) or rejection (reason)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.forms import FiniteDecimalField, Form


class DeclarationForm(Form):
    """Declare evidence for a criterion item, with an optional file."""

    item = SelectField(_l("Tiêu chí"), validators=[DataRequired(message=_l("Hãy chọn tiêu chí."))])
    text = TextAreaField(
        _l("Minh chứng"),
        validators=[DataRequired(message=_l("Hãy mô tả minh chứng.")), Length(max=2000)],
        render_kw={"rows": 4},
    )
    file = FileField(_l("Tệp đính kèm (không bắt buộc)"))
    submit = SubmitField(_l("Gửi kê khai"))


class VerifyForm(Form):
    """Verify a declaration with points."""

    points = FiniteDecimalField(
        _l("Điểm xác nhận"),
        places=None,
        validators=[InputRequired(message=_l("Cần số điểm.")), NumberRange(min=0)],
        invalid_value_message=_l("Hãy nhập một số, ví dụ 5 hoặc 7.5."),
        render_kw={"inputmode": "decimal", "step": "0.5", "min": "0"},
    )
    submit = SubmitField(_l("Xác nhận"))


class RejectForm(Form):
    """Reject a declaration; the reason is shown to the citizen."""

    reason = TextAreaField(
        _l("Lý do từ chối"),
        validators=[DataRequired(message=_l("Từ chối minh chứng cần nêu lý do.")), Length(max=1000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Từ chối"))


class AmendForm(Form):
    """Change a pending declaration: its item and text (the file stays as it was sent)."""

    item = SelectField(_l("Tiêu chí"), validators=[DataRequired(message=_l("Hãy chọn tiêu chí."))])
    text = TextAreaField(
        _l("Minh chứng"),
        validators=[DataRequired(message=_l("Hãy mô tả minh chứng.")), Length(max=2000)],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Lưu thay đổi"))


class WithdrawForm(Form):
    """Withdraw a pending declaration (the button asks for confirmation first)."""

    submit = SubmitField(_l("Rút lại kê khai"))
