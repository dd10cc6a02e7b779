"""QGIS Server (Debian's qgis-server 3.22, its OGC API Features endpoint `/wfs3`) over the same
PostGIS view, for the side-by-side rows of `make bench` (`python -m bench --qgis`).

Set up once with `scripts/setup-qgis-server.sh` (Debian packages qgis-server, python3-qgis).
The project is written by `bench/qgis_project.py` (PyQGIS); the server is QGIS's own
`qgis_mapserver`, one process, as QGIS Server answers one request at a time per process."""

from __future__ import annotations

import os
import shutil
import subprocess

import requests

from bench import peer_process
from bench.__main__ import BENCH_DIR, _free_port, series
from gis.cluster import LocalCluster
from gis.settings import PROJECT_ROOT


def start(settings) -> tuple[subprocess.Popen, str] | None:
    """QGIS Server on the database's `public_api.parcel`, answering; (process, items URL) or None
    when it is not installed."""
    if not shutil.which("qgis_mapserver"):
        print("QGIS Server is not installed: run scripts/setup-qgis-server.sh", flush=True)
        return None
    url = LocalCluster(settings).url("teritoriu_public")
    project = BENCH_DIR / f"qgis-{settings.db_name}.qgs"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(["/usr/bin/python3", str(PROJECT_ROOT / "bench" / "qgis_project.py"), url.query["host"],
                    str(url.query.get("port", "5432")), url.database, url.username, str(project)], check=True, env=env,
                   capture_output=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/wfs3/collections/parcels/items.json"
    server = peer_process.start(["qgis_mapserver", "-p", str(project), f"127.0.0.1:{port}"], env, base + "?limit=1",
                                "QGIS Server", timeout_s=60)
    return server, base


stop = peer_process.stop


def items_url(base: str, ours: str) -> str:
    """Our items URL's query asked of QGIS Server."""
    return base + "?" + ours.split("?", 1)[1].replace("f=json&", "")


def compare(settings, item_series: dict) -> dict | None:
    """For each of our items series (name → {"urls": [...]}) the same requests to QGIS Server."""
    started = start(settings)
    if started is None:
        return None
    server, base = started
    http = requests.Session()
    try:
        return {name: series(http, [items_url(base, u) for u in ours["urls"]],
                             check=lambda r: bool(r.json().get("features")))
                for name, ours in item_series.items()}
    finally:
        stop(server)
