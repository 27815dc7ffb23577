"""Trainers work inside the areas given to them (by an admin or an officer of the area), audited."""

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.trainers.models import TrainerArea
from tests.web.conftest import sign_in, submit

FORM = {
    "title": "Tập huấn kỹ năng số",
    "audience": "area:B",
    "place": "UBND xã",
    "starts_at": "2026-12-05T08:00",
    "ends_at": "2026-12-05T10:00",
    "hours": "2",
}


def _sessions() -> int:
    from courses.sessions.models import TrainingSession

    return db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))


def test_a_trainer_without_an_area_cannot_schedule_a_session(client, tree, make_user):
    make_user("trainer", login="gv@example.vn")
    sign_in(client, "gv@example.vn")
    page = client.get("/sessions", follow_redirects=True).get_data(as_text=True)
    assert "Bạn chưa được giao địa bàn" in page
    response = submit(client, "/sessions", "/sessions/new", FORM)
    assert response.status_code == 302 and _sessions() == 0
    assert client.get("/sessions/new").status_code == 302


def test_an_officer_gives_a_trainer_an_area_of_their_commune_and_takes_it_back(client, tree, make_user, officer_b):
    trainer = make_user("trainer", login="gv@example.vn")
    sign_in(client, "canbo.b@example.vn")
    response = submit(
        client, "/officer/trainers", "/officer/trainers", {"login": "gv@example.vn", "area": tree["B"].id}
    )
    assert response.status_code == 302
    assert [(t.user_id, t.area_id) for t in db.session.scalars(sa.select(TrainerArea))] == [(trainer.id, tree["B"].id)]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "trainer.assign"))
    assert entry.actor == "canbo.b@example.vn" and entry.after == {"area": "B"}
    assert "gv@example.vn" in client.get("/officer/trainers").get_data(as_text=True)

    trainer_client = client.application.test_client()
    sign_in(trainer_client, "gv@example.vn")
    assert submit(trainer_client, "/sessions/new", "/sessions/new", FORM).status_code == 302
    assert _sessions() == 1
    refused = submit(trainer_client, "/sessions/new", "/sessions/new", {**FORM, "audience": "area:A"})
    assert refused.status_code == 400 and _sessions() == 1

    remove = f"/officer/trainers/{trainer.id}/areas/{tree['B'].id}/remove"
    assert submit(client, "/officer/trainers", remove).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainerArea)) == 0
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "trainer.unassign")) is not None


def test_an_officer_cannot_give_an_area_outside_their_own_nor_to_a_non_trainer(
    client, tree, make_user, officer_b, citizen
):
    make_user("trainer", login="gv@example.vn")
    sign_in(client, "canbo.b@example.vn")
    outside = submit(client, "/officer/trainers", "/officer/trainers", {"login": "gv@example.vn", "area": tree["A"].id})
    assert outside.status_code == 400  # not among the choices
    not_trainer = submit(
        client, "/officer/trainers", "/officer/trainers", {"login": "0912345678", "area": tree["B"].id}
    )
    assert not_trainer.status_code == 400
    assert "Không có tài khoản báo cáo viên" in not_trainer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainerArea)) == 0


def test_an_officer_cannot_take_back_an_area_outside_their_own(client, tree, make_user, officer_b):
    trainer = make_user("trainer", area=tree["A"], login="gv@example.vn")
    sign_in(client, "canbo.b@example.vn")
    response = submit(client, "/officer/trainers", f"/officer/trainers/{trainer.id}/areas/{tree['A'].id}/remove")
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrainerArea)) == 1


def test_the_audience_offered_lies_inside_the_trainers_areas(client, tree, make_user):
    from lms.people.models import Unit

    db.session.add_all(
        [
            Unit(code="U-A", name="Trường xã A", level="commune", area_id=tree["A"].id),
            Unit(code="U-B", name="Trường xã B", level="commune", area_id=tree["B"].id),
        ]
    )
    db.session.commit()
    make_user("trainer", area=tree["A1"], login="gv@example.vn")
    sign_in(client, "gv@example.vn")
    page = client.get("/sessions/new").get_data(as_text=True)
    assert 'value="area:A1"' in page
    for outside in ("area:A2", "area:B1", "area:A", "unit:U-A", "unit:U-B"):
        assert f'value="{outside}"' not in page
