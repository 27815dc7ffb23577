"""An officer's import stays inside their area: every staged row is checked set-based, before any write.

Rules (admins import without them; areas are admin-only):
- units, clans: the area they are registered with lies in the officer's area, and so does the area of
  an existing unit / clan the file would change;
- families: their village, and the village of an existing family the file would change;
- people: their village, the village of an existing person the file would change, and the village of
  their family (clans and units may be registered above the commune, so any code is accepted);
- evidence: the person lives in the area;
- group scores: the family / clan / unit / village lies in the area;
- contributions: the receiving area; Khuyến học branches: their area (and that of the branch the file
  would change); the roll: the person lives in the area and the branch lies in it.
"""

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.association.models import Branch
from lms.imports.specs import RowError
from lms.people.models import Clan, Family, Person, Unit

person = Person.__table__
family = Family.__table__
clan = Clan.__table__
unit = Unit.__table__
area = Area.__table__
branch = Branch.__table__

ADMIN_ONLY = ("areas",)


def _rows(stage: Any, condition: Any, *joins: tuple[sa.Table, Any]) -> Select[Any]:
    """Return the row numbers of staged rows (joined as given) that meet `condition`."""
    source: Any = stage.table
    for table, on in joins:
        source = source.join(table, on)
    return sa.select(stage.c.row_no).select_from(source).where(condition)


def outside_rows(target: str, stage: Any, under: Select[Any]) -> list[tuple[Select[Any], str]]:
    """Return (row-number query, column) pairs naming the staged rows that reach outside `under`."""
    s = stage.c
    fields = set(stage.fields)
    checks: list[tuple[Select[Any], str]] = []
    if target in ("unit", "clan"):
        table = unit if target == "unit" else clan
        checks.append((_rows(stage, s.area_id.not_in(under)), "area_code"))
        checks.append((_rows(stage, table.c.area_id.not_in(under), (table, table.c.code == s.code)), "code"))
    elif target == "family":
        checks.append((_rows(stage, s.village_id.not_in(under)), "village_code"))
        checks.append((_rows(stage, family.c.village_id.not_in(under), (family, family.c.code == s.code)), "code"))
    elif target == "person":
        checks.append((_rows(stage, s.village_id.not_in(under)), "village_code"))
        checks.append(
            (_rows(stage, person.c.village_id.not_in(under), (person, person.c.code == s.code)), "person_code")
        )
        if "family_id" in fields:
            checks.append(
                (_rows(stage, family.c.village_id.not_in(under), (family, family.c.id == s.family_id)), "family_code")
            )
    elif target == "evidence":
        checks.append(
            (_rows(stage, person.c.village_id.not_in(under), (person, person.c.id == s.person_id)), "person_code")
        )
    elif target == "group_entry":
        for subject, table, column in (
            ("family", family, "village_id"),
            ("clan", clan, "area_id"),
            ("unit", unit, "area_id"),
        ):
            checks.append(
                (
                    _rows(
                        stage,
                        sa.and_(s.subject == subject, table.c[column].not_in(under)),
                        (table, table.c.id == s.subject_id),
                    ),
                    "code",
                )
            )
        checks.append((_rows(stage, sa.and_(s.subject == "village", s.subject_id.not_in(under))), "code"))
    elif target == "contribution":
        checks.append((_rows(stage, s.area_id.not_in(under)), "area_code"))
    elif target == "kh_branch":
        checks.append((_rows(stage, s.area_id.not_in(under)), "area_code"))
        checks.append((_rows(stage, branch.c.area_id.not_in(under), (branch, branch.c.code == s.code)), "code"))
    elif target == "kh_member":
        checks.append(
            (_rows(stage, person.c.village_id.not_in(under), (person, person.c.id == s.person_id)), "person_code")
        )
        checks.append(
            (_rows(stage, branch.c.area_id.not_in(under), (branch, branch.c.id == s.branch_id)), "branch_code")
        )
    return checks


def scope_errors(importer: Any, root: Area, room: int) -> list[RowError]:
    """Return a fault for each staged row outside `root` (at most `room`), in file order."""
    from lms.extensions import db

    stage = importer.stage
    if not stage.created or room <= 0:
        return []
    under = sa.select(area.c.id).where(area.c.path.startswith(root.path))
    found: dict[tuple[int, str], None] = {}
    for query, column in outside_rows(importer.target.name, stage, under):
        for (row,) in db.session.execute(query.order_by(stage.c.row_no).limit(room)):
            found[(row, column)] = None
    message = _("Ngoài địa bàn của bạn (%(area)s)", area=root.name)
    return [RowError(row, column, message) for row, column in sorted(found)][:room]
