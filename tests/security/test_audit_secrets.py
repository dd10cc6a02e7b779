"""Issue 17, item 4: secrets in the audit trail.

Replayed: an officer or admin browsing `/api/office/audit?table=...&changes=1` read every account's
password hash, every API key's hash, every request's access token (which opens the applicant's PDF
without a session), and whole issued PDFs. The trigger now writes a marker instead of a secret
(and whether it changed), a document's SHA-256 and size instead of its bytes; the hash chain still
verifies, also after the migration redacted the rows written before it.
"""

from __future__ import annotations

import importlib
import json
import secrets

from sqlalchemy import text

from gis.audit_chain import verify
from gis.db import get_engine, session_scope
from gis.passwords import hash_password

REDACTED, REDACTED_CHANGED = "[redacted]", "[redacted: changed]"   # the markers (gis.audit)


def _number(engine) -> str:
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                              "ORDER BY cadastral_number OFFSET 5 LIMIT 1")).scalar_one()


def _browse(client, table: str) -> str:
    r = client.get(f"/api/office/audit?table={table}&changes=1&limit=1000")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_password_hashes_are_redacted_and_a_change_still_shows(loaded, staff_client, make_user, engine):
    make_user("sec.pw.victim", "surveyor")
    new_hash = hash_password("o-parola-noua-lunga")
    with engine.begin() as c:
        c.execute(text("SELECT set_config('teritoriu.actor', 'test:password', true)"))
        old_hash = c.execute(text("SELECT password_hash FROM auth.user WHERE username = 'sec.pw.victim'")).scalar_one()
        user_id = c.execute(text("UPDATE auth.user SET password_hash = :h WHERE username = 'sec.pw.victim' "
                                 "RETURNING id"), {"h": new_hash}).scalar_one()
    admin, _ = staff_client("admin", username="sec.audit.admin")
    body = _browse(admin, "auth.user")
    assert old_hash not in body and new_hash not in body and "scrypt$" not in body
    entries = json.loads(body)["entries"]
    change = next(e for e in entries if e["object_id"] == str(user_id) and e["actor"] == "test:password")
    assert change["changes"]["password_hash"] == [REDACTED, REDACTED_CHANGED]
    with engine.connect() as c:
        leaked = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'auth.user' "
                                "AND (before::text LIKE '%scrypt$%' OR after::text LIKE '%scrypt$%')")).scalar_one()
        unchanged = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'auth.user' "
                                   "AND after->>'password_hash' = :m"), {"m": REDACTED_CHANGED}).scalar_one()
    assert leaked == 0 and unchanged >= 1


def test_api_key_hashes_are_redacted(loaded, staff_client, engine):
    from gis.apikeys import create_key

    with session_scope(loaded, actor="test:key") as s:
        key, secret = create_key(s, "Agenția de test", ["parcel_records"])
        key_hash, key_id = key.key_hash, key.id
    body = _browse(staff_client("admin", username="sec.audit.admin")[0], "auth.api_key")
    assert key_hash not in body and secret not in body
    with engine.connect() as c:
        stored = c.execute(text("SELECT after->>'key_hash' FROM audit.log WHERE table_name = 'auth.api_key' "
                                "AND object_id = :i"), {"i": str(key_id)}).scalar_one()
    assert stored == REDACTED


