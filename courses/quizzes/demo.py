"""Demo quizzes: five questions on each demo course, drawn from its lessons (loaded by `flask --app lms demo`)."""

import sqlalchemy as sa

from courses.catalogue.models import Course
from courses.quizzes.models import Choice, Question, Quiz
from lms.extensions import db

S, M = "single", "multiple"
# course code -> [(kind, question, [(choice, right?)], explanation)]
QUIZZES: dict[str, list[tuple[str, str, list[tuple[str, bool]], str]]] = {
    "KNS-DTTM": [
        (
            S,
            "Mã khóa màn hình nào an toàn nhất?",
            [
                ("123456", False),
                ("Năm sinh của bạn", False),
                ("Một dãy 6 số khó đoán, không liên quan tới bạn", True),
                ("Số điện thoại của bạn", False),
            ],
            "Tránh các mã dễ đoán như 123456, năm sinh, số điện thoại.",
        ),
        (
            S,
            "Bạn nên cài ứng dụng từ đâu?",
            [
                ("Tệp .apk gửi qua Zalo", False),
                ("CH Play hoặc App Store", True),
                ("Đường link trong tin nhắn lạ", False),
            ],
            "Chỉ cài ứng dụng từ kho chính thức.",
        ),
        (
            M,
            "Ứng dụng đèn pin xin những quyền nào là đáng ngờ?",
            [
                ("Đọc danh bạ", True),
                ("Đọc tin nhắn", True),
                ("Quyền Trợ năng (Accessibility)", True),
                ("Bật đèn flash", False),
            ],
            "Đèn pin chỉ cần đèn flash; quyền Trợ năng cho phép điều khiển cả máy.",
        ),
        (
            S,
            "Khi cần chuyển tiền bằng ứng dụng ngân hàng, nên dùng mạng nào?",
            [
                ("Wi-Fi miễn phí ở quán cà phê", False),
                ("Mạng di động 4G của chính mình", True),
                ("Wi-Fi của bến xe", False),
            ],
            "Wi-Fi công cộng không an toàn cho việc chuyển tiền.",
        ),
        (
            S,
            "Mã OTP gửi về điện thoại có được đọc cho người tự xưng là nhân viên ngân hàng không?",
            [("Có, nếu họ nói đúng tên bạn", False), ("Không bao giờ", True)],
            "Mã OTP không bao giờ được đọc cho ai khác.",
        ),
    ],
    "KNS-DVCTT": [
        (
            S,
            "Tài khoản định danh điện tử mức 2 được đăng ký ở đâu?",
            [("Tự đăng ký trên ứng dụng", False), ("Tại công an cấp xã", True), ("Tại ngân hàng", False)],
            "Mức 2 cần chụp ảnh chân dung, lấy vân tay tại công an xã.",
        ),
        (
            S,
            "Địa chỉ của Cổng Dịch vụ công quốc gia là gì?",
            [("dichvucong-gov.vn", False), ("dichvucong.gov.vn", True), ("dvc-vn.com", False)],
            "Trang của cơ quan nhà nước có đuôi .gov.vn.",
        ),
        (
            M,
            "Trên Cổng Dịch vụ công quốc gia, bạn có thể làm gì?",
            [
                ("Điền tờ khai trực tuyến", True),
                ("Thanh toán lệ phí bằng ứng dụng ngân hàng", True),
                ("Theo dõi hồ sơ đã nộp", True),
                ("Chuyển lệ phí vào tài khoản cá nhân của cán bộ", False),
            ],
            "Lệ phí chỉ thanh toán trên cổng.",
        ),
        (
            S,
            "Liên thông đăng ký khai sinh – thường trú – bảo hiểm y tế dành cho trẻ dưới bao nhiêu tuổi?",
            [("Dưới 6 tuổi", True), ("Dưới 16 tuổi", False), ("Dưới 1 tuổi", False)],
            "",
        ),
        (
            S,
            'Công an gọi điện yêu cầu cài "VNeID" từ một đường link và đọc mã bảo vệ. Bạn làm gì?',
            [("Làm theo vì là công an", False), ("Từ chối: công an không bao giờ yêu cầu như vậy", True)],
            "Chỉ tải VNeID từ CH Play hoặc App Store, không đọc mã bảo vệ cho ai.",
        ),
    ],
    "KNS-LUADAO": [
        (
            S,
            "Kẻ lừa đảo thường tạo ra điều gì để bạn hành động vội vàng?",
            [("Sự sợ hãi hoặc lòng tham", True), ("Sự kiên nhẫn", False), ("Niềm vui học tập", False)],
            "",
        ),
        (
            S,
            'Người xưng là công an gọi báo bạn liên quan vụ án và yêu cầu chuyển tiền vào "tài khoản tạm giữ". Đây là:',
            [("Thủ tục bình thường", False), ("Lừa đảo: công an không giải quyết vụ án qua điện thoại", True)],
            "",
        ),
        (
            M,
            "Ba bước khi nhận cuộc gọi đáng ngờ là gì?",
            [
                ("Dừng lại", True),
                ("Kiểm tra", True),
                ("Không chuyển tiền", True),
                ("Chuyển tiền ngay để tránh rắc rối", False),
            ],
            "",
        ),
        (
            S,
            'Có người "chuyển nhầm" tiền vào tài khoản của bạn rồi đòi lại. Bạn nên:',
            [("Tự chuyển trả cho họ ngay", False), ("Báo ngân hàng của mình để ngân hàng xử lý", True)],
            "",
        ),
        (
            S,
            "Lỡ bị lừa chuyển tiền, việc cần làm đầu tiên là gì?",
            [
                ("Chờ vài ngày xem sao", False),
                ("Gọi ngay tổng đài ngân hàng để khóa tài khoản và tra soát", True),
                ("Xóa tin nhắn cho đỡ lo", False),
            ],
            "Càng báo sớm càng có cơ hội chặn tiền.",
        ),
    ],
    "NGN-TA-CB": [
        (
            S,
            '"How are you?" nghĩa là gì?',
            [("Bạn tên gì?", False), ("Bạn khỏe không?", True), ("Bạn ở đâu?", False)],
            "",
        ),
        (
            S,
            'Khách hỏi "How much is it?". Khách muốn biết điều gì?',
            [("Giá tiền", True), ("Đường đi", False), ("Giờ mở cửa", False)],
            "",
        ),
        (
            S,
            '"Fifty" là số mấy?',
            [("15", False), ("50", True), ("5", False)],
            "Fifteen là 15, fifty là 50: viết giá ra giấy để tránh nhầm.",
        ),
        (
            M,
            "Những câu nào dùng để chỉ đường?",
            [("Go straight.", True), ("Turn left.", True), ("Here is your change.", False), ("Turn right.", True)],
            "",
        ),
        (
            S,
            "Khi không nghe rõ, bạn có thể nói:",
            [("Goodbye!", False), ("Sorry, can you say it again slowly?", True), ("I am a farmer.", False)],
            "",
        ),
    ],
    "TOAN-TCGD": [
        (
            S,
            "Thu 9.500.000 đ, chi 8.200.000 đ. Còn lại bao nhiêu?",
            [("1.300.000 đ", True), ("1.700.000 đ", False), ("17.700.000 đ", False)],
            "Thu – Chi = Còn lại.",
        ),
        (
            S,
            "Theo quy tắc 50 – 30 – 20, với thu nhập 10 triệu đồng/tháng, phần tiết kiệm là:",
            [("5 triệu", False), ("3 triệu", False), ("2 triệu", True)],
            "",
        ),
        (
            S,
            "Vay 20.000.000 đ, lãi đơn 0,8%/tháng trong 12 tháng. Tiền lãi là:",
            [("192.000 đ", False), ("1.920.000 đ", True), ("19.200.000 đ", False)],
            "20.000.000 × 0,008 × 12.",
        ),
        (
            S,
            "Quỹ dự phòng nên bằng bao nhiêu tháng chi tiêu thiết yếu?",
            [("3 đến 6 tháng", True), ("1 tuần", False), ("2 năm", False)],
            "",
        ),
        (
            M,
            "Khi cần vốn sản xuất, nên hỏi vay ở đâu?",
            [
                ("Ngân hàng Chính sách xã hội", True),
                ("Agribank", True),
                ("Quỹ tín dụng nhân dân", True),
                ("Vay nóng ngoài chợ", False),
            ],
            "Vay nóng có lãi gần 110%/năm.",
        ),
    ],
    "PL-HNGD": [
        (
            S,
            "Theo Luật Hôn nhân và gia đình 2014, nam được kết hôn từ đủ bao nhiêu tuổi?",
            [("18 tuổi", False), ("20 tuổi", True), ("22 tuổi", False)],
            "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi.",
        ),
        (
            S,
            "Việc kết hôn được pháp luật công nhận khi nào?",
            [
                ("Khi tổ chức đám cưới", False),
                ("Khi đăng ký tại Ủy ban nhân dân xã", True),
                ("Khi hai gia đình đồng ý", False),
            ],
            "",
        ),
        (
            S,
            "Bán đất là tài sản chung của vợ chồng cần gì?",
            [("Chỉ chữ ký của người đứng tên", False), ("Sự đồng ý bằng văn bản của cả hai vợ chồng", True)],
            "",
        ),
        (
            M,
            "Hành vi nào là bạo lực gia đình?",
            [
                ("Chửi bới, xúc phạm", True),
                ("Kiểm soát tiền bạc, cô lập", True),
                ("Đánh đập", True),
                ("Cùng nhau bàn bạc chi tiêu", False),
            ],
            "",
        ),
        (S, "Tổng đài quốc gia bảo vệ trẻ em là số nào?", [("111", True), ("113", False), ("115", False)], ""),
    ],
    "SK-CSSKBD": [
        (
            S,
            "Khi bị bỏng, việc đầu tiên nên làm là:",
            [
                ("Bôi kem đánh răng", False),
                ("Xả vùng bỏng dưới vòi nước mát, sạch 15 – 20 phút", True),
                ("Chọc vỡ nốt phỏng", False),
            ],
            "",
        ),
        (
            S,
            'Sơ cứu người đuối nước, có nên dốc ngược nạn nhân để "xốc nước" không?',
            [("Có", False), ("Không: mất thời gian cấp cứu quý giá", True)],
            "",
        ),
        (
            S,
            "Muỗi truyền sốt xuất huyết đẻ trứng ở đâu?",
            [("Nơi nước sạch đọng", True), ("Nơi khô ráo", False), ("Trong đất", False)],
            "",
        ),
        (
            S,
            "Khi sốt cao nghi sốt xuất huyết, dùng thuốc hạ sốt nào?",
            [("Aspirin", False), ("Ibuprofen", False), ("Paracetamol đúng liều", True)],
            "Không dùng aspirin, ibuprofen.",
        ),
        (
            M,
            "Người từ 40 tuổi nên kiểm tra định kỳ những chỉ số nào?",
            [("Huyết áp", True), ("Đường huyết", True), ("Chiều cao", False)],
            "Tăng huyết áp và đái tháo đường thường không có triệu chứng.",
        ),
    ],
    "NONG-TLONG": [
        (S, "Giống thanh long nào dễ trồng, năng suất cao?", [("Ruột trắng", True), ("Ruột đỏ", False)], ""),
        (
            S,
            "Mật độ trồng thanh long khoảng bao nhiêu trụ/ha?",
            [("100 – 110", False), ("1.000 – 1.100", True), ("10.000", False)],
            "",
        ),
        (
            S,
            "Chong đèn để làm gì?",
            [
                ("Đuổi chim", False),
                ("Kéo dài thời gian chiếu sáng cho cây ra hoa trái vụ", True),
                ("Sưởi ấm cho cây", False),
            ],
            "",
        ),
        (
            M,
            "Cách phòng bệnh đốm nâu?",
            [
                ("Cắt bỏ, tiêu hủy cành bệnh", True),
                ("Giữ vườn thông thoáng", True),
                ("Vứt cành bệnh trong vườn", False),
                ("Dùng thuốc đúng thời gian cách ly", True),
            ],
            "",
        ),
        (
            S,
            "Thu hoạch thanh long khoảng bao nhiêu ngày sau khi hoa nở?",
            [("10 – 12 ngày", False), ("28 – 32 ngày", True), ("60 ngày", False)],
            "",
        ),
    ],
    "TC-CDHT": [
        (
            S,
            "Bộ tiêu chí Công dân học tập có bao nhiêu năng lực cốt lõi?",
            [("Hai", False), ("Ba", True), ("Năm", False)],
            "",
        ),
        (S, "Mỗi chỉ số tối đa bao nhiêu điểm?", [("5 điểm", False), ("10 điểm", True), ("20 điểm", False)], ""),
        (
            S,
            "Điều kiện được công nhận (vùng thông thường) là:",
            [("Từ 80 điểm, không chỉ số nào dưới 5 điểm", True), ("Từ 50 điểm", False), ("Đủ 100 điểm", False)],
            "Ở vùng đặc biệt khó khăn, mức điểm là 70.",
        ),
        (
            S,
            "Ai ra quyết định công nhận danh hiệu Công dân học tập?",
            [("Hệ thống tự công nhận", False), ("Ủy ban nhân dân xã", True)],
            "",
        ),
        (
            M,
            "Những việc nào trở thành minh chứng trên nền tảng?",
            [
                ("Hoàn thành khóa học trực tuyến", True),
                ("Tham gia lớp tập huấn", True),
                ("Kê khai được cán bộ xã xác nhận", True),
            ],
            "",
        ),
    ],
    "VH-ATGT": [
        (
            S,
            "Mũ bảo hiểm đạt chuẩn có dấu hiệu gì?",
            [("Tem hợp quy CR", True), ("Màu sắc sặc sỡ", False), ("Trọng lượng thật nhẹ", False)],
            "",
        ),
        (
            S,
            "Quai mũ bảo hiểm cài thế nào là đúng?",
            [
                ("Không cần cài", False),
                ("Vừa khít dưới cằm, lọt một ngón tay", True),
                ("Thật lỏng cho thoải mái", False),
            ],
            "",
        ),
        (
            S,
            "Uống một lon bia rồi lái xe máy có vi phạm không?",
            [("Không, một lon thì được", False), ("Có: pháp luật cấm tuyệt đối nồng độ cồn khi lái xe", True)],
            "",
        ),
        (
            S,
            "Trẻ em từ đủ mấy tuổi ngồi sau xe máy bắt buộc đội mũ bảo hiểm?",
            [("3 tuổi", False), ("6 tuổi", True), ("10 tuổi", False)],
            "",
        ),
        (
            M,
            "Khi đi xe máy trên quốc lộ, cần làm gì?",
            [
                ("Đi đúng làn, sát bên phải", True),
                ("Bật xi nhan sớm khi rẽ", True),
                ("Dùng điện thoại khi lái", False),
                ("Buổi tối bật đèn", True),
            ],
            "",
        ),
    ],
}


def load_demo_quizzes() -> list[str]:
    """Give each demo course without a quiz its five questions (pass mark 80%, three attempts)."""
    courses = db.session.scalars(sa.select(Course).where(Course.code.in_(QUIZZES))).all()
    with_quiz = set(db.session.scalars(sa.select(Quiz.course_id)))
    for course in courses:
        if course.id in with_quiz:
            continue
        quiz = Quiz(course_id=course.id, pass_mark=80, max_attempts=3, questions_per_attempt=0)
        quiz.questions = [_question(n, spec) for n, spec in enumerate(QUIZZES[course.code], start=1)]
        db.session.add(quiz)
    db.session.flush()
    return []


def _question(position: int, spec: tuple[str, str, list[tuple[str, bool]], str]) -> Question:
    kind, text, choices, explanation = spec
    return Question(
        position=position,
        kind=kind,
        text=text,
        explanation=explanation,
        choices=[Choice(position=n, text=t, correct=ok) for n, (t, ok) in enumerate(choices, start=1)],
    )
