"""Indicators (issue 23): how a request was filed, and how much the public map is used.

- `registry.request.filing_channel`: 'online' for a request the applicant filed (the public form or
  the JSON API: created_by 'public:…'), 'counter' for one an officer registered at the desk. Derived
  from created_by (a generated column), so every request, old or new, has it and nothing can make
  the two disagree.
- `audit.use_count`: per-day, per-UAT counters of the public map's use (sessions, searches, parcel
  sheets opened; gis/map_use.py). Nothing else: no address, user agent, cookie or identifier, so no
  visitor can be recognised or followed from one day to the next. uat_siruta NULL: the overview map
  of every UAT (no UAT chosen).

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE registry.request ADD COLUMN filing_channel text
        GENERATED ALWAYS AS (CASE WHEN created_by LIKE 'public:%' THEN 'online' ELSE 'counter' END) STORED;

    CREATE TABLE audit.use_count (
        day         date NOT NULL,
        uat_siruta  integer REFERENCES territory.uat,
        kind        text NOT NULL CHECK (kind IN ('session', 'search', 'sheet')),
        n           bigint NOT NULL CHECK (n >= 0),
        UNIQUE NULLS NOT DISTINCT (day, uat_siruta, kind)
    );
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT, INSERT, UPDATE ON audit.use_count TO teritoriu_app;
        END IF;
    END $$;
    """)


def downgrade(settings) -> None:
    op.execute("DROP TABLE audit.use_count; ALTER TABLE registry.request DROP COLUMN filing_channel")
