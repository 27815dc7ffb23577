"""Demo catalogue: ten Vietnamese courses with lessons, loaded by `flask --app lms demo` (quizzes: quizzes/demo.py)."""

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from courses.catalogue.models import Course, Lesson
from lms.auth.models import User
from lms.auth.services import create_user, find_login
from lms.extensions import db

COURSES: list[dict[str, Any]] = [
    {
        "code": "KNS-DTTM",
        "title": "Sử dụng điện thoại thông minh an toàn",
        "title_en": "Using a smartphone safely",
        "category": "digital_skill",
        "digital_level": "basic",
        "hours": "4",
        "description": (
            "Khóa học kỹ năng số cơ bản cho mọi người dân: bảo vệ điện thoại, tài khoản và thông tin cá nhân "
            "khi dùng Zalo, Facebook, ứng dụng ngân hàng. Hoàn thành khóa học được ghi nhận kỹ năng số mức cơ bản."
        ),
        "lessons": [
            (
                "Khóa màn hình và mật khẩu",
                """Điện thoại thông minh ngày nay chứa danh bạ, tin nhắn, ảnh gia đình và cả tài khoản ngân hàng.
Nếu bị mất máy mà không khóa màn hình, người lạ có thể đọc tin nhắn, lấy mã OTP và chuyển tiền của bạn.

**Việc cần làm ngay:**

- Vào *Cài đặt → Bảo mật* (hoặc *Màn hình khóa*) và đặt mã PIN ít nhất 6 số, hình vẽ hoặc vân tay, khuôn mặt.
- Không dùng mã dễ đoán như `123456`, `000000`, năm sinh hay số điện thoại.
- Đặt thời gian tự khóa màn hình 30 giây đến 1 phút.

Mật khẩu của các tài khoản (email, Zalo, Facebook, ngân hàng) nên dài từ 8 ký tự, có chữ hoa, chữ thường,
số và ký hiệu. Một cách dễ nhớ là ghép một câu quen thuộc: *"Nhà tôi ở thôn 2 có 4 người!"* thành `Ntot2c4n!`.
Mỗi tài khoản quan trọng nên có một mật khẩu riêng.

Không ghi mật khẩu lên giấy dán sau lưng điện thoại, không đọc mật khẩu cho người khác qua điện thoại,
kể cả người tự xưng là nhân viên ngân hàng hay cán bộ.""",
            ),
            (
                "Cài ứng dụng và cấp quyền đúng cách",
                """Chỉ cài ứng dụng từ kho chính thức: **CH Play** (điện thoại Android) hoặc **App Store** (iPhone).
Tuyệt đối không cài tệp có đuôi `.apk` được gửi qua Zalo, Messenger hay đường link lạ: đây là cách kẻ gian
cài phần mềm điều khiển điện thoại từ xa và lấy tiền trong tài khoản ngân hàng.

Khi mở ứng dụng lần đầu, điện thoại sẽ hỏi cấp quyền. Hãy tự hỏi: *ứng dụng này có cần quyền đó không?*

- Ứng dụng đèn pin không cần đọc danh bạ hay tin nhắn.
- Ứng dụng chỉnh ảnh không cần quyền "Trợ năng" (Accessibility) — quyền này cho phép điều khiển cả máy.
- Nếu lỡ cấp, vào *Cài đặt → Ứng dụng → Quyền* để tắt.

Thường xuyên xóa những ứng dụng không còn dùng. Ứng dụng càng ít, điện thoại càng nhanh và càng an toàn.""",
            ),
            (
                "Cập nhật, sao lưu và dùng Wi-Fi công cộng",
                """Các bản **cập nhật phần mềm** vá những lỗ hổng mà kẻ xấu có thể lợi dụng. Khi điện thoại báo có bản
cập nhật, hãy cắm sạc, kết nối Wi-Fi và cài đặt. Điện thoại quá cũ không còn được cập nhật thì không nên
cài ứng dụng ngân hàng.

**Sao lưu** giúp không mất ảnh và danh bạ khi hỏng hoặc mất máy: bật sao lưu Google (Android) hoặc iCloud
(iPhone), hoặc định kỳ chép ảnh sang máy tính của gia đình.

**Wi-Fi công cộng** ở quán cà phê, bến xe tiện lợi nhưng không an toàn cho việc chuyển tiền. Khi cần dùng
ứng dụng ngân hàng, hãy dùng mạng di động 4G của chính mình.

Cuối cùng, bật **xác thực hai lớp** cho Zalo, Facebook và email: khi có người đăng nhập trên máy lạ, bạn sẽ
được báo và người đó không vào được nếu không có mã gửi về điện thoại của bạn. Mã này (OTP) **không bao giờ
được đọc cho ai khác**.""",
            ),
        ],
    },
    {
        "code": "KNS-DVCTT",
        "title": "Dịch vụ công trực tuyến và VNeID",
        "title_en": "Online public services and VNeID",
        "category": "digital_skill",
        "digital_level": "proficient",
        "hours": "6",
        "description": (
            "Kích hoạt tài khoản định danh điện tử VNeID, đăng nhập Cổng Dịch vụ công quốc gia và tự làm các thủ "
            "tục thường gặp trên điện thoại. Hoàn thành khóa học được ghi nhận kỹ năng số mức thành thạo."
        ),
        "lessons": [
            (
                "Tài khoản định danh điện tử VNeID",
                """**VNeID** là ứng dụng định danh điện tử của Bộ Công an. Tài khoản có hai mức:

- **Mức 1**: tự đăng ký trên ứng dụng bằng số căn cước và số điện thoại chính chủ; dùng để tra cứu và
  làm một số thủ tục đơn giản.
- **Mức 2**: đăng ký tại công an cấp xã (chụp ảnh chân dung, lấy vân tay) khi làm căn cước hoặc mang theo
  thẻ căn cước gắn chip. Mức 2 có giá trị như xuất trình giấy tờ gốc và dùng được cho hầu hết dịch vụ công.

Sau khi được duyệt, tải ứng dụng VNeID từ CH Play hoặc App Store, đăng nhập bằng số định danh cá nhân và
mật khẩu, rồi đặt **mã bảo vệ** (passcode) 6 số. Trong mục *Ví giấy tờ* có thể tích hợp giấy phép lái xe,
thẻ bảo hiểm y tế, thông tin người phụ thuộc.

Công an không bao giờ gọi điện yêu cầu bạn cài ứng dụng "VNeID" từ đường link lạ hay đọc mã bảo vệ.""",
            ),
            (
                "Đăng nhập Cổng Dịch vụ công quốc gia",
                """Cổng Dịch vụ công quốc gia có địa chỉ **dichvucong.gov.vn**. Chọn *Đăng nhập* → *Tài khoản định danh
điện tử cấp bởi Bộ Công an (VNeID)*, nhập số định danh cá nhân và mật khẩu, sau đó xác nhận trên ứng dụng
VNeID hoặc nhập mã OTP gửi về điện thoại.

Trên cổng, bạn có thể:

1. Tìm thủ tục theo tên (ví dụ: "đăng ký khai sinh", "cấp phiếu lý lịch tư pháp").
2. Điền tờ khai trực tuyến, đính kèm ảnh chụp giấy tờ.
3. Thanh toán lệ phí bằng ứng dụng ngân hàng.
4. Theo dõi hồ sơ trong mục *Quản lý hồ sơ đã nộp* và nhận kết quả.

Mọi thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư được điền sẵn, nên bạn không phải khai lại
họ tên, ngày sinh, nơi thường trú.""",
            ),
            (
                "Thực hành: đăng ký khai sinh trực tuyến",
                """Khi gia đình có em bé mới sinh, cha hoặc mẹ có thể làm **liên thông đăng ký khai sinh – đăng ký
thường trú – cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi** mà không phải đến nhiều nơi.

Các bước:

1. Đăng nhập dichvucong.gov.vn bằng tài khoản VNeID mức 2.
2. Chọn thủ tục liên thông cho trẻ dưới 6 tuổi, chọn Ủy ban nhân dân xã nơi đăng ký.
3. Khai thông tin của trẻ theo giấy chứng sinh; chụp và tải lên giấy chứng sinh (ảnh rõ nét, đủ bốn góc).
4. Kiểm tra lại, gửi hồ sơ và ghi lại mã hồ sơ.
5. Khi hồ sơ được duyệt, nhận bản điện tử giấy khai sinh; bản giấy nhận tại bộ phận một cửa hoặc qua bưu điện.

Nếu hồ sơ bị yêu cầu bổ sung, cổng sẽ báo lý do: chỉ cần sửa đúng mục đó và gửi lại.""",
            ),
            (
                "Giữ an toàn khi làm thủ tục trên mạng",
                """Một số điều cần nhớ để dịch vụ công trực tuyến thực sự tiện lợi và an toàn:

- Chỉ gõ trực tiếp địa chỉ **dichvucong.gov.vn**, không bấm vào đường link nhận qua tin nhắn. Trang giả mạo
  thường có địa chỉ gần giống như `dichvucong-gov.vn` hay `dvc-vn.com`.
- Trang web của cơ quan nhà nước có đuôi **.gov.vn**.
- Không nhờ người lạ "làm hộ hồ sơ" và đưa họ mật khẩu VNeID.
- Lệ phí chỉ thanh toán trên cổng; không chuyển khoản vào tài khoản cá nhân nào.

Khi đã thành thạo, hãy giúp người thân và hàng xóm cùng làm: đó cũng là một minh chứng cho tiêu chí
"Động viên người thân, đồng nghiệp học tập" và "Hợp tác, chia sẻ" của Công dân học tập.""",
            ),
        ],
    },
    {
        "code": "KNS-LUADAO",
        "title": "Phòng tránh lừa đảo trên mạng",
        "title_en": "Avoiding online scams",
        "category": "digital_skill",
        "digital_level": "basic",
        "hours": "3",
        "description": (
            "Nhận biết các thủ đoạn lừa đảo qua điện thoại, Zalo, Facebook thường gặp ở nông thôn và cách xử lý "
            "khi nghi ngờ hoặc lỡ bị lừa."
        ),
        "lessons": [
            (
                "Những thủ đoạn thường gặp",
                """Kẻ lừa đảo luôn tạo ra **sự sợ hãi** hoặc **lòng tham** để bạn hành động vội vàng. Các kịch bản hay
gặp:

- **Giả danh công an, tòa án, viện kiểm sát**: báo bạn "liên quan đến vụ án rửa tiền", yêu cầu chuyển tiền
  vào "tài khoản tạm giữ" để chứng minh trong sạch.
- **Giả nhân viên ngân hàng, điện lực, viễn thông**: báo khóa tài khoản, cắt điện, khóa sim, gửi link để
  "cập nhật thông tin".
- **Mượn tiền qua Zalo, Facebook bị chiếm**: tin nhắn từ đúng tài khoản người quen, cần chuyển gấp.
- **Việc nhẹ lương cao**, "cộng tác viên" bấm thích sản phẩm, ban đầu được trả vài chục nghìn, sau đó phải
  nạp tiền ngày càng lớn.
- **Trúng thưởng, nhận quà tri ân**, phải nộp "phí vận chuyển" hoặc "thuế".
- **Chuyển nhầm tiền**: ai đó "chuyển nhầm" vào tài khoản bạn rồi đòi lại kèm lãi theo kiểu tín dụng đen.""",
            ),
            (
                "Quy tắc vàng: dừng lại, kiểm tra, không chuyển tiền",
                """Khi nhận cuộc gọi hay tin nhắn đáng ngờ, hãy nhớ ba bước:

1. **Dừng lại.** Không làm gì ngay trong cuộc gọi. Cơ quan công an làm việc bằng giấy mời trực tiếp, không
   giải quyết vụ án qua điện thoại và không bao giờ yêu cầu chuyển tiền.
2. **Kiểm tra.** Gọi lại cho người thân bằng số bạn đã lưu từ trước, hoặc gọi video để thấy mặt; hỏi một
   điều chỉ hai người biết. Gọi tổng đài chính thức in trên thẻ ngân hàng.
3. **Không** bấm link, **không** cài ứng dụng theo hướng dẫn của người lạ, **không** đọc mã OTP, **không**
   chuyển tiền.

Với tiền "chuyển nhầm", đừng tự chuyển trả: hãy báo ngân hàng của bạn để ngân hàng xử lý hoàn tiền.""",
            ),
            (
                "Lỡ bị lừa thì làm gì?",
                """Càng báo sớm, càng có cơ hội chặn tiền:

- Gọi ngay **tổng đài ngân hàng** để khóa tài khoản, khóa thẻ và đề nghị tra soát giao dịch.
- Đổi mật khẩu Zalo, Facebook, email; đăng xuất khỏi các thiết bị lạ; báo bạn bè rằng tài khoản bị chiếm.
- Nếu đã cài ứng dụng lạ: bật chế độ máy bay, nhờ cửa hàng điện thoại uy tín khôi phục cài đặt gốc.
- Trình báo **công an xã** nơi cư trú (hoặc gọi **113**), mang theo ảnh chụp tin nhắn, số tài khoản đã chuyển.

Bạn cũng có thể tra cứu, phản ánh trang web và số tài khoản lừa đảo trên cổng
**canhbao.khonggianmang.gov.vn** và phản ánh tin nhắn, cuộc gọi rác tới đầu số **5656**.

Hãy chia sẻ bài học này với cha mẹ, ông bà: người cao tuổi là đối tượng bị nhắm tới nhiều nhất.""",
            ),
        ],
    },
    {
        "code": "NGN-TA-CB",
        "title": "Tiếng Anh giao tiếp cơ bản",
        "title_en": "Basic spoken English",
        "category": "foreign_language",
        "digital_level": None,
        "hours": "8",
        "description": (
            "Chào hỏi, giới thiệu bản thân, hỏi giá và chỉ đường bằng tiếng Anh — hữu ích khi đón khách du lịch ở "
            "đồi cát Bàu Trắng, bán thanh long, hải sản."
        ),
        "lessons": [
            (
                "Chào hỏi và giới thiệu bản thân",
                """Những câu chào dùng hằng ngày:

- *Hello! / Hi!* (he-lô / hai) — Xin chào.
- *Good morning!* (gút mo-ninh) — Chào buổi sáng.
- *How are you?* (hao a diu) — Bạn khỏe không?
- *I'm fine, thank you.* (am phai, thanh-kiu) — Tôi khỏe, cảm ơn.
- *Goodbye! / See you!* (gút-bai / xi diu) — Tạm biệt / Hẹn gặp lại.

Giới thiệu bản thân:

- *My name is Lan.* — Tên tôi là Lan.
- *I live in Bac Binh, Binh Thuan.* — Tôi sống ở Bắc Bình, Bình Thuận.
- *I am a farmer / a teacher / a driver.* — Tôi là nông dân / giáo viên / tài xế.

Luyện tập: mỗi ngày nói to ba câu trên với người thân trong năm phút.""",
            ),
            (
                "Số đếm, giá tiền và mua bán",
                """Số đếm từ 1 đến 10: *one, two, three, four, five, six, seven, eight, nine, ten*. Số chục: *twenty*
(20), *thirty* (30), *fifty* (50), *a hundred* (100), *a thousand* (1.000).

Khi bán hàng cho khách:

- *How much is it?* — Cái này bao nhiêu tiền?
- *It's fifty thousand dong per kilo.* — 50 nghìn đồng một ký.
- *This dragon fruit is very sweet.* — Thanh long này rất ngọt.
- *Do you want red or white?* — Anh/chị muốn ruột đỏ hay ruột trắng?
- *Here is your change.* — Tiền thối lại của anh/chị đây.

Mẹo: viết giá lên giấy hoặc bấm trên máy tính cho khách xem để tránh nhầm *fifteen* (15) với *fifty* (50).""",
            ),
            (
                "Hỏi và chỉ đường",
                """Khách du lịch thường hỏi đường đến đồi cát, bãi biển hay bến xe:

- *Excuse me, where is the White Sand Dunes?* — Xin lỗi, đồi cát Bàu Trắng ở đâu?
- *Go straight.* — Đi thẳng. *Turn left / turn right.* — Rẽ trái / rẽ phải.
- *It's about five kilometers from here.* — Cách đây khoảng 5 cây số.
- *You can take a taxi / a motorbike taxi.* — Bạn có thể đi taxi / xe ôm.

Khi không hiểu, đừng ngại nói: *Sorry, can you say it again slowly?* (Xin lỗi, bạn nói lại chậm được
không?). Có thể dùng ứng dụng dịch trên điện thoại để hỗ trợ, nhưng những câu cơ bản tự nói được sẽ giúp
khách tin tưởng và vui lòng quay lại.""",
            ),
        ],
    },
    {
        "code": "TOAN-TCGD",
        "title": "Quản lý tài chính gia đình",
        "title_en": "Managing household finances",
        "category": "numeracy",
        "digital_level": None,
        "hours": "5",
        "description": (
            "Ghi chép thu chi, lập ngân sách theo mùa vụ, tính lãi vay và tránh tín dụng đen: những phép tính "
            "thiết thực cho mỗi gia đình."
        ),
        "lessons": [
            (
                "Ghi chép thu chi",
                """Muốn quản lý tiền, trước hết phải biết **tiền đến từ đâu và đi về đâu**. Hãy dùng một cuốn sổ hoặc
ứng dụng ghi chép trên điện thoại, mỗi tối ghi lại:

- **Thu**: tiền bán thanh long, tiền công, lương, tiền con gửi về…
- **Chi**: ăn uống, điện nước, học phí, phân bón, xăng xe, đám tiệc…

Cuối tháng cộng lại: *Thu – Chi = Còn lại*. Ví dụ: thu 9.500.000 đ, chi 8.200.000 đ, còn lại 1.300.000 đ.

Với nhà nông, thu nhập dồn vào mùa thu hoạch. Khi đó hãy chia số tiền thu được cho số tháng đến vụ sau:
bán vụ được 60 triệu, 6 tháng nữa mới có vụ mới thì mỗi tháng chỉ nên tiêu tối đa 10 triệu.""",
            ),
            (
                "Lập ngân sách và quỹ dự phòng",
                """Một cách chia thu nhập dễ nhớ là **50 – 30 – 20**:

- 50% cho nhu cầu thiết yếu (ăn uống, điện nước, học hành, đi lại);
- 30% cho sản xuất, mua sắm, hiếu hỷ;
- 20% để tiết kiệm.

Với thu nhập 10 triệu đồng/tháng: 5 triệu thiết yếu, 3 triệu sản xuất – mua sắm, 2 triệu tiết kiệm.

Phần tiết kiệm trước hết dành cho **quỹ dự phòng** bằng 3 đến 6 tháng chi tiêu thiết yếu, để khi ốm đau,
mất mùa không phải đi vay nóng. Chi tiêu thiết yếu 5 triệu/tháng thì quỹ dự phòng nên từ 15 đến 30 triệu.

Tham gia **bảo hiểm y tế** cho cả gia đình cũng là một cách dự phòng rẻ và hiệu quả.""",
            ),
            (
                "Tính lãi vay và tránh tín dụng đen",
                """**Lãi đơn** theo tháng: *Tiền lãi = Số tiền vay × Lãi suất tháng × Số tháng*.

Ví dụ: vay 20.000.000 đ, lãi 0,8%/tháng, trong 12 tháng: 20.000.000 × 0,008 × 12 = **1.920.000 đ** tiền lãi.

So sánh với "vay nóng" ngoài chợ: *3.000 đồng cho 1 triệu mỗi ngày* nghe rất nhỏ, nhưng bằng 0,3%/ngày,
tức khoảng 9%/tháng và **gần 110%/năm**. Vay 20 triệu trong một năm phải trả gần 22 triệu tiền lãi!

Bộ luật Dân sự 2015 giới hạn lãi suất cho vay giữa các cá nhân không quá **20%/năm**. Khi cần vốn sản xuất,
hãy hỏi **Ngân hàng Chính sách xã hội** (qua tổ tiết kiệm và vay vốn ở thôn), Agribank hoặc quỹ tín dụng
nhân dân; hộ nghèo, cận nghèo được vay với lãi suất ưu đãi.""",
            ),
        ],
    },
    {
        "code": "PL-HNGD",
        "title": "Pháp luật về hôn nhân và gia đình",
        "title_en": "Marriage and family law",
        "category": "law",
        "digital_level": None,
        "hours": "4",
        "description": (
            "Những điều cần biết về kết hôn, tài sản vợ chồng, quyền và nghĩa vụ với con cái, phòng chống bạo lực "
            "gia đình theo Luật Hôn nhân và gia đình năm 2014."
        ),
        "lessons": [
            (
                "Điều kiện kết hôn và đăng ký kết hôn",
                """Theo Luật Hôn nhân và gia đình năm 2014, nam, nữ kết hôn phải:

- Nam từ đủ **20 tuổi**, nữ từ đủ **18 tuổi**;
- Tự nguyện quyết định, không ai được ép buộc, lừa dối hay cản trở;
- Không mất năng lực hành vi dân sự và không thuộc các trường hợp cấm (đang có vợ hoặc có chồng,
  giữa những người cùng dòng máu trực hệ hoặc có họ trong phạm vi ba đời…).

Lấy vợ, lấy chồng khi chưa đủ tuổi là **tảo hôn** và bị pháp luật nghiêm cấm; tảo hôn ảnh hưởng đến sức khỏe
của người mẹ trẻ, việc học và tương lai của cả hai người.

Việc kết hôn chỉ được pháp luật công nhận khi **đăng ký tại Ủy ban nhân dân xã** nơi cư trú của một trong hai
người. Chỉ tổ chức đám cưới mà không đăng ký thì không phát sinh quan hệ vợ chồng trước pháp luật.""",
            ),
            (
                "Tài sản chung, tài sản riêng của vợ chồng",
                """**Tài sản chung** gồm tài sản vợ, chồng tạo ra, thu nhập từ lao động, sản xuất, kinh doanh trong thời
kỳ hôn nhân; tài sản được tặng cho chung, thừa kế chung. Đất được cấp trong thời kỳ hôn nhân cũng là tài sản
chung.

**Tài sản riêng** là tài sản mỗi người có trước khi kết hôn, được thừa kế riêng, tặng cho riêng.

Những việc định đoạt tài sản chung có giá trị lớn như **bán đất, nhà ở, thế chấp vay ngân hàng** phải có sự
đồng ý bằng văn bản của cả hai vợ chồng. Vì vậy sổ đỏ cấp cho tài sản chung nên ghi tên cả vợ và chồng.

Khi có tranh chấp, hòa giải viên ở cơ sở (thôn, khu phố) có thể giúp các bên thương lượng trước khi đưa ra
tòa án.""",
            ),
            (
                "Quyền của con và phòng chống bạo lực gia đình",
                """Cha mẹ có nghĩa vụ nuôi dưỡng, chăm sóc, cho con đi học; không được phân biệt đối xử giữa con trai và
con gái, con đẻ và con nuôi. Sau ly hôn, người không trực tiếp nuôi con vẫn phải **cấp dưỡng** và có quyền
thăm nom con.

Bạo lực gia đình không chỉ là đánh đập: chửi bới, xúc phạm, cô lập, kiểm soát tiền bạc, ép buộc quan hệ
tình dục cũng là hành vi bạo lực theo Luật Phòng, chống bạo lực gia đình năm 2022.

Khi chứng kiến bạo lực gia đình, hãy báo trưởng thôn, công an xã hoặc gọi **113**. Với trẻ em bị xâm hại,
gọi **Tổng đài quốc gia bảo vệ trẻ em 111** (miễn phí, 24/7). Người bị bạo lực có quyền được bảo vệ, được
hỗ trợ chỗ ở tạm thời và được giữ bí mật thông tin.""",
            ),
        ],
    },
    {
        "code": "SK-CSSKBD",
        "title": "Chăm sóc sức khỏe ban đầu",
        "title_en": "Primary health care at home",
        "category": "health",
        "digital_level": None,
        "hours": "4",
        "description": (
            "Sơ cứu thường gặp, phòng sốt xuất huyết, chăm sóc trẻ nhỏ và người cao tuổi, dùng thẻ bảo hiểm y tế "
            "— kiến thức mỗi gia đình nên có."
        ),
        "lessons": [
            (
                "Sơ cứu vết thương, bỏng và đuối nước",
                """**Vết thương chảy máu:** rửa tay, dùng gạc hoặc vải sạch ép chặt lên vết thương 10 phút. Vết thương
sâu, máu không cầm, do vật bẩn hoặc đinh gỉ đâm: đưa đến trạm y tế để được khâu và tiêm phòng uốn ván.

**Bỏng:** xả ngay vùng bỏng dưới vòi nước mát, sạch trong **15 – 20 phút**. Không bôi kem đánh răng, nước mắm,
mỡ trăn lên vết bỏng; không chọc vỡ nốt phỏng. Che bằng gạc sạch và đi khám.

**Đuối nước:** đưa nạn nhân lên bờ, gọi người hỗ trợ và gọi **115**. Nếu nạn nhân không thở: thổi ngạt và ép
tim ngay tại chỗ. **Không dốc ngược** nạn nhân để "xốc nước" vì mất thời gian cấp cứu quý giá.

Dạy trẻ biết bơi và không cho trẻ tắm sông, hồ, biển khi không có người lớn đi cùng.""",
            ),
            (
                "Phòng chống sốt xuất huyết",
                """Sốt xuất huyết do muỗi vằn truyền, hay bùng phát vào mùa mưa. Muỗi đẻ trứng ở nơi **nước sạch đọng**:
lu, khạp, chậu cây, lốp xe, vỏ chai, máng nước.

Mỗi tuần một lần, cả nhà cùng:

- Đậy kín lu, khạp; thả cá diệt lăng quăng vào bể nước lớn;
- Lật úp hoặc bỏ vật dụng có thể đọng nước;
- Ngủ màn kể cả ban ngày, nhất là trẻ nhỏ.

Khi sốt cao đột ngột 2 – 7 ngày, đau đầu, đau mỏi người: hạ sốt bằng **paracetamol** theo đúng liều, uống nhiều
nước, oresol. **Không dùng aspirin, ibuprofen**. Đến ngay cơ sở y tế khi có dấu hiệu: đau bụng, nôn nhiều, chảy
máu chân răng, chảy máu cam, li bì — nhất là khi đã hết sốt, vì đây là giai đoạn nguy hiểm.""",
            ),
            (
                "Tiêm chủng, bảo hiểm y tế và khám định kỳ",
                """**Tiêm chủng mở rộng** miễn phí tại trạm y tế xã giúp trẻ phòng lao, viêm gan B, bạch hầu, ho gà, uốn
ván, bại liệt, sởi… Giữ sổ tiêm chủng và đưa trẻ đi tiêm đúng lịch được nhắn.

**Thẻ bảo hiểm y tế** giúp giảm phần lớn chi phí khi ốm đau. Khám chữa bệnh đúng tuyến (nơi đăng ký ban đầu)
để được hưởng đầy đủ quyền lợi. Thẻ có thể tích hợp trên ứng dụng VNeID, không cần mang thẻ giấy.

Người từ 40 tuổi nên **đo huyết áp, đường huyết** ít nhất mỗi năm một lần. Tăng huyết áp và đái tháo đường
thường không có triệu chứng cho tới khi gây tai biến. Người đã được chẩn đoán cần uống thuốc đều đặn theo đơn,
không tự ý bỏ thuốc khi thấy khỏe.""",
            ),
        ],
    },
    {
        "code": "NONG-TLONG",
        "title": "Kỹ thuật trồng thanh long",
        "title_en": "Growing dragon fruit",
        "category": "agriculture",
        "digital_level": None,
        "hours": "6",
        "description": (
            "Trồng, chăm sóc, xử lý ra hoa trái vụ bằng chong đèn, phòng bệnh đốm nâu và thu hoạch thanh long đạt "
            "tiêu chuẩn VietGAP — cây trồng chủ lực của Bắc Bình."
        ),
        "lessons": [
            (
                "Chọn giống, làm trụ và trồng",
                """Bình Thuận là vùng trồng thanh long lớn nhất cả nước. Hai giống chính: **ruột trắng** (vỏ đỏ, dễ
trồng, năng suất cao) và **ruột đỏ** (giá cao hơn, cần chăm sóc kỹ hơn).

- **Hom giống**: chọn cành bánh tẻ dài 40 – 50 cm, từ cây mẹ khỏe, không sâu bệnh; để khô vết cắt vài ngày.
- **Trụ**: trụ bê tông cao khoảng 1,6 – 1,8 m so với mặt đất, trên đầu có khung (bánh xe) để cành rủ xuống.
- **Mật độ**: khoảng 1.000 – 1.100 trụ/ha, mỗi trụ trồng 3 – 4 hom quanh chân trụ.

Đất trồng cần thoát nước tốt; lên mô cao ở vùng trũng. Bón lót phân chuồng hoai mục 10 – 15 kg/trụ trộn với
vôi bột và phân lân trước khi trồng.""",
            ),
            (
                "Tưới, bón phân và tỉa cành",
                """Thanh long chịu hạn nhưng muốn có năng suất phải **tưới đủ ẩm**, nhất là giai đoạn ra hoa, nuôi trái;
tưới nhỏ giọt hoặc phun gốc giúp tiết kiệm nước. Tránh để đọng nước quanh gốc.

Bón phân theo giai đoạn: sau thu hoạch bón phân hữu cơ và đạm để ra cành mới; trước ra hoa tăng lân, kali;
nuôi trái tăng kali giúp trái nặng ký, ngọt. Ưu tiên phân hữu cơ vi sinh để cải tạo đất.

**Tỉa cành** sau mỗi vụ: cắt bỏ cành già, cành sâu bệnh, cành mọc chen chúc; giữ tán thông thoáng. Dụng cụ
cắt phải được lau cồn hoặc nước vôi giữa các trụ để không lây bệnh.""",
            ),
            (
                "Chong đèn xử lý ra hoa trái vụ",
                """Thanh long ra hoa tự nhiên khi ngày dài (mùa hè). Để có trái vụ nghịch giá cao, nông dân Bình Thuận
**chong đèn** vào ban đêm để kéo dài thời gian chiếu sáng.

- Mỗi trụ treo bóng đèn compact hoặc đèn LED chuyên dụng cho thanh long.
- Thắp liên tục khoảng **15 – 20 đêm** (tùy mùa), mỗi đêm 6 – 10 giờ.
- Sau khi tắt đèn khoảng 2 – 3 tuần, cây bắt đầu ra nụ.

Dùng **đèn LED** tiết kiệm điện đáng kể so với bóng sợi đốt. Kiểm tra dây điện, ổ cắm trước mỗi đợt chong
đèn; dùng dây đạt chuẩn, có cầu dao chống giật để tránh tai nạn điện trong vườn.""",
            ),
            (
                "Phòng bệnh đốm nâu, thu hoạch theo VietGAP",
                """**Bệnh đốm nâu** (đốm trắng) do nấm gây ra, làm cành và trái có đốm sần, mất giá trị. Phòng bệnh:

- Cắt bỏ, tiêu hủy cành bệnh, không vứt trong vườn;
- Giữ vườn thông thoáng, tránh tưới phun lên cành vào chiều tối;
- Khi cần dùng thuốc, chọn thuốc có trong danh mục được phép, đúng liều và **đúng thời gian cách ly**.

Thu hoạch khi trái chín, khoảng **28 – 32 ngày sau khi hoa nở**; dùng kéo cắt cả cuống, đặt nhẹ vào sọt lót
giấy, để nơi thoáng mát.

Sản xuất theo **VietGAP**: ghi nhật ký bón phân, phun thuốc; có **mã số vùng trồng** để thanh long được xuất
khẩu và bán vào siêu thị với giá ổn định.""",
            ),
        ],
    },
    {
        "code": "TC-CDHT",
        "title": "Tìm hiểu bộ tiêu chí Công dân học tập",
        "title_en": "Understanding the Learning Citizen criteria",
        "category": "criteria_study",
        "digital_level": None,
        "hours": "2",
        "description": (
            "Mục đích của mô hình Công dân học tập, ba năng lực và mười chỉ số, cách tính điểm và cách theo dõi "
            "sổ học tập của mình trên nền tảng."
        ),
        "lessons": [
            (
                "Vì sao xây dựng Công dân học tập?",
                """Đề án "Đẩy mạnh xây dựng mô hình học tập trong gia đình, dòng họ, cộng đồng, đơn vị giai đoạn 2021 –
2030" (Quyết định số 677/QĐ-TTg ngày 3/6/2022 của Thủ tướng Chính phủ) đặt mục tiêu mỗi người dân học tập suốt
đời để nâng cao chất lượng cuộc sống, góp phần xây dựng xã hội học tập.

Danh hiệu **Công dân học tập** ghi nhận những người thường xuyên học hỏi và vận dụng điều đã học vào công
việc, cuộc sống. Cùng với đó là các danh hiệu **Gia đình học tập**, **Dòng họ học tập**, **Cộng đồng học tập**
(thôn, khu phố) và **Đơn vị học tập**.

Huyện Bắc Bình đặt chỉ tiêu đến năm 2030: 60% người lớn trong gia đình, dòng họ, cộng đồng học tập đạt danh
hiệu Công dân học tập; 90% người đạt danh hiệu có kỹ năng số.""",
            ),
            (
                "Ba năng lực, mười chỉ số",
                """Bộ tiêu chí (Hội Khuyến học Việt Nam, Quyết định 244/QĐ-KHVN năm 2022, sửa đổi năm 2023) gồm **ba
năng lực cốt lõi** với **mười chỉ số**, tổng **100 điểm**, mỗi chỉ số tối đa 10 điểm:

1. **Năng lực tự học và học tập suốt đời**: đọc, cập nhật tri thức; kế hoạch học tập; sinh hoạt học tập
   cộng đồng, tập huấn; động viên người thân, đồng nghiệp học tập.
2. **Năng lực số, ngoại ngữ, tính toán, tư duy**: kỹ năng số; ngoại ngữ; tính toán; tư duy phản biện,
   giải quyết vấn đề.
3. **Năng lực hợp tác**: xây dựng quan hệ thân thiện, hòa giải; hợp tác, chia sẻ trong lao động và
   hoạt động xã hội.

Người đạt **từ 80 điểm** trở lên và **không có chỉ số nào dưới 5 điểm** đủ điều kiện được công nhận. Ở vùng
đặc biệt khó khăn, vùng đồng bào dân tộc thiểu số, mức điểm là **70**.""",
            ),
            (
                "Theo dõi sổ học tập của bạn",
                """Trên nền tảng *Học Tập Suốt Đời*, mục **Sổ học tập** cho biết điểm từng chỉ số trong năm đánh giá,
các minh chứng đã được ghi nhận và chỉ số nào còn thiếu.

- Hoàn thành một khóa học trực tuyến: minh chứng được ghi nhận ngay, điểm được tính lại sau vài giây.
- Tham gia lớp tập huấn: báo cáo viên điểm danh hoặc bạn quét mã QR tại lớp.
- Những việc như hòa giải ở thôn, tham gia hoạt động khuyến học: kê khai kèm minh chứng để cán bộ xã xác nhận.

Khi đủ điều kiện, Ủy ban nhân dân xã xem xét và **ra quyết định công nhận**; hệ thống không tự công nhận.
Hãy xem gợi ý khóa học trong sổ học tập để bù vào chỉ số còn yếu.""",
            ),
        ],
    },
    {
        "code": "VH-ATGT",
        "title": "An toàn giao thông cho người đi xe máy",
        "title_en": "Road safety for motorbike riders",
        "category": "culture_society",
        "digital_level": None,
        "hours": "2",
        "description": (
            "Đội mũ bảo hiểm đúng cách, đã uống rượu bia thì không lái xe, đưa đón trẻ an toàn trên quốc lộ 1A và "
            "đường liên xã."
        ),
        "lessons": [
            (
                "Mũ bảo hiểm đúng chuẩn, đội đúng cách",
                """Đội mũ bảo hiểm giảm đáng kể nguy cơ tử vong và chấn thương sọ não khi tai nạn. Mũ đạt chuẩn có **tem
hợp quy CR**, vỏ cứng, lớp xốp dày bên trong; không dùng mũ "thời trang" mỏng, nhẹ.

Đội đúng cách: mũ ôm sát đầu, vành trước cách lông mày khoảng hai ngón tay, **cài quai** vừa khít dưới
cằm (lọt một ngón tay). Mũ không cài quai sẽ văng ra khi va chạm.

Trẻ em từ đủ 6 tuổi ngồi sau xe máy bắt buộc đội mũ bảo hiểm; trẻ nhỏ hơn cũng nên đội mũ trẻ em vừa cỡ đầu.""",
            ),
            (
                "Đã uống rượu bia thì không lái xe",
                """Pháp luật Việt Nam **cấm tuyệt đối** người điều khiển phương tiện giao thông có nồng độ cồn trong máu
hoặc hơi thở, dù chỉ một lon bia. Mức phạt rất nặng và có thể bị tước giấy phép lái xe.

Rượu bia làm chậm phản xạ, giảm khả năng quan sát và phán đoán; người say thường chủ quan, phóng nhanh.

Sau đám tiệc: nhờ người không uống chở về, gọi xe ôm, taxi, hoặc nghỉ lại. Hãy nhắc nhau trong gia đình,
dòng họ: *"Đã uống rượu bia – không lái xe"*.""",
            ),
            (
                "Đi trên quốc lộ và đường liên xã",
                """Quốc lộ 1A qua Bắc Bình có nhiều xe tải, xe khách chạy tốc độ cao. Khi đi xe máy:

- Đi đúng làn, sát bên phải; không đi hàng hai, hàng ba, không lạng lách.
- Qua đường hoặc rẽ vào đường nhỏ: giảm tốc độ, bật xi nhan sớm, quan sát kỹ phía sau.
- Buổi tối bật đèn, mặc áo sáng màu; kiểm tra phanh, đèn trước khi đi xa.
- Không dùng điện thoại khi đang lái xe.

Dạy trẻ đi bộ sát lề, qua đường ở nơi có vạch kẻ đường và luôn nắm tay người lớn.""",
            ),
        ],
    },
]


