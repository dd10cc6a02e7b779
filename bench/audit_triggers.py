"""`python -m bench.audit_triggers --parcels 100000`: the audit trigger's share of a bulk INSERT.

The same 20,000-parcel INSERT … SELECT on the import benchmark's database (`python -m bench.imports`
first), with the statement-level audit trigger of migration 0024 and with the per-row one it
replaced, alternated, each in a transaction rolled back; EXPLAIN ANALYZE times the trigger itself
(the audit rows' chain trigger included)."""

from __future__ import annotations

import argparse
import importlib
import statistics
import time

from sqlalchemy import text

from gis.db import get_engine
from gis.settings import load_settings

MIGRATION = importlib.import_module("gis.migrations.versions.0024_audit_statement_triggers")
INSERT = """EXPLAIN (ANALYZE, COSTS OFF)
INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, legal_area, use_category, intravilan, geom)
SELECT uat_siruta, cadastral_number || '-bench', legal_area, use_category, intravilan, geom FROM cadastre.parcel
WHERE valid_to IS NULL ORDER BY id LIMIT :n"""


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_triggers")
    parser.add_argument("--parcels", type=int, default=100_000, help="the import benchmark's size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings(db_name=f"teritoriu_bench_import_{args.parcels}_{args.seed}")
    walls: dict[str, list[float]] = {"statement": [], "row": []}
    with get_engine(settings, "owner").connect() as conn:
        for r in range(args.rounds):
            for kind in walls:
                tx = conn.begin()
                conn.execute(text("SELECT set_config('teritoriu.actor', 'bench:audit_triggers', true)"))
                if kind == "row":
                    conn.execute(text(MIGRATION.ROW_TRIGGERS))  # 0023's trigger, in this transaction only
                started = time.monotonic()
                plan = [line for (line,) in conn.execute(text(INSERT), {"n": args.rows})]
                walls[kind].append(time.monotonic() - started)
                tx.rollback()
                print(f"round {r + 1}, {kind}-level: {walls[kind][-1]:.2f} s | " + " | ".join(
                    line.strip() for line in plan if line.startswith(("Trigger audit", "Execution"))), flush=True)
    print(" | ".join(f"{kind}-level median {statistics.median(w):.2f} s" for kind, w in walls.items()))


if __name__ == "__main__":
    main()
