"""The Khuyến học roll is I1's population: the roll and person.khuyen_hoc_member stay in step whichever
way it changes (the pages, the roll's import, the people import, the registry's marks)."""

import io

import sqlalchemy as sa

from lms.association import services
from lms.association.models import Branch, Member
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.imports.services import run_import
from lms.indicators.services import report
from lms.people.models import Person
from tests.web.conftest import score, sign_in, submit


def _roll_size(area) -> int:  # type: ignore[no-untyped-def]
    return sum(f.members for f in services.branch_figures(area, 2026))


def test_the_officer_keeps_the_roll_and_i1_counts_it(client, tree, officer_a, make_person, default_framework):
    person = make_person(tree["A1"], full_name="Hội Viên Mới", code="P900001")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    response = submit(client, "/officer/association", "/officer/association",
                      {"code": "KH-A1", "name": "Chi hội thôn 1", "area": str(tree["A1"].id), "unit": "0"},
                      follow_redirects=True)  # fmt: skip
    assert response.status_code == 200 and "Chi hội thôn 1" in response.get_data(as_text=True)
    found = db.session.scalar(sa.select(Branch).where(Branch.code == "KH-A1"))
    page = f"/officer/association/{found.id}"
    response = submit(client, page, page, {"person_code": "p900001", "position": "chair", "add": "1"},
                      follow_redirects=True)  # fmt: skip
    assert "Hội Viên Mới" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.khuyen_hoc_member
    score()
    assert report("A", tree["A"].id, 2026)["indicators"]["I1"]["denominator"] == 1 == _roll_size(tree["A"])

    member = db.session.scalar(sa.select(Member))
    submit(client, page, f"{page}/members/{member.id}/remove", {})
    db.session.refresh(person)
    assert not person.khuyen_hoc_member
    score()
    assert report("A", tree["A"].id, 2026)["indicators"]["I1"]["denominator"] == 0 == _roll_size(tree["A"])
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"association.branch_create", "association.member_add", "association.member_remove"} <= actions


def test_a_person_outside_the_area_or_unknown_is_refused(client, tree, officer_a, make_person):
    make_person(tree["B1"], code="P900002")
    found = services.save_branch(None, "KH-A2", "Chi hội thôn 2", tree["A2"], None, "t")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/association/{found.id}"
    response = submit(client, page, page, {"person_code": "P900002", "position": "member", "add": "1"})
    assert response.status_code == 400
    assert "Không có người dân với mã này trong địa bàn của bạn." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 0


def test_another_communes_officer_cannot_open_a_branch(client, tree, officer_b):
    found = services.save_branch(None, "KH-A1", "Chi hội thôn 1", tree["A1"], None, "t")
    db.session.commit()
    sign_in(client, "canbo.b@example.vn")
    assert client.get(f"/officer/association/{found.id}").status_code == 404
    assert "KH-A1" not in client.get("/officer/association").get_data(as_text=True)


def test_the_roll_is_imported_and_the_flag_follows(tree, make_person):
    a = make_person(tree["A1"], code="P000101")
    b = make_person(tree["A2"], code="P000102")
    db.session.commit()
    branches = "code,name,area_code,unit_code\nKH-A1,Chi hội thôn 1,A1,\nKH-A2,Chi hội thôn 2,A2,\n"
    assert run_import("kh-branches", io.BytesIO(branches.encode()), "b.csv", actor="cb", scope=tree["A"]).ok
    roll = "branch_code,person_code,position,joined_on\nKH-A1,P000101,chair,2020-05-01\nKH-A2,P000102,,\n"
    done = run_import("kh-members", io.BytesIO(roll.encode()), "m.csv", actor="cb", scope=tree["A"])
    db.session.commit()
    assert done.ok and done.created == 2
    assert db.session.get(Person, a.id).khuyen_hoc_member and db.session.get(Person, b.id).khuyen_hoc_member
    chair = db.session.scalar(sa.select(Member).where(Member.person_id == a.id))
    assert chair.position == "chair" and str(chair.joined_on) == "2020-05-01"
    outside = "branch_code,person_code\nKH-A1,P000103\n"
    refused = run_import("kh-members", io.BytesIO(outside.encode()), "x.csv", actor="cb", scope=tree["A"])
    assert [(e.row, e.column) for e in refused.errors] == [(2, "person_code")]