def test_access_tokens_and_issued_pdfs_stay_out(loaded, client, staff_client, engine):
    from gis.certificates.workflow import issue_request, send_to_review

    filed = client.post("/api/certificates", json={"type": "urbanism", "purpose": "construire locuință",
                                                   "applicant_name": "Ana Secret", "parcels": [_number(engine)]},
                        environ_base={"REMOTE_ADDR": "10.77.0.1"})
    assert filed.status_code == 201
    a = filed.get_json()
    send_to_review(loaded, a["id"], "officer:test")
    _, pdf = issue_request(loaded, a["id"], "officer:test", unpaid_confirmed=True)
    admin, _ = staff_client("admin", username="sec.audit.admin")
    assert a["token"] not in _browse(admin, "registry.request")
    documents = _browse(admin, "registry.document")
    with engine.connect() as c:  # the page lists every document issued in the session so far: a bound per row
        rows = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'registry.document'")).scalar_one()
    assert rows >= 1 and len(documents) < 20_000 * rows and pdf.hex()[:64] not in documents
    with engine.connect() as c:
        doc_id, sha = c.execute(text("SELECT id, sha256 FROM registry.document WHERE request_id = :r"),
                                {"r": a["id"]}).one()
        stored = c.execute(text("SELECT after->'pdf', length(after::text) FROM audit.log "
                                "WHERE table_name = 'registry.document' AND object_id = :i"), {"i": str(doc_id)}).one()
        tokens = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'registry.request' "
                                "AND (before::text LIKE :t OR after::text LIKE :t)"),
                           {"t": f"%{a['token']}%"}).scalar_one()
    assert stored[0] == {"sha256": sha, "bytes": len(pdf)} and stored[1] < 20_000
    assert tokens == 0
    with engine.connect() as c:
        assert verify(c).ok


def test_the_migration_redacts_older_rows_and_reseals_the_chain(loaded, engine):
    """Rows written before migration 0008 held the secrets: the migration's statement removes them,
    re-seals the chain from the first row it changed and leaves a note with the old head."""
    migration = importlib.import_module("gis.migrations.versions.0008_audit_secrets_sessions")
    owner = get_engine(loaded, "owner")
    planted_hash, planted_token = hash_password("vechea-parola-1"), secrets.token_urlsafe(24)
    planted_pdf = b"%PDF-1.7 " + secrets.token_bytes(2000)
    with owner.begin() as c:   # what the trigger of 0001 used to write
        c.execute(text("INSERT INTO audit.log (actor, action, table_name, object_id, before, after) VALUES "
                       "('old', 'update', 'auth.user', '999999', CAST(:b AS jsonb), CAST(:a AS jsonb)), "
                       "('old', 'insert', 'registry.request', '999998', NULL, CAST(:r AS jsonb)), "
                       "('old', 'insert', 'registry.document', '999997', NULL, CAST(:d AS jsonb))"),
                  {"b": json.dumps({"id": 999999, "password_hash": planted_hash, "role": "officer"}),
                   "a": json.dumps({"id": 999999, "password_hash": planted_hash + "x", "role": "officer"}),
                   "r": json.dumps({"id": 999998, "access_token": planted_token}),
                   "d": json.dumps({"id": 999997, "pdf": "\\x" + planted_pdf.hex()})})
        head_before = c.execute(text("SELECT encode(row_hash, 'hex') FROM audit.log "
                                     "ORDER BY chain_no DESC LIMIT 1")).scalar_one()
    with owner.begin() as c:
        c.execute(text(migration.REDACT_STORED_SECRETS))
    with engine.connect() as c:
        report = verify(c)
        rows = c.execute(text("SELECT object_id, before, after FROM audit.log WHERE actor = 'old' "
                              "ORDER BY object_id")).all()
        note = c.execute(text("SELECT actor, table_name, after FROM audit.log ORDER BY chain_no DESC LIMIT 1")).one()
    assert report.ok, report
    text_of = json.dumps([list(r) for r in rows])
    assert planted_hash not in text_of and planted_token not in text_of and planted_pdf.hex()[:40] not in text_of
    by_id = {r[0]: r for r in rows}
    assert by_id["999999"][1]["password_hash"] == REDACTED
    assert by_id["999999"][2]["password_hash"] == REDACTED_CHANGED
    assert by_id["999998"][2]["access_token"] == REDACTED
    import hashlib

    assert by_id["999997"][2]["pdf"] == {"sha256": hashlib.sha256(planted_pdf).hexdigest(), "bytes": len(planted_pdf)}
    assert note[1] == "audit.log" and note[2]["previous_head"] == head_before and note[2]["rows_redacted"] == 3
