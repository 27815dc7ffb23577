"""Forms of the communication pages: publish an announcement or campaign, withdraw it."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.forms import Form
from lms.web import FIRST_PERIOD, LAST_PERIOD

KIND_LABELS = {"announcement": _l("Thông báo"), "campaign": _l("Đợt tuyên truyền")}
AUDIENCE_LABELS = {
    "everyone": _l("Mọi người dân trong địa bàn"),
    "village": _l("Người dân một thôn, khu phố"),
    "khuyen_hoc": _l("Cán bộ, hội viên Hội Khuyến học"),
    "unit": _l("Cán bộ, công chức, viên chức của một đơn vị"),
    "not_eligible": _l("Người chưa đủ điều kiện danh hiệu"),
    "missing_one": _l("Người đủ tổng điểm nhưng còn thiếu một tiêu chí"),
}
LINK_LABELS = {"": _l("Không liên kết"), "course": _l("Khóa học (mã khóa học)"), "session": _l("Lớp tập huấn (mã lớp)")}


class AnnouncementForm(Form):
    """Publish an announcement or campaign for an audience of the officer's area."""

    kind = SelectField(_l("Loại tin"), choices=list(KIND_LABELS.items()))
    title = StringField(_l("Tiêu đề"), validators=[DataRequired(message=_l("Nhập tiêu đề.")), Length(max=200)])
    body = TextAreaField(
        _l("Nội dung (Markdown: **đậm**, *nghiêng*, danh sách, liên kết)"), validators=[Length(max=20000)]
    )
    audience = SelectField(_l("Đối tượng"), choices=list(AUDIENCE_LABELS.items()))
    village = SelectField(_l("Thôn, khu phố (khi gửi cho một thôn)"), coerce=int, validators=[Optional()])
    unit = SelectField(_l("Đơn vị (khi gửi cho cán bộ một đơn vị)"), coerce=int, validators=[Optional()])
    link_kind = SelectField(_l("Liên kết tới"), choices=list(LINK_LABELS.items()))
    link_ref = StringField(_l("Mã khóa học hoặc mã lớp tập huấn"), validators=[Length(max=64)])
    starts_on = DateField(_l("Hiển thị từ ngày"), validators=[DataRequired(message=_l("Nhập ngày bắt đầu."))])
    ends_on = DateField(_l("Đến hết ngày (để trống: không hạn)"), validators=[Optional()])
    period = IntegerField(
        _l("Năm xét danh hiệu (cho các đối tượng theo kết quả)"),
        validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)],
        id="announcement-period",  # the page's year picker is id="period"
    )
    submit = SubmitField(_l("Đăng tin"))


class WithdrawForm(Form):
    """Stop showing an announcement."""

    submit = SubmitField(_l("Thu hồi tin"))
