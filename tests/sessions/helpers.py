"""The training session, material and declaration the access matrix (tests/web/test_access.py) points at."""

import io
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.util import today_local, utcnow
from tests.sessions import files


def learning_world(tree) -> dict:  # type: ignore[no-untyped-def]
    """A session of trainer@example.vn for commune A running now, with a PDF; a declaration of citizen@example.vn."""
    from werkzeug.datastructures import FileStorage

    from courses.sessions.models import TrainingSession
    from courses.sessions.services import add_material, checkin_token
    from lms.auth.models import User
    from lms.declarations.services import declare
    from lms.uploads.services import store_upload

    trainer = db.session.scalar(sa.select(User).where(User.login == "trainer@example.vn"))
    citizen = db.session.scalar(sa.select(User).where(User.login == "citizen@example.vn"))
    start = utcnow() - timedelta(minutes=5)
    ts = TrainingSession(
        code="TH-ACCESS",
        title="Tập huấn kỹ năng số",
        area=tree["A"],
        place="Hội trường UBND xã",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        hours=Decimal(2),
        trainer_id=trainer.id,
    )
    db.session.add(ts)
    db.session.flush()
    with current_app.test_request_context():
        material = add_material(ts, store_upload(FileStorage(io.BytesIO(files.PDF), "slides.pdf")))
        token = checkin_token(ts)
        stored = store_upload(FileStorage(io.BytesIO(files.PNG), "anh.png"))
    declaration = declare(citizen.person, 2026, "T3.1", "Hòa giải mâu thuẫn hàng xóm", stored, today_local())
    db.session.commit()
    return {"session": ts.id, "material": material.id, "checkin_token": token, "declaration": declaration.id}
