"""`python -m bench.nginx_accel [--parcels 100000]`: warm vector tiles behind a real nginx (Debian's
`nginx-light`, not a dependency of the app) configured as the README says (api/nginx_site.py), in front
of `teritoriu serve --production` with TERITORIU_TILES_CURRENT_LINK=1 and
TERITORIU_TILES_ACCEL_REDIRECT=/_tiles/.

Checks through nginx, real HTTP: a warm z16 tile is sent from its file without the app (nginx's log
names no upstream, the app's access log does not grow), its headers and decoded parcels, a cold tile
goes to the app, and after an edit the link moves to the new revision (a condition, polled) and nginx
sends the new tile. Then warm tiles three ways, in interleaved rounds: nginx alone (try_files on the
current revision), nginx with X-Accel-Redirect only (a second nginx whose map sends every tile to the
app: the configuration before try_files), and the app direct (a second server, without
X-Accel-Redirect: it sends the bytes itself)."""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import shutil
import statistics
import time

import mapbox_vector_tile
import requests
from sqlalchemy import text

from api import nginx_site, production
from bench.__main__ import BENCH_DIR, _free_port, prepare_database, sample_points, tile_of
from gis.crs import transformer
from gis.db import get_engine
from layers.tiles_link import link_path

TILE = "/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}"
SHOWN = ("Content-Type", "Content-Encoding", "Vary", "Cache-Control", "Access-Control-Allow-Origin", "ETag",
         "Last-Modified", "Server")
GZ = {"Accept-Encoding": "gzip"}
TRIES = 600  # bounded polls, 0.05 s apart


def until(condition, what: str):
    for _ in range(TRIES):
        if value := condition():
            return value
        time.sleep(0.05)
    raise RuntimeError(f"not within {TRIES} tries: {what}")


def timed(conn: http.client.HTTPConnection, path: str) -> float:
    """Milliseconds for one warm tile (gzip) on a kept-alive connection; a connection the server closed
    (idle, or its request count) is opened again untimed."""
    for attempt in range(2):
        try:
            started = time.perf_counter()
            conn.request("GET", path, headers=GZ)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status == 200 and body[:2] == b"\x1f\x8b", (response.status, path)
            return elapsed
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            if attempt:
                raise
    raise AssertionError("unreachable")


