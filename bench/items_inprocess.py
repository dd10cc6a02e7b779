"""`python -m bench.items_inprocess [--database teritoriu_bench_100000_7] [--box 200]`: the OGC items
request timed inside the process (Flask's test client, no HTTP, no gzip), to see the app's own share
of a page: 200 pages of 100 items in boxes around random parcels, 5 rounds, the median round's
milliseconds per request. `--profile` prints cProfile's top functions instead."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

from bench.__main__ import sample_points
from gis.cluster import LocalCluster
from gis.crs import transformer
from gis.db import get_engine
from gis.settings import load_settings


def item_urls(settings, box_m: float, n: int = 200, seed: int = 7) -> list[str]:
    to_wgs = transformer(3844, 4326)
    urls = []
    half = box_m / 2
    for east, north in sample_points(get_engine(settings, "app"), n, seed):
        (a, b), (c, d) = to_wgs.transform(east - half, north - half), to_wgs.transform(east + half, north + half)
        urls.append(f"/ogc/collections/parcels/items?f=json&limit=100&bbox={a:.7f},{b:.7f},{c:.7f},{d:.7f}")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.items_inprocess")
    parser.add_argument("--database", default="teritoriu_bench_100000_7", help="a bench database loaded earlier")
    parser.add_argument("--box", type=float, default=200, help="side of the box, metres")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    settings = load_settings(db_name=args.database)
    LocalCluster(settings).start()
    from api import create_app

    client = create_app(settings).test_client()
    urls = item_urls(settings, args.box)
    for u in urls[:30]:  # warm-up: pools, caches, the compiled SQL
        client.get(u)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for u in urls:
            client.get(u)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return
    rounds = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for u in urls:
            if client.get(u).status_code != 200:
                raise SystemExit(f"not answered: {u}")
        rounds.append((time.perf_counter() - started) * 1000 / len(urls))
    print(f"{args.database}, {args.box:g} m box: {statistics.median(rounds):.2f} ms per request "
          f"(rounds: {', '.join(f'{r:.2f}' for r in rounds)})", flush=True)


if __name__ == "__main__":
    main()
