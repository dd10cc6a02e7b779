"""What `numberMatched` costs on OGC items pages (issue 16, item 11): the counts PostgreSQL keeps
per view and UAT (migration 0011) against a COUNT(*), and the pages themselves over HTTP.

    python -m bench.counts [--parcels 1000000] [--seed 7] [--requests 50]

Uses the synthetic commune of `python -m bench` (gis/synthetic, generated and loaded once under
var/bench/), served by `teritoriu serve --production`. Raw SQL rows: on a direct connection as the
public role. Also counts the requests `ogrinfo -so` makes to print the Feature Count.
Results: var/bench/results-counts-<N>.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess

import requests
from sqlalchemy import text

from api import production
from bench.__main__ import BENCH_DIR, _free_port, prepare_database, raw_series, sample_points, series, start_server
from gis.crs import transformer
from gis.db import get_engine

KEPT = "SELECT sum(n) FROM public_api.feature_count WHERE source = 'public_api.parcel'"


def sql_rows(engine, uat: int, boxes: list[tuple]) -> dict[str, dict]:
    def repeat(sql: str, params: dict | None = None, n: int = 20):
        return [lambda c: c.execute(text(sql), params or {}).scalar_one()] * n

    return {
        "whole collection, kept count": raw_series(engine, repeat(KEPT, n=200)),
        "whole collection, COUNT(*)": raw_series(engine, repeat("SELECT count(*) FROM public_api.parcel", n=10)),
        "one UAT, kept count": raw_series(engine, repeat(KEPT + " AND uat_siruta = :u", {"u": uat}, n=200)),
        "one UAT, COUNT(*)": raw_series(engine, repeat("SELECT count(*) FROM public_api.parcel WHERE uat_siruta = :u",
                                                       {"u": uat}, n=10)),
        "intravilan=true, COUNT(*) (a filter: counted)": raw_series(
            engine, repeat("SELECT count(*) FROM public_api.parcel WHERE intravilan", n=10)),
        "200 m bbox, COUNT(*) (a filter: counted)": raw_series(engine, [
            lambda c, b=b: c.execute(text("SELECT count(*) FROM public_api.parcel WHERE "
                                          "ST_Intersects(geom, ST_MakeEnvelope(:a, :b, :c, :d, 3844))"),
                                     dict(zip("abcd", b, strict=True))).scalar_one() for b in boxes]),
    }


def http_rows(base: str, uat: int, boxes: list[tuple], n: int) -> dict[str, dict]:
    items = f"{base}/ogc/collections/parcels/items?f=json&limit=100"
    to_wgs = transformer(3844, 4326)
    bbox_urls = []
    for a, b, c, d in boxes:
        (w, s), (e, nn) = to_wgs.transform(a, b), to_wgs.transform(c, d)
        bbox_urls.append(f"{items}&bbox={w:.7f},{s:.7f},{e:.7f},{nn:.7f}")

    def has_count(r):
        return isinstance(r.json().get("numberMatched"), int)

    http = requests.Session()
    # first pages (offset 0), as GDAL and QGIS ask first: a deep OFFSET measures paging, not counting
    first = [items] * n
    hits = f"{base}/ogc/collections/parcels/items?f=json&resulttype=hits"
    return {
        "first page, unfiltered (kept count)": series(http, first, check=has_count),
        "resulttype=hits, unfiltered (kept count only)": series(http, [hits] * n, check=has_count),
        "first page, ?uat= (kept count)": series(http, [f"{items}&uat={uat}"] * n, check=has_count),
        "resulttype=hits, ?uat= (kept count only)": series(http, [f"{hits}&uat={uat}"] * n, check=has_count),
        "first page, intravilan=true (counted)": series(http, [f"{items}&intravilan=true"] * n, check=has_count),
        "resulttype=hits, intravilan=true (counted)": series(http, [f"{hits}&intravilan=true"] * n,
                                                             check=has_count),
        "200 m bbox page (counted)": series(http, bbox_urls, check=has_count),
    }


def ogrinfo_requests(base: str) -> tuple[int, str]:
    """(HTTP fetches, the Feature Count line) of `ogrinfo -ro -so OAPIF:… parcels`, from GDAL's CPL_DEBUG."""
    if shutil.which("ogrinfo") is None:
        return 0, "gdal-bin missing"
    res = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{base}/ogc", "parcels"], capture_output=True, text=True,
                         timeout=600, env={**os.environ, "CPL_DEBUG": "ON"})
    fetches = sum(line.startswith("HTTP: Fetch(") for line in res.stderr.splitlines())
    line = next((x for x in res.stdout.splitlines() if x.startswith("Feature Count")), "no Feature Count")
    return fetches, line


def markdown(n_parcels: int, sql: dict, http: dict, gdal: tuple[int, str]) -> str:
    lines = [f"### numberMatched — {n_parcels:,} parcels, `teritoriu serve --production --workers 2`", "",
             "| count in SQL (public role) | n | p50 ms | p95 ms |", "| --- | --- | --- | --- |"]
    lines += [f"| {k} | {v['n']} | {v['p50']} | {v['p95']} |" for k, v in sql.items()]
    lines += ["", "| HTTP (limit=100), numberMatched on every answer | n | p50 ms | p95 ms | max ms | errors |",
              "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {k} | {v['n']} | {v['p50']} | {v['p95']} | {v['max']} | {v['errors']} |" for k, v in http.items()]
    lines += ["", f"`ogrinfo -ro -so OAPIF:… parcels`: {gdal[0]} HTTP requests, `{gdal[1]}`"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    settings = prepare_database(args.parcels, args.seed)
    engine = get_engine(settings, "public")
    with engine.connect() as c:
        uat = c.execute(text("SELECT uat_siruta FROM public_api.feature_count WHERE source = 'public_api.parcel' "
                             "ORDER BY n DESC LIMIT 1")).scalar_one()
    centres = sample_points(get_engine(settings, "app"), args.requests, args.seed)
    boxes = [(e - 100, n - 100, e + 100, n + 100) for e, n in centres]
    sql = sql_rows(engine, uat, boxes)
    port = _free_port()
    server = start_server(settings.db_name, port, 2)
    base = f"http://127.0.0.1:{port}"
    try:
        http = http_rows(base, uat, boxes, args.requests)
        gdal = ogrinfo_requests(base)
    finally:
        production.stop(server)
    table = markdown(args.parcels, sql, http, gdal)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / f"results-counts-{args.parcels}.md").write_text(table)
    print(table, flush=True)


if __name__ == "__main__":
    main()
