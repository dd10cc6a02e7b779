"""The statement-level audit triggers (migration 0024) write exactly the trail the per-row trigger
wrote: the same statements, run once with each (in a transaction rolled back), give the same audit
rows in the same order, and the hash chain holds over them."""

from __future__ import annotations

import importlib

from sqlalchemy import text

from gis.audit_chain import verify
from gis.db import get_engine

MIGRATION = importlib.import_module("gis.migrations.versions.0024_audit_statement_triggers")

SQUARE = "POLYGON((250000 610000, 250020 610000, 250020 610040, 250000 610040, 250000 610000))"

# multi-row statements on parcels (insert, update, an id changed, retire) and agricultural plots
# (insert, update, delete), as an import writes them
STATEMENTS = [
    ("INSERT INTO cadastre.parcel (id, uat_siruta, cadastral_number, legal_area, use_category, intravilan, geom) "
     "SELECT 9000000 + g, :u, 'AUD' || g, 800 + g, 'CC', g % 2 = 0, "
     "ST_Multi(ST_Translate(ST_GeomFromText(:sq, 3844), 30 * g, 0)) FROM generate_series(1, 5) g"),
    "UPDATE cadastre.parcel SET legal_area = legal_area + 1 WHERE id BETWEEN 9000002 AND 9000004",
    "UPDATE cadastre.parcel SET id = 9000100 WHERE id = 9000001",
    "UPDATE cadastre.parcel SET valid_to = now() WHERE id IN (9000003, 9000005)",
    ("INSERT INTO agri.plot (id, uat_siruta, code, year, use_category, declared_area) "
     "SELECT 9000000 + g, :u, 'AUD' || g, 2026, 'A', 100 * g FROM generate_series(1, 4) g"),
    "UPDATE agri.plot SET declared_area = 1 WHERE id IN (9000001, 9000004)",
    "DELETE FROM agri.plot WHERE id IN (9000002, 9000003)",
]
COLUMNS = "actor, action, table_name, object_id, uat_siruta, before, after"


def _trail(conn, uat: int) -> list[tuple]:
    sp = conn.begin_nested()
    start = conn.execute(text("SELECT coalesce(max(id), 0) FROM audit.log")).scalar_one()
    for sql in STATEMENTS:
        conn.execute(text(sql), {"u": uat, "sq": SQUARE})
    rows = [tuple(r) for r in conn.execute(
        text(f"SELECT {COLUMNS} FROM audit.log WHERE id > :s ORDER BY chain_no"), {"s": start})]  # noqa: S608
    report = verify(conn)
    sp.rollback()
    assert report.ok, report
    return rows


def test_statement_triggers_write_the_trail_the_row_trigger_wrote(loaded):
    with get_engine(loaded, "owner").connect() as conn, conn.begin() as tx:
        conn.execute(text("SELECT set_config('teritoriu.actor', 'test:statements', true)"))
        uat = conn.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
        statement_level = _trail(conn, uat)
        conn.execute(text(MIGRATION.ROW_TRIGGERS))  # back to 0023's per-row trigger, in this transaction only
        row_level = _trail(conn, uat)
        tx.rollback()
    actions = [(r[1], r[2]) for r in statement_level]
    assert actions == [("insert", "cadastre.parcel")] * 5 + [("update", "cadastre.parcel")] * 4 \
        + [("retire", "cadastre.parcel")] * 2 + [("insert", "agri.plot")] * 4 + [("update", "agri.plot")] * 2 \
        + [("delete", "agri.plot")] * 2
    assert statement_level[11][3] == "9000001" and statement_level[8][3] == "9000100"  # ids as written
    assert {r[0] for r in statement_level} == {"test:statements"}
    assert statement_level == row_level


def test_a_bulk_load_writes_no_row_audit(loaded):
    with get_engine(loaded, "owner").connect() as conn, conn.begin() as tx:
        conn.execute(text("SELECT set_config('teritoriu.bulk', 'on', true)"))
        uat = conn.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
        before = conn.execute(text("SELECT count(*) FROM audit.log")).scalar_one()
        conn.execute(text(STATEMENTS[0]), {"u": uat, "sq": SQUARE})
        assert conn.execute(text("SELECT count(*) FROM cadastre.parcel WHERE id > 9000000")).scalar_one() == 5
        assert conn.execute(text("SELECT count(*) FROM audit.log")).scalar_one() == before
        tx.rollback()
