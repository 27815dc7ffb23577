"""A yearly training plan: planned sessions per commune, held sessions linked to them, plan vs done,
and the same figures in the review report."""

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.training_plans import services
from lms.training_plans.models import PlannedSession, PlannedSessionLink
from tests.web.conftest import sign_in, submit


def _held(tree, make_user, make_person, code: str = "TH-01", area: str = "A1", present: int = 2):  # type: ignore[no-untyped-def]
    from courses.sessions.models import Attendance, TrainingSession

    trainer = make_user("trainer", login=f"bcv-{code}@example.vn")
    start = datetime(2026, 4, 10, 1, 0, tzinfo=UTC)
    ts = TrainingSession(code=code, title="Kỹ năng số cơ bản", area=tree[area], starts_at=start,
                         ends_at=start.replace(hour=4), hours=Decimal(3), trainer_id=trainer.id)  # fmt: skip
    db.session.add(ts)
    db.session.flush()
    for _n in range(present):
        db.session.add(Attendance(session_id=ts.id, person_id=make_person(tree[area]).id, method="list"))
    db.session.commit()
    return ts


def test_plan_vs_done_by_commune(client, tree, officer_a, make_user, make_person):
    ts = _held(tree, make_user, make_person)
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/training-plan?period=2026"
    for area, topic in (("A1", "Kỹ năng số cơ bản"), ("A2", "Pháp luật")):
        data = {"area": str(tree[area].id), "quarter": "2", "topic": topic, "audience": "Người dân",
                "target_participants": "30", "hours": "3"}  # fmt: skip
        response = submit(client, page, page, data)
        assert response.status_code == 302
    planned = db.session.scalar(sa.select(PlannedSession).where(PlannedSession.topic == "Kỹ năng số cơ bản"))
    submit(client, page, f"/officer/training-plan/{planned.id}/link", {"session": str(ts.id)})
    assert db.session.scalar(sa.select(PlannedSessionLink.session_id)) == ts.id

    total, rows = services.plan_vs_done(tree["A"], 2026)
    assert (total.planned_sessions, total.held_sessions, total.planned_participants, total.participants) == (
        2,
        1,
        60,
        2,
    )
    assert (total.planned_hours, total.hours) == (Decimal(6), Decimal(3))
    by_area = {r.area.code: (r.planned_sessions, r.held_sessions, r.participants) for r in rows}
    assert by_area == {"A1": (1, 1, 2), "A2": (1, 0, 0)}
    district, communes = services.plan_vs_done(tree["D"], 2026)
    assert [(r.area.code, r.planned_sessions, r.held_sessions) for r in communes] == [("A", 2, 1)]
    html = client.get(page).get_data(as_text=True)
    assert "TH-01" in html and "Pháp luật" in html
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"training_plan.add", "training_plan.link"} <= actions


def test_the_review_report_states_training_held_vs_planned(runner, tree, make_user, make_person, tmp_path):
    from docx import Document

    _held(tree, make_user, make_person, present=3)
    services.add_planned(tree["A1"], 2026, 1, "Kỹ năng số", "", 25, Decimal(4), "t")
    db.session.commit()
    out = tmp_path / "r.docx"
    assert runner.invoke(args=["review-report", "--area", "A", "--period", "2026", "--out", str(out)]).exit_code == 0
    table = next(t for t in Document(str(out)).tables if t.rows[0].cells[1].text == "Lớp kế hoạch")
    assert [c.text for c in table.rows[-1].cells] == ["Cộng", "1", "1", "25", "3", "4,0", "3,0"]


def test_bad_input_and_other_communes(client, tree, officer_a, officer_b):
    planned = services.add_planned(tree["A1"], 2026, 3, "Hòa giải cơ sở", "", 10, Decimal(2), "t")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/training-plan?period=2026"
    response = submit(client, page, page, {"area": str(tree["A1"].id), "quarter": "2", "topic": "",
                                            "target_participants": "-4", "hours": "3"})  # fmt: skip
    assert response.status_code == 400 and "Nhập chủ đề." in response.get_data(as_text=True)
    other = client.application.test_client()
    sign_in(other, "canbo.b@example.vn")
    assert submit(other, page, f"/officer/training-plan/{planned.id}/remove", {}).status_code == 404
    assert "Hòa giải cơ sở" not in other.get(page).get_data(as_text=True)
    assert submit(client, page, f"/officer/training-plan/{planned.id}/remove", {}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlannedSession)) == 0
