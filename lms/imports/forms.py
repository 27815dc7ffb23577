"""The import page's forms: upload a file of a kind; confirm or cancel a checked file."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired

from lms.forms import Form

KIND_LABELS = {
    "people": _l("Người dân"),
    "families": _l("Hộ gia đình"),
    "clans": _l("Dòng họ"),
    "units": _l("Đơn vị"),
    "evidence": _l("Minh chứng học tập (học ngoài nền tảng)"),
    "group-scores": _l("Điểm tiêu chí của gia đình, dòng họ, thôn, đơn vị"),
    "contributions": _l("Sổ đóng góp xã hội hóa"),
    "kh-branches": _l("Chi hội Khuyến học"),
    "kh-members": _l("Hội viên, cán bộ chi hội Khuyến học"),
    "areas": _l("Địa bàn (tỉnh, huyện, xã, thôn)"),
}


class UploadForm(Form):
    """Choose the kind of data and the CSV/XLSX file."""

    kind = SelectField(_l("Loại dữ liệu"), validators=[DataRequired()])
    file = FileField(
        _l("Tệp CSV (UTF-8) hoặc Excel (.xlsx)"),
        validators=[FileRequired(message=_l("Hãy chọn tệp cần nhập."))],
        render_kw={
            "accept": ".csv,.xlsx,.xlsm,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    submit = SubmitField(_l("Tải lên và kiểm tra"))

    def __init__(self, *args: object, kinds: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k, KIND_LABELS[k]) for k in kinds]


class ConfirmForm(Form):
    """Import a checked file."""

    submit = SubmitField(_l("Nhập dữ liệu"))


class CancelForm(Form):
    """Drop a checked file."""

    submit = SubmitField(_l("Hủy, không nhập"))
