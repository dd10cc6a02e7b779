"""A request's payment as the desk records it (issue 18, "the request desk"): amount, receipt
number and date, all three or none. The certificate prints it ("Achitat taxa de … lei conform
chitanței nr. … din …", Ordinul 839/2009, anexa 1, formularul F.6); issuing a request with no
payment recorded needs the officer's confirmation, or is refused where the UAT's settings say
`"unpaid_issue": "refuse"` (gis/certificates/workflow.py).

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE registry.request
        ADD COLUMN paid_amount numeric(12, 2),
        ADD COLUMN paid_receipt text,
        ADD COLUMN paid_on date,
        ADD CONSTRAINT request_payment_whole CHECK (
            (paid_amount IS NULL) = (paid_receipt IS NULL) AND (paid_amount IS NULL) = (paid_on IS NULL)),
        ADD CONSTRAINT request_payment_positive CHECK (paid_amount IS NULL OR paid_amount > 0),
        ADD CONSTRAINT request_payment_receipt CHECK (paid_receipt IS NULL OR length(btrim(paid_receipt))
                                                      BETWEEN 1 AND 40);
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
