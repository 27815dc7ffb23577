"""Attendance: the trainer's checklist and QR self check-in become `session` evidence and count in the record."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.util import utcnow
from tests.web.conftest import score, sign_in, submit


def _evidence(person):  # type: ignore[no-untyped-def]
    from lms.evidence.models import Evidence

    return list(db.session.scalars(sa.select(Evidence).where(Evidence.person_id == person.id)))


def _attendance(ts):  # type: ignore[no-untyped-def]
    from courses.sessions.models import Attendance

    return list(db.session.scalars(sa.select(Attendance).where(Attendance.session_id == ts.id)))


def _qr_path(app, ts) -> str:  # type: ignore[no-untyped-def]
    from courses.sessions.services import checkin_token

    with app.test_request_context():
        return f"/sessions/checkin/{checkin_token(ts)}"


def test_qr_check_in_records_session_evidence_and_marks_dirty(app, client, citizen, training):
    from courses.sessions.services import session_date
    from lms.recompute.models import DirtySubject

    sign_in(client, "0912345678")
    response = client.get(_qr_path(app, training))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đã điểm danh" in page and training.title in page
    (attendance,) = _attendance(training)
    assert attendance.method == "qr"
    (evidence,) = _evidence(citizen.person)
    assert (evidence.kind, evidence.ref, evidence.hours, evidence.source) == ("session", training.code, 2, "session")
    assert evidence.date == session_date(training)
    assert db.session.scalar(
        sa.select(DirtySubject).where(
            DirtySubject.subject_kind == "person", DirtySubject.subject_id == citizen.person.id
        )
    )


def test_checking_in_twice_is_harmless(app, client, citizen, training):
    sign_in(client, "0912345678")
    path = _qr_path(app, training)
    client.get(path)
    again = client.get(path)
    assert again.status_code == 200
    assert "Bạn đã điểm danh lớp này rồi" in again.get_data(as_text=True)
    assert len(_attendance(training)) == 1 and len(_evidence(citizen.person)) == 1


def test_anonymous_is_sent_to_login_then_checked_in(app, client, citizen, training):
    from tests.web.conftest import submit

    path = _qr_path(app, training)
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login_page = response.headers["Location"]
    response = submit(client, login_page, login_page, {"login": "0912345678", "password": "mat-khau-2026"})
    assert response.status_code == 302 and response.headers["Location"].startswith(path)
    assert "Đã điểm danh" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(_attendance(training)) == 1


def test_attendance_counts_in_the_learning_record(app, client, citizen, default_framework, make_session):
    """T1.3: 1 point per hour of sessions; T3.2: 3 points per session attended (default framework, 2026)."""
    from lms.criteria.models import PersonResult

    ts = make_session(hours=3, length=timedelta(hours=3))
    sign_in(client, "0912345678")
    client.get(_qr_path(app, ts))
    score()
    result = db.session.scalar(
        sa.select(PersonResult).where(PersonResult.person_id == citizen.person.id, PersonResult.period == 2026)
    )
    assert result is not None and result.total == Decimal("6")  # 3 hours (T1.3) + one session (T3.2)


@pytest.mark.parametrize(
    ("starts_in", "length", "status", "message"),
    [
        (timedelta(hours=2), timedelta(hours=2), 400, "Lớp chưa mở điểm danh"),
        (timedelta(minutes=20), timedelta(hours=2), 200, "Đã điểm danh"),  # opens 30 minutes before
        (timedelta(hours=-3, minutes=-50), timedelta(hours=2), 200, "Đã điểm danh"),  # closes 2 hours after
        (timedelta(hours=-5), timedelta(hours=2), 410, "Mã điểm danh đã hết hạn"),
        (timedelta(days=-3), timedelta(hours=2), 410, "Mã điểm danh đã hết hạn"),
    ],
)
def test_qr_code_works_only_around_the_session(app, client, citizen, make_session, starts_in, length, status, message):
    ts = make_session(starts_in=starts_in, length=length)
    sign_in(client, "0912345678")
    response = client.get(_qr_path(app, ts))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert len(_attendance(ts)) == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    "token",
    ["forged", "WzEsMTc2NDM4MDAwMF0.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb", "x" * 2000, "%00", "..%2F..%2Fetc"],
)
def test_forged_qr_codes_are_refused_clearly(app, client, citizen, training, token):
    sign_in(client, "0912345678")
    response = client.get(f"/sessions/checkin/{token}")
    assert response.status_code in (400, 404)
    if response.status_code == 400 and token != "%00":
        assert "Mã điểm danh không hợp lệ" in response.get_data(as_text=True)
    assert _attendance(training) == []


def test_a_code_signed_with_another_key_is_refused(app, client, citizen, training):
    from itsdangerous import URLSafeTimedSerializer

    from courses.sessions.services import TOKEN_SALT

    token = URLSafeTimedSerializer("not-the-secret", salt=TOKEN_SALT).dumps([training.id, 0])
    sign_in(client, "0912345678")
    response = client.get(f"/sessions/checkin/{token}")
    assert response.status_code == 400
    assert _attendance(training) == []


def test_rescheduling_retires_the_old_code(app, client, citizen, training):
    path = _qr_path(app, training)
    training.starts_at = training.starts_at + timedelta(minutes=15)
    training.ends_at = training.ends_at + timedelta(minutes=15)
    db.session.commit()
    sign_in(client, "0912345678")
    response = client.get(path)
    assert response.status_code == 410
    assert "lớp đã bị hủy hoặc đổi giờ" in response.get_data(as_text=True)


def test_a_citizen_outside_the_audience_cannot_check_in(app, client, training, tree, make_person, make_user):
    outsider = make_person(tree["B1"], full_name="Người Xã Khác")
    make_user("citizen", person=outsider, login="outsider@example.vn")
    sign_in(client, "outsider@example.vn")
    response = client.get(_qr_path(app, training))
    assert response.status_code == 403
    assert "Lớp này dành cho đối tượng khác" in response.get_data(as_text=True)
    assert _attendance(training) == []


def test_only_citizens_check_in(app, client, training, officer_a):
    sign_in(client, "canbo.a@example.vn")
    assert client.get(_qr_path(app, training)).status_code == 403


def test_trainer_sees_the_qr_code_as_an_svg(app, client, training):
    sign_in(client, "trainer@example.vn")
    page = client.get(f"/sessions/{training.id}/checkin-code").get_data(as_text=True)
    assert f"/sessions/{training.id}/qr.svg" in page and "/sessions/checkin/" in page
    image = client.get(f"/sessions/{training.id}/qr.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert image.data.lstrip().startswith(b"<?xml") and b"<svg" in image.data and b"<script" not in image.data


def test_checklist_ticks_and_unticks_people(app, client, training, tree, make_person, default_framework):
    people = [make_person(tree["A1" if i % 2 else "A2"], full_name=f"Người Số {i}") for i in range(4)]
    stranger = make_person(tree["B1"], full_name="Người Xã Khác")
    db.session.commit()
    sign_in(client, "trainer@example.vn")
    page = client.get(f"/sessions/{training.id}/attendance").get_data(as_text=True)
    assert all(p.full_name in page for p in people) and stranger.full_name not in page
    shown = [p.id for p in people] + [stranger.id]
    action = f"/sessions/{training.id}/attendance"
    response = submit(client, action, action, {"shown": shown, "present": [people[0].id, people[1].id, stranger.id]})
    assert response.status_code == 302
    assert "thêm 2, bỏ 0" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert {a.person_id for a in _attendance(training)} == {people[0].id, people[1].id}
    assert all(a.method == "list" for a in _attendance(training))
    assert len(_evidence(people[0])) == 1 and _evidence(stranger) == []
    # untick people[1]: attendance and evidence removed
    submit(client, action, action, {"shown": shown, "present": [people[0].id]})
    assert {a.person_id for a in _attendance(training)} == {people[0].id}
    assert _evidence(people[1]) == []
    score()


def test_checklist_search_folds_diacritics(client, training, tree, make_person):
    make_person(tree["A1"], full_name="Nguyễn Thị Hoa")
    make_person(tree["A1"], full_name="Trần Văn Bình")
    db.session.commit()
    sign_in(client, "trainer@example.vn")
    page = client.get(f"/sessions/{training.id}/attendance?q=nguyen+hoa").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in page and "Trần Văn Bình" not in page


def test_unticking_keeps_imported_evidence_of_the_same_code(client, training, citizen):
    from courses.sessions.services import session_date, undo_check_in
    from lms.evidence.services import add_evidence

    add_evidence(citizen.person, kind="session", ref="OFFLINE-1", when=session_date(training), hours=1, source="import")
    from courses.sessions.services import check_in

    check_in(training, citizen.person, "list")
    undo_check_in(training, citizen.person)
    db.session.commit()
    assert [e.ref for e in _evidence(citizen.person)] == ["OFFLINE-1"]


def test_session_in_the_past_year_dates_evidence_in_that_year(app, citizen, make_session):
    from courses.sessions.services import check_in

    ts = make_session(starts_in=utcnow().replace(year=2025, month=12, day=31, hour=1) - utcnow())
    check_in(ts, citizen.person, "list")
    db.session.commit()
    (evidence,) = _evidence(citizen.person)
    assert evidence.date.year == 2025
