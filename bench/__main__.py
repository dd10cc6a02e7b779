"""`make bench`: Teritoriu measured over loopback HTTP against a production-style server.

    python -m bench [--sizes 10000,100000,1000000 | --parcels N] [--repeats 3] [--qgis]
    python -m bench --uats 1,100 [--parcels-per-uat 10000]   (one UAT's queries as UATs grow)

Generates (once, cached under var/bench/) a commune of the requested size, loads it into its own
database, starts gunicorn on it, and reports p50/p95/max for each request kind beside the same
query run as raw SQL (the floor). Results: var/bench/results-<N>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path

import requests
from sqlalchemy import text

from api import production
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


def prepare_database(n_parcels: int, seed: int, db_name: str | None = None):
    """Settings of a database holding the generated commune (generated and loaded once)."""
    settings = load_settings(db_name=db_name or f"teritoriu_bench_{n_parcels}_{seed}")
    cluster = LocalCluster(settings)
    cluster.start()
    cluster.ensure_database(settings.db_name)
    upgrade(settings)
    with get_engine(settings, "app").connect() as conn:
        loaded, addresses = conn.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT count(*) FROM streets.address_point)")).one()
    if loaded < n_parcels * 0.9 or not addresses:  # absent, or emptied by an earlier import benchmark
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


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server process and all its descendants (gunicorn's workers), MB."""
    parent, rss = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
            except OSError:
                continue
            parent[int(entry.name)] = int(fields.get("PPid", "0").strip())
            rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, grew = {pid}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    return round(sum(rss.get(p, 0) for p in tree) / 1024, 1)


def start_server(db_name: str, port: int, workers: int) -> subprocess.Popen:
    """The deployment's own command (api/production.py) on loopback; one client sends everything,
    so the per-client rate limit is off (it would measure itself, not speed)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log = open(BENCH_DIR / "server.log", "ab")  # noqa: SIM115 - the server's lifetime
    return production.spawn(port, {"TERITORIU_DB_NAME": db_name, "TERITORIU_RATE_LIMIT_PER_S": "0"}, workers, log)


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


ITEM_SQL = """
SELECT json_build_object('type', 'Feature', 'id', id, 'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 9)::json,
       'properties', json_build_object('cadastral_number', cadastral_number))
