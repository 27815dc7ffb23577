"""Erasure: the erased name, phone and email are in no table of a full database dump and in no stored
file; earlier years' figures do not change; the erasure is audited under a pseudonym."""

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in, submit

NAME, PHONE, EMAIL = "Trịnh Thị Xoan Độc", "0987654321", "xoan.doc@example.vn"
OTHER = "Lý Văn Giữ Lại"


def _identifiers(code: str) -> list[str]:
    """What must be gone: the name (as typed, folded, JSON-escaped), phone, email and the old code."""
    import json

    from lms.util import fold

    texts = [NAME, fold(NAME), PHONE, EMAIL, code]
    return texts + [json.dumps(NAME)[1:-1]]


def _figures(period: int) -> dict[tuple[int, str], tuple[int, ...]]:
    from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator

    rows = db.session.scalars(sa.select(AreaIndicator).where(AreaIndicator.period == period))
    return {(r.area_id, "area"): tuple(getattr(r, c) for c in FIGURE_COLUMNS) for r in rows}


@pytest.fixture
def framework_2025(app, default_framework):  # type: ignore[no-untyped-def]
    from lms.criteria.schema import load_document
    from lms.criteria.services import publish_framework
    from tests.conftest import DEFAULT_FRAMEWORK

    document = load_document(DEFAULT_FRAMEWORK)
    document["period"] = 2025
    publish_framework(document, "test")
    db.session.commit()


@pytest.fixture
def held(app, tree, make_person, make_user, framework_2025, course):  # type: ignore[no-untyped-def]
    """A person whose data is everywhere: registry, account, audit, declaration file, import file and
    its job's errors, a household named after them, a certificate; and a neighbour who stays."""
    from courses.catalogue.models import Enrolment
    from lms.declarations.services import declare, reject
    from lms.imports.jobs import upload_dir
    from lms.imports.models import ImportJob
    from lms.people.models import Family
    from lms.registry.services import edit_person
    from lms.uploads.services import store_upload

    family = Family(code="H-XOAN", name=f"Hộ {NAME}", village_id=tree["A1"].id)
    db.session.add(family)
    db.session.flush()
    person = make_person(tree["A1"], full_name=NAME, birth_year=1980, phone=PHONE, email=EMAIL, family_id=family.id)
    other = make_person(tree["A1"], full_name=OTHER, birth_year=1975, phone="0911222333", family_id=family.id)
    make_user("citizen", person=person, login=EMAIL)
    make_eligible(person, date(2025, 3, 1))
    make_eligible(other, date(2025, 3, 1))
    edit_person(person, {"birth_year": 1981}, actor="officer@example.vn", scope=tree["A"])
    audit_row = AuditEntry(
        actor="officer@example.vn",
        action="person.merge",
        subject=f"person {person.code}",
        before={"full_name": NAME, "phone": PHONE},
        after={"note": f"gọi {PHONE} hoặc {EMAIL}"},
    )
    db.session.add(audit_row)
    with app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(b"%PDF-1.4 giay khen cua Xoan"), "giay-khen.pdf"))
    declaration = declare(person, 2026, "T3.1", f"Tôi là {NAME}, SĐT {PHONE}", stored, date(2026, 5, 1))
    reject(declaration, f"{NAME} chưa ghi rõ", "officer@example.vn")
    import_path = upload_dir() / "a1b2c3d4.csv"
    import_path.write_text(f"code,full_name,phone\n{person.code},{NAME},{PHONE}\nP9,{OTHER},0911222333\n", "utf-8")
    db.session.add(
        ImportJob(kind="people", filename=f"ds-{person.code}.csv", path=str(import_path), status="done",
                  actor="officer@example.vn", errors=[{"row": 2, "column": "phone", "message": f"{NAME}: {PHONE}"}])
    )  # fmt: skip
    db.session.add(Enrolment(person_id=person.id, course_id=course.id, certificate_code="XOANCERT0001",
                             completed_at=date(2026, 4, 1)))  # fmt: skip
    db.session.commit()
    score()
    return {"person": person, "other": other, "import_path": import_path, "code": person.code}


