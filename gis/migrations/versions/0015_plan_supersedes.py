"""A planning document may say which older plans it replaces (issue 19 item 10): a new PUG that
declares an older PUZ superseded. `planning.document.supersedes` lists their codes; from the new
plan's `valid_from` the superseded plans' zones no longer apply to certificates (Legea nr.
350/2001, art. 46–47: the PUG and the PUZ; what a later plan takes over is what its approving HCL
says — recorded here from that decision, never inferred from dates or geometry).

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE planning.document ADD COLUMN supersedes text[] NOT NULL DEFAULT '{}';
    CREATE OR REPLACE VIEW public_api.planning_document AS
        SELECT id, uat_siruta, code, kind, name, hcl_number, hcl_date, valid_from, valid_until, geom, supersedes
        FROM planning.document;
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
