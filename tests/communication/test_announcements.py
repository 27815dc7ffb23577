"""Announcements: published for an audience, shown to the citizens in it (home, notifications, unread
count), their reach by commune, sanitised Markdown, a schedule, and an A4 poster with a QR code."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from lms.audit.models import AuditEntry
from lms.communication import services
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.people.models import Unit
from lms.util import utcnow
from tests.web.conftest import sign_in, submit


def _publish(area, audience="everyone", **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "kind": "announcement",
        "title": kwargs.pop("title", "Lớp kỹ năng số tháng 5"),
        "body": kwargs.pop("body", "Mời bà con **đăng ký**."),
        "audience": audience,
        "starts_at": kwargs.pop("starts_at", utcnow() - timedelta(hours=1)),
        "ends_at": kwargs.pop("ends_at", None),
        "period": 2026,
        "actor": "canbo.a@example.vn",
        **kwargs,
    }
    ann = services.publish(area, **values)
    db.session.commit()
    return ann


def test_an_officer_publishes_for_a_village_and_only_its_citizens_see_it(
    client, tree, officer_a, citizen, make_person, make_user
):
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/announcements"
    response = submit(client, page, page, {
        "kind": "campaign", "title": "Tháng học tập suốt đời", "body": "Cùng học **kỹ năng số**.",
        "audience": "village", "village": str(tree["A1"].id), "unit": "0", "link_kind": "", "link_ref": "",
        "starts_on": (utcnow() - timedelta(days=1)).date().isoformat(), "ends_on": "", "period": "2026",
    }, follow_redirects=True)  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)
    ann = db.session.scalar(sa.select(services.Announcement))
    assert ann.audience == "village" and ann.village_id == tree["A1"].id
    assert db.session.scalar(sa.select(AuditEntry.actor).where(AuditEntry.action == "announcement.publish"))

    reader = client.application.test_client()
    sign_in(reader, "0912345678")
    home = reader.get("/").get_data(as_text=True)
    assert "Tháng học tập suốt đời" in home and "1 chưa đọc" in home
    opened = reader.get(f"/notifications/{ann.id}").get_data(as_text=True)
    assert "<strong>kỹ năng số</strong>" in opened
    assert "0 thông báo chưa đọc" in reader.get("/notifications").get_data(as_text=True)

    other = make_person(tree["A2"], full_name="Ở Thôn Hai")
    make_user("citizen", person=other, login="0987000111")
    outsider = client.application.test_client()
    sign_in(outsider, "0987000111")
    assert "Tháng học tập suốt đời" not in outsider.get("/notifications").get_data(as_text=True)
    assert outsider.get(f"/notifications/{ann.id}").status_code == 404

    reach = client.get(f"/officer/announcements/{ann.id}").get_data(as_text=True)
    assert "1 trong 1 người thuộc đối tượng đã xem." in reach and "Xã Hòa Ân" in reach


@pytest.mark.parametrize(
    ("audience", "who"),
    [("khuyen_hoc", "member"), ("unit", "official"), ("not_eligible", "plain"), ("missing_one", "nearly")],
)
def test_each_audience_reaches_exactly_its_people(tree, make_person, audience, who):
    unit = Unit(code="U-A", name="UBND xã Hòa Ân", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    people = {
        "member": make_person(tree["A1"], khuyen_hoc_member=True),
        "official": make_person(tree["A1"], unit_id=unit.id, is_official=True),
        "nearly": make_person(tree["A2"]),
        "eligible": make_person(tree["A2"]),
    }
    results = {"member": ("60", True), "official": ("70", True), "nearly": ("75", False), "eligible": ("80", True)}
    for key, (total, eligible) in results.items():
        db.session.add(PersonResult(person_id=people[key].id, period=2026, audience="citizen", total=Decimal(total),
                                    threshold=Decimal(50), eligible=eligible))  # fmt: skip
    people["plain"] = make_person(tree["A1"])  # no result: not eligible
    db.session.commit()
    ann = _publish(tree["A"], audience, unit=unit if audience == "unit" else None)
    shown = {key for key, person in people.items() if services.shown_to(ann, person)}
    expected = {
        "khuyen_hoc": {"member"},
        "unit": {"official"},
        "not_eligible": {"nearly", "plain"},
        "missing_one": {"nearly"},
    }[audience]
    assert shown == expected
    assert services.reach(ann)[0].audience == len(expected)


def test_the_schedule_and_withdrawal_decide_what_shows(tree, make_person):
    person = make_person(tree["A1"])
    now = utcnow()
    later = _publish(tree["A"], title="Sắp tới", starts_at=now + timedelta(days=2))
    over = _publish(tree["A"], title="Đã qua", starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=1))
    live = _publish(tree["A"], title="Đang hiện")
    assert [a.title for a, _read in db.session.execute(services.for_person(person))] == ["Đang hiện"]
    assert services.shown_to(later, person, now + timedelta(days=3))
    assert not services.shown_to(over, person)
    services.withdraw(live, "canbo")
    db.session.commit()
    assert services.unread_count(person) == 0
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "announcement.withdraw"))


def test_markdown_is_sanitised(client, tree, citizen):
    ann = _publish(tree["A"], body="<script>alert(1)</script> [bấm](javascript:alert(2)) <img src=x onerror=alert(3)>")
    sign_in(client, "0912345678")
    page = client.get(f"/notifications/{ann.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)" in page  # shown as text, never run


def test_bad_input_is_refused_with_a_message_and_nothing_written(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/announcements"
    base = {"kind": "announcement", "title": "T", "body": "", "audience": "village", "village": "0", "unit": "0",
            "link_kind": "", "link_ref": "", "starts_on": "2026-05-01", "ends_on": "", "period": "2026"}  # fmt: skip
    response = submit(client, page, page, base)
    assert response.status_code == 400 and "Hãy chọn thôn, khu phố nhận tin." in response.get_data(as_text=True)
    response = submit(client, page, page, {**base, "audience": "everyone", "link_kind": "course", "link_ref": "NOPE"})
    assert response.status_code == 400 and "Không tìm thấy khóa học" in response.get_data(as_text=True)
    response = submit(client, page, page, {**base, "audience": "everyone", "ends_on": "2026-04-01"})
    assert response.status_code == 400 and "Ngày kết thúc phải sau ngày bắt đầu." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(services.Announcement)) == 0


def test_the_poster_is_a4_with_a_qr_code_to_the_course_at_the_public_address(
    client, app, tree, officer_a, officer_b, course
):
    app.config["PUBLIC_BASE_URL"] = "https://hoctap.example.vn"
    ann = _publish(tree["A"], link_kind="course", link_ref=course.code, title="Học kỹ năng số")
    sign_in(client, "canbo.a@example.vn")
    response = client.get(f"/officer/announcements/{ann.id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.data))
    page = pdf.pages[0]
    assert (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72)) == (210, 297)
    text = page.extract_text()
    assert f"https://hoctap.example.vn/courses/{course.code}" in text and "localhost" not in text
    assert "Học kỹ năng số" in text
    other = client.application.test_client()
    sign_in(other, "canbo.b@example.vn")
    assert other.get(f"/officer/announcements/{ann.id}/poster.pdf").status_code == 404
    assert other.get(f"/officer/announcements/{ann.id}").status_code == 404


def test_year_summary_counts_announcements_campaigns_and_reach(tree, make_person):
    person = make_person(tree["A1"])
    ann = _publish(tree["A"])
    _publish(tree["A"], kind="campaign", title="Đợt 2")
    services.mark_read(ann, person)
    db.session.commit()
    assert services.year_summary(tree["D"], 2026) == {"announcements": 1, "campaigns": 1, "audience": 2, "seen": 1}


def test_an_officer_withdraws_an_announcement_from_its_page(client, tree, officer_a, citizen):
    ann = _publish(tree["A"])
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/announcements/{ann.id}"
    response = submit(client, page, f"{page}/withdraw", {}, follow_redirects=True)
    assert "Đã thu hồi tin." in response.get_data(as_text=True)
    reader = client.application.test_client()
    sign_in(reader, "0912345678")
    assert reader.get(f"/notifications/{ann.id}").status_code == 404
