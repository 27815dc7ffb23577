"""item points in one column of person_result and group_result

person_item_score held ten keyed rows per person and year (group_item_score two to seven per group);
writing them (and their primary keys) was most of a full recompute (bench/RESULTS.md, issue #10). The
points now live in person_result.items and group_result.items, {item code: points} (jsonb on
PostgreSQL, JSON text on SQLite). The rows are carried over both ways.

Revision ID: e7a1c4b9d2f3
Revises: e7a3c5d1b9f4
Create Date: 2026-12-05 07:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'e7a1c4b9d2f3'
down_revision = 'e7a3c5d1b9f4'
branch_labels = None
depends_on = None

ITEMS = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    for table, keys in (("person_result", ("person_id", "period")), ("group_result", ("kind", "subject_id", "period"))):
        items = table.replace("result", "item_score")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('items', ITEMS, nullable=True))
        match = " AND ".join(f"s.{k} = {table}.{k}" for k in keys)
        if op.get_bind().dialect.name == "postgresql":
            op.execute(
                f"UPDATE {table} SET items = s.items FROM ("
                f" SELECT {', '.join(keys)}, jsonb_object_agg(item_code, points) AS items"
                f" FROM {items} GROUP BY {', '.join(keys)}) s WHERE {match}"
            )
        else:
            op.execute(
                f"UPDATE {table} SET items = (SELECT json_group_object(s.item_code, s.points)"
                f" FROM {items} s WHERE {match}) WHERE EXISTS (SELECT 1 FROM {items} s WHERE {match})"
            )
        op.drop_table(items)


def downgrade():
    op.create_table('group_item_score',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'subject_id', 'period', 'item_code', name=op.f('pk_group_item_score'))
    )
    op.create_table('person_item_score',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('person_id', 'period', 'item_code', name=op.f('pk_person_item_score'))
    )
    for table, keys in (("person_result", ("person_id", "period")), ("group_result", ("kind", "subject_id", "period"))):
        items = table.replace("result", "item_score")
        columns = ", ".join(f"r.{k}" for k in keys)
        if op.get_bind().dialect.name == "postgresql":
            op.execute(
                f"INSERT INTO {items} ({', '.join(keys)}, item_code, points)"
                f" SELECT {columns}, e.key, (e.value #>> '{{}}')::numeric"
                f" FROM {table} r CROSS JOIN LATERAL jsonb_each(r.items) e WHERE r.items IS NOT NULL"
            )
        else:
            op.execute(
                f"INSERT INTO {items} ({', '.join(keys)}, item_code, points)"
                f" SELECT {columns}, e.key, e.value FROM {table} r, json_each(r.items) e WHERE r.items IS NOT NULL"
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('items')
