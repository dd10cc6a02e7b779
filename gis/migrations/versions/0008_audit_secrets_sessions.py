"""Secrets out of the audit trail and server-side staff sessions (issue 17, items 4 and 6).

Revision ID: 0008
Revises: 0007
"""

revision = "0008"
down_revision = "0007"


def upgrade(settings) -> None:
    pass


def downgrade(settings) -> None:
    raise NotImplementedError
