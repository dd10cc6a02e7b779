"""What a rate limit costs per request: the public lookups' per-worker token bucket (api.ratelimit)
against one shared counter in PostgreSQL (gis.throttles, the sign-in, filing and verify limits).

    python -m bench.throttles [--db teritoriu] [--n 2000]

The database must be migrated (auth.throttle) and hold a commune (a parcel lookup is the request
measured end to end: with the bucket, without it, and with one shared counter added).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

from sqlalchemy import text


def per_call_us(fn, n: int, repeats: int = 5) -> float:
    """Median over `repeats` runs of the mean time of one call, in microseconds."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(n):
            fn(i)
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="teritoriu")
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()

    from api import create_app
    from api.ratelimit import TokenBucket
    from gis import throttles
    from gis.db import get_engine
    from gis.settings import load_settings

    settings = load_settings(db_name=args.db)
    engine = get_engine(settings, "app")
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY 1 LIMIT 1")).scalar_one()

    bucket = TokenBucket(1e9, burst=10**9)
    bucket_us = per_call_us(lambda i: bucket.allow(f"10.{i % 250}.0.1"), args.n * 50)
    shared_us = per_call_us(lambda i: throttles.hit(engine, "bench", f"10.{i % 250}.0.1", 60), args.n)
    with engine.begin() as c:
        c.execute(text("DELETE FROM auth.throttle WHERE scope = 'bench'"))

    def lookup(client, extra=None):
        def call(i):
            if extra:
                extra(i)
            r = client.get(f"/api/parcels/{number}", environ_base={"REMOTE_ADDR": f"10.{i % 250}.1.1"})
            assert r.status_code == 200, r.status_code
        return call

    on = create_app(dataclasses.replace(settings, rate_limit_per_s=10**6)).test_client()
    off = create_app(dataclasses.replace(settings, rate_limit_per_s=0)).test_client()
    for client in (on, off):  # warm: pools, pygeoapi, caches
        lookup(client)(0)
    n = max(100, args.n // 10)
    variants = {"off": lookup(off), "on": lookup(on),
                "shared": lookup(on, lambda i: throttles.hit(engine, "bench", f"10.{i % 250}.1.1", 60))}
    rounds: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(9):  # interleaved, so that a busy moment of the machine hits every variant alike
        for name, call in variants.items():
            rounds[name].append(per_call_us(call, n, repeats=1))
    off_us, on_us, shared_req_us = (statistics.median(rounds[k]) for k in ("off", "on", "shared"))
    with engine.begin() as c:
        c.execute(text("DELETE FROM auth.throttle WHERE scope = 'bench'"))
    print(f"token bucket (per worker), one allow():        {bucket_us:8.2f} µs")
    print(f"shared counter (PostgreSQL UPSERT), one hit(): {shared_us:8.2f} µs")
    print(f"GET /api/parcels/<n>, no rate limit:           {off_us:8.1f} µs")
    print(f"GET /api/parcels/<n>, token bucket:            {on_us:8.1f} µs  ({on_us - off_us:+.1f})")
    print(f"GET /api/parcels/<n>, bucket + shared counter: {shared_req_us:8.1f} µs  ({shared_req_us - off_us:+.1f})")


if __name__ == "__main__":
    main()
