"""The data revision announced by NOTIFY (issue 24: warm tiles without a query).

Every change of `audit.data_revision` (the triggers on the published tables, or a direct UPDATE
such as the test fixture's) sends `NOTIFY teritoriu_data_revision, '<revision>'` at commit;
layers/revision_watch.py listens, so a cached tile is served without asking the database.

Revision ID: 0022
Revises: 0021
"""

from alembic import op

revision = "0022"
down_revision = "0021"


def upgrade(settings) -> None:
    op.execute("""
    CREATE FUNCTION audit.notify_data_revision() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, audit AS $$
    BEGIN
        PERFORM pg_notify('teritoriu_data_revision', NEW.revision::text);
        RETURN NULL;
    END $$;
    CREATE TRIGGER notify_data_revision AFTER INSERT OR UPDATE ON audit.data_revision
        FOR EACH ROW EXECUTE FUNCTION audit.notify_data_revision();
    """)


def downgrade(settings) -> None:
    op.execute("DROP TRIGGER notify_data_revision ON audit.data_revision; "
               "DROP FUNCTION audit.notify_data_revision()")
