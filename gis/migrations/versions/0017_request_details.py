"""What form F.6 prints about a request beyond the applicant's name (issue 19 item 7): the
applicant's domicile or seat ("cu domiciliul/sediul în …") and the approvals the officer chose for
section 5 lit. d) from the county's list (gis/certificates/authorities.py; NULL: the defaults).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE registry.request
        ADD COLUMN applicant_domicile text,
        ADD COLUMN chosen_approvals text[],
        ADD CONSTRAINT request_domicile_length CHECK (applicant_domicile IS NULL
                                                      OR length(applicant_domicile) BETWEEN 1 AND 300);
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
