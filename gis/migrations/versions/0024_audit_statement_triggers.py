"""The audit trail of the tables imports write in bulk, written once per statement (issue 20's time).

The per-row audit_row trigger (0001, 0008) ran a PL/pgSQL function and a one-row INSERT into
audit.log for each of the 100,000 parcels of an import. On the tables the importers write in bulk,
audit.record_changes() does the same with one INSERT … SELECT per statement, reading the
statement's transition tables (REFERENCING OLD TABLE / NEW TABLE). Every changed row still gets
its own audit row with the same actor, action ('insert', 'update', 'retire', 'delete'), table,
object id, UAT, before and after as audit.record_change() wrote, in the order the rows were
changed; the chain (0004) still numbers and hashes each audit row in its BEFORE INSERT trigger.

An updated row's old and new versions are paired by position: PostgreSQL writes both into the
transition tables together, row by row (the object id may itself change, so it cannot pair them).
These tables hold no secret or document column, so the trigger takes no redaction arguments;
the tables that do keep the per-row trigger.

Revision ID: 0024
Revises: 0023
"""

from alembic import op

revision = "0024"
down_revision = "0023"

BULK_TABLES = ("cadastre.parcel", "cadastre.building", "streets.street", "streets.address_point",
               "planning.zone", "agri.plot")

RECORD_CHANGES = """
CREATE FUNCTION audit.record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tbl text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
BEGIN
    -- A bulk load (sample commune, benchmark data) writes one summary row itself instead.
    IF current_setting('teritoriu.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_NARGS > 0 THEN
        RAISE EXCEPTION 'record_changes on %: redaction needs the per-row audit.record_change', tbl;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit.log (actor, action, table_name, object_id, uat_siruta, before, after)
        SELECT audit.current_actor(), 'insert', tbl, a ->> 'id', (a ->> 'uat_siruta')::integer, NULL, a
        FROM (SELECT row_number() OVER () AS ord, to_jsonb(n) AS a FROM new_rows n) r ORDER BY ord;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit.log (actor, action, table_name, object_id, uat_siruta, before, after)
        SELECT audit.current_actor(),
               CASE WHEN b ? 'valid_to' AND o.r IS DISTINCT FROM n.r
                         AND (b ->> 'valid_to') IS NULL AND (a ->> 'valid_to') IS NOT NULL
                    THEN 'retire' ELSE 'update' END,
               tbl, coalesce(a ->> 'id', b ->> 'id'), (coalesce(a, b) ->> 'uat_siruta')::integer, b, a
        FROM (SELECT row_number() OVER () AS ord, x AS r, to_jsonb(x) AS b FROM old_rows x) o
        JOIN (SELECT row_number() OVER () AS ord, y AS r, to_jsonb(y) AS a FROM new_rows y) n USING (ord)
        ORDER BY ord;
    ELSE
        INSERT INTO audit.log (actor, action, table_name, object_id, uat_siruta, before, after)
        SELECT audit.current_actor(), 'delete', tbl, b ->> 'id', (b ->> 'uat_siruta')::integer, b, NULL
        FROM (SELECT row_number() OVER () AS ord, to_jsonb(x) AS b FROM old_rows x) o ORDER BY ord;
    END IF;
    RETURN NULL;
END $$;
"""

STATEMENT_TRIGGERS = "\n".join(
    f"DROP TRIGGER audit_row ON {t};\n"
    f"CREATE TRIGGER audit_insert AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes();\n"
    f"CREATE TRIGGER audit_update AFTER UPDATE ON {t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes();\n"
    f"CREATE TRIGGER audit_delete AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows "
    f"FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes();"
    for t in BULK_TABLES)

ROW_TRIGGERS = "\n".join(
    f"DROP TRIGGER audit_insert ON {t}; DROP TRIGGER audit_update ON {t}; DROP TRIGGER audit_delete ON {t};\n"
    f"CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION audit.record_change();"
    for t in BULK_TABLES)


def upgrade(settings) -> None:
    op.execute(RECORD_CHANGES + STATEMENT_TRIGGERS)


def downgrade(settings) -> None:
    op.execute(ROW_TRIGGERS + "\nDROP FUNCTION audit.record_changes();")
