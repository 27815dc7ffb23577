"""A trainer authors a course on a phone: details and cover, a lesson with a video link and a PDF, a quiz
question, publishing; then the course page as a learner sees it. Screenshots of each page at 360 px."""

from PIL import Image

from tests.browser.conftest import PHONE, browser_sign_in, fits_width

TRAINER = "giangvien@example.vn"


def test_trainer_authors_and_publishes_a_course_on_a_phone(page, screenshot, make_user, tmp_path):
    make_user("trainer", login=TRAINER)
    cover = tmp_path / "bia.png"
    Image.new("RGB", (1200, 675), (11, 107, 79)).save(cover)
    slides = tmp_path / "bai-giang.pdf"
    slides.write_bytes(b"%PDF-1.4\n% slides\n")

    page.set_viewport_size(PHONE)
    browser_sign_in(page, TRAINER)
    page.get_by_role("link", name="Soạn khóa học").click()
    page.get_by_role("link", name="Tạo khóa học mới").click()
    page.get_by_label("Mã khóa học").fill("kns-zalo")
    page.get_by_label("Tên khóa học (tiếng Việt)").fill("Dùng Zalo an toàn")
    page.get_by_label("Lĩnh vực").select_option("digital_skill")
    page.get_by_label("Mức kỹ năng số").select_option("basic")
    page.get_by_label("Số giờ học").fill("2")
    page.get_by_label("Giới thiệu (tiếng Việt)").fill("Cài đặt **bảo mật** cho tài khoản Zalo.")
    page.set_input_files('input[name="cover"]', str(cover))
    assert fits_width(page)
    screenshot("new-course-form")
    page.get_by_role("button", name="Lưu khóa học").click()
    page.wait_for_url("**/trainer/courses/KNS-ZALO")
    assert fits_width(page)
    screenshot("draft-course")

    page.get_by_role("link", name="Thêm bài học").click()
    page.get_by_label("Phần (chương)").fill("Phần 1: Cài đặt")
    page.get_by_label("Tên bài học").fill("Bật xác thực hai lớp")
    page.get_by_label("Nội dung (Markdown)").fill("# Các bước\n- Mở *Cài đặt*\n- Chọn **Tài khoản và bảo mật**")
    page.get_by_label("Video bài giảng (đường dẫn YouTube hoặc Vimeo)").fill("https://youtu.be/dQw4w9WgXcQ")
    page.get_by_role("button", name="Lưu bài học").click()
    page.wait_for_url("**/lessons/*/edit")
    page.set_input_files('input[name="file"]', str(slides))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã đính kèm tệp: bai-giang.pdf").wait_for()
    assert page.get_by_text("bai-giang.pdf").first.is_visible()
    assert fits_width(page)
    screenshot("lesson-with-file-and-preview")

    page.goto("/trainer/courses/KNS-ZALO/quiz/questions/new")
    page.get_by_label("Câu hỏi").fill("Có nên đọc mã OTP cho người lạ không?")
    page.get_by_role("textbox", name="Phương án 1").fill("Không")
    page.get_by_role("checkbox", name="Đúng (phương án 1)").check()
    page.get_by_role("textbox", name="Phương án 2").fill("Có")
    assert fits_width(page)
    screenshot("question-form")
    page.get_by_role("button", name="Lưu câu hỏi").click()
    page.wait_for_url("**/trainer/courses/KNS-ZALO/quiz#questions")
    assert fits_width(page)
    screenshot("quiz-bank")

    page.goto("/trainer/courses/KNS-ZALO")
    page.get_by_role("button", name="Xuất bản").click()
    assert page.get_by_text("Khóa học đã được xuất bản.").is_visible()
    screenshot("published")
    page.get_by_role("link", name="Xem trang khóa học").click()
    page.wait_for_url("**/courses/KNS-ZALO")
    assert page.locator("img.cover").evaluate("img => img.naturalWidth") == 960
    assert page.get_by_text("Phần 1: Cài đặt").is_visible()
    assert fits_width(page)
    screenshot("public-course-page")
    assert [e for e in page.errors if "Content Security Policy" in e or "Refused to" in e] == []
