"""Self-registration: an unconfirmed person counts in no figure until an officer confirms the residence
(bulk) or merges them into the registry person they are; uploads have a per-person quota."""

import io
import itertools
from datetime import date

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.auth.models import User
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.indicators.services import report
from lms.people.models import Person
from tests.web.conftest import make_eligible, score, sign_in, submit

PASSWORD = "Cay-lua-vang-2026!"
_logins = itertools.count()


def self_register(tree, n: int, village: str = "A1", **fields):  # type: ignore[no-untyped-def]
    """Register n citizens as /auth/register does; return their people."""
    from lms.auth.services import register_citizen

    users = [
        register_citizen(
            f"0900{next(_logins):06d}", PASSWORD, fields.get("full_name", f"Tự Đăng Ký {i}"), 1990, "nam", tree[village]
        )
        for i in range(n)
    ]
    db.session.commit()
    return [u.person for u in users]


def people_count(tree, code: str = "A") -> int:  # type: ignore[no-untyped-def]
    return report(code, tree[code].id, 2026)["counts"]["people"]


@pytest.fixture
def registry(tree, make_person, default_framework):  # type: ignore[no-untyped-def]
    """Three imported people of commune A, scored."""
    from lms.recompute.services import mark_dirty

    people = [make_person(tree["A1"], full_name=f"Người Trong Sổ {i}") for i in range(3)]
    mark_dirty("person", [p.id for p in people], 2026)
    db.session.commit()
    score()
    return people


def test_self_registration_through_the_form_makes_an_unconfirmed_person(client, tree, registry):
    data = {
        "login": "0987654321",
        "full_name": "Lê Văn Tám",
        "birth_year": "1985",
        "gender": "nam",
        "village": str(tree["A2"].id),
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    assert submit(client, "/auth/register", "/auth/register", data).status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.full_name == "Lê Văn Tám"))
    assert person is not None and person.confirmed is False
    score()
    assert people_count(tree) == 3


def test_unconfirmed_people_count_in_no_figure_public_or_internal(client, tree, registry, make_user):
    assert people_count(tree) == 3
    newcomers = self_register(tree, 4)
    for person in newcomers:
        make_eligible(person)
    score()
    assert people_count(tree) == 3 and people_count(tree, "D") == 3  # not 7
    assert report("A", tree["A"].id, 2026)["counts"]["eligible"] == 0
    app = client.application
    app.config["PUBLIC_MIN_CELL"] = 1
    assert client.get("/api/v1/indicators?area=A&period=2026").get_json()["data"]["counts"]["people"] == 3
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    sign_in(client, "canbo.a@example.vn")
    eligible = client.get("/officer/eligible?period=2026").get_data(as_text=True)
    assert "Tự Đăng Ký" not in eligible
    listing = client.get("/officer/registry/people").get_data(as_text=True)
    assert "Tự Đăng Ký" not in listing and "Người Trong Sổ 0" in listing  # listed apart
    queue = client.get("/officer/registry/unconfirmed").get_data(as_text=True)
    assert all(p.full_name in queue for p in newcomers) and "Người Trong Sổ" not in queue


def test_an_unconfirmed_person_cannot_be_awarded(tree, registry):
    from lms.titles.services import TitleError, award_titles

    (newcomer,) = self_register(tree, 1)
    make_eligible(newcomer)
    score()
    with pytest.raises(TitleError):
        award_titles([newcomer.id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])


def test_an_unconfirmed_member_does_not_count_in_a_family_title(tree, make_person, default_framework):
    from lms.criteria.explain import explain_group
    from lms.people.models import Family

    family = Family(code="GD-1", name="Hộ Lê", village_id=tree["A1"].id)
    db.session.add(family)
    db.session.flush()
    make_person(tree["A1"], full_name="Chủ Hộ", family_id=family.id)
    (newcomer,) = self_register(tree, 1)
    newcomer.family_id = family.id
    db.session.commit()
    score()
    assert explain_group("family", family.id, 2026).members == 1


