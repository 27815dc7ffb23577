"""decisions as records of their own

A decision (number, date, signer, area, period, kind, status) owns its awards and group confirmations;
a proposed one lists its people or groups (decision_item). Back-fills one approved decision (revoked
when every title in it is) for each (kind, period, number, date) of the titles already awarded, in the
smallest area holding all their villages.

Revision ID: e7a1c3d5b9f2
Revises: e7a3c1f9b5d2
Create Date: 2026-12-05 07:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7a1c3d5b9f2"
down_revision = "e7a3c1f9b5d2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("signer", sa.String(length=200), server_default="", nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_decision_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_status"), ["status"], unique=False)
    op.create_table(
        "decision_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision.id"], name=op.f("fk_decision_item_decision_id_decision"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_item")),
        sa.UniqueConstraint("decision_id", "subject_id", name=op.f("uq_decision_item_decision_id_subject_id")),
    )
    with op.batch_alter_table("decision_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_item_decision_id"), ["decision_id"], unique=False)
    for table in ("award", "group_confirmation"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_decision_id"), ["decision_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_decision_id_decision"), "decision", ["decision_id"], ["id"]
            )
    _backfill()


def _backfill():
    """One decision per (kind, period, number, date) of the titles awarded so far, set-wise per decision."""
    conn = op.get_bind()
    parents = dict(conn.execute(sa.text("SELECT id, parent_id FROM area")).all())
    if not parents:
        return

    def chain(area_id):
        out = []
        while area_id is not None:
            out.append(area_id)
            area_id = parents.get(area_id)
        return out

    def common(area_ids):
        chains = [chain(a) for a in area_ids]
        shared = set(chains[0]).intersection(*map(set, chains[1:])) if chains else set()
        for a in chains[0]:
            if a in shared:
                return a
        return chains[0][-1]

    sources = {
        "person": (
            "SELECT period, decision_no, decision_date, MIN(awarded_by), MIN(awarded_at), "
            "COUNT(*), COUNT(revoked_at) FROM award GROUP BY period, decision_no, decision_date",
            "SELECT DISTINCT p.village_id FROM award a JOIN person p ON p.id = a.person_id "
            "WHERE a.period = :period AND a.decision_no = :no AND a.decision_date = :d",
            "award",
        ),
    }
    group_home = {
        "family": "SELECT village_id FROM family WHERE id = g.subject_id",
        "clan": "SELECT area_id FROM clan WHERE id = g.subject_id",
        "village": "SELECT g.subject_id",
        "unit": "SELECT area_id FROM unit WHERE id = g.subject_id",
    }
    now = datetime.now(UTC)
    decision = sa.table(
        "decision",
        *(
            sa.column(c)
            for c in (
                "id",
                "number",
                "decision_date",
                "signer",
                "area_id",
                "period",
                "kind",
                "status",
                "created_by",
                "created_at",
                "updated_at",
                "approved_by",
                "approved_at",
                "revoked_by",
                "revoked_at",
                "revoke_reason",
            )
        ),
    )

    def add(kind, period, no, d, actor, at, total, revoked, homes, table, extra):
        homes = [h for h in homes if h is not None]
        if not homes:
            return
        status = "revoked" if revoked == total else "approved"
        new_id = conn.execute(
            decision.insert()
            .values(
                number=no,
                decision_date=d,
                signer="",
                area_id=common(homes),
                period=period,
                kind=kind,
                status=status,
                created_by=actor,
                created_at=at or now,
                updated_at=now,
                approved_by=actor,
                approved_at=at or now,
                revoked_by=None,
                revoked_at=None,
                revoke_reason=None,
            )
            .returning(decision.c.id)
        ).scalar_one()
        conn.execute(
            sa.text(
                f"UPDATE {table} SET decision_id = :id WHERE period = :period AND decision_no = :no "  # noqa: S608
                f"AND decision_date = :d{extra}"
            ),
            {"id": new_id, "period": period, "no": no, "d": d, "kind": kind},
        )
        column = "person_id" if table == "award" else "subject_id"
        conn.execute(
            sa.text(
                f"INSERT INTO decision_item (decision_id, subject_id) SELECT DISTINCT :id, {column} FROM {table} "  # noqa: S608
                "WHERE decision_id = :id"
            ),
            {"id": new_id},
        )

    person_sql, homes_sql, _table = sources["person"]
    for period, no, d, actor, at, total, revoked in conn.execute(sa.text(person_sql)).all():
        homes = [r[0] for r in conn.execute(sa.text(homes_sql), {"period": period, "no": no, "d": d})]
        add("person", period, no, d, actor, at, total, revoked, homes, "award", "")
    rows = conn.execute(
        sa.text(
            "SELECT kind, period, decision_no, decision_date, MIN(confirmed_by), MIN(confirmed_at), COUNT(*), "
            "COUNT(revoked_at) FROM group_confirmation GROUP BY kind, period, decision_no, decision_date"
        )
    ).all()
    for kind, period, no, d, actor, at, total, revoked in rows:
        if kind not in group_home:
            continue
        homes = [
            r[0]
            for r in conn.execute(
                sa.text(
                    f"SELECT ({group_home[kind]}) FROM group_confirmation g WHERE g.kind = :kind "  # noqa: S608
                    "AND g.period = :period AND g.decision_no = :no AND g.decision_date = :d"
                ),
                {"kind": kind, "period": period, "no": no, "d": d},
            )
        ]
        add(kind, period, no, d, actor, at, total, revoked, homes, "group_confirmation", " AND kind = :kind")


def downgrade():
    for table in ("group_confirmation", "award"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_decision_id_decision"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_decision_id"))
            batch_op.drop_column("decision_id")
    with op.batch_alter_table("decision_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_item_decision_id"))
    op.drop_table("decision_item")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_status"))
        batch_op.drop_index(batch_op.f("ix_decision_period"))
        batch_op.drop_index(batch_op.f("ix_decision_area_id"))
    op.drop_table("decision")