FROM public_api.parcel WHERE {where}
"""


def series(http, urls: list[str], ok=(200,), check=None) -> dict:
    """GET each URL once after a few warm-ups; latency percentiles and the count of errors
    (a status not in `ok`, or an answer `check` refuses)."""
    for u in urls[:5]:
        http.get(u)
    samples, errors = [], 0
    for u in urls:
        started = time.perf_counter()
        r = http.get(u)
        samples.append((time.perf_counter() - started) * 1000)
        errors += r.status_code not in ok or (check is not None and not check(r))
    return {**percentiles(samples), "errors": errors}


def raw_series(engine, calls) -> dict:
    with engine.connect() as conn:
        for call in calls[:5]:
            call(conn)
        return percentiles([timed(lambda call=call: call(conn)) for call in calls])


def throughput(urls: list[str], clients: int, ok=(200, 204)) -> dict:
    """`clients` threads, each with its own keep-alive session, share the URLs: requests per
    second over the whole run, p95 latency and errors."""
    from concurrent.futures import ThreadPoolExecutor

    chunks = [urls[i::clients] for i in range(clients)]

    def worker(chunk):
        http, lat, errors = requests.Session(), [], 0
        for u in chunk:
            started = time.perf_counter()
            try:
                code = http.get(u, timeout=60).status_code
            except requests.RequestException:
                code = 0
            lat.append((time.perf_counter() - started) * 1000)
            errors += code not in ok
        return lat, errors

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(worker, chunks))
    wall = time.perf_counter() - started
    latencies = [x for lat, _ in done for x in lat]
    return {"clients": clients, "requests": len(latencies), "req_per_s": round(len(latencies) / wall, 1),
            **{k: v for k, v in percentiles(latencies).items() if k != "n"},
            "errors": sum(e for _, e in done)}


def measure(args, settings) -> tuple[dict, list[dict]]:
    """One pass over every request kind against a running server."""
    engine = get_engine(settings, "public")
    points = sample_points(get_engine(settings, "app"), args.requests, args.seed)
    to_wgs = transformer(3844, 4326)
    base = args.base
    http = requests.Session()
    results: dict[str, dict] = {}
    from gis.parcel_facts import parcel_at, parcel_facts
    from gis.search import search

    # -- the public map: lookup by point, search ---------------------------------------------
    lonlats = [to_wgs.transform(e, n) for e, n in points]
    lookup_urls = [f"{base}/api/parcels/at?lon={lon:.7f}&lat={lat:.7f}" for lon, lat in lonlats]
    results["lookup by point, /api/parcels/at"] = {
        **series(http, lookup_urls), "raw_sql": raw_series(engine, [
            lambda c, lon=lon, lat=lat: parcel_facts(c, parcel_at(c, lon, lat, 4326, 3844)) for lon, lat in lonlats])}
    queries = sample_addresses(get_engine(settings, "app"), args.requests, args.seed)
    results["search, /api/search (street + number)"] = {
        **series(http, [f"{base}/api/search?q={requests.utils.quote(q)}" for q in queries]),
        "raw_sql": raw_series(engine, [lambda c, q=q: search(c, q) for q in queries])}

    # -- OGC API Features --------------------------------------------------------------------
    with engine.connect() as conn:
        picked = conn.execute(text("SELECT id, cadastral_number FROM public_api.parcel ORDER BY md5(id::text || :s) "
                                   "LIMIT :n"), {"s": str(args.seed), "n": args.requests}).all()
    results["parcel by cadastral number, OGC items"] = {
        **series(http, [f"{base}/ogc/collections/parcels/items?f=json&cadastral_number={n}" for _, n in picked]),
        "raw_sql": raw_series(engine, [lambda c, n=n: c.execute(text(ITEM_SQL.format(where="cadastral_number = :n")),
                                                                {"n": n}).all() for _, n in picked])}
    results["item by id, OGC items/{id}"] = {
        **series(http, [f"{base}/ogc/collections/parcels/items/{i}?f=json" for i, _ in picked]),
        "raw_sql": raw_series(engine, [lambda c, i=i: c.execute(text(ITEM_SQL.format(where="id = :i")), {"i": i}).one()
                                       for i, _ in picked])}
    for size in (200, 2000):
        boxes = [(e - size / 2, n - size / 2, e + size / 2, n + size / 2) for e, n in points]
        urls = []
        for a, b, c, d in boxes:
            lon1, lat1 = to_wgs.transform(a, b)
            lon2, lat2 = to_wgs.transform(c, d)
            urls.append(f"{base}/ogc/collections/parcels/items?f=json&limit=100"
                        f"&bbox={lon1:.7f},{lat1:.7f},{lon2:.7f},{lat2:.7f}")
        name = f"OGC items, {size / 1000:g} km bbox" if size >= 1000 else f"OGC items, {size} m bbox"
        results[name + ", limit=100"] = {
            **series(http, urls), "raw_sql": raw_series(engine, [
                lambda c, box=box: c.execute(text(ITEMS_SQL), dict(zip("abcd", box, strict=True))).scalar_one()
                for box in boxes]),
            "urls": urls}

    # -- vector tiles z12–z17, cold (empty disk cache) then warm: the layer the map draws at
    #    each zoom (UTR zones below z14, where parcels are smaller than a pixel; parcels from z14)
    from layers.registry import load_layers
    from layers.vector_tiles import tile_sql

    registry = load_layers()
    for cached in (settings.var_dir / "tiles").glob(f"{settings.db_name}-*"):
        shutil.rmtree(cached, ignore_errors=True)
    tile_urls: dict[int, list[str]] = {}
    for z in range(12, 18):
        layer = "parcels" if z >= registry["parcels"].tiles["min_zoom"] else "zones"
        sql = text(tile_sql(registry[layer], 3844))
        tiles = sorted({tile_of(lon, lat, z) for lon, lat in lonlats})[: args.tiles]
        tile_urls[z] = [f"{base}/ogc/collections/{layer}/tiles/WebMercatorQuad/{z}/{y}/{x}" for x, y in tiles]
        samples, errors = [], 0
        for u in tile_urls[z]:  # cold: each tile once, first time (the server is warm by now)
            started = time.perf_counter()
            errors += http.get(u).status_code not in (200, 204)
            samples.append((time.perf_counter() - started) * 1000)
        results[f"tile z{z} ({layer}), cold"] = {**percentiles(samples), "errors": errors, "raw_sql": raw_series(
            engine, [lambda c, x=x, y=y, z=z, layer=layer, sql=sql:
                     c.execute(sql, {"z": z, "x": x, "y": y, "name": layer}).scalar_one() for x, y in tiles])}
        results[f"tile z{z} ({layer}), warm"] = series(http, tile_urls[z], ok=(200, 204))

    # -- one urbanism certificate with its map -------------------------------------------------
    with get_engine(settings, "app").connect() as conn:
        numbers = conn.execute(text(
            "SELECT cadastral_number FROM cadastre.parcel WHERE intravilan AND valid_to IS NULL "
            "ORDER BY md5(id::text) LIMIT :n"), {"n": args.certificates}).scalars().all()
    pdf_urls = []
    for n in numbers:
        made = http.post(f"{base}/api/certificates", json={
            "type": "urbanism", "parcels": [n], "purpose": "bench", "applicant_name": "Bench"}).json()
        pdf_urls.append(f"{base}/api/certificates/{made['id']}.pdf?token={made['token']}")
    results["urbanism certificate PDF with its map"] = series(http, pdf_urls)

    # -- throughput at 1, 4 and 16 clients -------------------------------------------------------
    load = []
    warm_tiles = [u for z in (15, 16, 17) for u in tile_urls[z]]
    for name, urls in (("lookup by point", lookup_urls), ("tiles z15–z17 (warm)", warm_tiles)):
        for clients in (1, 4, 16):
            repeated = (urls * (1 + (args.requests * 2) // max(1, len(urls))))[: args.requests * 2]
            load.append({"request": name, **throughput(repeated, clients)})
    return results, load


# -- many UATs: the same UAT's queries in a database of 1 UAT and of N ------------------------
FOCUS = 940001  # the region's first UAT (gis/synthetic/region.py), the same data in every database


def region_dir(n_uats: int, per_uat: int, seed: int) -> Path:
    """A generated region with at least n_uats UATs (generated once, the largest asked for)."""
    from gis.synthetic import generate_region

    regions = BENCH_DIR / "regions"
    for existing in sorted(regions.glob(f"*x{per_uat}-{seed}"), key=lambda p: int(p.name.split("x")[0])):
        if int(existing.name.split("x")[0]) >= n_uats and (existing / "region.json").exists():
            return existing
    out = regions / f"{n_uats}x{per_uat}-{seed}"
    print(f"generating {n_uats} UATs × {per_uat} parcels into {out} ...", flush=True)
    started = time.monotonic()
    generate_region(n_uats, per_uat, seed, out, formats="gpkg")
    print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
    return out


def prepare_region_database(n_uats: int, per_uat: int, seed: int, region: Path):
    """Settings of a database holding the region's first n_uats UATs (loaded once)."""
    from gis.samples import region_folders

    settings = load_settings(db_name=f"teritoriu_bench_uats_{n_uats}x{per_uat}_{seed}")
    cluster = LocalCluster(settings)
    cluster.start()
    cluster.ensure_database(settings.db_name)
    upgrade(settings)
    with get_engine(settings, "app").connect() as conn:
        uats, parcels = conn.execute(text(
            "SELECT (SELECT count(*) FROM territory.uat), (SELECT count(*) FROM cadastre.parcel)")).one()
    if uats < n_uats or parcels < n_uats * per_uat * 0.9:
        folders = region_folders(region)[:n_uats]
        print(f"loading {len(folders)} UATs into {settings.db_name} ...", flush=True)
        started = time.monotonic()
        for folder in folders:  # each UAT in its own transaction; a rerun resumes
            load_commune(settings, folder)
        loaded_s = time.monotonic() - started
        print(f"  loaded in {loaded_s:.0f} s", flush=True)
        started = time.monotonic()
        with get_engine(settings, "owner").connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        print(f"  VACUUM ANALYZE in {time.monotonic() - started:.0f} s", flush=True)
        vacuum_s = time.monotonic() - started
        (BENCH_DIR / f"load-{settings.db_name}.json").write_text(json.dumps(
            {"uats": n_uats, "load_s": round(loaded_s), "vacuum_analyze_s": round(vacuum_s)}))
    return settings


