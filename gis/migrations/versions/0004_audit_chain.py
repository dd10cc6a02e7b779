"""The audit log chained by hash: each row carries the SHA-256 of its content and of the row
before it, so a row altered or deleted afterwards breaks the chain (`teritoriu audit verify`).

Rows are numbered in commit order: the trigger takes a transaction-level advisory lock, so
writers append to the chain one transaction at a time.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from gis.migrations.versions import CHAIN_CONTENT as CONTENT

revision = "0004"
down_revision = "0003"


def upgrade(settings) -> None:
    op.execute(f"""
    ALTER TABLE audit.log ADD COLUMN chain_no bigint, ADD COLUMN row_hash bytea;
    CREATE UNIQUE INDEX log_chain_idx ON audit.log (chain_no);

    -- The head of the chain is read once per transaction (under the lock, which is held until
    -- commit) and then carried in transaction-local settings: a bulk import of 100,000 rows
    -- must not look the head up again for every row.
    CREATE FUNCTION audit.chain_row() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        last_no bigint;
        last_hash bytea;
        carried text := current_setting('teritoriu.chain_no', true);
    BEGIN
        IF carried IS NULL OR carried = '' THEN
            PERFORM pg_advisory_xact_lock(7230412);  -- one writer of the chain at a time
            SELECT chain_no, row_hash INTO last_no, last_hash FROM audit.log
            WHERE chain_no = (SELECT max(chain_no) FROM audit.log);
        ELSE
            last_no := carried::bigint;
            last_hash := decode(current_setting('teritoriu.chain_hash'), 'hex');
        END IF;
        NEW.chain_no := coalesce(last_no, 0) + 1;
        NEW.row_hash := sha256(coalesce(last_hash, '\\x'::bytea) || {CONTENT.format(r="NEW")});
        PERFORM set_config('teritoriu.chain_no', NEW.chain_no::text, true);
        PERFORM set_config('teritoriu.chain_hash', encode(NEW.row_hash, 'hex'), true);
        RETURN NEW;
    END $$;

    -- the rows written before this migration, chained in their order
    DO $$
    DECLARE
        r record;
        h bytea := '\\x'::bytea;
        n bigint := 0;
    BEGIN
        FOR r IN SELECT id FROM audit.log ORDER BY id LOOP
            n := n + 1;
            UPDATE audit.log SET chain_no = n WHERE id = r.id;
            UPDATE audit.log l SET row_hash = sha256(h || {CONTENT.format(r="l")}) WHERE l.id = r.id
                RETURNING row_hash INTO h;
        END LOOP;
    END $$;
    ALTER TABLE audit.log ALTER COLUMN chain_no SET NOT NULL, ALTER COLUMN row_hash SET NOT NULL;
    CREATE TRIGGER chain_row BEFORE INSERT ON audit.log FOR EACH ROW EXECUTE FUNCTION audit.chain_row();
    """)  # noqa: S608 - CONTENT is the CHAIN_CONTENT constant


def downgrade(settings) -> None:
    op.execute("DROP TRIGGER chain_row ON audit.log; DROP FUNCTION audit.chain_row(); "
               "ALTER TABLE audit.log DROP COLUMN chain_no, DROP COLUMN row_hash")
