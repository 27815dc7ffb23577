"""Quiz forms: the trainer's settings and questions, and the learner's answer sheet (built per attempt)."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.forms import Form

CHOICE_SLOTS = 6


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class QuizSettingsForm(Form):
    """Pass mark, attempts limit and the number of questions an attempt draws from the bank."""

    pass_mark = IntegerField(
        _l("Điểm đạt (% số câu trả lời đúng)"), default=70, validators=[InputRequired(), NumberRange(1, 100)]
    )
    max_attempts = IntegerField(
        _l("Số lần làm bài tối đa (0: không giới hạn)"), default=3, validators=[InputRequired(), NumberRange(0, 20)]
    )
    questions_per_attempt = IntegerField(
        _l("Số câu hỏi mỗi lần làm bài (0: tất cả câu trong ngân hàng)"),
        default=0,
        validators=[InputRequired(), NumberRange(0, 200)],
    )
    reveal_answers = RadioField(
        _l("Học viên xem đáp án đúng"),
        choices=[
            SelectChoice("done", _l("Khi đã đạt hoặc đã hết lượt làm bài (khuyên dùng)")),
            SelectChoice("each", _l("Sau mỗi lần nộp bài")),
            SelectChoice("never", _l("Không bao giờ (chỉ biết câu nào đúng, câu nào sai)")),
        ],
        default="done",
    )
    submit = SubmitField(_l("Lưu cài đặt"))


class ChoiceEntry(PlainForm):
    """One answer slot of the question form (part of the question form: no token of its own)."""

    text = StringField(_l("Phương án"), filters=[_strip], validators=[Optional(), Length(max=500)])
    correct = BooleanField(_l("Đúng"))


class QuestionForm(Form):
    """A single- or multiple-choice question with up to six answers."""

    text = TextAreaField(_l("Câu hỏi"), filters=[_strip], validators=[DataRequired(), Length(max=2000)])
    kind = RadioField(
        _l("Loại câu hỏi"),
        choices=[SelectChoice("single", _l("Chọn một đáp án")), SelectChoice("multiple", _l("Chọn nhiều đáp án"))],
        default="single",
        validators=[InputRequired()],
    )
    choices = FieldList(FormField(ChoiceEntry), min_entries=CHOICE_SLOTS, max_entries=CHOICE_SLOTS)
    explanation = TextAreaField(
        _l("Giải thích đáp án (hiện sau khi nộp bài)"), filters=[_strip], validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Lưu câu hỏi"))

    def choice_errors(self) -> list[str]:
        """Return the messages about the answers as a whole (not those of one answer slot)."""
        return [str(e) for e in self.choices.errors if not isinstance(e, dict)]

    def validate_choices(self, field: FieldList) -> None:
        """At least two answers; a single-choice question has exactly one right one, others at least one."""
        filled = [entry for entry in field.entries if (entry.form.text.data or "").strip()]
        right = sum(1 for entry in filled if entry.form.correct.data)
        if len(filled) < 2:
            raise ValidationError(_l("Cần ít nhất hai phương án trả lời."))
        if self.kind.data == "single" and right != 1:
            raise ValidationError(_l("Câu hỏi chọn một đáp án cần đúng một phương án đúng."))
        if self.kind.data == "multiple" and right < 1:
            raise ValidationError(_l("Hãy đánh dấu ít nhất một phương án đúng."))
        if any(entry.form.correct.data and not (entry.form.text.data or "").strip() for entry in field.entries):
            raise ValidationError(_l("Phương án được đánh dấu đúng không được để trống."))


class StartForm(Form):
    """The "start the quiz" button."""

    submit = SubmitField(_l("Làm bài kiểm tra"))


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes for a multiple-choice question."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def answer_form(layout: list[dict[str, Any]]) -> Form:
    """Build the answer sheet of an attempt: one field per question, choices in the attempt's order."""

    class AnswerSheet(Form):
        pass

    for n, question in enumerate(layout, start=1):
        choices = [SelectChoice(str(c["id"]), c["text"]) for c in question["choices"]]
        label = _l("Câu %(n)d", n=n)
        if question["kind"] == "multiple":
            field: Any = MultiCheckboxField(
                label, choices=choices, validators=[DataRequired(message=_l("Hãy chọn ít nhất một phương án."))]
            )
        else:
            field = RadioField(
                label, choices=choices, validators=[InputRequired(message=_l("Hãy chọn một phương án."))]
            )
        setattr(AnswerSheet, f"q{question['id']}", field)
    AnswerSheet.submit = SubmitField(_l("Nộp bài"))
    return AnswerSheet()


def answers_of(form: Form, layout: list[dict[str, Any]]) -> dict[int, set[int]]:
    """Return the chosen choice ids per question id from a validated answer sheet."""
    out: dict[int, set[int]] = {}
    for question in layout:
        value = form[f"q{question['id']}"].data
        values = value if isinstance(value, list) else [value] if value else []
        out[question["id"]] = {int(v) for v in values if str(v).isdigit()}
    return out