SIZES_SQL = """
SELECT pg_database_size(current_database()),
       (SELECT sum(pg_table_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')),
       (SELECT sum(pg_indexes_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')),
       pg_total_relation_size('cadastre.parcel'), pg_indexes_size('cadastre.parcel'),
       (SELECT count(*) FROM cadastre.parcel), (SELECT count(*) FROM territory.uat)
"""


def database_sizes(settings) -> dict:
    """What the database holds and weighs (MB), and how long it took to load (when this bench loaded it)."""
    with get_engine(settings, "owner").connect() as conn:
        total, tables, indexes, parcel_total, parcel_indexes, parcels, uats = conn.execute(text(SIZES_SQL)).one()
    mb = 1024 * 1024
    out = {"parcels": parcels, "uats": uats, "database_mb": round(total / mb), "tables_mb": round(tables / mb),
           "indexes_mb": round(indexes / mb), "parcel_table_mb": round(parcel_total / mb),
           "parcel_indexes_mb": round(parcel_indexes / mb)}
    record = BENCH_DIR / f"load-{settings.db_name}.json"
    if record.exists():
        out.update(json.loads(record.read_text()))
    return out


def measure_one_uat(args, settings) -> dict:
    """One pass over the requests of one UAT (FOCUS), the same ones in every database."""
    base, uat, http = args.base, FOCUS, requests.Session()
    to_wgs = transformer(3844, 4326)
    with get_engine(settings, "app").connect() as conn:
        picked = conn.execute(text(
            "SELECT cadastral_number, ST_X(c), ST_Y(c) FROM (SELECT cadastral_number, ST_PointOnSurface(geom) c"
            " FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL"
            " ORDER BY md5(cadastral_number || :s) LIMIT :n) p"),
            {"u": uat, "s": str(args.seed), "n": args.requests}).all()
        streets = conn.execute(text(
            "SELECT teritoriu_norm(s.name), a.number FROM streets.address_point a"
            " JOIN streets.street s ON s.id = a.street_id WHERE a.uat_siruta = :u AND a.valid_to IS NULL"
            " ORDER BY md5(s.code || a.number::text || a.suffix || :s) LIMIT :n"),
            {"u": uat, "s": str(args.seed), "n": args.requests}).all()
    lonlats = [to_wgs.transform(e, n) for _, e, n in picked]
    results = {
        "lookup by point, /api/parcels/at": series(
            http, [f"{base}/api/parcels/at?lon={lon:.7f}&lat={lat:.7f}" for lon, lat in lonlats]),
        "parcel sheet by number, /api/parcels/<nr>?uat=": series(
            http, [f"{base}/api/parcels/{nr}?uat={uat}" for nr, _, _ in picked]),
        "parcel by number, OGC items ?cadastral_number=&uat=": series(
            http, [f"{base}/ogc/collections/parcels/items?f=json&cadastral_number={nr}&uat={uat}"
                   for nr, _, _ in picked]),
        "search ?uat= (street + number)": series(
            http, [f"{base}/api/search?uat={uat}&q={requests.utils.quote(f'str {name} {number}')}"
                   for name, number in streets]),
    }
    boxes = []
    for _, e, n in picked:
        lon1, lat1 = to_wgs.transform(e - 100, n - 100)
        lon2, lat2 = to_wgs.transform(e + 100, n + 100)
        boxes.append(f"{lon1:.7f},{lat1:.7f},{lon2:.7f},{lat2:.7f}")
    items = f"{base}/ogc/collections/parcels/items?f=json&limit=100&bbox="
    results["OGC items, 200 m bbox, limit=100"] = series(http, [items + b for b in boxes])
    results["OGC items, 200 m bbox + uat_siruta, limit=100"] = series(
        http, [f"{items}{b}&uat_siruta={uat}" for b in boxes])
    results["OGC items ?uat= (no bbox), pages 1–20 of 100"] = series(
        http, [f"{base}/ogc/collections/parcels/items?f=json&limit=100&uat={uat}&offset={i % 20 * 100}"
               for i in range(len(picked))])
    for cached in (settings.var_dir / "tiles").glob(f"{settings.db_name}-*"):
        shutil.rmtree(cached, ignore_errors=True)
    for z in (15, 16, 17):
        tiles = sorted({tile_of(lon, lat, z) for lon, lat in lonlats})[: args.tiles]
        urls = [f"{base}/ogc/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}" for x, y in tiles]
        samples, errors = [], 0
        for u in urls:  # cold: each tile once, the first time
            started = time.perf_counter()
            errors += http.get(u).status_code not in (200, 204)
            samples.append((time.perf_counter() - started) * 1000)
        results[f"tile z{z} (parcels), cold"] = {**percentiles(samples), "errors": errors}
        results[f"tile z{z} (parcels), warm"] = series(http, urls, ok=(200, 204))
    return results


