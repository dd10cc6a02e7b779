"""Throttles and limits that every worker and app server sees: counters in PostgreSQL (issue 17,
items 9, 13, 15 and 17).

One row per (scope, key): `hits` counted in a fixed window that ends at `until` (gis.throttles).
UNLOGGED: no WAL for a counter bumped on every sign-in failure, filing and verification; a crash
empties the table, which only forgives. Keys are SHA-256 digests (no address or e-mail in clear).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade(settings) -> None:
    op.execute("""
    CREATE UNLOGGED TABLE auth.throttle (
        scope   text NOT NULL,
        key     text NOT NULL,
        hits    integer NOT NULL,
        until   timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
    );
    CREATE INDEX throttle_until_idx ON auth.throttle (until);
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT, INSERT, UPDATE, DELETE ON auth.throttle TO teritoriu_app;
        END IF;
    END $$;
    """)


def downgrade(settings) -> None:
    op.execute("DROP TABLE auth.throttle")
