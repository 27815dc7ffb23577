"""The import page: upload → check (preview or row faults) → confirm → import; background jobs with
progress; officers confined to their area; R5 (the same file twice, two officers at once)."""

import io
import re
import threading

import openpyxl
import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.imports.models import ImportJob
from lms.people.models import Person
from tests.web.conftest import sign_in, submit

HEADER = "person_code,full_name,birth_year,gender,village_code,phone\n"
GOOD = HEADER + "P1,Nguyễn Văn An,1980,nam,A1,0912000001\nP2,Trần Thị Bình,1990,nữ,A2,\n"


@pytest.fixture
def admin(make_user, tree):  # type: ignore[no-untyped-def]
    return make_user("admin", login="admin@example.vn")


@pytest.fixture
def sent(app, monkeypatch):  # type: ignore[no-untyped-def]
    """Record the tasks the pages send (no broker needed)."""
    calls: list[tuple[str, list]] = []
    celery = app.extensions["celery"]
    monkeypatch.setattr(celery, "send_task", lambda name, args=None, **kw: calls.append((name, list(args or []))))
    return calls


def _upload(client, kind: str, content: str | bytes, filename: str = "nguoi-dan.csv"):  # type: ignore[no-untyped-def]
    data = content.encode("utf-8") if isinstance(content, str) else content
    html = client.get("/officer/imports").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client.post(
        "/officer/imports",
        data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _job() -> ImportJob:
    return db.session.scalars(sa.select(ImportJob).order_by(ImportJob.id.desc())).first()


def _people() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def test_templates_download_with_header_and_sample(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    response = client.get("/officer/imports/templates/people.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã người dân (person_code)", "Họ và tên (full_name)") and len(rows) == 2
    assert client.get("/officer/imports/templates/nope.xlsx").status_code == 404


def test_dry_run_preview_then_confirm_imports_and_audits(client, tree, officer_a, sent):
    sign_in(client, "canbo.a@example.vn")
    response = _upload(client, "people", GOOD)
    job = _job()
    assert response.headers["Location"].endswith(f"/officer/imports/{job.id}")
    assert job.status == "checked" and job.summary == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    assert _people() == 0 and sent == []
    html = client.get(f"/officer/imports/{job.id}").get_data(as_text=True)
    assert "Sẽ thêm mới" in html and "Nguyễn Văn An" in html and "Nhập dữ liệu" in html
    response = submit(client, f"/officer/imports/{job.id}", f"/officer/imports/{job.id}/confirm", follow_redirects=True)
    assert "Đã nhập xong 2 dòng." in response.get_data(as_text=True)
    db.session.refresh(job)
    assert job.status == "done" and _people() == 2
    import os

    assert not os.path.exists(job.path)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "import.people"))
    assert entry.actor == "canbo.a@example.vn" and entry.area_id == tree["A"].id
    assert entry.after == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    assert client.get(f"/officer/imports/{job.id}/status").get_json()["finished"] is True


def test_bad_rows_are_listed_with_row_column_and_message_and_nothing_is_written(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    bad = HEADER + "P1,Nguyễn Văn An,1980,nam,A1,\nP2,,3000,x,ZZ,\n"
    _upload(client, "people", bad)
    job = _job()
    assert job.status == "invalid" and _people() == 0
    html = client.get(f"/officer/imports/{job.id}").get_data(as_text=True)
    assert "chưa dòng nào được ghi" in html
    for column in ("full_name", "birth_year", "gender", "village_code"):
        assert f"<code>{column}</code>" in html
    assert re.search(r'<td class="num">3</td>', html)
    confirm = submit(client, f"/officer/imports/{job.id}", f"/officer/imports/{job.id}/confirm", follow_redirects=True)
    assert "Chỉ nhập được tệp đã kiểm tra xong" in confirm.get_data(as_text=True)
    assert _people() == 0


def test_english_users_get_english_messages(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    client.get("/lang/en")
    _upload(client, "people", HEADER + "P1,An,1980,nam,ZZ,\n")
    job = _job()
    assert job.lang == "en" and job.errors[0]["column"] == "village_code"


def test_officers_import_only_inside_their_area(client, tree, officer_a, make_person):
    make_person(tree["B1"], full_name="Người Xã B", code="PB")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    _upload(client, "people", HEADER + "P1,An,1980,nam,B1,\nPB,Đổi Tên,1980,nam,A1,\n")
    job = _job()
    assert job.status == "invalid"
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "village_code"), (3, "person_code")}
    assert all("Ngoài địa bàn" in e["message"] for e in job.errors)
    _upload(client, "evidence", "person_code,kind,ref,category,date,hours\nPB,course,OFF-1,law,2026-03-01,2\n")
    assert _job().status == "invalid" and _job().errors[0]["column"] == "person_code"
    _upload(client, "families", "code,name,village_code\nGD1,Hộ A,A1\nGD2,Hộ B,B1\n")
    assert [(e["row"], e["column"]) for e in _job().errors] == [(3, "village_code")]
    html = client.get("/officer/imports").get_data(as_text=True)
    assert 'value="areas"' not in html
    response = _upload(client, "areas", "code,name,level,parent_code\nX,X,village,A\n")
    assert response.status_code == 302 and _job().kind == "families"  # refused: no job created


def test_admin_imports_anywhere_including_areas(client, tree, admin):
    sign_in(client, "admin@example.vn")
    _upload(client, "areas", "code,name,level,parent_code\nA3,Thôn 3,village,A\n")
    job = _job()
    assert job.status == "checked" and not job.restricted
    submit(client, f"/officer/imports/{job.id}", f"/officer/imports/{job.id}/confirm")
    db.session.refresh(job)
    assert job.status == "done"


