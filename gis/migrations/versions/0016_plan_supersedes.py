"""A planning document may say which older plans it replaces (issue 19 item 10): a new PUG that
declares an older PUZ superseded. `planning.document.supersedes` lists their codes; from the new
plan's `valid_from` the superseded plans' zones no longer apply to certificates (Legea nr.
350/2001, art. 46–47: the PUG and the PUZ; what a later plan takes over is what its approving HCL
says — recorded here from that decision, never inferred from dates or geometry).

And the officer's verdict on the declared purpose where it departs from the one computed from the
RLU (issue 19 item 6): `registry.request.purpose_override` {may_use, reason, by, on}, audited
like every change of a request (gis/certificates/purpose_override.py).

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE planning.document ADD COLUMN supersedes text[] NOT NULL DEFAULT '{}';
    CREATE OR REPLACE VIEW public_api.planning_document AS
        SELECT id, uat_siruta, code, kind, name, hcl_number, hcl_date, valid_from, valid_until, geom, supersedes
        FROM planning.document;
    ALTER TABLE registry.request ADD COLUMN purpose_override jsonb CHECK (
        purpose_override IS NULL OR (jsonb_typeof(purpose_override -> 'may_use') = 'boolean'
                                     AND length(btrim(purpose_override ->> 'reason')) >= 10));
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
