"""Good imports: upsert by key, re-import changes nothing, dry runs, recompute marks, audit, the area tree."""

from decimal import Decimal

import sqlalchemy as sa

from lms.areas.models import Area
from lms.audit.models import AuditEntry
from lms.evidence.models import Evidence, GroupEntry
from lms.extensions import db
from lms.people.models import Family, Person
from lms.recompute.models import DirtySubject
from lms.util import today_local
from tests.imports.conftest import table_counts

FAMILIES = "code,name,village_code\nF1,Hộ Một,A1\nF2,Hộ Hai,A2\n"
PEOPLE = (
    "person_code,full_name,birth_year,gender,village_code,family_code,phone\n"
    "P1,Nguyễn Văn An,1980,nam,A1,F1,0912345678\n"
    "P2,Trần Thị Bình,1985,nữ,A1,F1,\n"
    "P3,Lê Văn Cường,2001,other,A2,F2,\n"
)


def counts(report) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return report.created, report.updated, report.unchanged


def dirty() -> set[tuple[str, int, int]]:
    return set(
        db.session.execute(sa.select(DirtySubject.subject_kind, DirtySubject.subject_id, DirtySubject.period)).all()
    )


def person(code: str) -> Person:
    found = db.session.scalar(sa.select(Person).where(Person.code == code))
    assert found is not None
    return found


def test_reimport_changes_nothing_and_an_edit_updates_one_row(tree, run_import):
    assert counts(run_import("families", FAMILIES)) == (2, 0, 0)
    assert counts(run_import("people", PEOPLE)) == (3, 0, 0)
    before = table_counts()
    again = run_import("people", PEOPLE)
    assert counts(again) == (0, 0, 3)
    assert {k: v for k, v in table_counts().items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }
    edited = run_import("people", PEOPLE.replace("Trần Thị Bình,1985", "Trần Thị Bình,1986"))
    assert counts(edited) == (0, 1, 2)
    assert person("P2").birth_year == 1986


def test_missing_optional_columns_keep_stored_values(tree, run_import):
    run_import("families", FAMILIES)
    run_import("people", PEOPLE)
    report = run_import(
        "people", "person_code,full_name,birth_year,gender,village_code\nP1,Nguyễn Văn An,1980,nam,A1\n"
    )
    assert counts(report) == (0, 0, 1)
    assert person("P1").phone == "0912345678" and person("P1").family_id is not None


def test_dry_run_counts_but_writes_nothing(tree, run_import):
    before = table_counts()
    report = run_import("families", FAMILIES, dry_run=True)
    assert report.ok and counts(report) == (2, 0, 0)
    assert table_counts() == before


def test_import_is_audited_with_its_counts(tree, run_import):
    run_import("families", FAMILIES)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "import.families"))
    assert entry is not None
    assert (entry.actor, entry.subject) == ("test", "families.csv")
    assert entry.after == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}


def test_people_import_marks_people_and_the_family_they_leave(tree, default_framework, run_import):
    run_import("families", FAMILIES)
    run_import("people", PEOPLE)
    years = {today_local().year, 2026}
    p1, f1 = person("P1").id, db.session.scalar(sa.select(Family.id).where(Family.code == "F1"))
    assert {("person", p1, y) for y in years} <= dirty()
    db.session.execute(sa.delete(DirtySubject))
    run_import("people", PEOPLE.replace("P1,Nguyễn Văn An,1980,nam,A1,F1", "P1,Nguyễn Văn An,1980,nam,A2,F2"))
    marks = dirty()
    assert {("person", p1, y) for y in years} | {("family", f1, y) for y in years} | {
        ("village", tree["A1"].id, y) for y in years
    } <= marks
    assert not {m for m in marks if m[0] == "person" and m[1] != p1}  # unchanged people are left alone


