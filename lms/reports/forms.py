"""Export forms: the indicator report of an area, and the list of title holders of a village or unit."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.forms import Form
from lms.web import FIRST_PERIOD, LAST_PERIOD


class ReportForm(Form):
    """Export the report of an area (the officer's own by default) for a year."""

    area = StringField(_l("Địa bàn"), validators=[Optional(), Length(max=64)])
    period = IntegerField(_l("Kỳ đánh giá"), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    submit = SubmitField(_l("Tải báo cáo"))


class HoldersForm(Form):
    """Export the title holders of a village / commune or of a unit; contacts only when ticked."""

    area = StringField(_l("Thôn, khu phố hoặc xã"), validators=[Optional(), Length(max=64)])
    unit = StringField(_l("Đơn vị"), validators=[Optional(), Length(max=64)])
    period = IntegerField(_l("Kỳ đánh giá"), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    contacts = BooleanField(_l("Kèm số điện thoại và email (chỉ khi thật cần; việc xuất được ghi nhật ký)"))
    submit = SubmitField(_l("Tải danh sách (XLSX)"))
