"""person_result: no foreign key to person; a trigger deletes a person's results with them

The foreign key's check on every inserted row (a look-up and a KEY SHARE lock written on the person's
row) was a quarter of a year's first full recompute (bench/RESULTS.md, issue #10). A trigger on person
keeps what ON DELETE CASCADE gave: it waits for the writers of results in progress, then deletes the
deleted people's results (lms.criteria.models.RESULTS_GO_WITH_THE_PERSON holds the same statements).

Revision ID: f3b8d2a6c1e9
Revises: e7a1c4b9d2f3
Create Date: 2026-12-05 16:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3b8d2a6c1e9'
down_revision = 'e7a1c4b9d2f3'
branch_labels = None
depends_on = None

FK = 'fk_person_result_person_id_person'
TRIGGER = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION person_result_cascade() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        " LOCK TABLE person_result IN SHARE ROW EXCLUSIVE MODE;"
        " DELETE FROM person_result r USING gone g WHERE r.person_id = g.id;"
        " RETURN NULL;"
        " END $$",
        "CREATE TRIGGER person_result_cascade AFTER DELETE ON person REFERENCING OLD TABLE AS gone"
        " FOR EACH STATEMENT EXECUTE FUNCTION person_result_cascade()",
    ),
    "sqlite": (
        "CREATE TRIGGER person_result_cascade AFTER DELETE ON person FOR EACH ROW"
        " BEGIN DELETE FROM person_result WHERE person_id = OLD.id; END",
    ),
}


def upgrade():
    with op.batch_alter_table('person_result', schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_='foreignkey')
    for statement in TRIGGER[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS person_result_cascade" + (" ON person" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS person_result_cascade()")
    op.execute("DELETE FROM person_result WHERE person_id NOT IN (SELECT id FROM person)")
    with op.batch_alter_table('person_result', schema=None) as batch_op:
        batch_op.create_foreign_key(FK, 'person', ['person_id'], ['id'], ondelete='CASCADE')
