"""person name: pg_trgm GIN index for province-wide substring search

Revision ID: b7c1e2f3a4d5
Revises: 667da424a7d5
Create Date: 2026-11-29 06:00:00

The registry searches `person.name_folded` (lower case, no diacritics) with LIKE '%…%'. A btree
index cannot serve a substring; at a million people a province officer's search would read the
whole table. pg_trgm's GIN index serves LIKE with any pattern of three characters or more. The
extension is "trusted" since PostgreSQL 13: the database owner may create it. On SQLite (the
embedded default) this migration does nothing.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7c1e2f3a4d5'
down_revision = '667da424a7d5'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_person_name_folded_trgm ON person USING gin (name_folded gin_trgm_ops)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_person_name_folded_trgm")
