"""Registry forms: a person, a family, a clan, a unit, a village, and bulk marks on the people list."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from lms.forms import Form
from lms.util import today_local

CODE = Regexp(r"^\S+$", message=_l("Mã không được chứa khoảng trắng."))
PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{5,30}$")
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
GENDER_CHOICES = [SelectChoice("nam", _l("Nam")), SelectChoice("nữ", _l("Nữ")), SelectChoice("khác", _l("Khác"))]
GROUP_CHOICES = [
    SelectChoice("", _l("— Tự xác định —")),
    SelectChoice("resident", _l("Người dân")),
    SelectChoice("worker", _l("Người lao động")),
    SelectChoice("official", _l("Cán bộ, công chức, viên chức")),
    SelectChoice("student", _l("Học sinh, sinh viên")),
]
UNIT_LEVEL_CHOICES = [SelectChoice("commune", _l("Cấp xã")), SelectChoice("district", _l("Cấp huyện"))]


def _optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id, the empty option to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def phone_number(form: Form, field: StringField) -> None:
    """Accept an empty value or a phone number (digits, spaces, dots, dashes, brackets, a leading +)."""
    if field.data and not PHONE.match(field.data.strip()):
        raise ValidationError(_l("Số điện thoại không hợp lệ."))


class PersonForm(Form):
    """A person of the registry: identity, where they live, the groups they belong to, contacts."""

    code = StringField(_l("Mã người dân"), validators=[DataRequired(), Length(max=64), CODE])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(min=2, max=200)])
    birth_year = IntegerField(_l("Năm sinh"), validators=[DataRequired(message=_l("Nhập năm sinh."))])
    gender = SelectField(_l("Giới tính"), choices=GENDER_CHOICES, validators=[DataRequired()])
    village = SelectField(_l("Thôn, khu phố"), coerce=int, validators=[DataRequired()])
    family_code = StringField(
        _l("Mã hộ gia đình"), validators=[Optional(), Length(max=64), CODE], filters=[lambda v: (v or "").strip()]
    )
    clan = SelectField(_l("Dòng họ"), coerce=_optional_int, validators=[Optional()])
    unit = SelectField(_l("Đơn vị công tác"), coerce=_optional_int, validators=[Optional()])
    is_official = BooleanField(_l("Cán bộ, công chức, viên chức, người lao động của đơn vị"))
    khuyen_hoc_member = BooleanField(_l("Cán bộ, hội viên Hội Khuyến học"))
    group = SelectField(_l("Nhóm đối tượng"), choices=GROUP_CHOICES, validators=[Optional()])
    phone = StringField(_l("Số điện thoại"), validators=[Optional(), Length(max=32), phone_number])
    email = StringField(
        _l("Email"),
        validators=[Optional(), Length(max=200), Regexp(EMAIL, message=_l("Địa chỉ email không hợp lệ."))],
    )
    submit = SubmitField(_l("Lưu"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = today_local().year
        self.birth_year.validators = [
            DataRequired(message=_l("Nhập năm sinh.")),
            NumberRange(min=year - 120, max=year, message=_l("Năm sinh không hợp lệ.")),
        ]


class FamilyForm(Form):
    """A household: code, name, the village it lives in."""

    code = StringField(_l("Mã hộ gia đình"), validators=[DataRequired(), Length(max=64), CODE])
    name = StringField(_l("Tên hộ"), validators=[DataRequired(), Length(max=200)])
    village = SelectField(_l("Thôn, khu phố"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Lưu"))


class ClanForm(Form):
    """A clan: code, name, the area that recognises it."""

    code = StringField(_l("Mã dòng họ"), validators=[DataRequired(), Length(max=64), CODE])
    name = StringField(_l("Tên dòng họ"), validators=[DataRequired(), Length(max=200)])
    area = SelectField(_l("Địa bàn"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Lưu"))


class UnitForm(Form):
    """An agency, school or enterprise: code, name, level, the area it belongs to."""

    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(), Length(max=64), CODE])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Cấp"), choices=UNIT_LEVEL_CHOICES, validators=[DataRequired()])
    area = SelectField(_l("Địa bàn"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Lưu"))


class VillageForm(Form):
    """A village (thôn, khu phố): code, name, its commune, the disadvantaged flag."""

    code = StringField(_l("Mã thôn, khu phố"), validators=[DataRequired(), Length(max=64), CODE])
    name = StringField(_l("Tên thôn, khu phố"), validators=[DataRequired(), Length(max=200)])
    parent = SelectField(_l("Thuộc xã, phường, thị trấn"), coerce=int, validators=[DataRequired()])
    disadvantaged = BooleanField(_l("Vùng đặc biệt khó khăn, vùng đồng bào dân tộc thiểu số"))
    submit = SubmitField(_l("Lưu"))


BULK_ACTIONS = {
    "khuyen_hoc_on": ("khuyen_hoc_member", True),
    "khuyen_hoc_off": ("khuyen_hoc_member", False),
    "official_on": ("is_official", True),
    "official_off": ("is_official", False),
}


class BulkMarkForm(Form):
    """Mark the people ticked on the list (the ticked ids come as `person_ids`)."""

    action = SelectField(
        _l("Với những người đã chọn"),
        choices=[
            SelectChoice("khuyen_hoc_on", _l("Đánh dấu là hội viên Khuyến học")),
            SelectChoice("khuyen_hoc_off", _l("Bỏ đánh dấu hội viên Khuyến học")),
            SelectChoice("official_on", _l("Đánh dấu là cán bộ, công chức của đơn vị")),
            SelectChoice("official_off", _l("Bỏ đánh dấu cán bộ, công chức")),
        ],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Thực hiện"))


class ConfirmPeopleForm(Form):
    """Confirm the residence of the ticked self-registered people (their ids come as `person_ids`)."""

    submit = SubmitField(_l("Xác nhận cư trú"))


class MergeForm(Form):
    """Merge a self-registered person into the registry person they are (named by code)."""

    target = StringField(
        _l("Mã người dân trong sổ"),
        validators=[DataRequired(message=_l("Nhập mã người dân trong sổ.")), Length(max=64)],
        filters=[lambda v: (v or "").strip()],
    )
    submit = SubmitField(_l("Gộp vào người này"))
