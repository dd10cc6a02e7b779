"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}


def upgrade(settings) -> None:
    ${upgrades if upgrades else "pass"}


def downgrade(settings) -> None:
    ${downgrades if downgrades else "pass"}