def test_a_person_created_after_the_classification_is_updated_not_a_failure(
    tree, default_framework, run_import, monkeypatch
):
    """The new rows are inserted without a conflict check; a code the registry created in between (here,
    right after the classification) sends every row through the conflict check instead."""
    from lms.imports.staging import Stage

    classify = Stage.classify

    def then_the_registry_adds_p2(stage, key, compare):  # type: ignore[no-untyped-def]
        counted = classify(stage, key, compare)
        db.session.add(Person(code="P2", full_name="Tên cũ", birth_year=1950, gender="nam", village_id=tree["A2"].id))
        db.session.flush()
        return counted

    run_import("families", FAMILIES)
    monkeypatch.setattr(Stage, "classify", then_the_registry_adds_p2)
    report = run_import("people", PEOPLE)
    assert report.ok, report.errors
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.code.in_(["P1", "P2", "P3"])))
        == 3
    )
    assert (person("P2").full_name, person("P2").village_id) == ("Trần Thị Bình", tree["A1"].id)
    marked = {m[1] for m in dirty() if m[0] == "person"}
    assert {person(c).id for c in ("P1", "P2", "P3")} <= marked


def test_evidence_upsert_by_person_kind_ref_date_and_marks_the_year(tree, default_framework, make_person, run_import):
    p = make_person(tree["A1"], code="P1")
    content = (
        "person_code,kind,ref,category,date,hours,level,points\n"
        "P1,course,OFF-DIG,digital_skill,2026-03-01,8,basic,\n"
        "P1,declaration,T3.1,,2026-05-01,,,7.5\n"
        "P1,plan,,,2025-01-10,,,\n"
    )
    assert counts(run_import("evidence", content)) == (3, 0, 0)
    assert {("person", p.id, 2026), ("person", p.id, 2025)} <= dirty()
    assert counts(run_import("evidence", content)) == (0, 0, 3)
    assert counts(run_import("evidence", content.replace(",7.5", ",9"))) == (0, 1, 2)
    points = db.session.scalar(sa.select(Evidence.points).where(Evidence.kind == "declaration"))
    assert points == Decimal("9")
    assert set(db.session.scalars(sa.select(Evidence.source))) == {"import"}


def test_evidence_reimport_marks_only_the_people_whose_rows_changed(tree, default_framework, make_person, run_import):
    """The merge tells new, changed and same rows apart itself: a re-import marks no one, an edit marks its person."""
    p1, p2 = make_person(tree["A1"], code="P1"), make_person(tree["A1"], code="P2")
    content = (
        "person_code,kind,ref,category,date,hours,level,points\n"
        "P1,course,C-1,law,2026-03-01,2,,\n"
        "P2,course,C-1,law,2026-03-01,2,,\n"
        "P2,session,S-1,,2026-04-01,3,,\n"
    )
    assert counts(run_import("evidence", content)) == (3, 0, 0)
    assert {("person", p1.id, 2026), ("person", p2.id, 2026)} <= dirty()
    db.session.execute(sa.delete(DirtySubject))
    assert counts(run_import("evidence", content)) == (0, 0, 3)
    assert dirty() == set()
    edited = content.replace("S-1,,2026-04-01,3", "S-1,,2026-04-01,4")
    assert counts(run_import("evidence", edited + "P1,course,C-2,law,2026-05-01,1,,\n")) == (1, 1, 2)
    assert {(kind, who) for kind, who, _ in dirty()} == {("person", p1.id), ("person", p2.id)}
    db.session.execute(sa.delete(DirtySubject))
    assert counts(run_import("evidence", edited.replace("S-1,,2026-04-01,4", "S-1,,2026-04-01,5"))) == (0, 1, 2)
    assert {(kind, who) for kind, who, _ in dirty()} == {("person", p2.id)}
    hours = db.session.scalar(sa.select(Evidence.hours).where(Evidence.kind == "session"))
    assert hours == Decimal("5")


def test_catalogue_course_fills_category_hours_and_level(tree, app, make_person, run_import):
    make_person(tree["A1"], code="P1")
    app.extensions["course_lookup"] = lambda codes: {
        c: {"category": "digital_skill", "hours": 6, "level": "proficient"} for c in codes if c == "KNS-01"
    }
    report = run_import("evidence", "person_code,kind,ref,date\nP1,course,KNS-01,2026-03-01\n")
    assert report.ok, report.errors
    ev = db.session.scalar(sa.select(Evidence))
    assert (ev.category, ev.hours, ev.level) == ("digital_skill", Decimal("6"), "proficient")


