"""Fixtures for training sessions: a trainer, a session for commune A running now, upload helpers."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest

from lms.extensions import db
from lms.util import utcnow
from tests.web.conftest import citizen, officer_a, officer_b, submit  # noqa: F401  (fixtures)


@pytest.fixture
def trainer(tree, make_user):  # type: ignore[no-untyped-def]
    """A trainer working in the whole district D (communes A and B)."""
    return make_user("trainer", area=tree["D"], login="trainer@example.vn")


@pytest.fixture
def make_session(app, tree, trainer):  # type: ignore[no-untyped-def]
    """make_session(audience=tree['A'], starts_in=timedelta(minutes=-10), hours=2, **fields) -> TrainingSession."""
    from courses.sessions.models import TrainingSession

    counter = iter(range(1, 10_000))

    def make(area=None, unit=None, starts_in=timedelta(minutes=-10), length=timedelta(hours=2), hours=2, **fields):  # type: ignore[no-untyped-def]
        start = utcnow() + starts_in
        ts = TrainingSession(
            code=fields.pop("code", f"TH-TEST-{next(counter)}"),
            title=fields.pop("title", "Tập huấn cài đặt VNeID"),
            area=area if area is not None or unit is not None else tree["A"],
            unit=unit,
            place=fields.pop("place", "Nhà văn hóa thôn 1"),
            starts_at=start,
            ends_at=start + length,
            hours=Decimal(str(hours)),
            trainer_id=fields.pop("trainer_id", trainer.id),
            **fields,
        )
        db.session.add(ts)
        db.session.commit()
        return ts

    return make


@pytest.fixture
def training(make_session):  # type: ignore[no-untyped-def]
    """A 2-hour session for commune A that started 10 minutes ago."""
    return make_session()


def upload(client, ts, name: str, data: bytes, **kwargs):  # type: ignore[no-untyped-def]
    """Upload a material to a session like the browser form does (CSRF token from the session page)."""
    page = f"/sessions/{ts.id}"
    return submit(
        client,
        page,
        f"/sessions/{ts.id}/materials",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        **kwargs,
    )


def stored_files(app) -> list:  # type: ignore[no-untyped-def]
    """Return every file under UPLOAD_DIR (the staging folder included)."""
    from pathlib import Path

    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