def run_uats(args) -> dict:
    sizes = sorted(int(x) for x in args.uats.split(","))
    region = region_dir(sizes[-1], args.parcels_per_uat, args.seed)
    out = {"uats": sizes, "parcels_per_uat": args.parcels_per_uat, "workers": args.workers,
           "repeats": args.repeats, "focus": FOCUS, "results": {}}
    settings_of = {n: prepare_region_database(n, args.parcels_per_uat, args.seed, region) for n in sizes}
    out["databases"] = {n: database_sizes(settings_of[n]) for n in sizes}
    if args.prepare_only:
        return out
    for n in sizes:
        settings = settings_of[n]
        port = _free_port()
        server = start_server(settings.db_name, port, args.workers)
        args.base = f"http://127.0.0.1:{port}"
        try:
            out["results"][n] = median_of([measure_one_uat(args, settings) for _ in range(args.repeats)])
            out["databases"][n]["server_rss_mb"] = server_rss_mb(server.pid)
        finally:
            production.stop(server)
    return out


def markdown_databases(run_: dict) -> list[str]:
    dbs = run_["databases"]
    lines = ["| database | parcels | load s | VACUUM ANALYZE s | size MB | tables MB | indexes MB "
             "| cadastre.parcel MB | its indexes MB | server RSS MB (after the requests) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, d in dbs.items():
        lines.append(f"| {n} UATs | {d['parcels']:,} | {d.get('load_s', '')} | {d.get('vacuum_analyze_s', '')} "
                     f"| {d['database_mb']:,} | {d['tables_mb']:,} | {d['indexes_mb']:,} | {d['parcel_table_mb']:,} "
                     f"| {d['parcel_indexes_mb']:,} | {d.get('server_rss_mb', '')} |")
    return lines + [""]


def markdown_uats(run_: dict) -> str:
    sizes, res = run_["uats"], run_["results"]
    first, last = sizes[0], sizes[-1]
    if not res:
        return "\n".join(markdown_databases(run_))
    head = " | ".join(f"{n} UAT{'s' if n > 1 else ''} p50 | p95" for n in sizes)
    lines = [f"### One UAT's queries as UATs grow — {run_['parcels_per_uat']:,} parcels per UAT, UAT {run_['focus']}"
             f", `teritoriu serve --production --workers {run_['workers']}`, median of {run_['repeats']} runs", "",
             f"| request | n | {head} | p50 ratio | p95 ratio | errors |",
             "| --- | --- | " + " | ".join("--- | ---" for _ in sizes) + " | --- | --- | --- |"]
    lines[2:2] = markdown_databases(run_)
    for name in res[first]:
        cells = " | ".join(f"{res[n][name]['p50']} | {res[n][name]['p95']}" for n in sizes)
        a, b = res[first][name], res[last][name]
        errors = sum(res[n][name]["errors"] for n in sizes)
        lines.append(f"| {name} | {a['n']} | {cells} | {b['p50'] / a['p50']:.2f}× | {b['p95'] / a['p95']:.2f}× "
                     f"| {errors} |")
    return "\n".join(lines) + "\n"


def median_of(runs: list[dict]) -> dict:
    """Each figure: the median over the repeated runs."""
    out = {}
    for name in runs[0]:
        rows = [r[name] for r in runs]
        merged = {k: round(statistics.median(x[k] for x in rows), 2) for k in ("p50", "p95", "max")}
        merged.update(n=rows[0]["n"], errors=sum(x["errors"] for x in rows))
        if "raw_sql" in rows[0]:
            merged["raw_sql"] = {k: round(statistics.median(x["raw_sql"][k] for x in rows), 2)
                                 for k in ("p50", "p95", "max")}
        out[name] = merged
    return out


def run(args) -> dict:
    settings = prepare_database(args.parcels, args.seed)
    port = _free_port()
    server = start_server(settings.db_name, port, args.workers)
    args.base = f"http://127.0.0.1:{port}"
    try:
        passes = [measure(args, settings) for _ in range(args.repeats)]
        results = median_of([p[0] for p in passes])
        load = passes[-1][1]
        qgis = None
        if args.qgis:
            from bench.qgis_server import compare

            qgis = compare(settings, {k: v for k, v in passes[-1][0].items() if "urls" in v})
    finally:
        production.stop(server)
    return {"parcels": args.parcels, "workers": args.workers, "repeats": args.repeats, "results": results,
            "throughput": load, "qgis_server": qgis}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TARGETS = {
    "lookup by point, /api/parcels/at": ("p95", 20),
    "OGC items, 200 m bbox, limit=100": ("p95", 50), "OGC items, 2 km bbox, limit=100": ("p95", 50),
    "urbanism certificate PDF with its map": ("p95", 1000),
    **{f"tile z{z} ({layer}), cold": ("p95", 50) for z in range(12, 18) for layer in ("zones", "parcels")},
    **{f"tile z{z} ({layer}), warm": ("p95", 5) for z in range(12, 18) for layer in ("zones", "parcels")},
}


def markdown(run_: dict) -> str:
    lines = [f"### {run_['parcels']:,} parcels — `teritoriu serve --production --workers {run_['workers']}`, "
             f"loopback HTTP, median of {run_['repeats']} runs", "",
             "| request | n | p50 ms | p95 ms | max ms | errors | raw SQL p50 | raw SQL p95 | p95 ratio | target |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in run_["results"].items():
        raw = r.get("raw_sql")
        ratio = f"{r['p95'] / raw['p95']:.1f}×" if raw and raw["p95"] else ""
        target = ""
        if name in TARGETS:
            key, limit = TARGETS[name]
            target = f"{key} ≤ {limit} ms {'✔' if r[key] <= limit else '✘'}"
        if name.startswith("lookup") and raw:
            target += f", ≤ 2× SQL {'✔' if r['p95'] <= 2 * raw['p95'] else '✘'}"
        lines.append(f"| {name} | {r['n']} | {r['p50']} | {r['p95']} | {r['max']} | {r['errors']} | "
                     f"{raw['p50'] if raw else ''} | {raw['p95'] if raw else ''} | {ratio} | {target} |")
    lines += ["", "| throughput | clients | requests | req/s | p50 ms | p95 ms | max ms | errors |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t in run_["throughput"]:
        lines.append(f"| {t['request']} | {t['clients']} | {t['requests']} | {t['req_per_s']} | {t['p50']} | "
                     f"{t['p95']} | {t['max']} | {t['errors']} |")
    if run_.get("qgis_server"):
        lines += ["", "| QGIS Server 3.22 OGC API Features vs Teritoriu | QGIS p50 | QGIS p95 | Teritoriu p50 | "
                  "Teritoriu p95 | ratio (QGIS p95 / ours) |", "| --- | --- | --- | --- | --- | --- |"]
        for name, q in run_["qgis_server"].items():
            ours = run_["results"][name]
            lines.append(f"| {name} | {q['p50']} | {q['p95']} | {ours['p50']} | {ours['p95']} | "
                         f"{q['p95'] / ours['p95']:.1f}× |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="communes to measure (parcels)")
    parser.add_argument("--parcels", type=int, help="one size only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--tiles", type=int, default=60, help="tiles per zoom level")
    parser.add_argument("--certificates", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--qgis", action="store_true", help="also measure QGIS Server (bench/qgis_server.py)")
    parser.add_argument("--peers", action="store_true", help="also Teritoriu, QGIS Server and tipg interleaved "
                        "on each size (bench/peers.py)")
    parser.add_argument("--no-import", action="store_true", help="skip the 100,000-parcel import")
    parser.add_argument("--uats", help="instead: databases of these many UATs (e.g. 1,100), one UAT's queries")
    parser.add_argument("--parcels-per-uat", type=int, default=10_000, help="with --uats")
    parser.add_argument("--prepare-only", action="store_true", help="with --uats: generate and load, no requests")
    args = parser.parse_args()
    if args.uats:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        result = run_uats(args)
        (BENCH_DIR / "results-uats.json").write_text(json.dumps(result, indent=2))
        table = markdown_uats(result)
        (BENCH_DIR / "results-uats.md").write_text(table)
        print(table, flush=True)
        print(f"written: {BENCH_DIR / 'results-uats.md'}")
        return
    sizes = [args.parcels] if args.parcels else [int(x) for x in args.sizes.split(",")]
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tables = []
    for size in sizes:
        args.parcels = size
        result = run(args)
        (BENCH_DIR / f"results-{size}.json").write_text(json.dumps(result, indent=2))
        tables.append(markdown(result))
        print(tables[-1], flush=True)
        if args.peers:
            from bench.peers import run_peers

            tables.append(run_peers(size, args.seed, workers=args.workers))
            print(tables[-1], flush=True)
    if not args.no_import:
        from bench.imports import bench_import

        line = bench_import(100_000, args.seed)
        tables.append("### Import\n\n" + line + "\n")
        print(line, flush=True)
    (BENCH_DIR / "results.md").write_text("\n".join(tables))
    print(f"written: {BENCH_DIR / 'results.md'}")


if __name__ == "__main__":
    main()
