"""Forms of the register of contributions: record one, attach a file, export, delete."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from lms.contributions.services import CONTRIBUTOR_LABELS, KIND_LABELS
from lms.forms import Form
from lms.web import FIRST_PERIOD, LAST_PERIOD


class ContributionForm(Form):
    """Record one contribution in an area of the officer's scope."""

    area = SelectField(_l("Địa bàn nhận"), coerce=int, validators=[DataRequired(message=_l("Hãy chọn địa bàn."))])
    contributor_kind = SelectField(_l("Người đóng góp là"), choices=list(CONTRIBUTOR_LABELS.items()))
    contributor = StringField(_l("Tên người, tổ chức đóng góp (để trống nếu ẩn danh)"), validators=[Length(max=200)])
    kind = SelectField(_l("Hình thức"), choices=list(KIND_LABELS.items()))
    value = DecimalField(
        _l("Giá trị (đồng; giờ với giờ dạy tình nguyện)"),
        places=2,
        validators=[
            DataRequired(message=_l("Nhập giá trị.")),
            NumberRange(min=0.01, message=_l("Giá trị phải lớn hơn 0.")),
        ],
    )
    purpose = StringField(_l("Mục đích sử dụng"), validators=[Length(max=500)])
    date = DateField(_l("Ngày nhận"), validators=[DataRequired(message=_l("Nhập ngày nhận (năm-tháng-ngày)."))])
    reference = StringField(
        _l("Số quyết định hoặc biên nhận"),
        validators=[DataRequired(message=_l("Nhập số quyết định hoặc số biên nhận.")), Length(max=100)],
    )
    submit = SubmitField(_l("Ghi vào sổ"))


class AttachForm(Form):
    """Attach a scanned receipt, decision or photo."""

    file = FileField(_l("Tệp đính kèm (biên nhận, quyết định, ảnh)"))
    submit = SubmitField(_l("Tải tệp lên"))


class ExportForm(Form):
    """Export the register of a year."""

    period = IntegerField(_l("Năm"), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    submit = SubmitField(_l("Tải Excel (XLSX)"))


class DeleteForm(Form):
    """Remove a contribution entered by mistake."""

    submit = SubmitField(_l("Xóa khỏi sổ"))