TRAINER_NAME = "Báo cáo viên Trung tâm GDNN-GDTX Bắc Bình"


def demo_trainer() -> User:
    """Return the demo trainer's account, creating it (as the demo would) when the catalogue loads first."""
    from lms.demo.services import ACTOR, LOGINS, PASSWORD

    found = find_login(LOGINS["trainer"])
    if found is None:
        found = create_user(LOGINS["trainer"], PASSWORD, "trainer", display_name=TRAINER_NAME, actor=ACTOR)
    return found


def load_demo_catalogue() -> list[str]:
    """Create the demo courses and their lessons (skipping codes that exist), authored by the demo trainer;
    return every demo code."""
    codes = [c["code"] for c in COURSES]
    existing = set(db.session.scalars(sa.select(Course.code).where(Course.code.in_(codes))))
    trainer = demo_trainer()
    for spec in COURSES:
        if spec["code"] in existing:
            continue
        course = Course(
            code=spec["code"],
            title=spec["title"],
            title_en=spec["title_en"],
            description=spec["description"],
            category=spec["category"],
            hours=Decimal(spec["hours"]),
            digital_level=spec["digital_level"],
            published=True,
            created_by_id=trainer.id,
        )
        course.lessons = [
            Lesson(position=n, title=title, body=body) for n, (title, body) in enumerate(spec["lessons"], start=1)
        ]
        db.session.add(course)
    db.session.flush()
    return codes
