"""a person's item points in one column of person_result

person_item_score held ten keyed rows per person and year; writing them (and their primary key) was
most of a full recompute (bench/RESULTS.md, issue #10). The points now live in person_result.items,
{item code: points} (jsonb on PostgreSQL, JSON text on SQLite). The rows are carried over both ways.

Revision ID: e7a1c4b9d2f3
Revises: d4e8b2c6a9f1
Create Date: 2026-12-05 07:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'e7a1c4b9d2f3'
down_revision = 'd4e8b2c6a9f1'
branch_labels = None
depends_on = None

ITEMS = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table('person_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('items', ITEMS, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE person_result r SET items = s.items FROM ("
            " SELECT person_id, period, jsonb_object_agg(item_code, points) AS items"
            " FROM person_item_score GROUP BY person_id, period) s"
            " WHERE s.person_id = r.person_id AND s.period = r.period"
        )
    else:
        op.execute(
            "UPDATE person_result SET items = (SELECT json_group_object(s.item_code, s.points)"
            " FROM person_item_score s WHERE s.person_id = person_result.person_id"
            " AND s.period = person_result.period)"
            " WHERE EXISTS (SELECT 1 FROM person_item_score s WHERE s.person_id = person_result.person_id"
            " AND s.period = person_result.period)"
        )
    op.drop_table('person_item_score')


def downgrade():
    op.create_table('person_item_score',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('person_id', 'period', 'item_code', name=op.f('pk_person_item_score'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO person_item_score (person_id, period, item_code, points)"
            " SELECT r.person_id, r.period, e.key, (e.value #>> '{}')::numeric"
            " FROM person_result r CROSS JOIN LATERAL jsonb_each(r.items) e WHERE r.items IS NOT NULL"
        )
    else:
        op.execute(
            "INSERT INTO person_item_score (person_id, period, item_code, points)"
            " SELECT r.person_id, r.period, e.key, e.value"
            " FROM person_result r, json_each(r.items) e WHERE r.items IS NOT NULL"
        )
    with op.batch_alter_table('person_result', schema=None) as batch_op:
        batch_op.drop_column('items')
