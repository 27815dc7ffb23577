"""The people registry: scope, diacritics-insensitive search, filters, keyset pages, create, edit, marks."""

import re

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.people.models import Family, Person, Unit
from lms.recompute.models import DirtySubject
from tests.web.conftest import sign_in, submit


def _names(html: str) -> list[str]:
    return re.findall(r'/officer/registry/people/\d+/edit">([^<]+)</a>', html)


def _dirty(kind: str) -> set[int]:
    return set(db.session.scalars(sa.select(DirtySubject.subject_id).where(DirtySubject.subject_kind == kind)))


def test_officer_sees_only_their_communes_people_and_search_ignores_diacritics(client, tree, make_person, officer_a):
    make_person(tree["A1"], full_name="Nguyễn Văn Đức", code="P-A1")
    make_person(tree["A2"], full_name="Trần Thị Bích", code="P-A2")
    make_person(tree["B1"], full_name="Nguyễn Văn Bình", code="P-B1")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    html = client.get("/officer/registry/people").get_data(as_text=True)
    assert _names(html) == ["Nguyễn Văn Đức", "Trần Thị Bích"]
    assert _names(client.get("/officer/registry/people?q=nguyen van duc").get_data(as_text=True)) == ["Nguyễn Văn Đức"]
    assert _names(client.get("/officer/registry/people?q=ĐỨC").get_data(as_text=True)) == ["Nguyễn Văn Đức"]
    assert _names(client.get("/officer/registry/people?q=bich").get_data(as_text=True)) == ["Trần Thị Bích"]
    assert _names(client.get("/officer/registry/people?q=P-A2").get_data(as_text=True)) == ["Trần Thị Bích"]
    assert _names(client.get("/officer/registry/people?q=binh").get_data(as_text=True)) == []  # commune B
    assert _names(client.get("/officer/registry/people?q=100%25").get_data(as_text=True)) == []
    assert client.get("/officer/registry/people?village=B1").status_code == 404


def test_filters_by_village_family_unit_official_and_khuyen_hoc(client, tree, make_person, officer_a):
    unit = Unit(code="U-A", name="UBND xã", level="commune", area_id=tree["A"].id)
    family = Family(code="GD-1", name="Hộ Lê", village_id=tree["A1"].id)
    db.session.add_all([unit, family])
    db.session.flush()
    make_person(tree["A1"], full_name="An Cán Bộ", unit_id=unit.id, is_official=True)
    make_person(tree["A1"], full_name="Bình Hội Viên", khuyen_hoc_member=True, family_id=family.id)
    make_person(tree["A2"], full_name="Cường Thôn Hai")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")

    def names(query: str) -> list[str]:
        return _names(client.get(f"/officer/registry/people?{query}").get_data(as_text=True))

    assert names("village=A2") == ["Cường Thôn Hai"]
    assert names("unit=U-A") == ["An Cán Bộ"]
    assert names("official=1") == ["An Cán Bộ"]
    assert names("official=0") == ["Bình Hội Viên", "Cường Thôn Hai"]
    assert names("khuyen_hoc=1") == ["Bình Hội Viên"]
    assert names("family=GD-1") == ["Bình Hội Viên"]
    assert client.get("/officer/registry/people?family=NOPE").status_code == 404


