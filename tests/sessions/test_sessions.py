"""Scheduling sessions and who sees them: the audience, the trainer, officers of the area."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.web.conftest import sign_in, submit


def _form(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "title": "Tập huấn dịch vụ công trực tuyến",
        "code": "",
        "audience": "area:A1",
        "place": "Nhà văn hóa thôn 1",
        "starts_at": "2026-12-05T08:00",
        "ends_at": "2026-12-05T11:00",
        "hours": "3",
        "description": "Hướng dẫn đăng nhập Cổng Dịch vụ công bằng VNeID.",
    }
    data.update(overrides)
    return data


def test_trainer_schedules_a_session_for_a_village(client, trainer, tree):
    from courses.sessions.models import TrainingSession

    sign_in(client, "trainer@example.vn")
    response = submit(client, "/sessions/new", "/sessions/new", _form(code="th-2026-01"))
    assert response.status_code == 302
    ts = db.session.scalar(sa.select(TrainingSession))
    assert ts.code == "TH-2026-01"
    assert ts.area.code == "A1" and ts.unit is None
    assert ts.hours == 3
    # 08:00 in Vietnam is 01:00 UTC
    assert ts.starts_at.replace(tzinfo=None).hour == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lên lịch lớp tập huấn TH-2026-01" in page
    assert "Tập huấn dịch vụ công trực tuyến" in page


def test_code_is_generated_when_left_empty(client, trainer, tree):
    from courses.sessions.models import TrainingSession

    sign_in(client, "trainer@example.vn")
    assert submit(client, "/sessions/new", "/sessions/new", _form()).status_code == 302
    assert db.session.scalar(sa.select(TrainingSession.code)).startswith("TH2026-")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "2026-12-05T07:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"hours": "5"}, "Số giờ được tính phải lớn hơn 0 và không quá thời lượng của lớp."),
        ({"hours": "abc"}, "Hãy nhập một số"),
        ({"hours": "NaN"}, "Hãy nhập một số"),
        ({"hours": "Infinity"}, "Hãy nhập một số"),
        ({"starts_at": "hôm nay"}, "Ngày giờ không hợp lệ."),
        ({"audience": "area:B1"}, ""),  # allowed: inside the trainer's district
        ({"audience": "area:NOPE"}, "Lựa chọn không hợp lệ."),
        ({"audience": "area:D"}, "Lựa chọn không hợp lệ."),  # a district is not offered
        ({"code": "mã có dấu"}, "Mã lớp chỉ gồm chữ không dấu"),
        ({"title": ""}, "Cần tên lớp."),
    ],
)
def test_bad_session_forms_say_what_is_wrong(client, trainer, tree, changes, message):
    sign_in(client, "trainer@example.vn")
    response = submit(client, "/sessions/new", "/sessions/new", _form(**changes))
    if not message:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_duplicate_code_is_refused(client, trainer, training):
    sign_in(client, "trainer@example.vn")
    response = submit(client, "/sessions/new", "/sessions/new", _form(code=training.code))
    assert response.status_code == 400
    assert f"Mã lớp {training.code} đã được dùng" in response.get_data(as_text=True)


def test_trainer_of_an_area_only_schedules_inside_it(client, tree, make_user):
    make_user("trainer", area=tree["A"], login="trainer.a@example.vn")
    sign_in(client, "trainer.a@example.vn")
    page = client.get("/sessions/new").get_data(as_text=True)
    assert "area:A1" in page and "area:B1" not in page
    response = submit(client, "/sessions/new", "/sessions/new", _form(audience="area:B1"))
    assert response.status_code == 400


def test_session_for_a_unit_reaches_its_officials_only(client, tree, make_person, make_user, make_session):
    from courses.sessions.services import in_audience
    from lms.people.models import Unit

    unit = Unit(code="UBND-A", name="UBND xã Hòa Ân", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    official = make_person(tree["B1"], full_name="Cán Bộ Xã", unit_id=unit.id, is_official=True)
    neighbour = make_person(tree["A1"], full_name="Hàng Xóm")
    ts = make_session(unit=unit, starts_in=timedelta(days=2))
    assert in_audience(ts, official) and not in_audience(ts, neighbour)
    make_user("citizen", person=official, login="canbo@example.vn")
    sign_in(client, "canbo@example.vn")
    assert ts.title in client.get("/sessions").get_data(as_text=True)


def test_citizens_of_the_audience_see_upcoming_sessions(client, citizen, tree, make_session, make_person, make_user):
    make_session(title="Lớp sắp tới của xã A", starts_in=timedelta(days=3))
    make_session(title="Lớp của thôn A1", area=tree["A1"], starts_in=timedelta(days=1))
    make_session(title="Lớp của thôn A2", area=tree["A2"], starts_in=timedelta(days=1))
    make_session(title="Lớp của xã B", area=tree["B"], starts_in=timedelta(days=1))
    make_session(title="Lớp đã xong", starts_in=timedelta(days=-3))
    sign_in(client, "0912345678")
    page = client.get("/sessions").get_data(as_text=True)
    assert "Lớp tập huấn sắp tới" in page
    assert "Lớp sắp tới của xã A" in page and "Lớp của thôn A1" in page
    assert "Lớp của thôn A2" not in page and "Lớp của xã B" not in page and "Lớp đã xong" not in page
    assert page.index("Lớp của thôn A1") < page.index("Lớp sắp tới của xã A")  # soonest first


def test_trainer_sees_own_sessions_only(client, trainer, make_session, make_user):
    other = make_user("trainer", login="other.trainer@example.vn")
    make_session(title="Lớp của tôi")
    make_session(title="Lớp của người khác", trainer_id=other.id)
    sign_in(client, "trainer@example.vn")
    page = client.get("/sessions").get_data(as_text=True)
    assert "Lớp của tôi" in page and "Lớp của người khác" not in page
    foreign = db.session.scalar(sa.text("SELECT id FROM training_session WHERE title = 'Lớp của người khác'"))
    assert client.get(f"/sessions/{foreign}").status_code == 404
    assert client.get(f"/sessions/{foreign}/edit").status_code == 404
    assert client.get(f"/sessions/{foreign}/attendance").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("audience", 200), ("outsider", 404), ("officer_a", 200), ("officer_b", 404), ("trainer", 200)],
)
def test_session_page_access(client, training, tree, make_person, make_user, officer_a, officer_b, who, status):
    audience = make_person(tree["A2"], full_name="Người Trong Xã")
    outsider = make_person(tree["B1"], full_name="Người Xã Khác")
    make_user("citizen", person=audience, login="audience@example.vn")
    make_user("citizen", person=outsider, login="outsider@example.vn")
    logins = {
        "audience": "audience@example.vn",
        "outsider": "outsider@example.vn",
        "officer_a": "canbo.a@example.vn",
        "officer_b": "canbo.b@example.vn",
        "trainer": "trainer@example.vn",
    }
    sign_in(client, logins[who])
    assert client.get(f"/sessions/{training.id}").status_code == status


def test_officer_lists_sessions_of_the_area(client, officer_a, officer_b, make_session, tree):
    make_session(title="Lớp xã A")
    make_session(title="Lớp xã B", area=tree["B1"])
    sign_in(client, "canbo.a@example.vn")
    page = client.get("/sessions").get_data(as_text=True)
    assert "Lớp xã A" in page and "Lớp xã B" not in page


def test_editing_keeps_code_date_and_hours_once_people_attended(client, training, citizen):
    from courses.sessions.services import check_in

    check_in(training, citizen.person)
    db.session.commit()
    sign_in(client, "trainer@example.vn")
    page = client.get(f"/sessions/{training.id}/edit").get_data(as_text=True)
    assert training.code in page
    form = _form(code=training.code, audience="area:A", hours="1")
    from courses.sessions.forms import to_local_input

    form["starts_at"] = to_local_input(training.starts_at).strftime("%Y-%m-%dT%H:%M")
    form["ends_at"] = to_local_input(training.ends_at).strftime("%Y-%m-%dT%H:%M")
    response = submit(client, f"/sessions/{training.id}/edit", f"/sessions/{training.id}/edit", form)
    assert response.status_code == 400
    assert "không đổi được mã lớp, ngày học và số giờ" in response.get_data(as_text=True)
    form["hours"] = "2"
    form["title"] = "Tên mới"
    response = submit(client, f"/sessions/{training.id}/edit", f"/sessions/{training.id}/edit", form)
    assert response.status_code == 302
    db.session.refresh(training)
    assert training.title == "Tên mới"
