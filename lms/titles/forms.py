"""Officers' forms: bulk award of the citizen title, and revoke with a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from lms.forms import Form
from lms.web import FIRST_PERIOD, LAST_PERIOD


class AwardForm(Form):
    """Award the title to the people ticked in the list, under one decision."""

    period = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    area = HiddenField(validators=[Optional(), Length(max=64)])
    decision_no = StringField(
        _l("Số quyết định"),
        validators=[DataRequired(message=_l("Cần số quyết định.")), Length(max=64)],
        render_kw={"placeholder": "15/QĐ-UBND"},
    )
    decision_date = DateField(_l("Ngày quyết định"), validators=[DataRequired(message=_l("Cần ngày quyết định."))])
    signer = StringField(_l("Người ký"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Công nhận danh hiệu cho những người đã chọn"))


class RevokeForm(Form):
    """Revoke an award; a reason is required."""

    reason = TextAreaField(
        _l("Lý do thu hồi"),
        validators=[DataRequired(message=_l("Thu hồi danh hiệu cần nêu lý do.")), Length(max=1000)],
    )
    submit = SubmitField(_l("Thu hồi danh hiệu"))


class GroupConfirmForm(Form):
    """Recognise the groups ticked in the list (`subject_ids`) under one decision."""

    period = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(FIRST_PERIOD, LAST_PERIOD)])
    kind = HiddenField(validators=[DataRequired(), Length(max=16)])
    area = HiddenField(validators=[Optional(), Length(max=64)])
    decision_no = StringField(
        _l("Số quyết định"),
        validators=[DataRequired(message=_l("Cần số quyết định.")), Length(max=64)],
        render_kw={"placeholder": "20/QĐ-UBND"},
    )
    decision_date = DateField(_l("Ngày quyết định"), validators=[DataRequired(message=_l("Cần ngày quyết định."))])
    signer = StringField(_l("Người ký"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Công nhận danh hiệu cho những đơn vị đã chọn"))


class CorrectDecisionForm(Form):
    """Correct a decision's number or date (a typing mistake); its titles stay."""

    decision_no = StringField(
        _l("Số quyết định"), validators=[DataRequired(message=_l("Cần số quyết định.")), Length(max=64)]
    )
    decision_date = DateField(_l("Ngày quyết định"), validators=[DataRequired(message=_l("Cần ngày quyết định."))])
    submit = SubmitField(_l("Lưu số, ngày đã sửa"))


class RevokeDecisionForm(Form):
    """Revoke a whole decision (or withdraw, refuse a proposal) with one reason."""

    reason = TextAreaField(
        _l("Lý do thu hồi cả quyết định"),
        validators=[DataRequired(message=_l("Thu hồi quyết định cần nêu lý do.")), Length(max=1000)],
    )
    submit = SubmitField(_l("Thu hồi cả quyết định"))


class ApproveForm(Form):
    """Approve a proposed list: the titles come into being."""

    submit = SubmitField(_l("Phê duyệt, công nhận danh hiệu"))