def test_keyset_pages_walk_forward_and_back_without_offset_or_count(client, tree, make_person, officer_a, app):
    for n in range(120):
        make_person(tree["A1"], full_name=f"Người Số {n:03d}")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    statements: list[str] = []
    offsets: list[object] = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement.upper())
        if "OFFSET" in statement.upper():  # SQLite always renders LIMIT ? OFFSET ?: it must be 0
            offsets.append(list(parameters)[-1] if not isinstance(parameters, dict) else parameters.get("param_2"))

    seen: list[str] = []
    url = "/officer/registry/people"
    pages = []
    while url:
        html = client.get(url).get_data(as_text=True)
        page = _names(html)
        pages.append(page)
        seen += page
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    sa.event.remove(db.engine, "before_cursor_execute", record)
    assert [len(p) for p in pages] == [50, 50, 20]
    assert seen == sorted(seen) and len(set(seen)) == 120
    if db.engine.dialect.name == "postgresql":
        assert not any("OFFSET" in s for s in statements)
    assert set(offsets) <= {0}
    assert not any("COUNT(*)" in s and "FROM PERSON" in s for s in statements)
    back = re.search(r'href="([^"]+)" rel="prev"', html)
    assert back
    assert _names(client.get(back.group(1).replace("&amp;", "&")).get_data(as_text=True)) == pages[1]
    assert client.get("/officer/registry/people?after=garbage!!").status_code == 200


def test_create_a_person_marks_recompute_and_is_audited(client, tree, make_person, officer_a):
    sign_in(client, "canbo.a@example.vn")
    data = {
        "code": "P-NEW",
        "full_name": "Phạm Thị Hoa",
        "birth_year": "1988",
        "gender": "nữ",
        "village": str(tree["A2"].id),
        "phone": "0912 000 111",
        "khuyen_hoc_member": "y",
    }
    response = submit(client, "/officer/registry/people/new", "/officer/registry/people/new", data)
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.code == "P-NEW"))
    assert person.name_folded == "pham thi hoa" and person.khuyen_hoc_member and person.village_id == tree["A2"].id
    assert person.id in _dirty("person") and tree["A2"].id in _dirty("village")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.create"))
    assert entry.actor == "canbo.a@example.vn" and entry.area_id == tree["A"].id
    assert entry.after["village_id"] == "A2" and entry.after["phone"] == "***"

    again = submit(client, "/officer/registry/people/new", "/officer/registry/people/new", data)
    assert "P-NEW đã được dùng" in again.get_data(as_text=True)
    outside = submit(
        client,
        "/officer/registry/people/new",
        "/officer/registry/people/new",
        {**data, "code": "P-X", "village": str(tree["B1"].id)},
    )
    assert outside.status_code == 200
    assert db.session.scalar(sa.select(Person).where(Person.code == "P-X")) is None


def test_move_a_person_to_another_family_and_village_recomputes_both(client, tree, make_person, officer_a):
    old = Family(code="GD-OLD", name="Hộ cũ", village_id=tree["A1"].id)
    new = Family(code="GD-NEW", name="Hộ mới", village_id=tree["A2"].id)
    db.session.add_all([old, new])
    db.session.flush()
    person = make_person(tree["A1"], full_name="Lê Văn Tâm", family_id=old.id, phone="0900000001")
    db.session.commit()
    db.session.execute(sa.delete(DirtySubject))
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/registry/people/{person.id}/edit"
    form = {
        "code": "IGNORED",
        "full_name": "Lê Văn Tâm",
        "birth_year": "1990",
        "gender": "nam",
        "village": str(tree["A2"].id),
        "family_code": "GD-NEW",
        "phone": "0900000002",
    }
    wrong = submit(client, page, page, {**form, "village": str(tree["A1"].id)})
    assert "không thuộc thôn" in wrong.get_data(as_text=True)
    response = submit(client, page, page, form)
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.code, person.family_id, person.village_id, person.phone) == (
        person.code,
        new.id,
        tree["A2"].id,
        "0900000002",
    )
    assert person.code != "IGNORED"
    assert {old.id, new.id} <= _dirty("family")
    assert {tree["A1"].id, tree["A2"].id} <= _dirty("village")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.update"))
    assert entry.before == {"village_id": "A1", "family_id": "GD-OLD", "phone": "***"}
    assert entry.after == {"village_id": "A2", "family_id": "GD-NEW", "phone": "***"}


