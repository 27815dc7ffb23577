"""Forms of the personal-data pages: consent, correction requests and answers, erasure."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from lms.forms import Form

FIELD_LABELS = {
    "full_name": _l("Họ và tên"),
    "birth_year": _l("Năm sinh"),
    "gender": _l("Giới tính"),
    "phone": _l("Số điện thoại"),
    "email": _l("Email"),
    "other": _l("Thông tin khác (hộ gia đình, dòng họ, đơn vị…)"),
}


class ConsentForm(Form):
    """Agree to the current privacy notice."""

    next = HiddenField()
    submit = SubmitField(_l("Tôi đã đọc và đồng ý"))


class CorrectionForm(Form):
    """A citizen asks for a correction of a registry field."""

    field = SelectField(
        _l("Thông tin cần sửa"),
        choices=[SelectChoice(k, v) for k, v in FIELD_LABELS.items()],
        validators=[InputRequired()],
    )
    value = StringField(_l("Thông tin đúng"), validators=[DataRequired(), Length(max=200)])
    note = TextAreaField(_l("Ghi chú cho cán bộ xã (không bắt buộc)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Gửi yêu cầu sửa"))


class AnswerForm(Form):
    """An officer answers a correction request."""

    answer = TextAreaField(_l("Trả lời người dân"), validators=[Length(max=2000)])
    accept = SubmitField(_l("Đồng ý và sửa"))
    refuse = SubmitField(_l("Từ chối"))


class ErasureForm(Form):
    """An admin erases a person: code and reason, then a confirmation."""

    person_code = StringField(_l("Mã người dân"), validators=[DataRequired(), Length(max=64)])
    reason = TextAreaField(
        _l("Lý do xóa (ví dụ: đơn yêu cầu của người dân ngày …)"), validators=[DataRequired(), Length(max=500)]
    )
    confirm = BooleanField(_l("Tôi hiểu: dữ liệu này bị xóa vĩnh viễn, không khôi phục được."))
    preview = SubmitField(_l("Xem trước"))
    submit = SubmitField(_l("Xóa vĩnh viễn"))
