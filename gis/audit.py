"""The audit trail: who changed or saw what, when.

Changes to the registers are written by the database itself (the audit_row trigger; on the tables
imports write in bulk, audit.record_changes once per statement, migration 0024); every
other row (a sign-in, a view of personal data, an agency's read, a bulk load) is written by
`record()` here and nowhere else. ACTIONS is the list of what a row may record; the CHECK on
`audit.log.action` (migration 0001, kept as it was) holds the same words, and
tests/test_vocabularies.py fails when the two differ.

Secrets never reach the trail: the trigger (migration 0008) writes REDACTED instead of a password
hash, an API key's hash or a request's access token, REDACTED_CHANGED in `after` when an update
changed it, and an issued PDF as {"sha256", "bytes"}.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

REDACTED, REDACTED_CHANGED = "[redacted]", "[redacted: changed]"  # the trigger's markers (migration 0008)
# query parameters that carry a secret (a request's access token, an agency's key): a logged path
# keeps their names, never their values
SECRET_PARAMETERS = frozenset({"token", "key", "api_key", "apikey", "access_token"})


def redacted_path(path: str, query: list[tuple[str, str]]) -> str:
    """A request's path and query as the trail keeps it: what was asked for, without secrets."""
    from urllib.parse import urlencode

    if not query:
        return path
    return f"{path}?" + urlencode([(k, REDACTED if k.lower() in SECRET_PARAMETERS else v) for k, v in query],
                                  safe="[]:")
ACTIONS = ("insert", "update", "retire", "delete", "bulk-load", "view", "login")


def record(db: Connection | Session, actor: str, action: str, table: str, object_id: str | None = None,
           uat: int | None = None, after: str | None = None) -> None:
    """Append one row to the audit log, in the caller's transaction (`after`: JSON text)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.execute(text("INSERT INTO audit.log (actor, action, table_name, object_id, uat_siruta, after) "
                    "VALUES (:actor, :action, :table, :object, :uat, CAST(:after AS jsonb))"),
               {"actor": actor, "action": action, "table": table, "object": object_id, "uat": uat,
                "after": after})


def browse(conn: Connection, actor: str | None = None, table: str | None = None, obj: str | None = None,
           since: datetime | None = None, until: datetime | None = None, limit: int = 200,
           with_changes: bool = False, uats: frozenset[int] | None = None) -> list[dict]:
    """The newest entries first, filtered by any of actor, table, object id and time range, and
    to `uats` when given (staff scoped to some UATs); `with_changes` adds the columns that
    changed (before → after)."""
    rows = conn.execute(text("""
        SELECT id, at, actor, action, table_name, object_id, uat_siruta, before, after FROM audit.log
        WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
          AND (CAST(:tbl AS text) IS NULL OR table_name = :tbl)
          AND (CAST(:obj AS text) IS NULL OR object_id = :obj)
          AND (CAST(:since AS timestamptz) IS NULL OR at >= :since)
          AND (CAST(:until AS timestamptz) IS NULL OR at < :until)
          AND (CAST(:uats AS integer[]) IS NULL OR uat_siruta = ANY(CAST(:uats AS integer[])))
        ORDER BY id DESC LIMIT :limit"""),
        {"actor": actor or None, "tbl": table or None, "obj": obj or None, "since": since, "until": until,
         "limit": limit, "uats": sorted(uats) if uats is not None else None}).mappings().all()
    out = []
    for r in rows:
        entry = {k: r[k] for k in ("id", "actor", "action", "table_name", "object_id", "uat_siruta")}
        entry["at"] = r["at"].isoformat()
        if with_changes:
            before, after = r["before"] or {}, r["after"] or {}
            entry["changes"] = {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
                                if k not in ("geom", "valid_from", "measured_area", "footprint_area")
                                and before.get(k) != after.get(k)}
            entry["geometry_changed"] = before.get("geom") != after.get("geom") and bool(before) and bool(after)
            # what names the object for a link to it (the page links a parcel by its number)
            entry["context"] = {k: after.get(k, before.get(k)) for k in ("cadastral_number", "request_id")
                                if after.get(k, before.get(k)) is not None}
        out.append(entry)
    return out


def tables(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT DISTINCT table_name FROM audit.log ORDER BY 1")).scalars())
