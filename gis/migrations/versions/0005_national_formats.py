"""Postal codes and taxpayer identifiers in the national profile's formats: Romania keeps its
six-digit postal codes, CNP and CUI; the Republic of Moldova has MD-dddd postal codes, the IDNP
of a person (13 digits) and the IDNO of a company (13 digits, starting with 1).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from gis.profiles import get_profile

revision = "0005"
down_revision = "0004"

FORMATS = {  # postal code, person, company
    "RO": (r"^[0-9]{6}$", r"^[1-9][0-9]{12}$", r"^(RO)?[0-9]{2,10}$"),
    "MD": (r"^MD-[0-9]{4}$", r"^[0-9]{13}$", r"^1[0-9]{12}$"),
}


def upgrade(settings) -> None:
    postal, person, company = FORMATS[get_profile(settings.profile).code]
    op.execute(f"""
    ALTER TABLE territory.locality DROP CONSTRAINT locality_postal_code_check,
        ADD CONSTRAINT locality_postal_code_check CHECK (postal_code ~ '{postal}');
    ALTER TABLE streets.address_point DROP CONSTRAINT address_point_postal_code_check,
        ADD CONSTRAINT address_point_postal_code_check CHECK (postal_code ~ '{postal}');
    ALTER TABLE fiscal.taxpayer DROP CONSTRAINT taxpayer_check,
        ADD CONSTRAINT taxpayer_check CHECK ((kind = 'PF' AND id_code ~ '{person}')
                                             OR (kind = 'PJ' AND id_code ~ '{company}'));
    """)


def downgrade(settings) -> None:
    raise NotImplementedError("national formats are chosen once, at set-up")
