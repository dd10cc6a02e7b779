"""Certificate kinds are registered objects (gis.certificates.kinds), not a list in the schema:
a new kind is one module, one template and its configuration, with no migration. The CHECK of
migration 0001 that listed the two first kinds ('urbanism', 'nomenclature') becomes a check of
the name's shape; the registry is the list (tests/test_vocabularies.py).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE registry.request DROP CONSTRAINT request_kind_check;
    ALTER TABLE registry.request ADD CONSTRAINT request_kind_check CHECK (kind ~ '^[a-z][a-z0-9_-]{0,39}$');
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
