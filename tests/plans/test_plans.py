"""Learning plans: one per person and year; saving one is `plan` evidence (learning_plan, has_learning_plan)."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lms.extensions import db
from tests.web.conftest import score, sign_in, submit


def _plans():  # type: ignore[no-untyped-def]
    from courses.plans.models import LearningPlan

    return list(db.session.scalars(sa.select(LearningPlan)))


def _plan_evidence(person):  # type: ignore[no-untyped-def]
    from lms.evidence.models import Evidence

    return list(db.session.scalars(sa.select(Evidence).where(Evidence.person_id == person.id, Evidence.kind == "plan")))


def test_citizen_saves_a_plan_with_courses_and_goals(client, citizen, course):
    sign_in(client, "0912345678")
    page = client.get("/plan").get_data(as_text=True)
    assert "Kế hoạch học tập năm 2026" in page and course.title in page
    response = submit(client, "/plan", "/plan?period=2026", {"courses": [course.id], "goals": "Học dùng VNeID."})
    assert response.status_code == 302
    (plan,) = _plans()
    assert plan.period == 2026 and [c.code for c in plan.courses] == [course.code]
    assert plan.goals == "Học dùng VNeID."
    (evidence,) = _plan_evidence(citizen.person)
    assert evidence.ref == "" and evidence.date.year == 2026
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu kế hoạch học tập năm 2026." in page


def test_editing_keeps_one_plan_and_one_evidence_per_year(client, citizen, course):
    sign_in(client, "0912345678")
    submit(client, "/plan", "/plan?period=2026", {"courses": [course.id], "goals": "Lần 1"})
    submit(client, "/plan", "/plan?period=2026", {"goals": "Lần 2"})
    (plan,) = _plans()
    assert plan.goals == "Lần 2" and plan.courses == []
    assert len(_plan_evidence(citizen.person)) == 1


def test_next_years_plan_is_dated_in_that_year(citizen):
    from courses.plans.services import save_plan

    save_plan(citizen.person, 2027, [], "Năm sau", today=date(2026, 11, 29))
    db.session.commit()
    (evidence,) = _plan_evidence(citizen.person)
    assert evidence.date == date(2027, 1, 1)


def test_plan_counts_for_the_learning_plan_criterion(client, citizen, default_framework):
    from lms.criteria.services import item_scores

    sign_in(client, "0912345678")
    submit(client, "/plan", "/plan?period=2026", {"goals": "Học ngoại ngữ"})
    score()
    points = item_scores(citizen.person.id, 2026)["T1.2"]
    assert points == Decimal("10")


def test_plans_feed_the_units_has_learning_plan_share(app, tree, make_person, default_framework):
    from courses.plans.services import save_plan
    from lms.criteria.services import group_item_scores
    from lms.people.models import Unit

    unit = Unit(code="TRUONG-A", name="Trường tiểu học xã A", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    staff = [make_person(tree["A1"], full_name=f"Giáo viên {i}", unit_id=unit.id, is_official=True) for i in range(4)]
    save_plan(staff[0], 2026, [], "Kế hoạch", today=date(2026, 3, 1))
    db.session.commit()
    score()
    u21 = group_item_scores("unit", unit.id, 2026)["U2.1"]
    assert u21 == Decimal("2.5")  # 10 points × 1 of 4 officials


def test_past_years_are_read_only_and_other_roles_are_refused(client, citizen, make_user, tree):
    sign_in(client, "0912345678")
    response = submit(client, "/plan", "/plan?period=2021", {"goals": "Quá khứ"})
    assert response.status_code == 403
    assert _plans() == []
    officer = client.application.test_client()
    make_user("officer", area=tree["A"], login="officer@example.vn")
    sign_in(officer, "officer@example.vn")
    assert officer.get("/plan").status_code == 403