def test_bulk_marks_study_promotion_members_and_officials(client, tree, make_person, officer_a):
    unit = Unit(code="U-A", name="Trường", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    a = make_person(tree["A1"], full_name="A", unit_id=unit.id)
    b = make_person(tree["A1"], full_name="B")
    outsider = make_person(tree["B1"], full_name="C")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/registry/people"
    submit(
        client,
        page,
        "/officer/registry/people/mark",
        {"action": "khuyen_hoc_on", "person_ids": [a.id, b.id, outsider.id]},
    )
    db.session.expire_all()
    assert (a.khuyen_hoc_member, b.khuyen_hoc_member, outsider.khuyen_hoc_member) == (True, True, False)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.flags"))
    assert entry.after == {"khuyen_hoc_member": True, "people": sorted([a.code, b.code])}
    response = submit(
        client,
        page,
        "/officer/registry/people/mark",
        {"action": "official_on", "person_ids": [a.id, b.id]},
        follow_redirects=True,
    )
    assert "chưa có đơn vị" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not a.is_official
    submit(client, page, "/officer/registry/people/mark", {"action": "official_on", "person_ids": [a.id]})
    db.session.expire_all()
    assert a.is_official and a.id in _dirty("person")


def test_families_clans_units_and_villages_list_create_and_edit(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    r = submit(
        client,
        "/officer/registry/families/new",
        "/officer/registry/families/new",
        {"code": "GD-9", "name": "Hộ Võ", "village": str(tree["A1"].id)},
    )
    assert r.status_code == 302
    family = db.session.scalar(sa.select(Family).where(Family.code == "GD-9"))
    assert "Hộ Võ" in client.get("/officer/registry/families?q=hộ võ").get_data(as_text=True)
    assert "GD-9" in client.get("/officer/registry/families").get_data(as_text=True)
    edit = f"/officer/registry/families/{family.id}/edit"
    submit(client, edit, edit, {"code": "GD-9", "name": "Hộ Võ Văn", "village": str(tree["A2"].id)})
    db.session.refresh(family)
    assert family.name == "Hộ Võ Văn" and family.village_id == tree["A2"].id
    r = submit(
        client,
        "/officer/registry/families/new",
        "/officer/registry/families/new",
        {"code": "GD-10", "name": "Hộ ngoài", "village": str(tree["B1"].id)},
    )
    assert db.session.scalar(sa.select(Family).where(Family.code == "GD-10")) is None

    submit(
        client,
        "/officer/registry/clans/new",
        "/officer/registry/clans/new",
        {"code": "DH-1", "name": "Họ Võ", "area": str(tree["A"].id)},
    )
    submit(
        client,
        "/officer/registry/units/new",
        "/officer/registry/units/new",
        {"code": "U-1", "name": "Trường Tiểu học", "level": "commune", "area": str(tree["A"].id)},
    )
    submit(
        client,
        "/officer/registry/units/new",
        "/officer/registry/units/new",
        {"code": "U-2", "name": "Ngoài", "level": "commune", "area": str(tree["B"].id)},
    )
    assert "DH-1" in client.get("/officer/registry/clans").get_data(as_text=True)
    units = client.get("/officer/registry/units").get_data(as_text=True)
    assert "U-1" in units and "U-2" not in units
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "U-2")) is None

    submit(
        client,
        "/officer/registry/villages/new",
        "/officer/registry/villages/new",
        {"code": "A3", "name": "Thôn 3", "parent": str(tree["A"].id), "disadvantaged": "y"},
    )
    from lms.areas.models import Area

    village = db.session.scalar(sa.select(Area).where(Area.code == "A3"))
    assert village.level == "village" and village.parent_id == tree["A"].id and village.disadvantaged
    assert village.path == f"{tree['A'].path}{village.id}/"
    edit = f"/officer/registry/villages/{village.id}/edit"
    submit(client, edit, edit, {"code": "A3", "name": "Thôn Ba"})
    db.session.refresh(village)
    assert village.name == "Thôn Ba" and not village.disadvantaged and village.parent_id == tree["A"].id
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {
        "family.create",
        "family.update",
        "clan.create",
        "unit.create",
        "village.create",
        "village.update",
    } <= actions