def test_the_people_import_and_the_registry_marks_bring_the_roll_in_step(tree, make_person):
    from lms.registry.services import set_flags

    header = "person_code,full_name,birth_year,gender,village_code,khuyen_hoc_member\n"
    rows = header + "P000201,Người Một,1970,nam,A1,1\nP000202,Người Hai,1972,nữ,A1,0\n"
    assert run_import("people", io.BytesIO(rows.encode()), "p.csv", actor="cb", scope=tree["A"]).ok
    db.session.commit()
    made = db.session.scalar(sa.select(Branch).where(Branch.area_id == tree["A1"].id))
    assert made is not None and made.code == "KH-A1"
    one = db.session.scalar(sa.select(Person).where(Person.code == "P000201"))
    two = db.session.scalar(sa.select(Person).where(Person.code == "P000202"))
    assert {m.person_id for m in services.roll(made)} == {one.id}

    set_flags([two.id], "khuyen_hoc_member", True, actor="cb", scope=tree["A"])
    set_flags([one.id], "khuyen_hoc_member", False, actor="cb", scope=tree["A"])
    db.session.commit()
    assert {m.person_id for m in services.roll(made)} == {two.id}
    flagged = set(db.session.scalars(sa.select(Person.id).where(Person.khuyen_hoc_member.is_(True))))
    assert flagged == set(db.session.scalars(sa.select(Member.person_id)))


def test_a_people_reimport_moves_the_roll_with_the_changed_flags(tree):
    header = "person_code,full_name,birth_year,gender,village_code,khuyen_hoc_member\n"
    first = header + "P000301,Người Một,1970,nam,A1,1\nP000302,Người Hai,1972,nữ,A1,0\nP000303,Người Ba,1975,nam,A1,1\n"
    assert run_import("people", io.BytesIO(first.encode()), "p.csv", actor="cb", scope=tree["A"]).ok
    db.session.commit()
    ids = dict(db.session.execute(sa.select(Person.code, Person.id)).tuples().all())
    assert set(db.session.scalars(sa.select(Member.person_id))) == {ids["P000301"], ids["P000303"]}

    # one leaves (changed, unmarked), one joins (changed, marked), one stays (same), one is new and unmarked
    second = (
        header
        + "P000301,Người Một,1970,nam,A1,0\nP000302,Người Hai,1972,nữ,A1,1\nP000303,Người Ba,1975,nam,A1,1\n"
        + "P000304,Người Bốn,1980,nữ,A1,0\n"
    )
    done = run_import("people", io.BytesIO(second.encode()), "p.csv", actor="cb", scope=tree["A"])
    assert (done.created, done.updated, done.unchanged) == (1, 2, 1)
    db.session.commit()
    ids = dict(db.session.execute(sa.select(Person.code, Person.id)).tuples().all())
    assert set(db.session.scalars(sa.select(Member.person_id))) == {ids["P000302"], ids["P000303"]}
    flagged = set(db.session.scalars(sa.select(Person.id).where(Person.khuyen_hoc_member.is_(True))))
    assert flagged == set(db.session.scalars(sa.select(Member.person_id)))


def test_a_branch_is_renamed_and_a_taken_code_refused(client, tree, officer_a):
    found = services.save_branch(None, "KH-A1", "Chi hội thôn 1", tree["A1"], None, "t")
    services.save_branch(None, "KH-A2", "Chi hội thôn 2", tree["A2"], None, "t")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/association/{found.id}"
    data = {"code": "KH-A1", "name": "Chi hội Khuyến học thôn Một", "area": str(tree["A1"].id), "unit": "0",
            "submit": "1"}  # fmt: skip
    assert submit(client, page, page, data).status_code == 302
    db.session.refresh(found)
    assert found.name == "Chi hội Khuyến học thôn Một"
    response = submit(client, page, page, {**data, "code": "KH-A2"})
    assert response.status_code == 400 and "Mã chi hội KH-A2 đã có." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "association.branch_update"))
