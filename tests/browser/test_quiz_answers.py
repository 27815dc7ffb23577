"""A failed quiz in a real browser: right or wrong per question, never the answer key while a retake is left;
the key once the quiz is passed. The trainer's setting, and the quiz counted as a step of the course."""

from courses.quizzes.models import Quiz
from lms.extensions import db
from tests.browser.conftest import PHONE, browser_sign_in, fits_width
from tests.course_factories import QUESTIONS, make_course

CITIZEN = "0987000111"
TRAINER = "bcv@example.vn"


def _answer_wrong(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Được, nếu là nhân viên ngân hàng", exact=True).check()
    page.get_by_label("Cài tệp .apk lạ", exact=True).check()
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_load_state()


def _answer_right(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Không, với bất kỳ ai", exact=True).check()
    page.get_by_label("Đặt mã khóa màn hình", exact=True).check()
    page.get_by_label("Cập nhật phần mềm", exact=True).check()
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_load_state()


def test_a_failed_quiz_does_not_reveal_the_answers_until_passed(page, screenshot, tree, make_person, make_user):
    trainer = make_user("trainer", area=tree["A"], login=TRAINER)
    person = make_person(tree["A1"], full_name="Lê Văn Học", gender="nam")
    make_user("citizen", person=person, login=CITIZEN)
    course = make_course("KNS-OTP", title="Kỹ năng số: mã OTP", lessons=1, questions=QUESTIONS, owner=trainer)

    # the trainer's setting: the default keeps the key until passed or out of attempts
    browser_sign_in(page, TRAINER)
    page.goto(f"/trainer/courses/{course.code}/quiz")
    assert page.get_by_label("Khi đã đạt hoặc đã hết lượt làm bài (khuyên dùng)").is_checked()
    page.set_viewport_size(PHONE)
    assert fits_width(page)
    screenshot("trainer-reveal-setting-phone")
    page.get_by_role("button", name="Lưu cài đặt").click()
    page.wait_for_load_state()
    assert db.session.scalar(db.select(Quiz)).reveal_answers == "done"
    page.context.clear_cookies()

    browser_sign_in(page, CITIZEN)
    page.goto(f"/courses/{course.code}")
    page.get_by_role("button", name="Ghi danh").click()
    page.wait_for_url(f"**/lessons/{course.lessons[0].id}")
    assert page.get_by_text("0/2 bước (0%): 0/1 bài học và bài kiểm tra").is_visible()
    page.get_by_role("button", name="Đánh dấu đã học xong bài này").click()
    page.wait_for_url("**/quiz")
    page.goto(f"/courses/{course.code}")
    assert page.get_by_text("1/2 bước (50%): 1/1 bài học và bài kiểm tra").is_visible()
    screenshot("course-quiz-is-a-step")

    page.goto(f"/courses/{course.code}/quiz")
    page.get_by_role("button", name="Làm bài kiểm tra").click()
    page.wait_for_url("**/quiz/attempts/1")
    _answer_wrong(page)
    assert page.get_by_text("Chưa đạt.", exact=False).first.is_visible()
    assert page.get_by_role("heading", name="Câu đúng, câu sai").is_visible()
    assert page.locator(".question-review .badge.warn").count() == 2  # each question says it was wrong
    assert page.get_by_text("đáp án đúng", exact=True).count() == 0  # no right choice is marked
    assert page.get_by_text("Ngân hàng không bao giờ hỏi mã OTP.").count() == 0  # nor explained
    assert page.locator(".choices.review li.correct").count() == 0
    assert "correct" not in page.content().replace("failed", "")  # nothing in the markup either
    assert fits_width(page)
    screenshot("failed-attempt-right-or-wrong-only")

    page.get_by_role("button", name="Làm lại bài kiểm tra").click()
    page.wait_for_url("**/quiz/attempts/2")
    _answer_right(page)
    assert page.get_by_text("Hoàn thành khóa học!", exact=False).is_visible()
    page.goto(f"/courses/{course.code}/quiz/attempts/1")  # passed: the failed attempt now shows the key
    assert page.get_by_role("heading", name="Đáp án", exact=True).is_visible()
    assert page.get_by_text("Ngân hàng không bao giờ hỏi mã OTP.").is_visible()
    assert page.get_by_text("đáp án đúng", exact=True).count() == 3
    screenshot("passed-answers-revealed")
