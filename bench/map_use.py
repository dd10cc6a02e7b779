"""What counting the public map's use costs per request (gis/map_use.py): the per-process counter
against one UPSERT into audit.use_count per event.

    python -m bench.map_use [--db teritoriu] [--n 2000]

The database must be migrated (0018) and hold a commune (a parcel sheet, /api/parcels/<number>, is
the request measured end to end: with the counter as shipped, with no counting, and with one
UPSERT per sheet instead).
"""

from __future__ import annotations

import argparse
import statistics
import threading
from datetime import date

from sqlalchemy import text

from bench.throttles import per_call_us

UPSERT = text("""
    INSERT INTO audit.use_count AS c (day, uat_siruta, kind, n) VALUES (:d, NULL, 'sheet', 1)
    ON CONFLICT (day, uat_siruta, kind) DO UPDATE SET n = c.n + 1""")
BENCH_DAY = date(1999, 1, 1)  # a day of its own, removed afterwards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="teritoriu")
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    import api.parcels
    from api import create_app
    from gis.db import get_engine
    from gis.map_use import UseCounter
    from gis.settings import load_settings

    settings = load_settings(db_name=args.db, rate_limit_per_s=0)
    engine = get_engine(settings, "app")
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY 1 LIMIT 1")).scalar_one()

    counter = UseCounter(settings)
    counter._thread = threading.current_thread()  # no flushing thread: the bench leaves no count behind
    count_us = per_call_us(lambda i: counter.count("sheet", None), args.n * 50)

    def upsert(i):
        with engine.begin() as c:
            c.execute(UPSERT, {"d": BENCH_DAY})
    upsert_us = per_call_us(upsert, args.n)

    app = create_app(settings)
    client = app.test_client()
    shipped = api.parcels.count_use

    def sheet(i):
        r = client.get(f"/api/parcels/{number}")
        assert r.status_code == 200, r.status_code

    def with_counting(how):
        def call(i):
            api.parcels.count_use = how
            sheet(i)
        return call

    sheet(0)  # warm: pools, caches
    variants = {"none": with_counting(lambda kind, uat: None),
                "counter": with_counting(lambda kind, uat: counter.count(kind, uat)),  # what count_use does
                "upsert": with_counting(lambda kind, uat: upsert(0))}
    n = max(100, args.n // 10)
    rounds: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(9):  # interleaved, so that a busy moment of the machine hits every variant alike
        for name, call in variants.items():
            rounds[name].append(per_call_us(call, n, repeats=1))
    api.parcels.count_use = shipped
    none_us, counter_us, upsert_req_us = (statistics.median(rounds[k]) for k in ("none", "counter", "upsert"))
    with get_engine(settings, "owner").begin() as c:
        c.execute(text("DELETE FROM audit.use_count WHERE day = :d"), {"d": BENCH_DAY})
    print(f"in-process counter, one count():              {count_us:8.2f} µs")
    print(f"one UPSERT into audit.use_count (own commit): {upsert_us:8.2f} µs")
    print(f"GET /api/parcels/<n>, not counted:            {none_us:8.1f} µs")
    print(f"GET /api/parcels/<n>, counter (as shipped):   {counter_us:8.1f} µs  ({counter_us - none_us:+.1f})")
    print(f"GET /api/parcels/<n>, one UPSERT per sheet:   {upsert_req_us:8.1f} µs  ({upsert_req_us - none_us:+.1f})")


if __name__ == "__main__":
    main()
