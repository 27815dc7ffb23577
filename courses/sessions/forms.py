"""Forms of training sessions: schedule or edit a session, upload a material, the attendance checklist."""

from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lms.forms import FiniteDecimalField, Form
from lms.util import LOCAL_TZ

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def to_utc(value: datetime) -> datetime:
    """Read a datetime-local input (Vietnam's time) as a UTC timestamp."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def to_local_input(value: datetime) -> datetime:
    """Show a stored timestamp in a datetime-local input (Vietnam's time, no zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)


class SessionForm(Form):
    """Schedule (or edit) a training session."""

    title = StringField(_l("Tên lớp tập huấn"), validators=[DataRequired(message=_l("Cần tên lớp.")), Length(max=200)])
    code = StringField(
        _l("Mã lớp"),
        validators=[Optional(), Length(max=32)],
        render_kw={"placeholder": "TH2026-01", "autocapitalize": "characters"},
    )
    audience = SelectField(_l("Đối tượng"), validators=[DataRequired(message=_l("Hãy chọn đối tượng."))])
    place = StringField(_l("Địa điểm"), validators=[Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(
        _l("Bắt đầu"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(message=_l("Cần giờ bắt đầu."))],
        invalid_value_message=_l("Ngày giờ không hợp lệ."),
    )
    ends_at = DateTimeLocalField(
        _l("Kết thúc"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(message=_l("Cần giờ kết thúc."))],
        invalid_value_message=_l("Ngày giờ không hợp lệ."),
    )
    hours = FiniteDecimalField(
        _l("Số giờ được tính"),
        places=1,
        validators=[InputRequired(message=_l("Cần số giờ.")), NumberRange(min=0.5, max=24)],
        invalid_value_message=_l("Hãy nhập một số, ví dụ 2 hoặc 1.5."),
        render_kw={"inputmode": "decimal", "step": "0.5", "min": "0.5", "max": "24"},
    )
    description = TextAreaField(_l("Nội dung"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Lưu lớp tập huấn"))

    def set_audience_choices(self, options: dict[str, Any], unit_group: str) -> None:
        """Offer the trainer's communes (with their villages) and units, grouped."""
        choices: dict[str, list[SelectChoice]] = {}
        for group in options["groups"]:
            commune = group["commune"]
            choices[commune.name] = [SelectChoice(f"area:{commune.code}", str(_l("Toàn %(name)s", name=commune.name)))]
            choices[commune.name] += [SelectChoice(f"area:{v.code}", v.name) for v in group["villages"]]
        if options["loose"]:
            choices[str(_l("Thôn, khu phố"))] = [SelectChoice(f"area:{v.code}", v.name) for v in options["loose"]]
        if options["units"]:
            choices[unit_group] = [SelectChoice(f"unit:{u.code}", u.name) for u in options["units"]]
        self.audience.choices = choices


class MaterialForm(Form):
    """Upload one material file."""

    file = FileField(_l("Tệp tài liệu"), validators=[FileRequired(message=_l("Hãy chọn tệp cần tải lên."))])
    submit = SubmitField(_l("Tải lên"))


class DeleteForm(Form):
    """A delete button."""

    submit = SubmitField(_l("Xóa"))


class AttendanceForm(Form):
    """Save the attendance checklist (the ticked and shown people come as repeated fields)."""

    submit = SubmitField(_l("Lưu điểm danh"))


class AudienceSearchForm(Form):
    """Search the audience by name (GET)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Tìm theo tên"), validators=[Optional(), Length(max=100)])


class CheckinForm(Form):
    """The citizen's confirmation that they are at the session (a POST with a CSRF token)."""

    submit = SubmitField(_l("Xác nhận tôi có mặt"))


class TypedCodeForm(Form):
    """Type the session code shown beside the QR code (GET)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Mã điểm danh"),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocapitalize": "characters", "autocomplete": "off", "placeholder": "ABC-DEF"},
    )


class RegisterForm(Form):
    """A citizen's button to register for a session, or to withdraw."""

    submit = SubmitField(_l("Đăng ký tham dự"))
