"""What hangs on parcels follows them: after a split, merge, vertex edit, restore or import,
every record linked to a parcel points to the current parcel it belongs to.

The links to `cadastre.parcel` (every foreign key of the schema but the lineage, which records
history): address points and buildings (versioned tables: a relink is a new version), agricultural
plots and tax assessments (the audit trigger keeps before and after), and the parcels of
certificate requests not yet issued (`registry.request_parcel`: one audit row per change, written
here). An issued certificate keeps the parcels it was issued for.

Where a record lies is decided by its geometry when it has one: the current parcel under an
address point, the one holding the largest part of a building or plot (a record linked to a parcel
the edit did not touch moves only onto ground an edited parcel now covers). A record with no
geometry, or outside every parcel, linked to a parcel that was retired goes to its successor:
the current parcel covering the largest part of it (a request: to every successor).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, text

from gis import audit

OPEN_REQUESTS = ("received", "draft", "review")   # a request in these states still follows its parcels
SUCCESSOR_SHARE = 0.01                            # a current parcel covering less of a retired one is no successor


@dataclass(frozen=True)
class Move:
    kind: str        # address_point | building | agri_plot | tax_assessment | request
    id: int
    label: str
    from_number: str | None
    to_number: str | None

    def to_json(self) -> dict:
        return asdict(self)


# Each geometric link: table, label, where the record lies (a point: the parcel under it; an
# area: the parcel with the largest share), and the condition for the rows that count.
_GEOMETRIC = {
    "address_point": ("streets.address_point",
                      "(SELECT s.street_type || ' ' || s.name FROM streets.street s WHERE s.id = x.street_id)"
                      " || ' nr. ' || x.number || x.suffix", "x.valid_to IS NULL"),
    "building": ("cadastre.building", "'clădirea C' || coalesce(x.building_no::text, '?')", "x.valid_to IS NULL"),
    "agri_plot": ("agri.plot", "'parcela agricolă ' || x.code || ' (' || x.year || ')'", "true"),
}

_SUCCESSOR = """(SELECT q.id FROM cadastre.parcel q, cadastre.parcel old
                 WHERE old.id = {link} AND q.uat_siruta = old.uat_siruta AND q.valid_to IS NULL
                   AND q.geom && old.geom
                   AND ST_Area(ST_Intersection(q.geom, old.geom)) > :share * ST_Area(old.geom)
                 ORDER BY ST_Area(ST_Intersection(q.geom, old.geom)) DESC, q.id LIMIT 1)"""


def _geometric_moves(conn: Connection, kind: str, uat: int, ids: list[int]) -> list[tuple]:
    table, label, cond = _GEOMETRIC[kind]
    where_it_lies = """(SELECT q.id FROM cadastre.parcel q
        WHERE q.uat_siruta = x.uat_siruta AND q.valid_to IS NULL AND ST_Intersects(q.geom, x.geom)
        ORDER BY ST_Area(ST_Intersection(q.geom, x.geom)) DESC, q.id LIMIT 1)"""
    return conn.execute(text(f"""
        WITH region AS (SELECT ST_Union(geom) AS g FROM cadastre.parcel WHERE id = ANY(:ids)),
        c AS (SELECT x.id, x.parcel_id AS old, {label} AS label, {where_it_lies} AS here,
                     {_SUCCESSOR.format(link='x.parcel_id')} AS successor,
                     (SELECT valid_to IS NOT NULL FROM cadastre.parcel WHERE id = x.parcel_id) AS retired
              FROM {table} x, region
              WHERE x.uat_siruta = :uat AND {cond}
                AND (x.parcel_id = ANY(:ids) OR ST_Intersects(x.geom, region.g)))
        SELECT id, old, label, new FROM (
            SELECT id, old, label, CASE
                WHEN old IS NULL THEN here
                WHEN old = ANY(:ids) THEN coalesce(here, CASE WHEN retired THEN successor ELSE old END)
                WHEN here = ANY(:ids) THEN here   -- it lies on ground an edited parcel took over
                ELSE old END AS new FROM c) m
        WHERE new IS DISTINCT FROM old ORDER BY id"""),  # noqa: S608 - table, label and cond are this module's constants
        {"ids": ids, "uat": uat, "share": SUCCESSOR_SHARE}).all()


def _numbers(conn: Connection, ids: set[int]) -> dict[int, str]:
    rows = conn.execute(text("SELECT id, cadastral_number FROM cadastre.parcel WHERE id = ANY(:ids)"),
                        {"ids": sorted(ids)}).all()
    return dict(rows)


def relink(conn: Connection, uat: int, parcel_ids: list[int]) -> list[Move]:
    """Re-link the records of the parcels `parcel_ids` (retired, changed or new ones) and of the
    ground they cover, in the caller's transaction; the moves made, for the officer to see."""
    if not parcel_ids:
        return []
    changes: list[tuple[str, int, str, int | None, int | None]] = []
    for kind, (table, _, _) in _GEOMETRIC.items():
        for rid, old, label, new in _geometric_moves(conn, kind, uat, parcel_ids):
            conn.execute(text(f"UPDATE {table} SET parcel_id = :p WHERE id = :i"), {"p": new, "i": rid})  # noqa: S608
            changes.append((kind, rid, label, old, new))
    for rid, old, label, new in conn.execute(text(f"""
            SELECT t.id, t.parcel_id, 'impunerea ' || t.year || CASE t.object_kind WHEN 'land' THEN ' (teren)'
                                                                   ELSE ' (clădire)' END,
                   {_SUCCESSOR.format(link='t.parcel_id')}
            FROM fiscal.tax_assessment t JOIN cadastre.parcel p ON p.id = t.parcel_id
            WHERE t.parcel_id = ANY(:ids) AND p.valid_to IS NOT NULL ORDER BY t.id"""),  # noqa: S608 - constant
            {"ids": parcel_ids, "share": SUCCESSOR_SHARE}).all():
        if new is not None:
            conn.execute(text("UPDATE fiscal.tax_assessment SET parcel_id = :p WHERE id = :i"), {"p": new, "i": rid})
            changes.append(("tax_assessment", rid, label, old, new))
    changes += _relink_requests(conn, uat, parcel_ids)
    numbers = _numbers(conn, {p for c in changes for p in c[3:] if p is not None})
    return [Move(kind, rid, label, numbers.get(old), numbers.get(new)) for kind, rid, label, old, new in changes]


