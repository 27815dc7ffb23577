"""Forms of the association pages: a branch, a person on its roll, taking them off."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from lms.association.services import POSITION_LABELS
from lms.forms import Form


class BranchForm(Form):
    """Create or change a branch (chi hội) of a village or commune, or of a unit."""

    code = StringField(_l("Mã chi hội"), validators=[DataRequired(message=_l("Nhập mã chi hội.")), Length(max=80)])
    name = StringField(_l("Tên chi hội"), validators=[DataRequired(message=_l("Nhập tên chi hội.")), Length(max=200)])
    area = SelectField(
        _l("Thôn, khu phố hoặc xã"), coerce=int, validators=[DataRequired(message=_l("Hãy chọn địa bàn."))]
    )
    unit = SelectField(_l("Đơn vị (chi hội của cơ quan, trường học)"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Lưu chi hội"))


class MemberForm(Form):
    """Put a person of the registry (by person code) on the branch's roll."""

    person_code = StringField(
        _l("Mã người dân"), validators=[DataRequired(message=_l("Nhập mã người dân.")), Length(max=64)]
    )
    position = SelectField(_l("Chức danh"), choices=list(POSITION_LABELS.items()))
    joined_on = DateField(_l("Ngày vào hội (không bắt buộc)"), validators=[Optional()])
    add = SubmitField(_l("Thêm vào danh sách"))


class RemoveMemberForm(Form):
    """Take a person off the roll."""

    submit = SubmitField(_l("Đưa ra khỏi danh sách"))
