"""QGIS Server (Debian's qgis-server 3.22, its OGC API Features endpoint `/wfs3`) over the same
PostGIS view, for the side-by-side rows of `make bench` (`python -m bench --qgis`).

Set up once with `scripts/setup-qgis-server.sh` (Debian packages qgis-server, python3-qgis).
The project is written by `bench/qgis_project.py` (PyQGIS); the server is QGIS's own
`qgis_mapserver`, one process, as QGIS Server answers one request at a time per process."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time

import requests

from bench.__main__ import BENCH_DIR, series
from gis.cluster import LocalCluster
from gis.settings import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    server = subprocess.Popen(["qgis_mapserver", "-p", str(project), f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/wfs3/collections/parcels/items.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "?limit=1", timeout=10).ok:
                break
        except requests.RequestException:
            time.sleep(0.3)
    return server, base


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


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
