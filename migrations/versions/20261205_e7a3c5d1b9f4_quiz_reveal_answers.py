"""quiz: when a learner sees the right answers

`reveal_answers`: "done" (once the quiz is passed or no attempt is left; the default), "each" (after every
attempt) or "never" (only right or wrong per question).

Revision ID: e7a3c5d1b9f4
Revises: 6c268acd465e
Create Date: 2026-12-05 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a3c5d1b9f4'
down_revision = '6c268acd465e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reveal_answers', sa.String(length=8), server_default='done', nullable=False))


def downgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('reveal_answers')
