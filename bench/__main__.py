"""`make bench`: Teritoriu measured over loopback HTTP against a production-style server.

    python -m bench [--parcels 1000000] [--seed 7] [--requests 200]

Generates (once, cached under var/bench/) a commune of the requested size, loads it into its own
database, starts gunicorn on it, and reports p50/p95/max for each request kind beside the same
query run as raw SQL (the floor). Results: var/bench/results-<N>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

import requests
from sqlalchemy import text

from gis.cluster import LocalCluster
from gis.crs import transformer
from gis.db import get_engine
from gis.migrate import upgrade
from gis.samples import load_commune
from gis.settings import PROJECT_ROOT, load_settings

BENCH_DIR = PROJECT_ROOT / "var" / "bench"


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 2),
            "p95": round(p95, 2), "max": round(ordered[-1], 2)}


def prepare_database(n_parcels: int, seed: int):
    """Settings of a database holding the generated commune (generated and loaded once)."""
    settings = load_settings(db_name=f"teritoriu_bench_{n_parcels}_{seed}")
    cluster = LocalCluster(settings)
    cluster.start()
    cluster.ensure_database(settings.db_name)
    upgrade(settings)
    with get_engine(settings, "app").connect() as conn:
        loaded = conn.execute(text("SELECT count(*) FROM cadastre.parcel")).scalar_one()
    if loaded < n_parcels * 0.9:
        commune = BENCH_DIR / "communes" / f"{n_parcels}-{seed}"
        if not (commune / "commune.gpkg").exists():
            from gis.synthetic import generate

            print(f"generating {n_parcels} parcels into {commune} ...", flush=True)
            started = time.monotonic()
            generate(n_parcels, seed, commune, formats="gpkg")
            print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
        print("loading ...", flush=True)
        print(f"  {load_commune(settings, commune).summary()}", flush=True)
        with get_engine(settings, "owner").connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return settings


def start_server(db_name: str, port: int, workers: int) -> subprocess.Popen:
    """gunicorn with the deployment's entry point, on loopback."""
    # one client sends everything: the per-client rate limit would measure itself, not speed
    env = dict(os.environ, TERITORIU_DB_NAME=db_name, TERITORIU_PORT=str(port),
               TERITORIU_RATE_LIMIT_PER_S="0")
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", "4",
           "-b", f"127.0.0.1:{port}", "--log-level", "warning", "api.wsgi:app"]
    proc = subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the benchmark server did not start")


def sample_points(engine, count: int, seed: int) -> list[tuple[float, float]]:
    """Points on random current parcels, (easting, northing) in the storage CRS."""
    with engine.connect() as conn:
        n = conn.execute(text("SELECT max(id) FROM cadastre.parcel")).scalar_one()
        rng = random.Random(seed)
        ids = [rng.randint(1, n) for _ in range(count * 2)]
        rows = conn.execute(text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM cadastre.parcel "
            "WHERE id = ANY(:ids) AND valid_to IS NULL) s"), {"ids": ids}).all()
    return [tuple(r) for r in rows][:count]


def http_series(http, urls: list[str]) -> dict:
    """GET each URL once, after a few warm-ups (the server runs without per-client rate limit)."""
    for u in urls[:5]:
        http.get(u)
    samples, errors = [], 0
    for u in urls:
        started = time.perf_counter()
        r = http.get(u)
        samples.append((time.perf_counter() - started) * 1000)
        errors += r.status_code >= 500 or r.status_code == 429
    return {**percentiles(samples), "errors": errors}


def sample_addresses(engine, count: int, seed: int) -> list[str]:
    """What citizens type: "str <street without diacritics> <number>"."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT teritoriu_norm(s.name), a.number FROM streets.address_point a "
            "JOIN streets.street s ON s.id = a.street_id ORDER BY md5(a.id::text || :seed) LIMIT :n"),
            {"seed": str(seed), "n": count}).all()
    return [f"str {name} {number}" for name, number in rows]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


ITEMS_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(f), '[]'))
FROM (SELECT json_build_object('type', 'Feature', 'id', id, 'geometry',
             ST_AsGeoJSON(ST_Transform(geom, 4326), 9)::json,
             'properties', json_build_object('cadastral_number', cadastral_number)) f
      FROM public_api.parcel
      WHERE ST_Intersects(geom, ST_MakeEnvelope(:a, :b, :c, :d, 3844))
      ORDER BY id LIMIT 100) s
"""


