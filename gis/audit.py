"""Browsing the audit trail: who changed what, when (rows written by the audit_row trigger and
by the logged views of personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text


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
        out.append(entry)
    return out


def tables(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT DISTINCT table_name FROM audit.log ORDER BY 1")).scalars())
