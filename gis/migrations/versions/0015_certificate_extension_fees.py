"""Issue 19, items 1, 5 and 11: what a certificate request records beyond the selection, and the
extension as an act on the original certificate.

- registry.request.one_investment: the officer's record that parcels which do not touch form one
  investment (otherwise such a selection is refused); validity_months: the validity chosen for
  this certificate (6–24 months); exemption: the key of an art. 476 Codul fiscal exemption;
  county_approval: the CU is approved by the county's specialised structure (art. 474 alin. 4).
- registry.extension: one row per extended certificate (the primary key is the original
  document: an extension is granted once), with the original's PDF stamped "PRELUNGIT până la …
  prin …" and its SHA-256. The original registry.document row never changes.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE registry.request
        ADD COLUMN one_investment text
            CHECK (one_investment IS NULL OR length(btrim(one_investment)) BETWEEN 3 AND 500),
        ADD COLUMN validity_months smallint CHECK (validity_months IS NULL OR validity_months BETWEEN 6 AND 24),
        ADD COLUMN exemption text,
        ADD COLUMN county_approval boolean NOT NULL DEFAULT false;
    CREATE TABLE registry.extension (
        document_id     bigint PRIMARY KEY REFERENCES registry.document,
        requested_on    date NOT NULL,
        reference       text NOT NULL CHECK (length(btrim(reference)) BETWEEN 1 AND 120),
        months          smallint NOT NULL CHECK (months BETWEEN 1 AND 12),
        valid_until     date NOT NULL,
        extended_until  date NOT NULL CHECK (extended_until > valid_until),
        fee             numeric(12, 2) NOT NULL CHECK (fee >= 0),
        fee_basis       text NOT NULL,
        pdf             bytea NOT NULL,
        sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        created_by      text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE TRIGGER extension_immutable BEFORE UPDATE OR DELETE ON registry.extension
        FOR EACH ROW EXECUTE FUNCTION registry.forbid_change();
    CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON registry.extension
        FOR EACH ROW EXECUTE FUNCTION audit.record_change('document:pdf');
    DO $$
    BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
            GRANT SELECT, INSERT ON registry.extension TO teritoriu_app;
        END IF;
    END $$;
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
