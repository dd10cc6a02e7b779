"""The orthophoto as PNG XYZ tiles (WebMercatorQuad) for the web map's basemap.

GDAL warps the Stereo 70 GeoTIFF into each 256 px tile (using its overviews at low zooms);
outside the raster the tile is transparent. One open dataset per process, behind a lock
(rasterio datasets are not thread-safe).
"""

from __future__ import annotations

import math
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.transform import from_bounds
from rasterio.warp import reproject, transform_bounds

TILE = 256
HALF_WORLD = 20037508.342789244
# The tileset's zoom levels: the maps draw the orthophoto natively up to z19 (max_native_zoom in
# webmap/) and scale it up beyond; deeper tiles would only fill the cache with blurred copies.
MIN_ZOOM, MAX_ZOOM = 0, 19
EDGE_M = 25.0


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web Mercator bounds of an XYZ tile."""
    size = 2 * HALF_WORLD / (1 << z)
    minx = -HALF_WORLD + x * size
    maxy = HALF_WORLD - y * size
    return minx, maxy - size, minx + size, maxy


class Orthophoto:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._src = rasterio.open(self.path)
        self.bounds_3857 = transform_bounds(self._src.crs, "EPSG:3857", *self._src.bounds)

    def bounds_wgs84(self) -> tuple[float, float, float, float]:
        return transform_bounds(self._src.crs, "EPSG:4326", *self._src.bounds)

    def touches(self, z: int, x: int, y: int) -> bool:
        """Whether the tile covers some of the raster (the tileset's extent), give or take
        EDGE_M metres (the maps ask only for tiles over leaflet_bounds, a box computed otherwise)."""
        b = tile_bounds(z, x, y)
        ob = self.bounds_3857
        m = EDGE_M
        return not (b[0] >= ob[2] + m or b[2] <= ob[0] - m or b[1] >= ob[3] + m or b[3] <= ob[1] - m)

    def tile_png(self, z: int, x: int, y: int) -> bytes | None:
        """A 256×256 RGBA PNG, or None when the tile does not touch the raster."""
        if not self.touches(z, x, y):
            return None
        b = tile_bounds(z, x, y)
        dst = np.zeros((4, TILE, TILE), dtype="uint8")
        with self._lock:
            reproject(source=rasterio.band(self._src, [1, 2, 3]), destination=dst[:3],
                      dst_transform=from_bounds(*b, TILE, TILE), dst_crs="EPSG:3857",
                      resampling=Resampling.bilinear)
            alpha = np.zeros((TILE, TILE), dtype="uint8")
            reproject(source=np.full((1, 1), 255, dtype="uint8"), destination=alpha,
                      src_transform=from_bounds(*self._src.bounds, 1, 1), src_crs=self._src.crs,
                      dst_transform=from_bounds(*b, TILE, TILE), dst_crs="EPSG:3857",
                      resampling=Resampling.nearest)
        dst[3] = alpha
        with MemoryFile() as mem, warnings.catch_warnings():
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)  # a PNG tile
            # zlib level 4, not GDAL's 6: a third of the encoding time (8 against 21 ms a tile,
            # most of a tile's cost) for 5 % more bytes
            with mem.open(driver="PNG", width=TILE, height=TILE, count=4, dtype="uint8",
                          zlevel=4) as png:
                png.write(dst)
            return mem.read()


@lru_cache(maxsize=4)
def _bounds_wgs84(path: str, mtime_ns: int) -> tuple[float, float, float, float]:
    with rasterio.open(path) as src:
        return transform_bounds(src.crs, "EPSG:4326", *src.bounds)


def leaflet_bounds(path: Path) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the raster: a Leaflet TileLayer's `bounds`, so that the
    maps never ask for a tile outside the orthophoto (the server refuses those with a 404)."""
    path = Path(path)
    if not path.exists():
        return None
    west, south, east, north = _bounds_wgs84(str(path), path.stat().st_mtime_ns)
    return [[south, west], [north, east]]


def valid_tile(z: int, x: int, y: int) -> str | None:
    """None when the address exists, else why not."""
    if not 0 <= z <= 22:
        return "zoom must be between 0 and 22"
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        return f"at zoom {z}, x and y go from 0 to {n - 1}"
    return None


def lon_lat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))
