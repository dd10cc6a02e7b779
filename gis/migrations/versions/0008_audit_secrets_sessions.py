"""Secrets out of the audit trail and server-side staff sessions (issue 17, items 4 and 6).

Audit trail. The audit_row trigger (0001) wrote whole rows: every account's password hash, every
API key's hash, every request's access token (which opens the applicant's PDF without a session)
and every issued PDF (half a megabyte each). The trigger now receives the columns to keep out as
arguments ('secret:<column>', 'document:<column>'): a secret is written as "[redacted]", or
"[redacted: changed]" in `after` when an update changed it, so the trail still tells that a
password was changed, and when, and by whom; a document is written as its SHA-256 and size.

Rows written before this migration. Leaving the secrets in place would keep them readable by
everyone who reads the trail, backups included, for as long as the trail is kept: a city hall's
data protection officer wants them gone. Editing a row breaks the hash chain at that row (0004),
so the migration redacts the stored rows the same way as the trigger, re-seals the chain from the
first row it changed (every later row's hash is recomputed; the rows' content is otherwise
untouched) and appends a note to the trail (table "audit.log", action "update", actor
"migration:0008") with the number of rows redacted, the first chain number re-sealed, the head
hash before (`previous_head`) and after. Whoever kept a copy of the old head (the README's advice
for `teritoriu audit verify`) can see from the note why it no longer matches; publish the new
head again. `teritoriu audit verify` is green afterwards.

Sessions. auth.session holds one row per staff sign-in: the cookie carries only a random token,
the row's id is that token's SHA-256 (a copy of the table opens no session). Every request checks
the row (api/staff.py, gis/sessions.py); logging out revokes it, and the database itself revokes
every session of an account when the account is deactivated, renamed, given another role, another
password or other UATs (whoever makes the change: the application, the CLI or psql).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

from gis.migrations.versions import CHAIN_CONTENT as CONTENT

revision = "0008"
down_revision = "0007"

# What never reaches the trail: secrets (written as a marker) and documents (written as their digest).
SECRETS = {"auth.user": ["password_hash"], "auth.api_key": ["key_hash"], "registry.request": ["access_token"]}
DOCUMENTS = {"registry.document": ["pdf"]}

REDACT_FUNCTION = """
-- One row's before/after with the secret columns replaced by a marker and the documents by their
-- SHA-256 and size. Idempotent: redacting a redacted row changes nothing.
CREATE FUNCTION audit.redact(old_row jsonb, new_row jsonb, secret_columns text[], document_columns text[],
                             OUT before jsonb, OUT after jsonb) LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    col text;
    raw text;
    content bytea;
BEGIN
    before := old_row;
    after := new_row;
    FOREACH col IN ARRAY secret_columns LOOP
        IF jsonb_typeof(before -> col) <> 'null' THEN
            before := jsonb_set(before, ARRAY[col], '"[redacted]"');
        END IF;
        IF jsonb_typeof(after -> col) <> 'null' THEN
            after := jsonb_set(after, ARRAY[col],
                CASE WHEN old_row IS NOT NULL AND (old_row -> col) IS DISTINCT FROM (new_row -> col)
                     THEN '"[redacted: changed]"'::jsonb ELSE '"[redacted]"'::jsonb END);
        END IF;
    END LOOP;
    FOREACH col IN ARRAY document_columns LOOP
        IF jsonb_typeof(before -> col) = 'string' THEN
            raw := before ->> col;
            content := CASE WHEN left(raw, 2) = '\\x' THEN decode(substr(raw, 3), 'hex') ELSE decode(raw, 'escape') END;
            before := jsonb_set(before, ARRAY[col], jsonb_build_object('sha256', encode(sha256(content), 'hex'),
                                                                       'bytes', octet_length(content)));
        END IF;
        IF jsonb_typeof(after -> col) = 'string' THEN
            raw := after ->> col;
            content := CASE WHEN left(raw, 2) = '\\x' THEN decode(substr(raw, 3), 'hex') ELSE decode(raw, 'escape') END;
            after := jsonb_set(after, ARRAY[col], jsonb_build_object('sha256', encode(sha256(content), 'hex'),
                                                                     'bytes', octet_length(content)));
        END IF;
    END LOOP;
