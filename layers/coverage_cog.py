"""The orthophoto as a Cloud-Optimized GeoTIFF, and exact windows of it.

The stored orthophoto is a JPEG-compressed GeoTIFF, as surveyors deliver it. Clients of
/ogc/collections/<id>/coverage read it two ways: the whole file over HTTP Range requests
(`/vsicurl/`, QGIS), which needs tiles and overviews at known offsets, and windows cut by the
server (GDAL's OGCAPI driver asks for 256×256 blocks). One COG, written once next to the other
generated files under var/ and named by the stored file's size and modification time, serves
both. It is compressed losslessly (DEFLATE) from the decoded pixels, so every cell of the COG
and of any full-resolution window equals what rasterio reads from the stored file.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.transform import Affine
from rasterio.windows import Window

# A coordinate this close to a cell edge (in cells) is on the edge: 248000.0000001 does not
# pull in the next column.
EDGE = 1e-6


def _family(source: Path) -> str:
    """The COGs of one stored file share this prefix: its name and a digest of its full path (two
    profiles' orthophoto.tif under one var/ are two families; neither deletes the other's)."""
    import hashlib

    digest = hashlib.sha256(str(Path(source).resolve()).encode()).hexdigest()[:12]
    return f"{Path(source).stem}-{digest}"


def cog_path(source: Path, var_dir: Path) -> Path:
    """Where the COG of `source` lives (it changes name when the stored file changes)."""
    stat = Path(source).stat()
    return Path(var_dir) / "coverage" / f"{_family(source)}-{stat.st_size}-{stat.st_mtime_ns}.cog.tif"


def ensure_cog(source: Path, var_dir: Path) -> Path:
    """The COG of `source`, written on first use (about a second for the sample orthophoto).
    Written to a temporary name and renamed: a concurrent worker sees the whole file or none."""
    import rasterio.shutil

    target = cog_path(source, var_dir)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp.tif")
    os.close(fd)
    try:
        rasterio.shutil.copy(str(source), tmp, driver="COG", COMPRESS="DEFLATE", PREDICTOR="2",
                             BLOCKSIZE="256", OVERVIEWS="AUTO", RESAMPLING="AVERAGE")
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    for old in target.parent.glob(f"{_family(source)}-*.cog.tif"):  # COGs of earlier versions of this file
        if old != target:
            old.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class Grid:
    """The raster's grid: origin (west, north), cell size, size in cells, band count."""

    west: float
    north: float
    res_x: float
    res_y: float
    width: int
    height: int
    count: int


def cells_overlapping(grid: Grid, x: tuple[float, float], y: tuple[float, float]) -> Window:
    """Every cell that overlaps the box x × y (clipped to the raster): a box whose edge falls
    inside a cell includes that cell, so the south-east corner is never lost."""
    col0 = math.floor((x[0] - grid.west) / grid.res_x + EDGE)
    col1 = math.ceil((x[1] - grid.west) / grid.res_x - EDGE)
    row0 = math.floor((grid.north - y[1]) / grid.res_y + EDGE)
    row1 = math.ceil((grid.north - y[0]) / grid.res_y - EDGE)
    col0, row0 = max(col0, 0), max(row0, 0)
    col1, row1 = min(max(col1, col0 + 1), grid.width), min(max(row1, row0 + 1), grid.height)
    return Window(col0, row0, col1 - col0, row1 - row0)


class CogReader:
    """One open COG per process, behind a lock (rasterio datasets are not thread-safe)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._src = rasterio.open(self.path)
        t = self._src.transform
        self.grid = Grid(t.c, t.f, t.a, -t.e, self._src.width, self._src.height, self._src.count)

    def window(self, x: tuple[float, float], y: tuple[float, float], bands: list[int] | None) -> bytes:
        """The cells overlapping x × y at full resolution, as a GeoTIFF."""
        win = cells_overlapping(self.grid, x, y)
        indexes = bands or list(range(1, self.grid.count + 1))
        with self._lock:
            data = self._src.read(indexes, window=win)
            transform = self._src.window_transform(win)
        return self._geotiff(data, transform, indexes)

    def resampled(self, x: tuple[float, float], y: tuple[float, float], size: tuple[int, int],
                  bands: list[int] | None) -> bytes:
        """x × y as exactly size=(width, height) cells (what GDAL's OGCAPI driver asks for: its
        blocks at the edge reach beyond the raster, there the cells are 0). At full resolution on
        the raster's own grid the cells are the stored ones; coarser requests read the overviews."""
        width, height = size
        indexes = bands or list(range(1, self.grid.count + 1))
        out = np.zeros((len(indexes), height, width), dtype=self._src.dtypes[0])
        g = self.grid
        # the asked box in the raster's cell coordinates (fractions allowed), and its part on the raster
        c0, c1 = (x[0] - g.west) / g.res_x, (x[1] - g.west) / g.res_x
        r0, r1 = (g.north - y[1]) / g.res_y, (g.north - y[0]) / g.res_y
        ic0, ic1, ir0, ir1 = max(c0, 0), min(c1, g.width), max(r0, 0), min(r1, g.height)
        if ic1 > ic0 and ir1 > ir0:
            sx, sy = width / (c1 - c0), height / (r1 - r0)  # output cells per raster cell
            oc0, oc1 = round((ic0 - c0) * sx), round((ic1 - c0) * sx)
            or0, or1 = round((ir0 - r0) * sy), round((ir1 - r0) * sy)
            if oc1 > oc0 and or1 > or0:
                win = Window(ic0, ir0, ic1 - ic0, ir1 - ir0)
                with self._lock:
                    out[:, or0:or1, oc0:oc1] = self._src.read(
                        indexes, window=win, out_shape=(len(indexes), or1 - or0, oc1 - oc0),
                        resampling=Resampling.nearest)
        transform = Affine((x[1] - x[0]) / width, 0, x[0], 0, -(y[1] - y[0]) / height, y[1])
        return self._geotiff(out, transform, indexes)

    def _geotiff(self, data: np.ndarray, transform: Affine, indexes: list[int]) -> bytes:
        profile = {"driver": "GTiff", "width": data.shape[2], "height": data.shape[1], "count": data.shape[0],
                   "dtype": data.dtype, "crs": self._src.crs, "transform": transform,
                   "compress": "deflate", "predictor": 2, "interleave": "pixel"}
        if data.shape[2] >= 256 and data.shape[1] >= 256:
            profile.update(tiled=True, blockxsize=256, blockysize=256)
        if len(indexes) != 3:  # one or two bands are not an RGB picture
            profile["photometric"] = "minisblack"
        with MemoryFile() as mem:
            with mem.open(**profile) as dst:
                dst.write(data)
                if len(indexes) == 3:
                    dst.colorinterp = [self._src.colorinterp[i - 1] for i in indexes]
            return mem.read()


@cache
def reader(path: str) -> CogReader:
    return CogReader(Path(path))
