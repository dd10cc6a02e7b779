"""/api/tiles/orthophoto/<z>/<x>/<y>.png: the basemap of the web map.

Only the tileset's tiles exist: zoom levels MIN_ZOOM..MAX_ZOOM (layers/orthophoto.py) over the
raster; any other address is refused (400 when it cannot exist, 404 when it is outside the
tileset) and never reaches the disk cache, which is kept under settings.tile_cache_mb."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app

from api.errors import fail
from layers.orthophoto import MAX_ZOOM, MIN_ZOOM, Orthophoto, valid_tile
from layers.tile_budget import budget

bp = Blueprint("orthophoto", __name__, url_prefix="/api/tiles/orthophoto")


@cache
def _orthophoto(path) -> Orthophoto:
    return Orthophoto(path)


def _cached_png(settings, path: Path, z: int, x: int, y: int) -> bytes | None:
    """The tile from the disk cache, rendered on the first request. A tile changes only with
    the GeoTIFF, so the cache folder is named by the file's size and modification time; an
    empty file stands for "no image here". Rendering is most of a tile's cost (a reprojection
    and a PNG encoding, ~20 ms of CPU); reading the file back is a fraction of a millisecond."""
    stat = path.stat()
    root = settings.tiles_dir
    cached = root / "orthophoto" / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}" / f"{z}/{x}/{y}.png"
    try:
        return cached.read_bytes() or None
    except FileNotFoundError:
        pass
    png = _orthophoto(path).tile_png(z, x, y)
    for attempt in range(2):  # the pruner may remove the (empty) folder between mkdir and mkstemp
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
            break
        except FileNotFoundError:
            if attempt:
                return png  # served, not cached
    with os.fdopen(fd, "wb") as fh:
        fh.write(png or b"")
    os.replace(tmp, cached)  # atomic: a concurrent reader sees the whole tile or none
    budget(root, settings.tile_cache_mb).wrote(len(png or b""))
    return png


@bp.get("/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    if valid_tile(z, x, y):  # an address that cannot exist
        if not 0 <= z <= 22:
            fail(400, "tiles.zoom", z=z, tileset="orthophoto", min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
        fail(400, "tiles.address", z=z, last=(1 << z) - 1)
    settings = current_app.extensions["teritoriu.settings"]
    path = settings.orthophoto
    if not path.exists():
        fail(404, "orthophoto.none")
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        fail(404, "tiles.zoom", z=z, tileset="orthophoto", min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    ortho = _orthophoto(path)
    if not ortho.touches(z, x, y):
        extent = ",".join(f"{v:.5f}" for v in ortho.bounds_wgs84())
        fail(404, "tiles.outside", z=z, x=x, y=y, tileset="orthophoto", extent=extent)
    png = _cached_png(settings, path, z, x, y)
    headers = {"Cache-Control": "public, max-age=86400"}
    if png is None:
        return Response(status=204, headers=headers)
    return Response(png, mimetype="image/png", headers=headers)
