"""People and their memberships; every change marks what it affects for recompute."""

from typing import Any

import sqlalchemy as sa

from lms.criteria.services import periods_with_framework
from lms.extensions import db
from lms.people.models import Person
from lms.recompute.services import mark_dirty
from lms.util import fold, today_local


def affected_periods() -> list[int]:
    """Return the years a membership change affects: those with a framework, and the current one."""
    return sorted({*periods_with_framework(), today_local().year})


def mark_memberships_dirty(person: Person) -> None:
    """Mark a person, their family's members and their groups dirty for every affected year."""
    for period in affected_periods():
        mark_dirty("person", [person.id], period)
        if person.family_id is not None:
            mark_dirty("person", sa.select(Person.id).where(Person.family_id == person.family_id), period)
            mark_dirty("family", [person.family_id], period)
        for kind, value in (("clan", person.clan_id), ("unit", person.unit_id), ("village", person.village_id)):
            if value is not None:
                mark_dirty(kind, [value], period)


def update_person(person: Person, **changes: Any) -> Person:
    """Change a person's fields or memberships (family, village, clan, unit); old and new groups recompute."""
    mark_memberships_dirty(person)  # the groups they leave
    for key, value in changes.items():
        setattr(person, key, value)
    if "full_name" in changes:
        person.name_folded = fold(person.full_name)
    db.session.flush()
    mark_memberships_dirty(person)  # the groups they join
    return person
