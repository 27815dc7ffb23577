"""People of an area and the groups they belong to: families, clans, units."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model

GENDERS = ("nam", "nữ", "khác")
GROUPS = ("resident", "worker", "official", "student")
UNIT_LEVELS = ("commune", "district")


class Family(Model):
    """A household (hộ gia đình) living in one village."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)

    village: Mapped[Area] = relationship()


class Clan(Model):
    """A clan (dòng họ), registered with the area that recognises it."""

    __tablename__ = "clan"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)

    area: Mapped[Area] = relationship()


class Unit(Model):
    """An agency, school or enterprise at commune or district level (đơn vị)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(16))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)

    area: Mapped[Area] = relationship()


class Person(Model):
    """A citizen of a village; no national ID number is ever stored."""

    __tablename__ = "person"
    __table_args__ = (
        # substring search on the folded name, province-wide: a trigram index (PostgreSQL only; the
        # btree ix_person_name_folded serves ordering and prefix searches everywhere)
        sa.Index(
            "ix_person_name_folded_trgm",
            "name_folded",
            postgresql_using="gin",
            postgresql_ops={"name_folded": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    name_folded: Mapped[str] = mapped_column(sa.String(200), index=True, default="")
    birth_year: Mapped[int]
    gender: Mapped[str] = mapped_column(sa.String(8))
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(sa.ForeignKey("family.id"), index=True)
    clan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clan.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    is_official: Mapped[bool] = mapped_column(default=False)
    khuyen_hoc_member: Mapped[bool] = mapped_column(default=False)
    group: Mapped[str | None] = mapped_column(sa.String(16))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    # a self-registered person is unconfirmed until an officer of the commune confirms the residence
    # (or merges them into the registry person they are): until then they count in no figure (counted)
    confirmed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # erased at the person's request (lms.privacy.erasure): an anonymous record kept for earlier figures
    erased_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    village: Mapped[Area] = relationship()
    family: Mapped[Family | None] = relationship()
    clan: Mapped[Clan | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"<Person {self.code}>"


def counted(table: sa.Table | None = None) -> sa.ColumnElement[bool]:
    """SQL: the person counts in figures (indicators, group titles, review lists, reports): a confirmed
    resident. The one definition every people scan uses (lms.indicators.services, lms.criteria.engine…)."""
    return (Person.__table__ if table is None else table).c.confirmed.is_(True)


# metadata.create_all (the tests, `flask --app lms demo` on a fresh database) needs the extension
# before the trigram index; the migration creates it the same way
sa.event.listen(
    Person.__table__,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
