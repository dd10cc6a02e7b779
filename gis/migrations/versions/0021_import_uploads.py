"""Uploaded import files kept in the database until their decision (importing.upload): an officer's
accept may reach another app server than the one that took the upload (several servers behind a load
balancer, each with its own disk), and that server re-reads the file to commit it.

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"


def upgrade(settings) -> None:
    op.execute("""
    CREATE TABLE importing.upload (
        job_id   bigint PRIMARY KEY REFERENCES importing.job ON DELETE CASCADE,
        name     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        content  bytea NOT NULL
    );
    -- zips, GeoPackages, DXF: stored as they come, not compressed again by TOAST
    ALTER TABLE importing.upload ALTER COLUMN content SET STORAGE EXTERNAL;
    GRANT SELECT, INSERT, UPDATE, DELETE ON importing.upload TO teritoriu_app;
    """)


def downgrade(settings) -> None:
    op.execute("DROP TABLE importing.upload")
