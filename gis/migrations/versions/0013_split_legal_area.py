"""A legal area may be computed (issue 18): a split whose documentation gives no legal area for
a piece shares the parent's legal area in proportion to the measured areas, and the piece says
so (`legal_area_computed`), so nobody takes it for a surveyed figure. The history table keeps
the same columns in the same order (audit.version_row copies rows positionally).

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE cadastre.parcel ADD COLUMN legal_area_computed boolean NOT NULL DEFAULT false;
    ALTER TABLE cadastre.parcel_history ADD COLUMN legal_area_computed boolean NOT NULL DEFAULT false;
    ALTER TABLE cadastre.parcel ADD CONSTRAINT parcel_computed_has_area
        CHECK (NOT legal_area_computed OR legal_area IS NOT NULL);
    """)


def downgrade(settings) -> None:
    op.execute("""
    ALTER TABLE cadastre.parcel DROP COLUMN legal_area_computed;
    ALTER TABLE cadastre.parcel_history DROP COLUMN legal_area_computed;
    """)