END $$;
"""

RECORD_CHANGE = """
-- 0001's trigger function, with the trigger's arguments naming what stays out of the trail.
CREATE OR REPLACE FUNCTION audit.record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    act text;
    old_row jsonb;
    new_row jsonb;
    secret_columns text[] := '{}';
    document_columns text[] := '{}';
    i integer;
    redacted record;
BEGIN
    -- A bulk load (sample commune, benchmark data) writes one summary row itself instead.
    IF current_setting('teritoriu.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        act := 'insert'; new_row := to_jsonb(NEW);
    ELSIF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD); new_row := to_jsonb(NEW);
        act := CASE WHEN old_row ? 'valid_to' AND OLD IS DISTINCT FROM NEW
                         AND (old_row ->> 'valid_to') IS NULL AND (new_row ->> 'valid_to') IS NOT NULL
                    THEN 'retire' ELSE 'update' END;
    ELSE
        act := 'delete'; old_row := to_jsonb(OLD);
    END IF;
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        IF TG_ARGV[i] LIKE 'secret:%' THEN
            secret_columns := secret_columns || substr(TG_ARGV[i], 8);
        ELSIF TG_ARGV[i] LIKE 'document:%' THEN
            document_columns := document_columns || substr(TG_ARGV[i], 10);
        ELSE
            RAISE EXCEPTION 'audit_row on %.%: unknown argument %', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[i];
        END IF;
    END LOOP;
    IF TG_NARGS > 0 THEN
        SELECT * INTO redacted FROM audit.redact(old_row, new_row, secret_columns, document_columns);
        old_row := redacted.before;
        new_row := redacted.after;
    END IF;
    INSERT INTO audit.log (actor, action, table_name, object_id, uat_siruta, before, after)
    VALUES (audit.current_actor(), act, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
            coalesce(new_row ->> 'id', old_row ->> 'id'),
            (coalesce(new_row, old_row) ->> 'uat_siruta')::integer, old_row, new_row);
    RETURN NULL;
END $$;
"""


def _arguments(table: str) -> str:
    args = [f"'secret:{c}'" for c in SECRETS.get(table, [])] + [f"'document:{c}'" for c in DOCUMENTS.get(table, [])]
    return ", ".join(args)


TRIGGERS = "\n".join(
    f"DROP TRIGGER audit_row ON {t};\n"
    f"CREATE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON {t} "
    f"FOR EACH ROW EXECUTE FUNCTION audit.record_change({_arguments(t)});"
    for t in sorted(set(SECRETS) | set(DOCUMENTS)))

_LISTS = ", ".join(
    f"('{t}', ARRAY[{', '.join(repr(c) for c in SECRETS.get(t, []))}]::text[], "
    f"ARRAY[{', '.join(repr(c) for c in DOCUMENTS.get(t, []))}]::text[])"
    for t in sorted(set(SECRETS) | set(DOCUMENTS)))

# The rows written before the trigger above: redacted, the chain re-sealed, a note appended.
# Runs as the owner (the application's role cannot update the trail); a second run changes nothing.
REDACT_STORED_SECRETS = f"""
DO $$
DECLARE
    first_no bigint;
    n_rows bigint;
    old_head text;
    rec record;
    h bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(7230412);  -- the chain's lock (0004): no writer meanwhile
    SELECT encode(row_hash, 'hex') INTO old_head FROM audit.log ORDER BY chain_no DESC LIMIT 1;
    WITH redacted AS (
        SELECT l.id, x.before, x.after
        FROM audit.log l
        JOIN (VALUES {_LISTS}) AS s (tbl, secret_columns, document_columns) ON s.tbl = l.table_name
        CROSS JOIN LATERAL audit.redact(l.before, l.after, s.secret_columns, s.document_columns) x
        WHERE x.before IS DISTINCT FROM l.before OR x.after IS DISTINCT FROM l.after
    ), done AS (
        UPDATE audit.log l SET before = red.before, after = red.after FROM redacted red WHERE l.id = red.id
        RETURNING l.chain_no
    )
    SELECT min(chain_no), count(*) INTO first_no, n_rows FROM done;
    IF n_rows = 0 THEN
        RETURN;
    END IF;
    SELECT row_hash INTO h FROM audit.log WHERE chain_no = first_no - 1;
    h := coalesce(h, '\\x'::bytea);
    FOR rec IN SELECT id FROM audit.log WHERE chain_no >= first_no ORDER BY chain_no LOOP
        UPDATE audit.log l SET row_hash = sha256(h || {CONTENT.format(r="l")}) WHERE l.id = rec.id
            RETURNING row_hash INTO h;
    END LOOP;
    PERFORM set_config('teritoriu.chain_no', '', true);  -- the head the chain trigger carries moved
    INSERT INTO audit.log (actor, action, table_name, after) VALUES (
        'migration:0008', 'update', 'audit.log',
        jsonb_build_object(
            'note', 'Secrets (password and API key hashes, access tokens) and whole PDFs removed from '
                    'older audit rows; the chain was re-sealed from resealed_from_chain_no on. '
                    'Secretele au fost scoase din rândurile mai vechi ale jurnalului, iar lanțul a fost resigilat.',
            'rows_redacted', n_rows, 'resealed_from_chain_no', first_no,
            'previous_head', old_head, 'resealed_head', encode(h, 'hex')));
