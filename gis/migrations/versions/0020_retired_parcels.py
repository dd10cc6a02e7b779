"""What became of a retired cadastral number (issue 21): the public map says "retired on …, it became
…" instead of "no registered parcel here". `public_api.retired_parcel`: the number, its UAT, when it
was retired and the numbers that took its place: the children the lineage records (a split, a
merge), else the current parcels covering more than 1 % of its ground (gis/relinking.py's
SUCCESSOR_SHARE; a plain retirement). Numbers and dates only: nothing personal.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"


def upgrade(settings) -> None:
    op.execute("""
    CREATE VIEW public_api.retired_parcel AS
        SELECT p.uat_siruta, p.cadastral_number, p.valid_to AS retired_at,
               coalesce(
                   (SELECT array_agg(DISTINCT c.cadastral_number ORDER BY c.cadastral_number)
                    FROM cadastre.parcel_lineage l JOIN cadastre.parcel c ON c.id = l.child_id
                    WHERE l.parent_id = p.id),
                   (SELECT array_agg(q.cadastral_number ORDER BY q.cadastral_number) FROM cadastre.parcel q
                    WHERE q.uat_siruta = p.uat_siruta AND q.valid_to IS NULL AND q.geom && p.geom
                      AND ST_Area(ST_Intersection(q.geom, p.geom)) > 0.01 * ST_Area(p.geom)),
                   '{}') AS became
        FROM cadastre.parcel p
        WHERE p.valid_to IS NOT NULL;
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT ON public_api.retired_parcel TO teritoriu_app;
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_public') THEN
            GRANT SELECT ON public_api.retired_parcel TO teritoriu_public;
        END IF;
    END $$;
    """)


def downgrade(settings) -> None:
    op.execute("DROP VIEW public_api.retired_parcel")
