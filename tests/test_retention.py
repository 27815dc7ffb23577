"""Retention of uploads: files no longer referenced (rejected declarations, finished or abandoned
imports, replaced materials) are removed after UPLOAD_RETENTION_DAYS by a beat task, with a dry run."""

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.util import today_local, utcnow
from tests.sessions import files

DAYS = 30


def age(path: Path, days: float) -> None:
    """Make a file look `days` old."""
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def store(app, data: bytes, name: str):  # type: ignore[no-untyped-def]
    from lms.uploads.services import path_of, store_upload

    with app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(data), name))
        return stored, path_of(stored.sha256)


@pytest.fixture
def citizen_person(tree, make_person, default_framework):  # type: ignore[no-untyped-def]
    return make_person(tree["A1"], full_name="Lê Văn Tám")


@pytest.fixture
def make_session(tree, make_user):  # type: ignore[no-untyped-def]
    """make_session() -> a training session for commune A."""
    from decimal import Decimal

    from courses.sessions.models import TrainingSession

    trainer = make_user("trainer", login="trainer@example.vn")

    def make():  # type: ignore[no-untyped-def]
        start = utcnow()
        ts = TrainingSession(
            code=f"TH-{db.session.scalar(sa.select(sa.func.count()).select_from(TrainingSession))}",
            title="Tập huấn",
            area=tree["A"],
            place="Hội trường",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            hours=Decimal(2),
            trainer_id=trainer.id,
        )
        db.session.add(ts)
        db.session.commit()
        return ts

    return make


def rejected_declaration(app, person, data: bytes, decided_days_ago: float):  # type: ignore[no-untyped-def]
    from lms.declarations.services import declare, reject

    stored, path = store(app, data, "giay-khen")
    declaration = declare(person, 2026, "T3.1", "Tham gia hòa giải", stored, today_local())
    reject(declaration, "Không rõ nội dung", "canbo")
    declaration.decided_at = utcnow() - timedelta(days=decided_days_ago)
    db.session.commit()
    age(path, decided_days_ago + 1)
    return declaration, path


def prune(runner, *extra: str) -> str:
    result = runner.invoke(args=["uploads", "prune", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_rejected_declarations_file_goes_after_the_retention_days(app, runner, citizen_person):
    old, old_path = rejected_declaration(app, citizen_person, files.PNG, DAYS + 5)
    recent, recent_path = rejected_declaration(app, citizen_person, files.JPEG, DAYS - 5)

    dry = prune(runner, "--dry-run")
    assert "declaration-files (older than 30 days): would remove 1 items" in dry
    assert "unreferenced-uploads (older than 30 days): would remove 1 items, 1 files" in dry
    db.session.expire_all()
    assert old.file_sha256 is not None and old_path.exists(), "a dry run changes nothing"
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.actor == "retention"))
        == 0
    )

    prune(runner)
    db.session.expire_all()
    assert old.file_sha256 is None and old.file_name is None and not old_path.exists()
    assert old.status == "rejected" and old.reason == "Không rõ nội dung", "the decision itself is kept"
    assert recent.file_sha256 is not None and recent_path.exists()
    actions = set(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor == "retention")))
    assert actions == {"retention.declaration-files", "retention.unreferenced-uploads"}


def test_a_file_still_named_by_another_row_is_kept(app, runner, citizen_person, make_session):
    from courses.sessions.services import add_material

    declaration, path = rejected_declaration(app, citizen_person, files.PDF, DAYS + 5)
    ts = make_session()
    stored, _ = store(app, files.PDF, "slides.pdf")  # the same bytes: the same stored file
    add_material(ts, stored)
    db.session.commit()
    age(path, DAYS + 5)
    prune(runner)
    db.session.expire_all()
    assert declaration.file_sha256 is None and path.exists(), "the session's material still uses it"


def test_a_replaced_material_goes_once_it_is_old_enough(app, runner, make_session):
    from courses.sessions.services import add_material, remove_material

    ts = make_session()
    stored, path = store(app, files.DOCX, "tai-lieu.docx")
    material = add_material(ts, stored)
    db.session.commit()
    remove_material(material)
    db.session.commit()
    age(path, DAYS - 1)
    prune(runner)
    assert path.exists(), "younger than the retention days"
    age(path, DAYS + 1)
    prune(runner)
    assert not path.exists()


def test_uploading_the_same_content_again_restarts_its_clock(app, runner):
    stored, path = store(app, files.PPTX, "bai-giang.pptx")
    age(path, DAYS + 10)
    store(app, files.PPTX, "bai-giang-lan-2.pptx")  # a request storing it now; its row is not committed yet
    prune(runner)
    assert path.exists()


def test_import_files_go_when_no_job_needs_them(app, runner, tree):
    from lms.imports.jobs import create_job, upload_dir
    from lms.imports.models import ImportJob

    def job(name: str, status: str, days: float):  # type: ignore[no-untyped-def]
        path = upload_dir() / name
        path.write_text("code,name\n", encoding="utf-8")
        created = create_job("areas", name, path, 10, actor="canbo", scope=tree["A"], restricted=True, lang="vi")
        created.status = status
        created.checked_at = utcnow() - timedelta(days=days)
        age(path, days)
        return created, path

    abandoned, abandoned_path = job("a.csv", "checked", DAYS + 2)  # checked, never confirmed
    waiting, waiting_path = job("b.csv", "checked", 2)
    queued, queued_path = job("c.csv", "queued", DAYS + 2)
    failed, failed_path = job("d.csv", "failed", DAYS + 2)  # its file outlived the job
    db.session.commit()
    orphan = upload_dir() / "e.xlsx"
    orphan.write_bytes(b"PK")
    age(orphan, DAYS + 2)

    assert "import-files (older than 30 days): would remove 3 items" in prune(runner, "--dry-run")
    assert abandoned_path.exists() and db.session.get(ImportJob, abandoned.id).status == "checked"
    prune(runner)
    db.session.expire_all()
    assert [p.exists() for p in (abandoned_path, waiting_path, queued_path, failed_path, orphan)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert abandoned.status == "cancelled" and waiting.status == "checked" and queued.status == "queued"


def test_every_column_naming_an_upload_is_a_reference(app):
    from lms.retention.services import upload_columns

    names = {f"{c.table.name}.{c.name}" for c in upload_columns()}
    assert names >= {"declaration.file_sha256", "session_material.sha256", "course.cover_sha256", "lesson_file.sha256"}


def test_beat_runs_the_retention_rules_every_night(app):
    import worker.tasks  # noqa: F401  (registers the tasks)
    from worker.schedule import configure_schedule

    celery = app.extensions["celery"]
    configure_schedule(celery, app.config)
    entry = celery.conf.beat_schedule["retention"]
    assert entry["task"] == "worker.tasks.retention" and entry["task"] in celery.tasks
