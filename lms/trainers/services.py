"""Trainers' areas: give or take an area (audited), and the scope checks the session pages use.

A trainer without an area holds no session and sees nobody. Admins give any area; an officer gives
areas inside their own (lms.trainers.views). The admin's account pages call the same functions.
"""

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement, Select

from lms.areas.models import Area
from lms.areas.services import within
from lms.audit.services import audit
from lms.auth.models import User
from lms.extensions import db
from lms.trainers.models import TrainerArea


class TrainerError(ValueError):
    """A refused change of a trainer's areas; the message (already translated) says why."""


def trainer_areas(trainer: User) -> list[Area]:
    """Return the areas given to a trainer, by path."""
    return list(
        db.session.scalars(
            sa.select(Area)
            .join(TrainerArea, TrainerArea.area_id == Area.id)
            .where(TrainerArea.user_id == trainer.id)
            .order_by(Area.path)
        )
    )


def in_trainer_areas(path: ColumnElement[str] | QueryableAttribute[str], trainer: User) -> ColumnElement[bool]:
    """SQL: the area with this path lies inside one of the trainer's areas (false for a trainer without one)."""
    ta, given = TrainerArea.__table__, Area.__table__.alias("given")
    return sa.exists().where(ta.c.user_id == trainer.id, given.c.id == ta.c.area_id, path.startswith(given.c.path))


def areas_of_trainer(trainer: User) -> Select[Any]:
    """Return the ids of every area inside one of the trainer's areas."""
    return sa.select(Area.id).where(in_trainer_areas(Area.path, trainer))


def covers(trainer: User, area: Area) -> bool:
    """True when the area lies inside one of the trainer's areas."""
    return any(within(area, given) for given in trainer_areas(trainer))


def assignments_in(scope: Area) -> list[tuple[User, Area, TrainerArea]]:
    """Return the trainers given an area inside the scope, with that area, by trainer name."""
    rows = db.session.execute(
        sa.select(User, Area, TrainerArea)
        .join(TrainerArea, TrainerArea.user_id == User.id)
        .join(Area, Area.id == TrainerArea.area_id)
        .where(Area.path.startswith(scope.path))
        .order_by(User.display_name, User.id, Area.path)
    )
    return [(user, area, given) for user, area, given in rows]


def assign_trainer_area(trainer: User, area: Area, actor: str) -> TrainerArea:
    """Give a trainer an area (giving it again changes nothing); audited."""
    if trainer.role != "trainer":
        raise TrainerError(_("Tài khoản %(login)s không phải tài khoản báo cáo viên.", login=trainer.login))
    if area.valid_to is not None:
        raise TrainerError(_("Địa bàn %(name)s không còn tồn tại sau khi sắp xếp lại.", name=area.name))
    found = db.session.get(TrainerArea, (trainer.id, area.id))
    if found is not None:
        return found
    given = TrainerArea(user_id=trainer.id, area_id=area.id, assigned_by=actor)
    db.session.add(given)
    audit(actor, "trainer.assign", f"user {trainer.login}", area_id=area.id, after={"area": area.code})
    db.session.flush()
    return given


def remove_trainer_area(trainer: User, area: Area, actor: str) -> bool:
    """Take an area from a trainer (their sessions stay, but nobody there can be seen or marked); audited."""
    found = db.session.get(TrainerArea, (trainer.id, area.id))
    if found is None:
        return False
    db.session.delete(found)
    audit(actor, "trainer.unassign", f"user {trainer.login}", area_id=area.id, before={"area": area.code})
    db.session.flush()
    return True
