"""Parcel lineage: which parcels a split or a merge retired and which it created.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade(settings) -> None:
    op.execute("""
    CREATE TABLE cadastre.parcel_lineage (
        parent_id   bigint NOT NULL REFERENCES cadastre.parcel,
        child_id    bigint NOT NULL REFERENCES cadastre.parcel,
        operation   text NOT NULL CHECK (operation IN ('split', 'merge')),
        at          timestamptz NOT NULL DEFAULT now(),
        actor       text NOT NULL,
        PRIMARY KEY (parent_id, child_id)
    );
    CREATE INDEX parcel_lineage_child_idx ON cadastre.parcel_lineage (child_id);
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT, INSERT ON cadastre.parcel_lineage TO teritoriu_app;
        END IF;
    END $$;
    """)


def downgrade(settings) -> None:
    op.execute("DROP TABLE cadastre.parcel_lineage")
