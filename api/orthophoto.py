"""/api/tiles/orthophoto/<z>/<x>/<y>.png: the basemap of the web map."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app

from layers.orthophoto import Orthophoto, valid_tile

bp = Blueprint("orthophoto", __name__, url_prefix="/api/tiles/orthophoto")


@cache
def _orthophoto(path) -> Orthophoto:
    return Orthophoto(path)


def _cached_png(var_dir: Path, path: Path, z: int, x: int, y: int) -> bytes | None:
    """The tile from the disk cache, rendered on the first request. A tile changes only with
    the GeoTIFF, so the cache folder is named by the file's size and modification time; an
    empty file stands for "no image here". Rendering is most of a tile's cost (a reprojection
    and a PNG encoding, ~20 ms of CPU); reading the file back is a fraction of a millisecond."""
    stat = path.stat()
    cached = var_dir / "tiles" / "orthophoto" / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}" / f"{z}/{x}/{y}.png"
    try:
        return cached.read_bytes() or None
    except FileNotFoundError:
        pass
    png = _orthophoto(path).tile_png(z, x, y)
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(png or b"")
    os.replace(tmp, cached)  # atomic: a concurrent reader sees the whole tile or none
    return png


@bp.get("/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    problem = valid_tile(z, x, y)
    if problem:
        abort(400, description=problem)
    path = current_app.extensions["teritoriu.settings"].orthophoto
    if not path.exists():
        abort(404, description="no orthophoto is configured")
    png = _cached_png(current_app.extensions["teritoriu.settings"].var_dir, path, z, x, y)
    headers = {"Cache-Control": "public, max-age=86400"}
    if png is None:
        return Response(status=204, headers=headers)
    return Response(png, mimetype="image/png", headers=headers)
