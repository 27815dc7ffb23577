"""job leases: background jobs are found from the database, not the broker

Revision ID: c3d4e5f6a7b8
Revises: 2208a97781e5
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = '2208a97781e5'
branch_labels = None
depends_on = None

TABLES = ('recompute_job', 'import_job')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('lease_owner', sa.String(length=120), nullable=True))
            batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('recoveries', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('recompute_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('recompute_job', schema=None) as batch_op:
        batch_op.drop_column('plan')
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('recoveries')
            batch_op.drop_column('lease_until')
            batch_op.drop_column('lease_owner')
            batch_op.drop_column('queued_at')
