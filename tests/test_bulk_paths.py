"""Bulk paths above PostgreSQL's parameter limit (issue #10).

A statement may carry at most 65,535 parameters; a multi-row VALUES of 5 columns fails above
65,535 / 5 = 13,107 rows, an `IN (…)` of a Python list above 65,535 ids. Every bulk path is
set-based or sends its ids as one parameter: each test here works on more than 13,107 rows,
generated with set-based SQL so the test stays fast.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.people.models import Person
from lms.recompute.models import DirtySubject
from lms.titles.models import Award, GroupConfirmation

N = 13_108  # one more than 65,535 // 5

pytestmark = pytest.mark.usefixtures("_postgresql_only")


@pytest.fixture
def _postgresql_only(app):  # type: ignore[no-untyped-def]
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the parameter limit is PostgreSQL's")


def make_people(village, prefix: str, n: int = N, *, eligible: bool = False, confirmed: bool = True) -> list[int]:
    """Insert n people into a village (and, if asked, their eligible 2026 result) with set-based SQL."""
    ids = list(
        db.session.scalars(
            sa.text(
                "INSERT INTO person (code, full_name, name_folded, birth_year, gender, village_id, is_official,"
                " khuyen_hoc_member, confirmed) SELECT :prefix || lpad(g::text, 6, '0'), 'Người ' || g,"
                " 'nguoi ' || g, 1990, 'nam', :village, false, false, :confirmed FROM generate_series(1, :n) g"
                " RETURNING id"
            ),
            {"prefix": prefix, "village": village.id, "n": n, "confirmed": confirmed},
        )
    )
    if eligible:
        db.session.execute(
            sa.text(
                "INSERT INTO person_result (person_id, period, audience, total, threshold, eligible, learned,"
                " has_plan, digital_level, studied_criteria, updated_at)"
                " SELECT id, 2026, 'resident', 80, 70, true, true, true, 1, true, now() FROM person"
                " WHERE code LIKE :prefix || '%'"
            ),
            {"prefix": prefix},
        )
    db.session.commit()
    return sorted(ids)


def dirty_count(kind: str, period: int = 2026) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(DirtySubject.subject_kind == kind, DirtySubject.period == period)
        )
        or 0
    )


def count(model, *where) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_mark_dirty_takes_a_list_above_the_limit_and_collapses_repeats(app):
    from lms.recompute.services import mark_dirty

    ids = list(range(1, N + 1))
    mark_dirty("person", ids, 2026)
    mark_dirty("person", [*ids, *ids[:10]], 2026)  # repeated ids in one list are harmless
    db.session.commit()
    assert dirty_count("person") == N
    assert db.session.scalar(sa.select(sa.func.min(DirtySubject.seq))) == 2


def test_award_all_eligible_of_an_area_through_the_cli(runner, tree, default_framework):
    make_people(tree["A1"], "EA", eligible=True)
    make_people(tree["B1"], "EB", eligible=True)  # another commune: not part of the decision
    result = runner.invoke(
        args=["award", "--period", "2026", "--area", "A", "--all-eligible", "--decision", "9/QĐ-UBND"]
        + ["--date", "2026-11-20"]
    )
    assert result.exit_code == 0, result.output
    assert f"awarded {N}" in result.output
    db.session.expire_all()
    assert count(Award, Award.period == 2026) == N
    assert dirty_count("person") == N
    # one audit entry for the decision, naming how many it recognised (not one per person)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "title.award"))
    assert entry.subject == "decision 9/QĐ-UBND" and entry.actor == "cli"
    assert entry.after["count"] == N and entry.after["decision_date"] == "2026-11-20"
    again = runner.invoke(
        args=["award", "--period", "2026", "--area", "A", "--all-eligible", "--decision", "10/QĐ-UBND"]
        + ["--date", "2026-11-21"]
    )
    # everyone holds the title now: an empty decision is refused, nothing more is written
    assert again.exit_code == 1 and "awarded" not in again.output
    assert count(Award, Award.period == 2026) == N


def test_award_of_a_ticked_list_above_the_limit_refuses_as_a_whole(tree, default_framework):
    from lms.titles.services import TitleError, award_titles

    ids = make_people(tree["A1"], "EA", eligible=True)
    outside = make_people(tree["B1"], "EB", n=3, eligible=True)
    with pytest.raises(TitleError):
        award_titles([*ids, *outside], 2026, "9/QĐ-UBND", date(2026, 11, 20), "test", tree["A"])
    db.session.rollback()
    assert count(Award) == 0 and count(AuditEntry, AuditEntry.action == "title.award") == 0
    assert award_titles(ids, 2026, "9/QĐ-UBND", date(2026, 11, 20), "test", tree["A"]) == N
    db.session.commit()
    assert count(Award, Award.revoked_at.is_(None)) == N
    assert award_titles(ids[:5], 2026, "10/QĐ-UBND", date(2026, 11, 21), "test", tree["A"]) == 0


def test_confirm_families_above_the_limit(tree, default_framework):
    from lms.titles.services import confirm_groups

    ids = list(
        db.session.scalars(
            sa.text(
                "INSERT INTO family (code, name, village_id) SELECT 'GD' || lpad(g::text, 6, '0'), 'Hộ ' || g,"
                " :village FROM generate_series(1, :n) g RETURNING id"
            ),
            {"village": tree["A1"].id, "n": N},
        )
    )
    db.session.execute(
        sa.text(
            "INSERT INTO group_result (kind, subject_id, period, total, attained)"
            " SELECT 'family', id, 2026, 90, true FROM family"
        )
    )
    db.session.commit()
    made = confirm_groups("family", ids, 2026, "3/QĐ-UBND", date(2026, 11, 20), "test", tree["A"])
    db.session.commit()
    assert made == N
    assert count(GroupConfirmation, GroupConfirmation.kind == "family") == N
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "group.confirm"))
    assert entry.subject == "decision 3/QĐ-UBND" and entry.after["count"] == N


def test_registry_marks_and_confirmations_above_the_limit(tree, default_framework):
    from lms.registry.services import confirm_people, set_flags

    ids = make_people(tree["A1"], "RA")
    assert set_flags(ids, "khuyen_hoc_member", True, actor="test", scope=tree["A"]) == N
    assert count(Person, Person.khuyen_hoc_member.is_(True)) == N
    assert dirty_count("person") == N
    waiting = make_people(tree["A2"], "RU", confirmed=False)
    assert confirm_people(waiting, actor="test", scope=tree["A"]) == N
    db.session.commit()
    assert count(Person, Person.confirmed.is_(False)) == 0
    assert dirty_count("person") == 2 * N


def test_evidence_import_above_the_limit(tree, default_framework, runner, tmp_path):
    make_people(tree["A1"], "IA")
    path = tmp_path / "evidence.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("person_code,kind,ref,category,date,hours,level,points\n")
        for i in range(1, N + 1):
            out.write(f"IA{i:06d},course,OFF-{i % 7},law,2026-03-01,3,,\n")
    result = runner.invoke(args=["import", "evidence", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.text("SELECT count(*) FROM evidence")) == N
    assert dirty_count("person") == N


def test_reorganisation_above_the_limit(tree, default_framework):
    from lms.areas.reorg import apply, plan_merge

    make_people(tree["A1"], "MA")
    db.session.execute(
        sa.text(
            "INSERT INTO clan (code, name, area_id) SELECT 'HO' || lpad(g::text, 6, '0'), 'Họ ' || g, :area"
            " FROM generate_series(1, :n) g"
        ),
        {"area": tree["A"].id, "n": N},
    )
    db.session.commit()
    change = apply(plan_merge(["A", "B"], "AB", "Xã Mới", "2026-01-01", disadvantaged=True), "test")
    db.session.commit()
    new = change.id
    assert db.session.scalar(sa.text("SELECT count(*) FROM area_member_history WHERE change_id = :c"), {"c": new}) == N
    assert db.session.scalar(sa.text("SELECT count(DISTINCT area_id) FROM clan")) == 1
    assert dirty_count("person") >= N  # everyone now living in a disadvantaged commune recomputes


def test_recompute_batches_and_reruns_above_the_limit(app, tree, default_framework):
    from lms.recompute.models import FailedBatch
    from lms.recompute.services import drain_batch, rerun_failed_batch

    ids = make_people(tree["A1"], "DA")
    db.session.execute(sa.text("DELETE FROM dirty_subject"))
    failed = FailedBatch(period=2026, subjects=[["person", i] for i in ids], error="test")
    db.session.add(failed)
    db.session.flush()
    rerun_failed_batch(failed, "admin")
    db.session.commit()
    assert dirty_count("person") == N
    assert drain_batch(N + 100) == N
    db.session.commit()
    assert dirty_count("person") == 0
    assert db.session.scalar(sa.text("SELECT count(*) FROM person_result WHERE period = 2026")) == N


def _awarded(village, prefix: str, area, number: str, n: int = N) -> list[int]:  # type: ignore[no-untyped-def]
    from lms.titles.services import award_titles

    ids = make_people(village, prefix, n, eligible=True)
    assert award_titles(ids, 2026, number, date(2026, 11, 20), "test", area) == n
    db.session.commit()
    return ids


def test_revoke_the_titles_of_a_file_of_people_above_the_limit(runner, tree, default_framework, tmp_path):
    ids = _awarded(tree["A1"], "TA", tree["A"], "9/QĐ-UBND")
    _awarded(tree["B1"], "TB", tree["B"], "5/QĐ-UBND", n=3)  # another commune's titles
    kept = "TA000001"  # not listed: keeps the title
    path = tmp_path / "revoke.csv"
    path.write_text("person_code\n" + "".join(f"TA{i:06d}\n" for i in range(2, N + 1)), encoding="utf-8")
    outside = tmp_path / "outside.csv"
    outside.write_text(path.read_text(encoding="utf-8") + "TB000001\n", encoding="utf-8")
    # someone of another commune in the list: nothing is revoked, the reason is given
    refused = runner.invoke(
        args=["revoke", "--period", "2026", "--area", "A", "--people", str(outside)] + ["--reason", "x"]
    )
    assert refused.exit_code == 1 and "Có 1 người" in refused.output
    db.session.expire_all()
    assert count(Award, Award.revoked_at.is_not(None)) == 0
    result = runner.invoke(
        args=["revoke", "--period", "2026", "--area", "A", "--people", str(path)]
        + ["--reason", "Minh chứng khóa học không hợp lệ"]
    )
    assert result.exit_code == 0, result.output
    assert f"revoked {N - 1}" in result.output
    db.session.expire_all()
    assert count(Award, Award.revoked_at.is_not(None)) == N - 1
    held = db.session.scalars(
        sa.select(Person.code).join(Award, Award.person_id == Person.id).where(Award.revoked_at.is_(None))
    )
    assert sorted(held) == [kept, "TB000001", "TB000002", "TB000003"]
    revoked = db.session.scalar(sa.select(Award).where(Award.person_id == ids[-1]))
    assert revoked.revoked_by == "cli" and revoked.revoke_reason == "Minh chứng khóa học không hợp lệ"
    # one audit row per title, as a single revocation writes it
    assert count(AuditEntry, AuditEntry.action == "title.revoke") == N - 1
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "title.revoke", AuditEntry.subject == f"person {ids[-1]} 2026")
    )
    assert entry.actor == "cli" and entry.area_id == tree["A"].id
    assert entry.before == {"award_id": revoked.id, "decision_no": "9/QĐ-UBND"}
    assert entry.after == {"revoked": True, "reason": "Minh chứng khóa học không hợp lệ"}
    assert dirty_count("person") == N + 3  # the revoked recompute (their marks collapse with the award's)
    again = runner.invoke(args=["revoke", "--period", "2026", "--area", "A", "--people", str(path), "--reason", "x"])
    assert again.exit_code == 1  # revoked already: they hold no title now
    assert count(AuditEntry, AuditEntry.action == "title.revoke") == N - 1


def test_revoke_a_whole_decision_above_the_limit_through_the_cli(runner, tree, default_framework):
    _awarded(tree["A1"], "TA", tree["A"], "9/QĐ-UBND")
    outside = runner.invoke(
        args=["revoke", "--period", "2026", "--area", "B", "--decision", "9/QĐ-UBND", "--reason", "x"]
    )
    assert outside.exit_code == 1  # the decision of another commune is not found from B
    result = runner.invoke(
        args=["revoke", "--period", "2026", "--area", "A", "--decision", "9/QĐ-UBND", "--reason", "Sai danh sách"]
    )
    assert result.exit_code == 0, result.output
    assert f"revoked {N}" in result.output
    db.session.expire_all()
    assert count(Award, Award.revoked_at.is_(None)) == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "title.revoke_decision"))
    assert entry.after["count"] == N and entry.after["reason"] == "Sai danh sách" and entry.actor == "cli"


def test_attendance_checklist_above_the_limit(tree, make_user, default_framework):
    from datetime import timedelta
    from decimal import Decimal

    from courses.sessions.models import Attendance, TrainingSession
    from courses.sessions.services import session_date, take_attendance
    from lms.evidence.models import Evidence
    from lms.util import utcnow

    trainer = make_user("trainer", area=tree["D"], login="trainer@example.vn")
    start = utcnow()
    ts = TrainingSession(
        code="TH-LON", title="Tập huấn", area=tree["A"], place="Nhà văn hóa", starts_at=start,
        ends_at=start + timedelta(hours=2), hours=Decimal("2"), trainer_id=trainer.id,
    )  # fmt: skip
    db.session.add(ts)
    db.session.commit()
    ids = make_people(tree["A1"], "SA")
    stranger = make_people(tree["B1"], "SB", n=1)  # outside the audience: never marked
    db.session.execute(sa.text("DELETE FROM dirty_subject"))
    assert take_attendance(ts, [*ids, *stranger], [*ids, *stranger], trainer) == (N, 0)
    db.session.commit()
    assert count(Attendance, Attendance.method == "list") == N
    assert count(Evidence, Evidence.kind == "session", Evidence.ref == "TH-LON", Evidence.hours == 2) == N
    assert dirty_count("person", session_date(ts).year) == N
    # the same page saved again changes nothing; unticking half removes them and their evidence
    assert take_attendance(ts, ids, ids, trainer) == (0, 0)
    half = ids[: N // 2]
    assert take_attendance(ts, ids, half, trainer) == (0, N - N // 2)
    db.session.commit()
    assert count(Attendance) == N // 2 and count(Evidence, Evidence.kind == "session") == N // 2
    entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "session.attendance")))
    assert [len(e.after["present"]) for e in entries] == [N, 0]
    assert [len(e.after["absent"]) for e in entries] == [0, N - N // 2]


def test_codes_travel_as_one_parameter_whatever_they_hold(tree):  # type: ignore[no-untyped-def]
    from lms.bulk import among

    odd = ['P"1', "P\\2", "P,3", "{P4}", "P 5", "NULL", "", "Đ6"]
    for code in odd:
        db.session.add(Person(code=code, full_name="An", name_folded="an", birth_year=1990, gender="nam",
                              village_id=tree["A1"].id, is_official=False, khuyen_hoc_member=False))  # fmt: skip
    db.session.flush()
    wanted = [*odd, "P7", *(f"X{i}" for i in range(N))]
    found = db.session.scalars(sa.select(Person.code).where(among(Person.code, wanted))).all()
    assert sorted(found) == sorted(odd)
