"""Retention of personal data: inactive unconfirmed accounts are erased after their days, each kind of
file has its own period, a dry run lists what would go and changes nothing; only what is due goes."""

import io
import os
import time
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from lms.extensions import db
from lms.util import today_local, utcnow
from tests.sessions import files


def _registered(tree, login, name, days_since_created, days_since_login=None, confirmed=False):  # type: ignore[no-untyped-def]
    from lms.auth.services import register_citizen

    user = register_citizen(login, "Cay-lua-vang-2026!", name, 1990, "nữ", tree["A1"])
    user.created_at = utcnow() - timedelta(days=days_since_created)
    if days_since_login is not None:
        user.last_login_at = utcnow() - timedelta(days=days_since_login)
    user.person.confirmed = confirmed
    db.session.commit()
    return user.person


def _store(app, data: bytes, name: str, days_old: float):  # type: ignore[no-untyped-def]
    from lms.uploads.services import path_of, store_upload

    with app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(data), name))
    path = path_of(stored.sha256)
    then = time.time() - days_old * 86400
    os.utime(path, (then, then))
    return stored, path


def test_only_the_inactive_unconfirmed_accounts_that_are_due_are_erased(app, runner, tree, default_framework):
    from lms.auth.models import User
    from lms.declarations.services import declare
    from lms.people.models import Person

    due = _registered(tree, "0905000001", "Người Bỏ Quên", 400)
    recent = _registered(tree, "0905000002", "Người Mới Vào", 400, days_since_login=100)
    confirmed = _registered(tree, "0905000003", "Người Đã Xác Nhận", 400, confirmed=True)
    stored, path = _store(app, files.PNG, "anh.png", 400)
    declare(due, 2026, "T3.1", "Ảnh của tôi", stored, today_local())
    db.session.commit()

    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "unconfirmed-accounts (older than 365 days): would remove 1 items" in dry.output
    db.session.expire_all()
    assert db.session.get(Person, due.id).erased_at is None and path.exists(), "a dry run changes nothing"

    done = runner.invoke(args=["retention"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    erased = db.session.get(Person, due.id)
    assert erased.erased_at is not None and erased.full_name != "Người Bỏ Quên"
    assert db.session.scalar(sa.select(User).where(User.person_id == due.id)) is None
    assert not path.exists(), "the erased person's file went"
    for kept in (recent, confirmed):
        person = db.session.get(Person, kept.id)
        assert person.erased_at is None and db.session.scalar(sa.select(User).where(User.person_id == kept.id))


def test_rejected_declaration_files_have_their_own_period(app, runner, tree, make_person, default_framework):
    from lms.declarations.services import declare, reject

    app.config["RETENTION_REJECTED_DECLARATION_FILES_DAYS"] = 10
    person = make_person(tree["A1"], full_name="Lê Thị Kê Khai")
    made = []
    for data, days in ((files.PNG, 15), (files.JPEG, 5)):
        stored, _path = _store(app, data, "giay.png" if data == files.PNG else "giay.jpg", days + 1)
        declaration = declare(person, 2026, "T3.1", "Minh chứng", stored, today_local())
        reject(declaration, "Không rõ", "canbo")
        declaration.decided_at = utcnow() - timedelta(days=days)
        made.append(declaration)
    db.session.commit()
    result = runner.invoke(args=["uploads", "prune"])
    assert "declaration-files (older than 10 days): removed 1 items" in result.output, result.output
    db.session.expire_all()
    assert made[0].file_sha256 is None and made[1].file_sha256 is not None
