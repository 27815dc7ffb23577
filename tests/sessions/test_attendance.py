"""Attendance: the trainer's checklist and QR self check-in become `session` evidence and count in the record."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.util import utcnow
from tests.web.conftest import score, sign_in, submit, token_of


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


def _check_in(client, path: str):  # type: ignore[no-untyped-def]
    """Open the check-in page and press its confirmation button, as a citizen does."""
    return submit(client, path, path)


def test_opening_the_qr_link_records_nothing_until_the_citizen_confirms(app, client, citizen, training):
    from courses.sessions.services import session_date
    from lms.recompute.models import DirtySubject

    sign_in(client, "0912345678")
    path = _qr_path(app, training)
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Xác nhận điểm danh" in html and training.title in html and 'method="post"' in html
    assert _attendance(training) == [] and _evidence(citizen.person) == []  # a forwarded link checks nobody in

    response = _check_in(client, path)
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


def test_the_confirmation_needs_a_csrf_token(app, client, citizen, training):
    sign_in(client, "0912345678")
    path = _qr_path(app, training)
    assert client.post(path, data={}).status_code == 400
    assert _attendance(training) == []


def test_checking_in_twice_is_harmless(app, client, citizen, training):
    sign_in(client, "0912345678")
    path = _qr_path(app, training)
    _check_in(client, path)
    again = client.get(path)
    assert again.status_code == 200
    assert "Bạn đã điểm danh lớp này rồi" in again.get_data(as_text=True)
    client.post(path, data={"csrf_token": token_of(client.get("/sessions").get_data(as_text=True))})
    assert len(_attendance(training)) == 1 and len(_evidence(citizen.person)) == 1


def test_logged_out_the_page_asks_to_log_in_then_comes_back_to_confirm(app, client, citizen, training):
    path = _qr_path(app, training)
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Đăng nhập để điểm danh") < html.index('name="password"')
    assert training.title in html
    response = submit(client, path, f"/auth/login?next={path}", {"login": "0912345678", "password": "mat-khau-2026"})
    assert response.status_code == 302 and response.headers["Location"].startswith(path)
    assert _attendance(training) == []
    assert "Đã điểm danh" in _check_in(client, path).get_data(as_text=True)
    assert len(_attendance(training)) == 1


def test_attendance_counts_in_the_learning_record(app, client, citizen, default_framework, make_session):
    """T1.3: 1 point per hour of sessions; T3.2: 3 points per session attended (default framework, 2026)."""
    from lms.criteria.models import PersonResult

    ts = make_session(hours=3, length=timedelta(hours=3))
    sign_in(client, "0912345678")
    _check_in(client, _qr_path(app, ts))
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
    path = _qr_path(app, ts)
    response = client.get(path)
    assert response.status_code == status
    if status == 200:
        response = _check_in(client, path)
    else:
        refused = client.post(path, data={"csrf_token": token_of(client.get("/sessions").get_data(as_text=True))})
        assert refused.status_code == status
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
    path = _qr_path(app, training)
    response = client.get(path)
    assert response.status_code == 403
    assert "Lớp này dành cho đối tượng khác" in response.get_data(as_text=True)
    token = token_of(client.get("/sessions").get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token}).status_code == 403
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


def test_the_qr_page_shows_a_live_count_from_a_small_json_endpoint(app, client, citizen, training):
    sign_in(client, "trainer@example.vn")
    page = client.get(f"/sessions/{training.id}/checkin-code").get_data(as_text=True)
    count_url = f"/sessions/{training.id}/present.json"
    assert f'data-count-url="{count_url}"' in page
    assert "/static/js/live-count.js" in page and "<script>" not in page  # CSP: no inline script
    assert client.get(count_url).get_json() == {"present": 0}
    citizen_client = app.test_client()
    sign_in(citizen_client, "0912345678")
    _check_in(citizen_client, _qr_path(app, training))
    response = client.get(count_url)
    assert response.get_json() == {"present": 1}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_typed_session_code_leads_to_the_same_confirmation(app, client, citizen, training):
    from courses.sessions.services import typed_checkin_code

    trainer = app.test_client()
    sign_in(trainer, "trainer@example.vn")
    with app.test_request_context():
        code = typed_checkin_code(training)
    assert code in trainer.get(f"/sessions/{training.id}/checkin-code").get_data(as_text=True)
    sign_in(client, "0912345678")
    assert 'name="code"' in client.get("/sessions/checkin").get_data(as_text=True)
    typed = code.replace("-", " ").lower()
    response = client.get("/sessions/checkin", query_string={"code": typed})
    assert response.status_code == 302
    path = response.headers["Location"]
    assert path == _qr_path(app, training)
    assert _attendance(training) == []  # typing the code only opens the confirmation
    assert "Đã điểm danh" in _check_in(client, path).get_data(as_text=True)
    assert len(_attendance(training)) == 1


def test_a_wrong_or_closed_typed_code_is_refused(app, client, citizen, make_session):
    from courses.sessions.services import typed_checkin_code

    later = make_session(starts_in=timedelta(days=1))
    with app.test_request_context():
        code = typed_checkin_code(later)
    sign_in(client, "0912345678")
    for typed in (code, "ZZZ-ZZZ", "!!"):
        response = client.get("/sessions/checkin", query_string={"code": typed})
        assert response.status_code == 400, typed
        assert "Không có lớp nào đang mở điểm danh với mã này" in response.get_data(as_text=True)


def test_checklist_ticks_and_unticks_people(app, client, training, tree, make_person, default_framework):
    from courses.sessions.services import register

    people = [make_person(tree["A1" if i % 2 else "A2"], full_name=f"Người Số {i}") for i in range(4)]
    stranger = make_person(tree["B1"], full_name="Người Xã Khác")
    for person in people:
        register(training, person)
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


def test_the_list_shows_only_who_registered_or_checked_in(client, training, tree, make_person):
    from courses.sessions.services import check_in, register

    registered = make_person(tree["A1"], full_name="Đã Đăng Ký", birth_year=1961)
    came = make_person(tree["A2"], full_name="Đã Quét Mã")
    resident = make_person(tree["A1"], full_name="Chưa Đăng Ký", birth_year=1950)
    register(training, registered)
    check_in(training, came)
    db.session.commit()
    sign_in(client, "trainer@example.vn")
    page = client.get(f"/sessions/{training.id}/attendance").get_data(as_text=True)
    assert "Đã Đăng Ký" in page and "Đã Quét Mã" in page
    assert resident.full_name not in page and "1950" not in page and "1961" not in page  # no paging through residents


def test_others_are_added_by_exact_code_or_a_name_search_within_the_audience_audited(
    client, training, tree, make_person
):
    from lms.audit.models import AuditEntry

    resident = make_person(tree["A1"], full_name="Lê Thị Mận", code="BB000777")
    make_person(tree["B1"], full_name="Lê Thị Mận Xã Khác", code="BB000888")
    db.session.commit()
    sign_in(client, "trainer@example.vn")
    action = f"/sessions/{training.id}/attendance"
    by_code = client.get(action, query_string={"q": "bb000777"}).get_data(as_text=True)
    assert "Lê Thị Mận" in by_code and "Xã Khác" not in by_code
    outside = client.get(action, query_string={"q": "BB000888"}).get_data(as_text=True)
    assert "Lê Thị Mận Xã Khác" not in outside  # another commune: not in the audience
    assert "Xã Khác" not in client.get(action, query_string={"q": "le thi man"}).get_data(as_text=True)
    assert "Lê Thị" not in client.get(action, query_string={"q": "le"}).get_data(as_text=True)  # too short
    searches = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "session.search")))
    assert {e.after["q"] for e in searches} >= {"bb000777", "BB000888", "le thi man"}
    assert all(e.actor == "trainer@example.vn" for e in searches)
    response = submit(client, f"{action}?q=bb000777", action, {"shown": [resident.id], "present": [resident.id]})
    assert response.status_code == 302
    assert {a.person_id for a in _attendance(training)} == {resident.id}
    marked = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "session.attendance"))
    assert marked.after == {"present": ["BB000777"], "absent": []} and marked.actor == "trainer@example.vn"
    assert "Lê Thị Mận" in client.get(action).get_data(as_text=True)  # now on the list: checked in


def test_a_trainer_whose_area_was_taken_back_sees_and_marks_nobody(client, training, tree, make_person, trainer):
    from courses.sessions.services import register
    from lms.trainers.services import remove_trainer_area

    person = make_person(tree["A1"], full_name="Người Đã Đăng Ký")
    register(training, person)
    remove_trainer_area(trainer, tree["D"], "test")
    db.session.commit()
    sign_in(client, "trainer@example.vn")
    action = f"/sessions/{training.id}/attendance"
    page = client.get(action).get_data(as_text=True)
    assert "Người Đã Đăng Ký" not in page and "không còn nằm trong địa bàn" in page
    assert "Người Đã Đăng Ký" not in client.get(action, query_string={"q": "nguoi da dang ky"}).get_data(as_text=True)
    token = token_of(page)
    client.post(action, data={"csrf_token": token, "shown": [person.id], "present": [person.id]})
    assert _attendance(training) == []


def test_a_citizen_registers_and_withdraws(app, client, citizen, training):
    from courses.sessions.models import Registration

    sign_in(client, "0912345678")
    page = f"/sessions/{training.id}"
    assert "Đăng ký tham dự" in client.get(page).get_data(as_text=True)
    submit(client, page, f"{page}/register")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert "Bạn đã đăng ký tham dự lớp này." in client.get(page).get_data(as_text=True)
    submit(client, page, f"{page}/register")  # twice is harmless
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    submit(client, page, f"{page}/unregister")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


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
