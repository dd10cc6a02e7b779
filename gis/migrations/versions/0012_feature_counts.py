"""Exact feature counts per collection and UAT, kept by the database (issue 16, item 11).

Every OGC items page carries `numberMatched`; counting a million parcels per page costs more than
the page itself (DESIGN §4: never a COUNT(*) over a large table on an ordinary request). So the
current rows (`valid_to IS NULL`) of the large tables are counted per UAT in
`public_api.feature_count`, one row per (view a collection reads, UAT), kept exact by
statement-level triggers that add what each INSERT, UPDATE or DELETE changed (transition
tables: one grouped update per statement, not one per row). The views below are exactly their
base table's current rows (their joins follow NOT NULL foreign keys or are LEFT joins);
tests/test_ogc_query.py checks every count against the view itself.

`audit.refresh_feature_counts()` recounts from scratch, for whoever wrote with the triggers
switched off (the test fixture that removes UATs).

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"

# base table -> the views that show its current rows, one to one (the INSPIRE views show every
# version, migration 0011: they are counted per page)
COUNTED = {
    "cadastre.parcel": ("public_api.parcel", "staff_api.parcel_record"),
    "cadastre.building": ("public_api.building",),
    "streets.address_point": ("public_api.address_point",),
}

_ADD = """
    INSERT INTO public_api.feature_count AS c (source, uat_siruta, n)
    SELECT src, d.uat_siruta, sum(d.n) FROM ({deltas}) d, unnest(TG_ARGV) src
    GROUP BY src, d.uat_siruta HAVING sum(d.n) <> 0
    ORDER BY 1, 2  -- one lock order for every writer
    ON CONFLICT (source, uat_siruta) DO UPDATE SET n = c.n + excluded.n;
"""
_NEW = "SELECT uat_siruta, count(*) AS n FROM new_rows WHERE valid_to IS NULL GROUP BY 1"
_OLD = "SELECT uat_siruta, -count(*) AS n FROM old_rows WHERE valid_to IS NULL GROUP BY 1"


def upgrade(settings) -> None:
    refresh = "\n".join(
        f"INSERT INTO public_api.feature_count (source, uat_siruta, n) SELECT src, uat_siruta, count(*) "  # noqa: S608
        f"FROM {table}, unnest(ARRAY{list(views)!r}) src WHERE valid_to IS NULL GROUP BY 1, 2;"
        for table, views in COUNTED.items())
    triggers = "\n".join(
        f"CREATE TRIGGER count_{event.lower()} AFTER {event} ON {table} REFERENCING {refs} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION audit.count_current_rows({', '.join(repr(v) for v in views)});"
        for table, views in COUNTED.items()
        for event, refs in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")))
    op.execute(f"""
    CREATE TABLE public_api.feature_count (
        source      text    NOT NULL,  -- the view a collection reads (schema.view)
        uat_siruta  integer NOT NULL,
        n           bigint  NOT NULL,
        PRIMARY KEY (source, uat_siruta)
    );
    COMMENT ON TABLE public_api.feature_count IS
        'Current rows per view and UAT (numberMatched of OGC items pages), kept by audit.count_current_rows';

    CREATE FUNCTION audit.count_current_rows() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, public AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_ADD.format(deltas=_NEW)}
        ELSIF TG_OP = 'DELETE' THEN
            {_ADD.format(deltas=_OLD)}
        ELSE
            {_ADD.format(deltas=_NEW + " UNION ALL " + _OLD)}
        END IF;
        RETURN NULL;
    END $$;

    CREATE FUNCTION audit.refresh_feature_counts() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, public AS $$
    BEGIN
        LOCK TABLE public_api.feature_count IN EXCLUSIVE MODE;
        DELETE FROM public_api.feature_count;
        {refresh}
    END $$;
    REVOKE ALL ON FUNCTION audit.count_current_rows(), audit.refresh_feature_counts() FROM PUBLIC;

    {triggers}
    SELECT audit.refresh_feature_counts();

    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT ON public_api.feature_count TO teritoriu_app;
            GRANT EXECUTE ON FUNCTION audit.refresh_feature_counts() TO teritoriu_app;
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_public') THEN
            GRANT SELECT ON public_api.feature_count TO teritoriu_public;
        END IF;
    END $$;
    """)  # noqa: S608 - table and view names are the COUNTED constant


def downgrade(settings) -> None:
    raise NotImplementedError
