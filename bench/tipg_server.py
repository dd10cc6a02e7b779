"""tipg (PyPI, developmentseed's OGC Features and Tiles API for PostGIS) over the same
`public_api.parcel` view, the second peer of the side-by-side bench (`python -m bench.peers`).

tipg pins its own FastAPI/Starlette/pydantic, so it lives in its own virtualenv under
var/bench-tipg-venv (created here on first use, never in the app's dependencies), served by
uvicorn, one process, connecting as the public role."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

from bench import peer_process
from bench.__main__ import _free_port
from gis.cluster import LocalCluster
from gis.settings import PROJECT_ROOT

VERSION = "1.6.1"
VENV = PROJECT_ROOT / "var" / "bench-tipg-venv"
COLLECTION = "public_api.parcel"


def ensure_venv() -> None:
    if (VENV / "bin" / "uvicorn").exists():
        return
    print(f"installing tipg {VERSION} into {VENV} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", f"tipg=={VERSION}", "uvicorn"], check=True)


def start(settings) -> tuple[subprocess.Popen, str]:
    """tipg on the database's public role; (process, base URL) once it answers."""
    ensure_venv()
    url = LocalCluster(settings).url("teritoriu_public")
    # asyncpg takes a Unix socket folder as a percent-encoded host
    host, port = quote(url.query["host"], safe=""), url.query.get("port", "5432")
    dsn = f"postgresql://{url.username}@{host}:{port}/{url.database}"
    env = {**os.environ, "DATABASE_URL": dsn, "TIPG_DB_SCHEMAS": '["public_api"]',
           "TIPG_DB_TABLES": f'["{COLLECTION}"]'}
    port = _free_port()
    base = f"http://127.0.0.1:{port}/collections/{COLLECTION}"
    server = peer_process.start([str(VENV / "bin" / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1", "--port",
                                 str(port), "--log-level", "warning", "--no-access-log"], env,
                                base + "/items?limit=1", "tipg")
    return server, base


stop = peer_process.stop


def items_url(base: str, ours: str) -> str:
    """Our items URL's query asked of tipg (GeoJSON, the same bbox and limit)."""
    return base + "/items?" + ours.split("?", 1)[1].replace("f=json&", "")


def tile_url(base: str, z: int, x: int, y: int) -> str:
    """tipg's tile path is z/x/y (ours is the OGC z/row/col); the one property our tiles carry."""
    return f"{base}/tiles/WebMercatorQuad/{z}/{x}/{y}?properties=cadastral_number"
