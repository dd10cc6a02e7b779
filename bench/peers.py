"""`python -m bench.peers --parcels 100000 --rounds 5`: Teritoriu beside its peers on the same
`public_api.parcel` view, raw SQL as the floor, measured INTERLEAVED.

Peers: QGIS Server 3.22 (bench/qgis_server.py, Debian's qgis-server) and tipg (bench/tipg_server.py,
PyPI, its own virtualenv). Requests: 100 items in a 200 m and in a 1 km box (GeoJSON in CRS84), a
z16 parcel tile cold (ours: the disk cache emptied before each round; tipg caches nothing; QGIS
Server 3.22 has no vector tiles) and warm (ours). Each round asks every server the same requests
in turn, the order rotated from round to round, so a busy moment of the shared machine falls on
all of them; each figure is the median over the rounds of that round's p50 (and p95).
Results: var/bench/peers-<N>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time

import requests
from sqlalchemy import text

from bench import qgis_server, tipg_server
from bench.__main__ import (
    BENCH_DIR,
    ITEMS_SQL,
    _free_port,
    percentiles,
    prepare_database,
    sample_points,
    start_server,
    tile_of,
)
from gis.cluster import LocalCluster
from gis.crs import transformer
from gis.db import get_engine
from gis.settings import load_settings
from layers.registry import load_layers
from layers.vector_tiles import tile_sql

SIZES = (200, 1000)


def gets(http, urls: list[str], warm_up: int = 0, check=None) -> dict:
    for u in urls[:warm_up]:
        http.get(u)
    samples, errors = [], 0
    for u in urls:
        started = time.perf_counter()
        r = http.get(u)
        samples.append((time.perf_counter() - started) * 1000)
        errors += r.status_code not in (200, 204) or (check is not None and not check(r))
    return {**percentiles(samples), "errors": errors}


def sql_times(engine, statement, params: list[dict], warm_up: int = 5) -> dict:
    with engine.connect() as conn:
        for p in params[:warm_up]:
            conn.execute(statement, p).scalar_one()
        samples = []
        for p in params:
            started = time.perf_counter()
            conn.execute(statement, p).scalar_one()
            samples.append((time.perf_counter() - started) * 1000)
    return {**percentiles(samples), "errors": 0}


def has_features(r) -> bool:
    return bool(r.json().get("features"))


def plan(settings, args, base: str) -> dict:
    """The same requests for everyone: our URLs, the boxes (storage CRS) and the tiles."""
    points = sample_points(get_engine(settings, "app"), args.requests, args.seed)
    to_wgs = transformer(3844, 4326)
    out = {"items": {}, "tiles": []}
    for size in SIZES:
        boxes, urls = [], []
        for e, n in points:
            box = (e - size / 2, n - size / 2, e + size / 2, n + size / 2)
            (lon1, lat1), (lon2, lat2) = to_wgs.transform(box[0], box[1]), to_wgs.transform(box[2], box[3])
            boxes.append(dict(zip("abcd", box, strict=True)))
            urls.append(f"{base}/ogc/collections/parcels/items?f=json&limit=100"
                        f"&bbox={lon1:.7f},{lat1:.7f},{lon2:.7f},{lat2:.7f}")
        out["items"][size] = (boxes, urls)
    lonlats = [to_wgs.transform(e, n) for e, n in points]
    out["tiles"] = sorted({tile_of(lon, lat, 16) for lon, lat in lonlats})[: args.tiles]
    return out


def one_round(settings, engine, sessions: dict, bases: dict, work: dict, order: list[str]) -> dict:
    """Every request kind, each asked of every peer in `order`: {request: {peer: percentiles}}."""
    out: dict[str, dict] = {}
    for size in SIZES:
        boxes, ours = work["items"][size]
        name = f"100 items, {size} m box" if size < 1000 else f"100 items, {size // 1000} km box"
        row = out[name] = {}
        for peer in order:
            if peer == "raw SQL":
                row[peer] = sql_times(engine, text(ITEMS_SQL), boxes)
            elif peer == "Teritoriu":
                row[peer] = gets(sessions[peer], ours, 5, has_features)
            elif peer == "QGIS Server" and peer in bases:
                row[peer] = gets(sessions[peer], [qgis_server.items_url(bases[peer], u) for u in ours], 5,
                                 has_features)
            elif peer == "tipg":
                row[peer] = gets(sessions[peer], [tipg_server.items_url(bases[peer], u) for u in ours], 5,
                                 has_features)
    cold, warm = {}, {}
    out["z16 parcel tile, cold"], out["z16 parcel tile, warm"] = cold, warm
    tiles = work["tiles"]
    sql = text(tile_sql(load_layers()["parcels"], 3844))
    for peer in order:
        if peer == "raw SQL":
            cold[peer] = sql_times(engine, sql, [{"z": 16, "x": x, "y": y, "name": "parcels"} for x, y in tiles])
        elif peer == "Teritoriu":
            for cached in (settings.tiles_dir).glob(f"{settings.db_name}-*"):
                shutil.rmtree(cached, ignore_errors=True)
            urls = [f"{bases[peer]}/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}" for x, y in tiles]
            cold[peer] = gets(sessions[peer], urls)
            warm[peer] = gets(sessions[peer], urls)
        elif peer == "tipg":
            cold[peer] = gets(sessions[peer], [tipg_server.tile_url(bases[peer], 16, x, y) for x, y in tiles])
    return out


def median_rounds(rounds: list[dict]) -> dict:
    out: dict[str, dict] = {}
    for name in rounds[0]:
        out[name] = {}
        for peer in rounds[0][name]:
            rows = [r[name][peer] for r in rounds]
            out[name][peer] = {"n": rows[0]["n"], "rounds": len(rows),
                               "p50": round(statistics.median(x["p50"] for x in rows), 2),
                               "p95": round(statistics.median(x["p95"] for x in rows), 2),
                               "p50_rounds": [x["p50"] for x in rows],
                               "errors": sum(x["errors"] for x in rows)}
    return out


PEERS = ("raw SQL", "Teritoriu", "QGIS Server", "tipg")


def markdown(result: dict) -> str:
    peers = [p for p in PEERS if any(p in row for row in result["results"].values())]
    lines = [f"### Peers — {result['parcels']:,} parcels (`{result.get('database', '')}`), {result['rounds']} "
             f"interleaved rounds of {result['n']} "
             f"requests (p50 / p95 ms, median over rounds)", "",
             "| request | " + " | ".join(peers) + " | Teritoriu ÷ raw SQL (p50) | errors |",
             "| --- | " + " | ".join("---" for _ in peers) + " | --- | --- |"]
    for name, row in result["results"].items():
        cells = " | ".join(f"{row[p]['p50']} / {row[p]['p95']}" if p in row else "—" for p in peers)
        ratio = f"{row['Teritoriu']['p50'] / row['raw SQL']['p50']:.1f}×" if "raw SQL" in row else ""
        errors = sum(v["errors"] for v in row.values())
        lines.append(f"| {name} | {cells} | {ratio} | {errors} |")
    return "\n".join(lines) + "\n"


def existing_database(db_name: str):
    """Settings of a bench database loaded earlier (e.g. `teritoriu_bench_uats_50x20000_7`), and its parcels."""
    settings = load_settings(db_name=db_name)
    LocalCluster(settings).start()
    with get_engine(settings, "app").connect() as conn:
        return settings, conn.execute(text("SELECT count(*) FROM cadastre.parcel")).scalar_one()


def run_peers(parcels: int, seed: int = 7, requests_n: int = 100, tiles: int = 40, rounds_n: int = 5,
              workers: int = 2, qgis: bool = True, tipg: bool = True, db_name: str | None = None) -> str:
    """The interleaved comparison on the generated commune of `parcels` (or on the bench database
    `db_name`, whatever it holds); its Markdown table."""
    if db_name:
        settings, parcels = existing_database(db_name)
    else:
        settings = prepare_database(parcels, seed)
    engine = get_engine(settings, "public")
    servers = []
    port = _free_port()
    ours = start_server(settings.db_name, port, workers)
    bases = {"Teritoriu": f"http://127.0.0.1:{port}"}
    try:
        if qgis and (started := qgis_server.start(settings)) is not None:
            servers.append((qgis_server, started[0]))
            bases["QGIS Server"] = started[1]
        if tipg:
            server, bases["tipg"] = tipg_server.start(settings)
            servers.append((tipg_server, server))
        work = plan(settings, argparse.Namespace(requests=requests_n, seed=seed, tiles=tiles), bases["Teritoriu"])
        sessions = {p: requests.Session() for p in bases}
        peers = ["raw SQL", *bases]
        rounds = []
        for r in range(rounds_n):
            order = peers[r % len(peers):] + peers[: r % len(peers)]
            rounds.append(one_round(settings, engine, sessions, bases, work, order))
            print(f"round {r + 1}/{rounds_n}: order {', '.join(order)}", flush=True)
    finally:
        for module, server in servers:
            module.stop(server)
        from api import production

        production.stop(ours)
    result = {"parcels": parcels, "database": settings.db_name, "rounds": rounds_n, "n": requests_n,
              "tiles": len(work["tiles"]),
              "workers": workers, "results": median_rounds(rounds)}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"peers-{parcels}.json").write_text(json.dumps(result, indent=2))
    table = markdown(result)
    (BENCH_DIR / f"peers-{parcels}.md").write_text(table)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peers")
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=100, help="items requests per box size and round")
    parser.add_argument("--tiles", type=int, default=40, help="z16 tiles per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-qgis", action="store_true")
    parser.add_argument("--no-tipg", action="store_true")
    parser.add_argument("--database", help="a bench database loaded earlier instead of a generated commune "
                        "(e.g. teritoriu_bench_uats_50x20000_7: 1,000,000 parcels in 50 UATs)")
    args = parser.parse_args()
    print(run_peers(args.parcels, args.seed, args.requests, args.tiles, args.rounds, args.workers,
                    qgis=not args.no_qgis, tipg=not args.no_tipg, db_name=args.database), flush=True)


if __name__ == "__main__":
    main()
