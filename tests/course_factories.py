"""Factories for the learning side: a published course with lessons and a quiz, a trainer's course.

Plain functions (not fixtures) so page tests, concurrency tests and browser tests share them.
"""

from decimal import Decimal
from typing import Any

from courses.catalogue.models import Course, Lesson
from courses.quizzes.models import Choice, Question, Quiz
from lms.extensions import db

QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "Mã OTP ngân hàng gửi về điện thoại có được đọc cho người khác không?",
        "kind": "single",
        "choices": [("Không, với bất kỳ ai", True), ("Được, nếu là nhân viên ngân hàng", False)],
        "explanation": "Ngân hàng không bao giờ hỏi mã OTP.",
    },
    {
        "text": "Những việc nào giúp bảo vệ điện thoại?",
        "kind": "multiple",
        "choices": [("Đặt mã khóa màn hình", True), ("Cập nhật phần mềm", True), ("Cài tệp .apk lạ", False)],
        "explanation": "",
    },
]


def make_course(
    code: str = "KNS-02",
    title: str = "Kỹ năng số: an toàn trên mạng",
    *,
    lessons: int = 2,
    questions: list[dict[str, Any]] | None = None,
    pass_mark: int = 100,
    max_attempts: int = 3,
    per_attempt: int = 0,
    owner: Any = None,
    published: bool = True,
    category: str = "digital_skill",
    level: str | None = "basic",
    hours: str = "3",
) -> Course:
    """Create a course with `lessons` lessons and, when `questions` are given, a quiz; commit; return it."""
    course = Course(
        code=code,
        title=title,
        title_en="Digital skills: staying safe online",
        description="Khóa học thử.",
        category=category,
        digital_level=level,
        hours=Decimal(hours),
        published=published,
        created_by_id=owner.id if owner is not None else None,
    )
    course.lessons = [
        Lesson(position=n, title=f"Bài {n}: nội dung {n}", body=f"# Bài {n}\nNội dung bài {n}.")
        for n in range(1, lessons + 1)
    ]
    db.session.add(course)
    db.session.flush()
    if questions:
        quiz = Quiz(
            course_id=course.id, pass_mark=pass_mark, max_attempts=max_attempts, questions_per_attempt=per_attempt
        )
        quiz.questions = [
            Question(
                position=n,
                text=spec["text"],
                kind=spec["kind"],
                explanation=spec.get("explanation", ""),
                choices=[Choice(position=m, text=t, correct=ok) for m, (t, ok) in enumerate(spec["choices"], start=1)],
            )
            for n, spec in enumerate(questions, start=1)
        ]
        db.session.add(quiz)
    db.session.commit()
    return course


def right_answers(layout: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the form data answering every question of an attempt right."""
    data: dict[str, Any] = {}
    for q in layout:
        right = [str(c["id"]) for c in q["choices"] if c["correct"]]
        data[f"q{q['id']}"] = right if q["kind"] == "multiple" else right[0]
    return data


def wrong_answers(layout: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the form data answering every question of an attempt wrong."""
    data: dict[str, Any] = {}
    for q in layout:
        wrong = [str(c["id"]) for c in q["choices"] if not c["correct"]]
        data[f"q{q['id']}"] = wrong if q["kind"] == "multiple" else wrong[0]
    return data


def course_world(course: Course) -> dict[str, Any]:
    """Make trainer@example.vn the author of the access matrix's course and give it a quiz and a lesson file.

    citizen@example.vn's enrolment is marked completed, so the matrix's "leave" (refused for a completed
    course) does not change what the routes checked after it may show.
    """
    import io

    import sqlalchemy as sa
    from flask import current_app
    from werkzeug.datastructures import FileStorage

    from courses.catalogue.models import Enrolment, LessonFile
    from lms.auth.models import User
    from lms.uploads.services import store_upload
    from lms.util import utcnow

    trainer = db.session.scalar(sa.select(User).where(User.login == "trainer@example.vn"))
    course.created_by_id = trainer.id
    citizen = db.session.scalar(sa.select(User).where(User.login == "citizen@example.vn"))
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.person_id == citizen.person_id, Enrolment.course_id == course.id)
    )
    enrolment.completed_at = enrolment.completed_at or utcnow()
    quiz = Quiz(course_id=course.id)
    quiz.questions = [
        Question(
            position=1, text="Câu hỏi?", kind="single", choices=[Choice(text="Có", correct=True), Choice(text="Không")]
        )
    ]
    db.session.add(quiz)
    with current_app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(b"%PDF-1.4\n% lesson\n"), "bai-giang.pdf"))
    attached = LessonFile(
        lesson_id=course.lessons[0].id, name=stored.name, sha256=stored.sha256, kind=stored.kind, size=stored.size
    )
    db.session.add(attached)
    db.session.commit()
    return {"question": quiz.questions[0].id, "lesson_file": attached.id}