def test_large_files_run_in_the_background_with_progress(client, app, tree, officer_a, sent):
    from worker.tasks import run_import as task

    app.config["IMPORT_INLINE_MAX_BYTES"] = 10
    sign_in(client, "canbo.a@example.vn")
    _upload(client, "people", GOOD)
    job = _job()
    assert job.status == "checking" and job.rows_total == 2 and sent == [("worker.tasks.run_import", [job.id])]
    html = client.get(f"/officer/imports/{job.id}").get_data(as_text=True)
    assert "<progress" in html and "progress.js" in html and f"/officer/imports/{job.id}/status" in html
    assert client.get(f"/officer/imports/{job.id}/status").get_json() == {
        "status": "checking",
        "done": 0,
        "total": 2,
        "percent": 0,
        "finished": False,
    }
    job_id = job.id
    task.run(job_id)  # what the worker does (it ends with session.remove(): fetch the job again)
    job = db.session.get(ImportJob, job_id)
    assert job.status == "checked" and _people() == 0
    submit(client, f"/officer/imports/{job_id}", f"/officer/imports/{job_id}/confirm")
    db.session.refresh(job)
    assert job.status == "queued" and sent[-1] == ("worker.tasks.run_import", [job_id])
    task.run(job_id)
    task.run(job_id)  # redelivered: nothing happens twice
    job = db.session.get(ImportJob, job_id)
    assert job.status == "done" and _people() == 2 and job.rows_done == 2
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "import.people")) == 1


def test_a_job_the_broker_could_not_take_waits_and_the_sweeper_sends_it(client, app, tree, officer_a, monkeypatch):
    from lms.jobs.services import sweep

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("no broker")

    celery = app.extensions["celery"]
    monkeypatch.setattr(celery, "send_task", boom)
    app.config["IMPORT_INLINE_MAX_BYTES"] = 10
    sign_in(client, "canbo.a@example.vn")
    assert _upload(client, "people", GOOD).status_code == 302
    job = _job()
    assert job.status == "checking"  # still to do, not failed: the officer need not upload again
    calls: list[tuple[str, list]] = []
    monkeypatch.setattr(celery, "send_task", lambda name, args=None, **kw: calls.append((name, list(args or []))))
    app.config["JOB_RESEND_AFTER_SECONDS"] = 0  # the broker is back and the job has waited long enough
    assert sweep() == [("import", job.id)]
    assert calls == [("worker.tasks.run_import", [job.id])]


def test_cancel_drops_the_upload(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    _upload(client, "people", GOOD)
    job = _job()
    submit(client, f"/officer/imports/{job.id}", f"/officer/imports/{job.id}/cancel")
    db.session.refresh(job)
    assert job.status == "cancelled" and _people() == 0


def test_r5_the_same_file_twice_changes_nothing(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    for _ in range(2):
        _upload(client, "people", GOOD)
        job = _job()
        submit(client, f"/officer/imports/{job.id}", f"/officer/imports/{job.id}/confirm")
    db.session.refresh(job)
    assert job.summary == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2}
    assert _people() == 2


def test_r5_two_officers_importing_at_once_create_no_duplicates(app, tree, database_url):
    """Two imports of overlapping files run in two threads (two connections) at the same time."""
    from flask import Flask

    from lms.imports.services import run_import

    rows = "".join(f"P{n},Người {n},1980,nam,A{1 + n % 2},\n" for n in range(300))
    files = [HEADER.replace(",phone", "") + rows] * 2  # the same rows: the worst case for duplicates
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def worker(content: str, flask_app: Flask) -> None:
        with flask_app.app_context():
            try:
                barrier.wait(timeout=10)
                report = run_import("people", io.BytesIO(content.encode()), "p.csv", actor="t", scope=None)
                db.session.commit()
                outcomes.append(report.counts())
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                outcomes.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(content, app)) for content in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    if db.engine.dialect.name == "sqlite":
        # SQLite has one writer at a time: the loser may get "database is locked"; retrying is the fix
        for _exc in errors:
            run_import("people", io.BytesIO(files[0].encode()), "p.csv", actor="t")
            db.session.commit()
    else:
        assert errors == []
    db.session.expire_all()
    assert _people() == 300
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Person.code)))) == 300
    if not errors:  # the second import waited for the first one's commit, then found nothing new
        assert sorted(o["created"] for o in outcomes) == [0, 300]
        assert sorted(o["unchanged"] for o in outcomes) == [0, 300]


def test_bad_uploads_get_a_clear_message_never_a_500(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    response = _upload(client, "people", GOOD, filename="people.txt")
    assert response.status_code == 302 and _job() is None
    assert "Chỉ nhận tệp .csv hoặc .xlsx" in client.get("/officer/imports").get_data(as_text=True)
    _upload(client, "people", b"PK\x03\x04 not really a zip", filename="../../etc/people.xlsx")
    job = _job()
    assert job.status == "invalid" and job.filename == "people.xlsx" and job.errors[0]["row"] == 1
    assert "/etc/" not in job.path and job.path.endswith(".xlsx")
    _upload(client, "people", "person_code;full_name\nP1;An\n".encode("utf-16"), filename="x\x00y.csv")
    job = _job()
    assert job.status == "invalid" and "\x00" not in job.filename
    _upload(client, "people", b"", filename="empty.csv")
    assert _job().status == "invalid"
