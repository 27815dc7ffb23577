"""`flask --app lms demo`: idempotent, a believable district, the demo accounts and their stories."""

from datetime import date

import sqlalchemy as sa

from courses.catalogue.demo import COURSES, load_demo_catalogue
from courses.catalogue.models import Course, Lesson
from lms.areas.models import Area
from lms.auth.models import User
from lms.criteria.models import GroupResult, PersonResult
from lms.criteria.services import compiled_framework, item_scores
from lms.demo.population import CITIZEN_CODE, generate
from lms.demo.services import LOGINS, PASSWORD
from lms.evidence.models import Evidence, GroupEntry
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Clan, Family, Person, Unit
from lms.recompute.services import recompute_subjects
from lms.util import fold

COUNTED = (Area, Person, Family, Clan, Unit, Evidence, GroupEntry, Course, Lesson, User)


def run_demo(runner) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) or 0 for m in COUNTED}


def test_demo_twice_changes_nothing(runner):
    first_output = run_demo(runner)
    first = counts()
    second_output = run_demo(runner)
    assert counts() == first
    assert "hoctap2026" in first_output and first_output == second_output
    assert 1800 <= first["Person"] <= 2300
    assert first["Area"] == 2 + 18 + db.session.scalar(
        sa.select(sa.func.count()).select_from(Area).where(Area.level == "village")
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Area).where(Area.disadvantaged.is_(True))) >= 1


def test_some_but_not_all_adults_are_eligible_and_groups_attain(runner):
    run_demo(runner)
    adult = (2026 - Person.birth_year) >= 18
    base = sa.select(sa.func.count()).select_from(Person).join(PersonResult, PersonResult.person_id == Person.id)
    adults = db.session.scalar(base.where(adult, PersonResult.period == 2026))
    eligible = db.session.scalar(base.where(adult, PersonResult.period == 2026, PersonResult.eligible.is_(True)))
    assert adults and 0.2 <= eligible / adults <= 0.35, (eligible, adults)
    for kind in ("family", "clan", "village", "unit"):
        attained = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(GroupResult)
            .where(GroupResult.kind == kind, GroupResult.period == 2026, GroupResult.attained.is_(True))
        )
        total = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(GroupResult)
            .where(GroupResult.kind == kind, GroupResult.period == 2026)
        )
        assert 0 < attained < total, kind


def test_demo_accounts_and_vietnamese_names(runner, login):
    run_demo(runner)
    users = {u.login: u for u in db.session.scalars(sa.select(User))}
    roles = {label: users[login].role for label, login in LOGINS.items()}
    assert roles == {
        "admin": "admin",
        "officer (district)": "officer",
        "officer (commune)": "officer",
        "approver (commune)": "approver",
        "trainer": "trainer",
        "citizen": "citizen",
    }
    assert users[LOGINS["officer (district)"]].area.code == "BT-BB"
    assert users[LOGINS["officer (commune)"]].area.code == "BB-HAININH"
    citizen = users[LOGINS["citizen"]].person
    assert citizen is not None and citizen.code == CITIZEN_CODE
    assert citizen.village.parent.code == "BB-HAININH"
    names = db.session.execute(sa.select(Person.full_name, Person.name_folded)).all()
    assert all(folded == fold(name) for name, folded in names)
    with_diacritics = [name for name, folded in names if name.lower() != folded]
    assert len(with_diacritics) > len(names) // 2
    assert any(name.startswith(("Nguyễn ", "Trần ", "Võ ", "Đặng ")) for name, _ in names)
    response = login(LOGINS["admin"], PASSWORD)
    assert response.status_code in (200, 302)


def test_the_demo_citizen_is_one_course_away_from_eligible(runner):
    run_demo(runner)
    citizen = db.session.scalar(sa.select(Person).where(Person.code == CITIZEN_CODE))
    result = db.session.get(PersonResult, (citizen.id, 2026))
    assert result is not None and not result.eligible and 70 <= result.total < result.threshold
    items = item_scores(citizen.id, 2026)
    assert items["T2.2"] < 5
    english = db.session.scalar(
        sa.select(Course).where(Course.category == "foreign_language", Course.published.is_(True)).limit(1)
    )
    assert english is not None
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Evidence)
        .where(Evidence.person_id == citizen.id, Evidence.ref == english.code)
    )
    add_evidence(citizen, kind="course", ref=english.code, when=date(2026, 11, 28), category=english.category)
    recompute_subjects(compiled_framework(2026), persons=sa.select(Person.id).where(Person.id == citizen.id))
    db.session.commit()
    assert db.session.get(PersonResult, (citizen.id, 2026)).eligible


def test_generation_is_deterministic():
    communes = [("BB-HAININH", "Xã Hải Ninh"), ("BB-PHANSON", "Xã Phan Sơn")]
    catalogue = {"NGN-TA-CB": {"category": "foreign_language", "hours": 8, "level": None}}
    first, second = generate(communes, catalogue), generate(communes, catalogue)
    assert first.people == second.people and first.evidence == second.evidence
    assert first.citizen_code == CITIZEN_CODE
    keys = [(e["person"], e["kind"], e["ref"], e["date"]) for e in first.evidence]
    assert len(keys) == len(set(keys))


def test_demo_catalogue(app):
    codes = load_demo_catalogue()
    assert load_demo_catalogue() == codes and len(codes) >= 8
    courses = list(db.session.scalars(sa.select(Course).where(Course.code.in_(codes))))
    assert len(courses) == len(COURSES)
    for course in courses:
        assert 3 <= len(course.lessons) <= 5, course.code
        assert course.title_folded == fold(course.title) and course.published
        assert (course.digital_level is not None) == (course.category == "digital_skill")
        assert all(len(lesson.body) > 400 for lesson in course.lessons)


def test_the_demo_fills_the_plans_own_tools_for_bac_binh(runner, tmp_path):
    from docx import Document

    from lms.association.models import Member
    from lms.communication.models import Announcement, AnnouncementRead
    from lms.contributions.models import Contribution
    from lms.training_plans.models import PlannedSession, PlannedSessionLink

    run_demo(runner)
    members = set(db.session.scalars(sa.select(Member.person_id)))
    assert members and members == set(db.session.scalars(sa.select(Person.id).where(Person.khuyen_hoc_member)))
    for model in (Announcement, AnnouncementRead, Contribution, PlannedSession, PlannedSessionLink):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)), model.__name__
    again = {m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Announcement, Contribution)}
    run_demo(runner)
    assert again == {
        m: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Announcement, Contribution)
    }
    out = tmp_path / "bb.docx"
    assert (
        runner.invoke(args=["review-report", "--area", "BT-BB", "--period", "2026", "--out", str(out)]).exit_code == 0
    )
    held = next(t for t in Document(str(out)).tables if t.rows[0].cells[1].text == "Lớp kế hoạch")
    assert held.rows[-1].cells[2].text != "0"  # sessions were held against the plan