def run(args) -> dict:
    settings = prepare_database(args.parcels, args.seed)
    engine = get_engine(settings, "public")
    points = sample_points(get_engine(settings, "app"), args.requests, args.seed)
    to_wgs = transformer(3844, 4326)
    port = _free_port()
    server = start_server(settings.db_name, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    http = requests.Session()
    results: dict[str, dict] = {}
    try:
        # -- items, 200 m bbox, limit=100, CRS84 -----------------------------------------
        boxes = [(e - 100, n - 100, e + 100, n + 100) for e, n in points]
        urls = []
        for a, b, c, d in boxes:
            lon1, lat1 = to_wgs.transform(a, b)
            lon2, lat2 = to_wgs.transform(c, d)
            urls.append(f"{base}/ogc/collections/parcels/items?f=json&limit=100"
                        f"&bbox={lon1:.7f},{lat1:.7f},{lon2:.7f},{lat2:.7f}")
        for u in urls[:10]:  # warm-up, excluded
            http.get(u)
        errors = 0
        samples = []
        for u in urls:
            r = None

            def get(u=u):
                nonlocal r
                r = http.get(u)
            samples.append(timed(get))
            errors += r.status_code != 200
        results["items bbox 200 m, limit 100"] = {**percentiles(samples), "errors": errors}
        with engine.connect() as conn:
            raw = [timed(lambda box=box: conn.execute(text(ITEMS_SQL), dict(zip("abcd", box))).scalar_one())
                   for box in boxes]
        results["items bbox 200 m, limit 100"]["raw_sql"] = percentiles(raw)

        # -- parcel lookup by point and search (the public map) -----------------------------
        from gis.parcel_facts import parcel_at, parcel_facts
        from gis.search import search

        lonlats = [to_wgs.transform(e, n) for e, n in points]
        results["lookup /api/parcels/at"] = http_series(
            http, [f"{base}/api/parcels/at?lon={lon:.7f}&lat={lat:.7f}" for lon, lat in lonlats])
        with engine.connect() as conn:
            raw = [timed(lambda lon=lon, lat=lat: parcel_facts(conn, parcel_at(conn, lon, lat, 4326, 3844)))
                   for lon, lat in lonlats]
        results["lookup /api/parcels/at"]["raw_sql"] = percentiles(raw)
        queries = sample_addresses(get_engine(settings, "app"), args.requests, args.seed)
        results["search /api/search (street + number)"] = http_series(
            http, [f"{base}/api/search?q={requests.utils.quote(q)}" for q in queries])
        with engine.connect() as conn:
            raw = [timed(lambda q=q: search(conn, q)) for q in queries]
        results["search /api/search (street + number)"]["raw_sql"] = percentiles(raw)

        # -- one urbanism certificate with its map (the draft PDF, rendered each time) ---------
        with get_engine(settings, "app").connect() as conn:
            numbers = conn.execute(text(
                "SELECT cadastral_number FROM cadastre.parcel WHERE intravilan AND valid_to IS NULL "
                "ORDER BY md5(id::text) LIMIT 20")).scalars().all()
        pdf_urls = []
        for n in numbers:
            made = http.post(f"{base}/api/certificates", json={
                "type": "urbanism", "parcels": [n], "purpose": "bench", "applicant_name": "Bench"}).json()
            pdf_urls.append(f"{base}/api/certificates/{made['id']}.pdf?token={made['token']}")
        results["urbanism certificate PDF with map"] = http_series(http, pdf_urls)

        # -- z16 parcel tiles, cold then warm ----------------------------------------------
        tiles = sorted({tile_of(*to_wgs.transform(e, n), 16) for e, n in points})
        for cached in (settings.var_dir / "tiles").glob(f"{settings.db_name}-*"):
            shutil.rmtree(cached, ignore_errors=True)
        for label in ("tile z16 cold", "tile z16 warm"):
            samples, errors = [], 0
            for x, y in tiles:
                r = None

                def get(x=x, y=y):
                    nonlocal r
                    r = http.get(f"{base}/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}")
                samples.append(timed(get))
                errors += r.status_code not in (200, 204)
            results[label] = {**percentiles(samples), "errors": errors}
        from layers.registry import load_layers
        from layers.vector_tiles import tile_sql

        sql = text(tile_sql(load_layers()["parcels"], 3844))
        with engine.connect() as conn:
            raw = [timed(lambda x=x, y=y: conn.execute(sql, {"z": 16, "x": x, "y": y, "name": "parcels"}).scalar_one())
                   for x, y in tiles]
        results["tile z16 cold"]["raw_sql"] = percentiles(raw)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def markdown(results: dict, args) -> str:
    lines = [f"### {args.parcels:,} parcels, gunicorn {args.workers} workers, loopback HTTP", "",
             "| request | n | p50 ms | p95 ms | max ms | errors | raw SQL p50 | raw SQL p95 | p95 ratio |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in results.items():
        raw = r.get("raw_sql")
        ratio = f"{r['p95'] / raw['p95']:.1f}×" if raw and raw["p95"] else ""
        lines.append(f"| {name} | {r['n']} | {r['p50']} | {r['p95']} | {r['max']} | {r['errors']} | "
                     f"{raw['p50'] if raw else ''} | {raw['p95'] if raw else ''} | {ratio} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = run(args)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    table = markdown(results, args)
    (BENCH_DIR / f"results-{args.parcels}.json").write_text(json.dumps(results, indent=2))
    (BENCH_DIR / f"results-{args.parcels}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