def test_declarations_of_a_year_without_framework_need_only_points(tree, default_framework, make_person, run_import):
    make_person(tree["A1"], code="P1")
    report = run_import("evidence", "person_code,kind,ref,date,points\nP1,declaration,X9,2025-05-01,42\n")
    assert report.ok, report.errors


def test_group_scores_upsert_by_subject_code_item_year(tree, default_framework, run_import):
    run_import("families", FAMILIES)
    content = "subject,code,item,date,points\nfamily,F1,F3,2026-11-15,25\nvillage,A1,C2,2026-11-20,30\n"
    assert counts(run_import("group-scores", content)) == (2, 0, 0)
    f1 = db.session.scalar(sa.select(Family.id).where(Family.code == "F1"))
    assert {("family", f1, 2026), ("village", tree["A1"].id, 2026)} <= dirty()
    # same year, another date: the same entry is updated
    assert counts(run_import("group-scores", content.replace("2026-11-15,25", "2026-12-01,20"))) == (0, 1, 1)
    entry = db.session.get(GroupEntry, ("family", f1, "F3", 2026))
    assert entry is not None and entry.points == Decimal("20")


def test_areas_parent_later_in_the_file_and_paths(app, run_import):
    content = (
        "code,name,level,parent_code,disadvantaged\nV1,Thôn 1,village,C1,có\nC1,Xã 1,commune,H,\nH,Huyện,district,,\n"
    )
    report = run_import("areas", content)
    assert report.ok, report.errors
    areas = {a.code: a for a in db.session.scalars(sa.select(Area))}
    assert areas["V1"].parent_id == areas["C1"].id and areas["V1"].disadvantaged
    assert areas["V1"].path == f"/{areas['H'].id}/{areas['C1'].id}/{areas['V1'].id}/"
    assert counts(run_import("areas", content)) == (0, 0, 3)


def test_reparenting_an_area_rebuilds_paths_and_marks_its_people(tree, default_framework, make_person, run_import):
    p = make_person(tree["A1"], code="P1")
    db.session.commit()
    report = run_import("areas", "code,name,level,parent_code\nA1,Thôn 1,village,B\n")
    assert counts(report) == (0, 1, 0)
    a1 = db.session.get(Area, tree["A1"].id)
    assert a1 is not None and a1.path.startswith(tree["B"].path)
    assert ("person", p.id, 2026) in dirty()


def test_disadvantaged_flag_marks_everyone_below(tree, default_framework, make_person, run_import):
    p = make_person(tree["B1"], code="P1")
    db.session.commit()
    report = run_import("areas", "code,name,level,disadvantaged\nB,Xã Bình Lâm,commune,1\n")
    assert counts(report) == (0, 1, 0)
    assert ("person", p.id, 2026) in dirty()


def test_several_items_of_one_group_mark_it_once(tree, default_framework, run_import):
    run_import("units", "code,name,level,area_code\nU1,UBND,commune,A\n")
    content = (
        "subject,code,item,date,points\n"
        "unit,U1,U1,2026-11-15,25\nunit,U1,U2.2,2026-11-15,5\nunit,U1,U3.2,2026-11-15,10\n"
    )
    report = run_import("group-scores", content)
    assert report.ok and report.created == 3, report.errors
    assert sum(1 for kind, _, period in dirty() if kind == "unit" and period == 2026) == 1


def test_fast_fold_equals_the_platform_fold():
    import random

    from lms.imports.values import folded
    from lms.util import fold

    random.seed(7)
    alphabet = "aăâbdđeêioôơuưyAĂĐƠ áàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựỳỹ\u0301\u0300İß\t"
    for _ in range(5000):
        text = "".join(random.choice(alphabet) for _ in range(random.randint(0, 12)))
        assert folded(text) == fold(text), text