def _relink_requests(conn: Connection, uat: int, parcel_ids: list[int]) -> list[tuple]:
    """An open request on a retired parcel covers its successors instead (all of them: the
    applicant asked about that ground)."""
    rows = conn.execute(text("""
        SELECT rp.request_id, rp.parcel_id, r.registry_number || '/' || r.year,
               ARRAY(SELECT q.id FROM cadastre.parcel q WHERE q.uat_siruta = p.uat_siruta AND q.valid_to IS NULL
                       AND q.geom && p.geom
                       AND ST_Area(ST_Intersection(q.geom, p.geom)) > :share * ST_Area(p.geom) ORDER BY q.id)
        FROM registry.request_parcel rp JOIN registry.request r ON r.id = rp.request_id
        JOIN cadastre.parcel p ON p.id = rp.parcel_id
        WHERE rp.parcel_id = ANY(:ids) AND p.valid_to IS NOT NULL AND r.status = ANY(:open)
        ORDER BY 1, 2"""), {"ids": parcel_ids, "share": SUCCESSOR_SHARE, "open": list(OPEN_REQUESTS)}).all()
    if not rows:
        return []
    actor = conn.execute(text("SELECT audit.current_actor()")).scalar_one()
    changes = []
    for request_id, old, label, successors in rows:
        if not successors:
            continue
        conn.execute(text("DELETE FROM registry.request_parcel WHERE request_id = :r AND parcel_id = :p"),
                     {"r": request_id, "p": old})
        for new in successors:
            conn.execute(text("INSERT INTO registry.request_parcel (request_id, parcel_id) VALUES (:r, :p) "
                              "ON CONFLICT DO NOTHING"), {"r": request_id, "p": new})
            changes.append(("request", request_id, f"cererea {label}", old, new))
        audit.record(conn, actor, "update", "registry.request_parcel", str(request_id), uat,
                     json.dumps({"parcel_ids": {"before": [old], "after": list(successors)}}))
    return changes


def relink_changed(conn: Connection, uat: int) -> list[Move]:
    """relink() for every parcel of `uat` created, changed or retired in the current transaction
    (an import's commit: its rows carry the transaction's now() in valid_from or valid_to)."""
    ids = conn.execute(text("SELECT id FROM cadastre.parcel WHERE uat_siruta = :u "
                            "AND (valid_from = now() OR valid_to = now())"), {"u": uat}).scalars().all()
    return relink(conn, uat, list(ids))
