"""The trainer's forms: course details and cover, lessons, files, ordering and publishing."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp

from courses.catalogue.forms import CATEGORY_LABELS
from courses.catalogue.models import CATEGORIES
from lms.forms import Form
from lms.web import LEVEL_LABELS


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


class CourseForm(Form):
    """A course's details, in Vietnamese and English, and its cover picture."""

    code = StringField(
        _l("Mã khóa học"),
        filters=[_upper],
        validators=[
            DataRequired(),
            Length(min=2, max=32),
            Regexp(r"^[A-Z0-9][A-Z0-9-]*$", message=_l("Chỉ dùng chữ in hoa không dấu, chữ số và dấu gạch ngang.")),
        ],
    )
    title = StringField(_l("Tên khóa học (tiếng Việt)"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Tên khóa học (tiếng Anh)"), filters=[_strip], validators=[Optional(), Length(max=200)])
    description = TextAreaField(
        _l("Giới thiệu (tiếng Việt)"), filters=[_strip], validators=[Optional(), Length(max=10_000)]
    )
    description_en = TextAreaField(
        _l("Giới thiệu (tiếng Anh)"), filters=[_strip], validators=[Optional(), Length(max=10_000)]
    )
    category = SelectField(_l("Lĩnh vực"), validators=[DataRequired()])
    hours = DecimalField(
        _l("Số giờ học"), places=2, validators=[DataRequired(), NumberRange(min=Decimal("0.5"), max=Decimal("500"))]
    )
    digital_level = SelectField(_l("Mức kỹ năng số"), validators=[Optional()])
    cover = FileField(_l("Ảnh bìa (PNG, JPEG hoặc WebP; không bắt buộc)"))
    remove_cover = BooleanField(_l("Bỏ ảnh bìa hiện tại"))
    submit = SubmitField(_l("Lưu khóa học"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("— Chọn lĩnh vực —"))] + [
            SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES
        ]
        self.digital_level.choices = [
            SelectChoice("", _l("— Không áp dụng —")),
            SelectChoice("basic", LEVEL_LABELS["basic"]),
            SelectChoice("proficient", LEVEL_LABELS["proficient"]),
        ]

    def validate_digital_level(self, field: SelectField) -> None:
        """A digital-skills course names its level; other categories have none."""
        if self.category.data == "digital_skill" and not field.data:
            raise ValidationError(_l("Khóa học kỹ năng số cần chọn mức độ (cơ bản hoặc thành thạo)."))


class LessonForm(Form):
    """A lesson: its module, title, Markdown body and an optional video link."""

    module = StringField(_l("Phần (chương)"), filters=[_strip], validators=[Optional(), Length(max=120)])
    title = StringField(_l("Tên bài học"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Nội dung (Markdown)"), validators=[Optional(), Length(max=50_000)])
    video_url = StringField(
        _l("Video bài giảng (đường dẫn YouTube hoặc Vimeo)"), filters=[_strip], validators=[Optional(), Length(max=300)]
    )
    submit = SubmitField(_l("Lưu bài học"))


class FileForm(Form):
    """Attach a file to a lesson."""

    file = FileField(_l("Tệp đính kèm"), validators=[FileRequired()])
    submit = SubmitField(_l("Tải lên"))


class MoveForm(Form):
    """Move a lesson up or down (the buttons carry the direction)."""

    direction = StringField(validators=[AnyOf(["up", "down"])])


class PublishForm(Form):
    """Publish a course, or take it back to draft."""

    action = StringField(validators=[AnyOf(["publish", "unpublish"])])


class ConfirmForm(Form):
    """A button that only needs the CSRF token (delete)."""

    submit = SubmitField(_l("Xóa"))
