"""Catalogue search, enrolment and lesson forms, and the on-screen names of course categories."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from courses.catalogue.models import CATEGORIES, Course
from lms.forms import Form

CATEGORY_LABELS = {
    "digital_skill": _l("Kỹ năng số"),
    "foreign_language": _l("Ngoại ngữ"),
    "numeracy": _l("Kỹ năng tính toán"),
    "law": _l("Pháp luật"),
    "health": _l("Sức khỏe"),
    "agriculture": _l("Nông nghiệp"),
    "vocational": _l("Nghề nghiệp"),
    "culture_society": _l("Văn hóa, xã hội"),
    "criteria_study": _l("Tìm hiểu tiêu chí Công dân học tập"),
}


def category_label(code: str | None) -> str:
    """Return the category's name in the current language (the code itself for a category added later)."""
    if not code:
        return ""
    found = CATEGORY_LABELS.get(code)
    return str(found) if found is not None else code


def course_title(course: Course) -> str:
    """Return the course title in the current language (Vietnamese when no English title exists)."""
    if str(get_locale() or "vi") == "en" and course.title_en:
        return course.title_en
    return course.title


def course_description(course: Course) -> str:
    """Return the course description in the current language (Vietnamese when no English one exists)."""
    if str(get_locale() or "vi") == "en" and course.description_en:
        return course.description_en
    return course.description


def course_summary(course: Course, limit: int = 140) -> str:
    """Return the first sentence-ish line of the description as plain text (for catalogue cards)."""
    import re

    for line in course_description(course).splitlines():
        if line.lstrip().startswith("#"):
            continue  # a heading repeats the title
        text = re.sub(r"[*_`>#\[\]]+|\(https?://[^)]*\)", "", line).strip(" -\t")
        if text:
            return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


class VerifyForm(Form):
    """Type the verification code printed on a certificate (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    code = StringField(_l("Mã xác thực"), validators=[Optional(), Length(max=80)])


class SearchForm(Form):
    """Search the public catalogue (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Tìm khóa học"), validators=[Optional(), Length(max=100)])
    category = SelectField(_l("Lĩnh vực"), validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("Tất cả lĩnh vực"))] + [
            SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES
        ]


class EnrolForm(Form):
    """The "enrol" button."""

    submit = SubmitField(_l("Ghi danh"))


class LessonDoneForm(Form):
    """The "mark this lesson done" button."""

    submit = SubmitField(_l("Đánh dấu đã học xong bài này"))


class LeaveForm(Form):
    """The "leave this course" button."""

    submit = SubmitField(_l("Rời khóa học"))
