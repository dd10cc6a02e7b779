"""A cancellation has a date (issue 17, item 7): `registry.request.cancelled_at`, set by the
database when a request becomes cancelled, so /verify/<code> can say since when an issued
certificate is void (ANULAT) and why.

Older cancellations take the date of their audit row (the update that cancelled them), or the
request's date when the audit trail has none.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade(settings) -> None:
    op.execute("""
    ALTER TABLE registry.request ADD COLUMN cancelled_at timestamptz;

    UPDATE registry.request r SET cancelled_at = coalesce(
        (SELECT min(l.at) FROM audit.log l
          WHERE l.table_name = 'registry.request' AND l.object_id = r.id::text
            AND l.after ->> 'status' = 'cancelled'),
        r.created_at)
    WHERE r.status = 'cancelled';

    CREATE FUNCTION registry.stamp_cancellation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status = 'cancelled' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'cancelled') THEN
            NEW.cancelled_at := now();
        ELSIF TG_OP = 'UPDATE' AND OLD.status = 'cancelled' THEN
            NEW.cancelled_at := OLD.cancelled_at;   -- the date of a cancellation never changes
        ELSIF NEW.status <> 'cancelled' THEN
            NEW.cancelled_at := NULL;
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER stamp_cancellation BEFORE INSERT OR UPDATE OF status, cancelled_at ON registry.request
        FOR EACH ROW EXECUTE FUNCTION registry.stamp_cancellation();

    ALTER TABLE registry.request ADD CONSTRAINT request_cancelled_at_check
        CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL));
    """)


def downgrade(settings) -> None:
    raise NotImplementedError