def _dump(app) -> str:  # type: ignore[no-untyped-def]
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    out = subprocess.run(["pg_dump", "--data-only", url], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _stored_texts(root: Path) -> list[tuple[Path, str]]:
    from lms.privacy.erasure import _file_text

    return [(p, _file_text(p)) for p in root.rglob("*") if p.is_file()]


def test_after_an_erasure_nothing_of_the_person_is_left(app, runner, held):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the full dump needs PostgreSQL")
    from lms.people.models import Person

    before_2025 = _figures(2025)
    assert before_2025, "the previous year has figures"
    code = held["code"]
    assert any(NAME.lower() in text for _p, text in _stored_texts(Path(app.config["UPLOAD_DIR"])))
    dump = _dump(app)
    assert NAME in dump and PHONE in dump, "the test data is really in the database"

    from lms.pagecache import cache

    cache.set("lms-test-page", f"<h1>{NAME}</h1>")  # a cached page showing the person
    result = runner.invoke(args=["people", "erase", code.lower(), "--reason", f"Đơn của {NAME} ngày 1/12"])
    assert result.exit_code == 0, result.output
    assert "erased: now XOA-" in result.output
    db.session.expire_all()
    score()  # what the worker does with the current year

    dump = _dump(app).lower()
    for text in _identifiers(code):
        assert text.lower() not in dump, f"{text!r} is still in the database"
    assert OTHER.lower() in dump, "the neighbour is untouched"
    for path, text in _stored_texts(Path(app.config["UPLOAD_DIR"])):
        for needle in (NAME, PHONE, EMAIL):
            assert needle.lower() not in text, f"{needle} still in {path}"
    assert not held["import_path"].exists()
    assert cache.get("lms-test-page") is None, "cached pages are forgotten"

    person = db.session.get(Person, held["person"].id)
    assert person.erased_at is not None and person.code.startswith("XOA-") and person.phone is None
    assert person.birth_year == 1981 and person.family_id is not None, "the anonymous record keeps the figures"
    assert _figures(2025) == before_2025, "the previous year's figures do not change"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry.actor == "cli" and entry.subject == f"person {person.code}"
    assert entry.after["reason"] == f"Đơn của {person.code} ngày 1/12", "the reason never names the person"

    # and a full recompute of the previous year from the anonymous record gives the same figures
    from lms.recompute.services import mark_dirty

    mark_dirty("person", sa.select(Person.id), 2025)
    db.session.commit()
    score()
    assert _figures(2025) == before_2025


def test_the_admin_erases_after_a_confirmation(app, tree, make_user, held):
    from lms.people.models import Person

    make_user("admin", login="admin@example.vn")
    client = app.test_client()
    sign_in(client, "admin@example.vn")
    data = {"person_code": held["code"], "reason": "Yêu cầu của người dân", "preview": "1"}
    preview = submit(client, "/admin/erasure", "/admin/erasure", data)
    assert preview.status_code == 200 and NAME in preview.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, held["person"].id).erased_at is None, "a preview changes nothing"

    unconfirmed = submit(client, "/admin/erasure", "/admin/erasure", {**data, "preview": "", "submit": "1"})
    assert unconfirmed.status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, held["person"].id).erased_at is None, "without the tick nothing happens"

    done = submit(client, "/admin/erasure", "/admin/erasure", {**data, "submit": "1", "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, held["person"].id)
    assert person.erased_at is not None and person.full_name != NAME
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.erase"))
    assert entry.actor == "admin@example.vn"
    again = submit(client, "/admin/erasure", "/admin/erasure", {**data, "submit": "1", "confirm": "y"})
    assert again.status_code == 404, "an erased person cannot be found by the old code"


def test_an_import_still_running_stops_the_erasure(app, runner, held):
    from lms.imports.models import ImportJob
    from lms.people.models import Person

    job = db.session.scalar(sa.select(ImportJob))
    job.status = "importing"
    db.session.commit()
    result = runner.invoke(args=["people", "erase", held["code"], "--reason", "yêu cầu"])
    assert result.exit_code == 1
    db.session.expire_all()
    assert db.session.get(Person, held["person"].id).full_name == NAME, "nothing was changed"
    assert runner.invoke(args=["people", "erase", "NOBODY", "--reason", "x"]).exit_code == 1


def test_erasure_is_declared_table_by_table(app):
    """Every table named in ERASURE exists, with its columns; hows are known; every table linked to a
    person is either erased there or declared as part of the anonymous record."""
    from lms.privacy.erasure import ERASURE, KEPT_ANONYMOUS

    for target in ERASURE:
        table = db.metadata.tables[target.table]
        assert set(target.columns) <= set(table.c.keys()), target
        assert target.how in ("anonymise", "delete", "blank", "null", "files", "scrub"), target
        if target.link is not None:
            assert target.link in table.c, target
    linked = {
        t.name
        for t in db.metadata.sorted_tables
        if "person_id" in t.c and any(fk.column.table.name == "person" for fk in t.c.person_id.foreign_keys)
    }
    declared = {t.table for t in ERASURE} | set(KEPT_ANONYMOUS)
    assert linked - declared == set(), "declare these tables in lms.privacy.erasure (ERASURE or KEPT_ANONYMOUS)"


def test_a_spreadsheet_import_file_holding_the_person_is_found(app, tree, make_person):
    from openpyxl import Workbook

    from lms.imports.jobs import upload_dir
    from lms.privacy.erasure import ErasureError, erase_person, import_files_holding

    book = Workbook()
    book.active.append(["code", "full_name", "phone"])
    book.active.append(["P1", NAME, PHONE])
    holding = upload_dir() / "ffff0000.xlsx"
    book.save(holding)
    (upload_dir() / "broken.xlsx").write_bytes(b"not a zip " + PHONE.encode())
    (upload_dir() / "other.csv").write_text(f"code,full_name\nP2,{OTHER}\n", "utf-8")
    found = import_files_holding([NAME])
    assert found == [holding]
    assert [p.name for p in import_files_holding([PHONE])] == ["broken.xlsx", "ffff0000.xlsx"]

    person = make_person(tree["A1"], full_name="Người Không Tên Trong Tệp")
    with pytest.raises(ErasureError):
        erase_person(person, actor="cli", reason="  ")
    erase_person(person, actor="cli", reason="yêu cầu")
    with pytest.raises(ErasureError):
        erase_person(person, actor="cli", reason="lần nữa")


def test_a_person_with_a_staff_account_is_not_erased(app, tree, make_person, make_user):
    from lms.privacy.erasure import ErasureError, erase_person

    person = make_person(tree["A1"], full_name="Cán Bộ Kiêm Người Dân")
    make_user("trainer", person=person, login="kiem@example.vn")
    with pytest.raises(ErasureError):
        erase_person(person, actor="cli", reason="yêu cầu")
