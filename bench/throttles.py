"""What a rate limit costs per request: the public lookups' limit (gis.rate_limits: the worker's token
bucket, then the count shared by every worker and server, written at most once a second per client)
against one shared counter in PostgreSQL per request (gis.throttles, the sign-in, filing and verify limits).

    python -m bench.throttles [--db teritoriu] [--n 2000]

The database must be migrated (auth.throttle) and hold a commune. Measured in-process with Flask's test
client, one client asking again and again, the variants in interleaved rounds: no limit; each worker's
bucket only (TERITORIU_RATE_LIMIT_WINDOW_S=0: the limit before it was shared); the shared limit (a write
a second); the shared limit writing every hit (TERITORIU_RATE_LIMIT_FLUSH_S=0: the worst case), on the
public map's beacon (no database read: the limit's own cost shows) and on a parcel lookup.
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
    from gis import throttles
    from gis.db import get_engine
    from gis.rate_limits import SharedRate, TokenBucket
    from gis.settings import load_settings

    settings = load_settings(db_name=args.db)
    engine = get_engine(settings, "app")
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY 1 LIMIT 1")).scalar_one()

    bucket = TokenBucket(1e9, burst=10**9)
    bucket_us = per_call_us(lambda i: bucket.allow(f"10.{i % 250}.0.1"), args.n * 50)
    limiter = SharedRate(TokenBucket(1e9, burst=10**9), lambda key, n: throttles.hit(engine, "bench", key, 10, n),
                         limit=10**9, flush_s=1, batch=20)
    limiter_us = per_call_us(lambda i: limiter.allow("10.250.9.1"), args.n * 50)
    shared_us = per_call_us(lambda i: throttles.hit(engine, "bench", f"10.{i % 250}.0.1", 60), args.n)
    with engine.begin() as c:
        c.execute(text("DELETE FROM auth.throttle WHERE scope = 'bench'"))

    def call(client, method, path):
        def one(i):
            r = client.open(path, method=method, environ_base={"REMOTE_ADDR": "10.250.0.1"})
            assert r.status_code < 300, r.status_code
        return one

    def app(**limits):  # the default rate, a burst that never ends: every lookup answered
        return create_app(dataclasses.replace(settings, **{"rate_limit_burst_s": 10**6, **limits})).test_client()

    apps = {"off": app(rate_limit_per_s=0), "bucket": app(rate_limit_window_s=0), "shared": app(),
            "shared, every hit written": app(rate_limit_flush_s=0)}
    requests = {"POST /api/usage/session (no database read)": ("POST", "/api/usage/session"),
                "GET /api/parcels/<n>": ("GET", f"/api/parcels/{number}")}
    for title, (method, path) in requests.items():
        variants = {name: call(client, method, path) for name, client in apps.items()}
        for one in variants.values():  # warm: pools, pygeoapi, caches
            one(0)
        n = max(100, args.n // (10 if method == "GET" else 1))
        rounds: dict[str, list[float]] = {k: [] for k in variants}
        for _ in range(9):  # interleaved, so that a busy moment of the machine hits every variant alike
            for name, one in variants.items():
                rounds[name].append(per_call_us(one, n, repeats=1))
        us = {k: statistics.median(v) for k, v in rounds.items()}
        print(f"{title}, medians of 9 interleaved rounds of {n}:")
        for name, value in us.items():
            print(f"  {name:<26} {value:8.1f} µs  ({value - us['off']:+.1f} against no limit, "
                  f"{value - us['bucket']:+.1f} against the bucket only)")
    with engine.begin() as c:
        c.execute(text("DELETE FROM auth.throttle WHERE scope = 'bench' OR scope LIKE 'rate:%'"))
    print(f"token bucket (per worker), one allow():                       {bucket_us:8.2f} µs")
    print(f"bucket + shared count, allow() (a write a second, 20 hits):  {limiter_us:8.2f} µs")
    print(f"shared counter (PostgreSQL UPSERT), one hit():                 {shared_us:8.2f} µs")


if __name__ == "__main__":
    main()
