"""`python -m bench.nginx_accel [--parcels 100000]`: X-Accel-Redirect with a real nginx (Debian's
`nginx-light`, not a dependency of the app). `teritoriu serve --production` with
TERITORIU_TILES_ACCEL_REDIRECT=/_tiles/ behind nginx configured as the README says: a warm z16
tile through nginx (headers, decoded content, a revalidation), then warm tiles through nginx and
straight from the app, interleaved."""

from __future__ import annotations

import argparse
import gzip
import os
import signal
import statistics
import subprocess
import time

import mapbox_vector_tile
import requests

from api import production
from bench.__main__ import BENCH_DIR, _free_port, prepare_database, sample_points, tile_of
from gis.crs import transformer
from gis.db import get_engine

TILE = "/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}"
SHOWN = ("Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary", "Server", "X-Accel-Redirect")


def nginx_conf(root: str, listen: int, app_port: int, tiles_dir) -> str:
    temp = " ".join(f"{d}_temp_path {root}/tmp;" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""
daemon off; worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off; {temp}
  server {{
    listen 127.0.0.1:{listen};
    location / {{ proxy_pass http://127.0.0.1:{app_port}; proxy_http_version 1.1; proxy_set_header Connection ""; }}
    location /_tiles/ {{
        internal;
        alias {tiles_dir}/;
        etag off;
        add_header Content-Encoding gzip;
        add_header Vary Accept-Encoding;
        add_header ETag $upstream_http_etag;
    }}
  }}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.nginx_accel")
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    settings = prepare_database(args.parcels, 7)
    app_port, nginx_port = _free_port(), _free_port()
    root = str(BENCH_DIR / "nginx")
    os.makedirs(f"{root}/tmp", exist_ok=True)
    with open(f"{root}/nginx.conf", "w") as fh:
        fh.write(nginx_conf(root, nginx_port, app_port, settings.tiles_dir))
    server = production.spawn(app_port, {"TERITORIU_DB_NAME": settings.db_name, "TERITORIU_RATE_LIMIT_PER_S": "0",
                                         "TERITORIU_TILES_ACCEL_REDIRECT": "/_tiles/"}, 2)
    nginx = subprocess.Popen(["nginx", "-c", f"{root}/nginx.conf", "-p", root], start_new_session=True)
    try:
        time.sleep(1)
        to_wgs = transformer(3844, 4326)
        points = sample_points(get_engine(settings, "app"), 100, 7)
        tiles = sorted({tile_of(*to_wgs.transform(e, n), 16) for e, n in points})[:40]
        via, direct = f"http://127.0.0.1:{nginx_port}", f"http://127.0.0.1:{app_port}"
        gz = {"Accept-Encoding": "gzip"}
        for x, y in tiles:  # rendered and cached
            requests.get(direct + TILE.format(x=x, y=y), headers=gz)
        url = TILE.format(x=tiles[0][0], y=tiles[0][1])
        r = requests.get(via + url, headers=gz, stream=True)
        body = r.raw.read()
        print("through nginx:", r.status_code, {k: r.headers.get(k) for k in SHOWN})
        features = mapbox_vector_tile.decode(gzip.decompress(body))["parcels"]["features"]
        print("decoded parcels in the tile:", len(features), "e.g.", features[0]["properties"])
        own = requests.get(direct + url, headers=gz, stream=True)
        print("the app's own answer: X-Accel-Redirect =", own.headers.get("X-Accel-Redirect"),
              "body bytes", len(own.raw.read()))
        again = requests.get(via + url, headers={**gz, "If-None-Match": r.headers["ETag"]})
        print("revalidation through nginx:", again.status_code)
        sessions = {"nginx (X-Accel-Redirect)": (requests.Session(), via), "app direct": (requests.Session(), direct)}
        rounds: dict[str, list[float]] = {name: [] for name in sessions}
        for i in range(args.rounds):
            for name in (list(sessions) if i % 2 == 0 else list(sessions)[::-1]):
                http, base = sessions[name]
                samples = []
                for x, y in tiles:
                    started = time.perf_counter()
                    http.get(base + TILE.format(x=x, y=y), headers=gz)
                    samples.append((time.perf_counter() - started) * 1000)
                rounds[name].append(statistics.median(samples))
        for name, p50s in rounds.items():
            print(f"warm z16, {name}: median of {args.rounds} round p50s {statistics.median(p50s):.2f} ms; "
                  f"rounds {[round(v, 2) for v in p50s]}")
    finally:
        os.killpg(nginx.pid, signal.SIGTERM)
        production.stop(server)


if __name__ == "__main__":
    main()