def test_an_officer_confirms_in_bulk_audited_and_then_they_count(client, tree, registry, officer_a):
    newcomers = self_register(tree, 2)
    other = self_register(tree, 1, village="B1", full_name="Xã Khác")[0]
    sign_in(client, "canbo.a@example.vn")
    ids = [p.id for p in newcomers] + [other.id]
    response = submit(
        client, "/officer/registry/unconfirmed", "/officer/registry/unconfirmed/confirm", {"person_ids": ids}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert all(db.session.get(Person, p.id).confirmed for p in newcomers)
    assert db.session.get(Person, other.id).confirmed is False  # another commune: untouched
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.confirm"))
    assert entry.actor == "canbo.a@example.vn" and sorted(entry.after["people"]) == sorted(p.code for p in newcomers)
    score()
    assert people_count(tree) == 5


def test_merging_moves_the_account_and_learning_onto_the_registry_person(client, tree, registry, officer_a, course):
    from courses.catalogue.models import Enrolment
    from lms.criteria.models import PersonResult
    from lms.evidence.services import add_evidence

    target = registry[0]
    add_evidence(target, kind="session", ref="TH-1", when=date(2026, 3, 1), hours=2, source="import")
    (source,) = self_register(tree, 1, full_name="Người Trong Sổ 0")
    account = db.session.scalar(sa.select(User).where(User.person_id == source.id))
    add_evidence(source, kind="session", ref="TH-1", when=date(2026, 3, 1), hours=2, source="session")  # the same
    add_evidence(source, kind="plan", ref="", when=date(2026, 2, 1), source="online")
    db.session.add(Enrolment(person_id=source.id, course_id=course.id, certificate_code="ABCD-EFGH-JKMN-PQRS"))
    db.session.commit()
    source_id, source_code = source.id, source.code
    score()
    results = sa.select(sa.func.count()).where(PersonResult.person_id == source_id)
    assert db.session.scalar(results) == 1  # the self-registered record was scored

    sign_in(client, "canbo.a@example.vn")
    page = client.get(f"/officer/registry/people/{source_id}/merge").get_data(as_text=True)
    assert target.code in page  # offered: same name
    response = submit(
        client,
        f"/officer/registry/people/{source_id}/merge",
        f"/officer/registry/people/{source_id}/merge",
        {"target": target.code},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, source_id) is None
    assert db.session.scalar(results) == 0  # its results went with it
    assert db.session.get(User, account.id).person_id == target.id
    evidence = list(db.session.scalars(sa.select(Evidence).where(Evidence.person_id == target.id)))
    assert sorted((e.kind, e.ref) for e in evidence) == [("plan", ""), ("session", "TH-1")]  # no duplicate
    assert db.session.scalar(sa.select(Enrolment.person_id).where(Enrolment.course_id == course.id)) == target.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.merge"))
    assert entry.before["code"] == source_code and entry.after["into"] == target.code
    assert entry.after["moved"]["user_account"] == 1 and entry.after["moved"]["enrolment"] == 1
    score()
    assert people_count(tree) == 3

    citizen = client.application.test_client()
    sign_in(citizen, account.login, PASSWORD)
    assert citizen.get("/record?period=2026").status_code == 200  # the account now opens the registry person's record


def test_merge_is_refused_into_a_person_with_an_account_or_outside_the_area(
    client, tree, registry, officer_a, make_person, make_user
):
    (source,) = self_register(tree, 1)
    with_account = registry[1]
    make_user("citizen", person=with_account, login="co.tai.khoan@example.vn")
    elsewhere = make_person(tree["B1"], full_name="Ở Xã Khác")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    url = f"/officer/registry/people/{source.id}/merge"
    refused = submit(client, url, url, {"target": with_account.code})
    assert refused.status_code == 400 and "đã có tài khoản riêng" in refused.get_data(as_text=True)
    outside = submit(client, url, url, {"target": elsewhere.code})
    assert outside.status_code == 400
    db.session.expire_all()
    assert db.session.get(Person, source.id) is not None


def test_another_communes_officer_cannot_see_or_merge_them(client, tree, registry, officer_b):
    (source,) = self_register(tree, 1)
    sign_in(client, "canbo.b@example.vn")
    assert source.full_name not in client.get("/officer/registry/unconfirmed").get_data(as_text=True)
    assert client.get(f"/officer/registry/people/{source.id}/merge").status_code == 404


def test_imported_and_officer_created_people_are_confirmed(tree, make_person):
    raw = Person.__table__
    db.session.execute(
        raw.insert().values(
            code="RAW-1",
            full_name="Nhập Thẳng",
            name_folded="nhap thang",
            birth_year=1980,
            gender="nam",
            village_id=tree["A1"].id,
        )
    )
    assert db.session.scalar(sa.select(raw.c.confirmed).where(raw.c.code == "RAW-1")) is True  # the server default
    assert make_person(tree["A1"]).confirmed is True


def test_uploads_have_a_per_person_quota_small_while_unconfirmed(app, client, tree, registry):
    from tests.sessions import files

    app.config["UPLOAD_QUOTA_UNCONFIRMED_BYTES"] = len(files.PDF) + 10
    app.config["UPLOAD_QUOTA_BYTES"] = 10 * len(files.PDF)
    (newcomer,) = self_register(tree, 1)
    sign_in(client, newcomer.phone, PASSWORD)

    def declare(text: str):  # type: ignore[no-untyped-def]
        return submit(
            client,
            "/declarations?period=2026",
            "/declarations?period=2026",
            {"item": "T3.1", "text": text, "file": (io.BytesIO(files.PDF + text.encode()), "minh-chung.pdf")},
            content_type="multipart/form-data",
        )

    assert declare("lần 1").status_code in (200, 302)
    refused = declare("lần 2")
    assert "vượt quá dung lượng tải lên còn lại" in refused.get_data(as_text=True)
    from lms.declarations.models import Declaration

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Declaration)) == 1
    newcomer.confirmed = True
    db.session.commit()
    assert declare("lần 3").status_code in (200, 302)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Declaration)) == 2
