"""`python -m bench.topology --parcels 100000`: time "Verifică stratul" over a whole generated
commune (target: under a minute at 100,000 parcels) and the discrepancy report."""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from bench.__main__ import prepare_database
from gis.db import get_engine
from gis.registers import discrepancies
from gis.topology import check_layer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.topology")
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    settings = prepare_database(args.parcels, args.seed)
    with get_engine(settings, "app").connect() as conn:
        uat = conn.execute(text("SELECT siruta FROM territory.uat LIMIT 1")).scalar_one()
        started = time.monotonic()
        problems = check_layer(conn, uat)
        topo_s = time.monotonic() - started
        started = time.monotonic()
        found = discrepancies(conn, uat, 2026)
        disc_s = time.monotonic() - started
    print(f"| {args.parcels:,} parcels | topology check {topo_s:.1f} s ({len(problems)} problems) | "
          f"discrepancy report {disc_s:.1f} s ({len(found)} items) |")


if __name__ == "__main__":
    main()
