"""The whole data model, first version (see 0001_schema.sql).

Revision ID: 0001
Revises:
"""

from pathlib import Path

from alembic import op

from gis.profiles import get_profile

revision = "0001"
down_revision = None

SCHEMAS = ("territory", "cadastre", "streets", "planning", "agri", "fiscal", "registry",
           "audit", "auth", "public_api", "staff_api")
PRIVATE = tuple(s for s in SCHEMAS if s not in ("public_api", "staff_api"))


def upgrade(settings) -> None:
    srid = get_profile(settings.profile).storage_srid
    sql = (Path(__file__).with_suffix(".sql")).read_text().replace(":srid", str(int(srid)))
    op.execute(sql)
    _grant()


def _grant() -> None:
    """app: read/write on the private schemas (audit: append only); public: public_api only."""
    private = ", ".join(PRIVATE)
    op.execute(f"""
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT USAGE ON SCHEMA {private}, public_api, staff_api TO teritoriu_app;
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA
                territory, cadastre, streets, planning, agri, fiscal, registry, auth TO teritoriu_app;
            GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA audit TO teritoriu_app;
            GRANT SELECT ON ALL TABLES IN SCHEMA public_api, staff_api TO teritoriu_app;
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {private} TO teritoriu_app;
        END IF;
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_public') THEN
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            GRANT USAGE ON SCHEMA public TO teritoriu_app, teritoriu_public;
            GRANT USAGE ON SCHEMA public_api TO teritoriu_public;
            GRANT SELECT ON ALL TABLES IN SCHEMA public_api TO teritoriu_public;
        END IF;
    END $$;
    """)  # noqa: S608 - private is the SCHEMAS constant


def downgrade(settings) -> None:
    op.execute("DROP SCHEMA " + ", ".join(reversed(SCHEMAS)) + " CASCADE")