END $$;
"""  # noqa: S608 - CONTENT and _LISTS are constants of this file

SESSIONS = """
CREATE TABLE auth.session (
    id              text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),  -- SHA-256 of the token in the cookie
    user_id         bigint NOT NULL REFERENCES auth.user ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    revoked_reason  text,
    opened_with     text NOT NULL,            -- how: 'password' (the sign-in form)
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX session_user_idx ON auth.session (user_id) WHERE revoked_at IS NULL;

-- A change that takes away what a session was opened with ends every session of the account.
CREATE FUNCTION auth.end_sessions(account bigint, why text) RETURNS void LANGUAGE sql AS $$
    UPDATE auth.session SET revoked_at = now(), revoked_reason = why
    WHERE user_id = account AND revoked_at IS NULL
$$;
CREATE FUNCTION auth.account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    why text := CASE WHEN OLD.active AND NOT NEW.active THEN 'account deactivated'
                     WHEN NEW.role IS DISTINCT FROM OLD.role THEN 'role changed'
                     WHEN NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN 'password changed'
                     WHEN NEW.username IS DISTINCT FROM OLD.username THEN 'user name changed' END;
BEGIN
    IF why IS NOT NULL THEN
        PERFORM auth.end_sessions(NEW.id, why);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION auth.uats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM auth.end_sessions(OLD.user_id, 'UATs changed');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM auth.end_sessions(NEW.user_id, 'UATs changed');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER end_sessions AFTER UPDATE OF active, role, password_hash, username ON auth.user
    FOR EACH ROW EXECUTE FUNCTION auth.account_changed();
CREATE TRIGGER end_sessions AFTER INSERT OR UPDATE OR DELETE ON auth.user_uat
    FOR EACH ROW EXECUTE FUNCTION auth.uats_changed();
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'teritoriu_app') THEN
        GRANT SELECT, INSERT, UPDATE ON auth.session TO teritoriu_app;
    END IF;
END $$;
"""


def upgrade(settings) -> None:
    op.execute(REDACT_FUNCTION)
    op.execute(RECORD_CHANGE)
    op.execute(TRIGGERS)
    op.execute(REDACT_STORED_SECRETS)
    op.execute(SESSIONS)


def downgrade(settings) -> None:
    raise NotImplementedError