def log_lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.nginx_accel")
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    settings = prepare_database(args.parcels, 7)
    here = BENCH_DIR / "nginx"
    shutil.rmtree(here, ignore_errors=True)  # cold tiles, fresh logs
    tiles, app_log = here / "tiles", here / "app-access.log"
    tiles.mkdir(parents=True)
    app_port, plain_port, alone_port, accel_port = _free_port(), _free_port(), _free_port(), _free_port()
    with open(app_log, "wb") as log:
        server = production.spawn(app_port, {
            "TERITORIU_DB_NAME": settings.db_name, "TERITORIU_RATE_LIMIT_PER_S": "0",
            "TERITORIU_TILE_CACHE_DIR": str(tiles), "TERITORIU_TILES_CURRENT_LINK": "1",
            "TERITORIU_TILES_ACCEL_REDIRECT": "/_tiles/"}, 2, access_log=log)
        # the app direct sends the bytes itself: a second server without X-Accel-Redirect, same cache
        plain = production.spawn(plain_port, {
            "TERITORIU_DB_NAME": settings.db_name, "TERITORIU_RATE_LIMIT_PER_S": "0",
            "TERITORIU_TILE_CACHE_DIR": str(tiles)}, 2)
    alone = nginx_site.start(here / "alone", alone_port, app_port, tiles, settings.db_name)
    accel = nginx_site.start(here / "accel", accel_port, app_port, tiles, settings.db_name, alone=False)
    link = link_path(tiles, settings.db_name)
    nginx_log = here / "alone" / "access.log"
    try:
        to_wgs = transformer(3844, 4326)
        engine = get_engine(settings, "app")
        points = sample_points(engine, 100, 7)
        tiles_asked = sorted({tile_of(*to_wgs.transform(e, n), 16) for e, n in points})
        warm_set, cold = tiles_asked[:40], tiles_asked[40]
        via, xaccel, direct = (f"http://127.0.0.1:{p}" for p in (alone_port, accel_port, app_port))
        until(link.is_symlink, "the current link")
        print("link:", link, "->", os.readlink(link))
        for x, y in warm_set:  # rendered and cached
            requests.get(direct + TILE.format(x=x, y=y), headers=GZ)
        url = TILE.format(x=warm_set[0][0], y=warm_set[0][1])

        def ask(base: str, path: str, headers: dict) -> tuple[requests.Response, bytes, str]:
            before = len(log_lines(nginx_log))
            r = requests.get(base + path, headers=headers, stream=True)
            body = r.raw.read()
            line = until(lambda: log_lines(nginx_log)[before:], "nginx's log line")[0] if base == via else ""
            return r, body, line

        seen = until(lambda: sum(f" {url} " in ln for ln in log_lines(app_log)), "the rendering in the app's log")
        lines = [ask(via, url, GZ)[2] for _ in range(5)]
        r, body, _ = ask(via, url, GZ)
        print("through nginx:", r.status_code, {k: r.headers.get(k) for k in SHOWN})
        print("nginx's log of 5 warm requests (status, upstream):", [ln.split()[:2] for ln in lines])
        print("the app's access log: lines for the tile before", seen, "after",
              sum(f" {url} " in ln for ln in log_lines(app_log)))
        features = mapbox_vector_tile.decode(gzip.decompress(body))["parcels"]["features"]
        print("decoded parcels in the tile:", len(features), "e.g.", features[0]["properties"])
        _, _, line = ask(via, TILE.format(x=cold[0], y=cold[1]), GZ)
        print("a cold tile, nginx's log (status, upstream):", line.split()[:2])
        own = requests.get(xaccel + url, headers=GZ, stream=True)
        print("with X-Accel-Redirect only:", own.status_code, {k: own.headers.get(k) for k in SHOWN},
              "body bytes", len(own.raw.read()))

        # http.client on kept-alive connections: a lighter client than requests (~0.5 ms of its own)
        ports = {"nginx alone (try_files)": alone_port, "nginx, X-Accel-Redirect": accel_port, "app direct": plain_port}
        conns = {name: http.client.HTTPConnection("127.0.0.1", port) for name, port in ports.items()}
        rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in ports}
        names = list(ports)
        for i in range(args.rounds):
            for name in names[i % 3:] + names[:i % 3]:  # each way first in turn
                samples = [timed(conns[name], TILE.format(x=x, y=y)) for x, y in warm_set]
                cuts = statistics.quantiles(samples, n=20)
                rounds[name].append((statistics.median(samples), cuts[18]))
        for name, values in rounds.items():
            p50s, p95s = [v[0] for v in values], [v[1] for v in values]
            print(f"warm z16, {name}: median of {args.rounds} rounds' p50 {statistics.median(p50s):.2f} ms, "
                  f"p95 {statistics.median(p95s):.2f} ms; p50 by round {[round(v, 2) for v in p50s]}")

        number = features[0]["properties"]["cadastral_number"]
        before = int(os.readlink(link).rsplit("/", 1)[-1])
        with engine.begin() as c:
            c.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE cadastral_number = :n "
                           "AND valid_to IS NULL"), {"n": number})
        try:
            looks = []
            until(lambda: looks.append(1) or int(os.readlink(link).rsplit("/", 1)[-1]) > before, "the link's flip")
            print(f"edit of parcel {number} committed: link {before} -> {os.readlink(link)} "
                  f"at look {len(looks)} (0.05 s apart)")

            def from_file():
                r, body, line = ask(via, url, GZ)
                return (body, line) if line.split()[1] == "-" else None
            body, line = until(from_file, "the new tile from the file")
            left = {f["properties"]["cadastral_number"]
                    for f in mapbox_vector_tile.decode(gzip.decompress(body))["parcels"]["features"]}
            print("after the edit, from the file (status, upstream):", line.split()[:2], "parcels", len(left),
                  "edited parcel in it:", number in left)
        finally:
            with engine.begin() as c:
                c.execute(text("UPDATE cadastre.parcel SET valid_to = NULL WHERE id = (SELECT max(id) "
                               "FROM cadastre.parcel WHERE cadastral_number = :n)"), {"n": number})
    finally:
        nginx_site.stop(alone)
        nginx_site.stop(accel)
        production.stop(server)
        production.stop(plain)


if __name__ == "__main__":
    main()
