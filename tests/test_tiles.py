"""The orthophoto basemap tiles (/api/tiles/orthophoto/z/x/y.png) against the GeoTIFF itself:
the colours of a tile are the raster's at the same place, the outside is transparent, and a
tile address that does not exist is refused with a message."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.io import MemoryFile

from layers.orthophoto import tile_bounds

URL = "/api/tiles/orthophoto/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def raster(settings):
    with rasterio.open(settings.orthophoto) as src:
        yield src


def tile_containing(raster, easting: float, northing: float, z: int) -> tuple[int, int]:
    """The XYZ tile over a point of the raster's CRS (stored axis order: easting, northing)."""
    to_3857 = Transformer.from_crs(raster.crs, "EPSG:3857", always_xy=True)
    x, y = to_3857.transform(easting, northing)
    size = 2 * 20037508.342789244 / (1 << z)
    return int((x + 20037508.342789244) // size), int((20037508.342789244 - y) // size)


def decode(png: bytes) -> np.ndarray:
    with warnings.catch_warnings(), MemoryFile(png) as mem:
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)  # a bare PNG
        img = mem.open()
        assert (img.width, img.height, img.count) == (256, 256, 4)
        with img:
            return img.read()


def test_a_tile_inside_shows_the_colours_of_the_raster_at_the_same_place(client, raster):
    b = raster.bounds
    z = 17
    x, y = tile_containing(raster, (b.left + b.right) / 2, (b.bottom + b.top) / 2, z)
    r = client.get(URL.format(z=z, x=x, y=y))
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert r.headers["Cache-Control"] == "public, max-age=86400"
    tile = decode(r.data)
    assert (tile[3] == 255).all(), "the middle of the raster is opaque"
    assert tile[:3].std() > 1, "not a flat colour"

    # sample 400 tile pixels, find each one's place in the GeoTIFF independently (pyproj) and
    # compare colours; bilinear resampling and 2 m source pixels allow some difference at edges
    rng = np.random.default_rng(7)
    rows, cols = rng.integers(0, 256, 400), rng.integers(0, 256, 400)
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    px = (maxx - minx) / 256
    mx, my = minx + (cols + 0.5) * px, maxy - (rows + 0.5) * px
    e, n = Transformer.from_crs("EPSG:3857", raster.crs, always_xy=True).transform(mx, my)
    expected = np.array(list(raster.sample(zip(e, n, strict=True))), dtype=float)
    got = tile[:3, rows, cols].T.astype(float)
    diff = np.abs(got - expected).max(axis=1)
    # measured: median 2, 90th percentile 9 here; the neighbouring tile gives 26 and 89
    assert np.median(diff) <= 6 and np.percentile(diff, 90) <= 25, (np.median(diff), diff.max())


def test_a_tile_on_the_edge_is_transparent_outside_the_raster(client, raster):
    x, y = tile_containing(raster, raster.bounds.left, raster.bounds.top, 15)
    r = client.get(URL.format(z=15, x=x, y=y))
    assert r.status_code == 200
    alpha = decode(r.data)[3]
    assert set(np.unique(alpha)) >= {0, 255}


def test_a_tile_far_away_is_refused_and_not_cached(client, settings):
    def cached():  # (the cache folder is shared with earlier runs: compare before and after)
        return {(p, p.stat().st_mtime_ns) for p in (settings.tiles_dir / "orthophoto").glob("*/15/2/3.png")}

    before = cached()
    r = client.get(URL.format(z=15, x=2, y=3))
    assert r.status_code == 404 and r.get_json()["message"]
    assert cached() == before


@pytest.mark.parametrize("z,x,y", [(23, 0, 0), (5, 32, 0), (5, 0, 32), (0, 1, 0)])
def test_a_tile_address_that_does_not_exist_is_refused_with_a_message(client, z, x, y):
    r = client.get(URL.format(z=z, x=x, y=y))
    assert r.status_code == 400
    assert r.get_json()["message"]


def test_a_tile_is_rendered_once_then_read_from_the_disk_cache(client, raster, settings):
    b = raster.bounds
    x, y = tile_containing(raster, b.left + 300, b.top - 300, 18)
    first = client.get(URL.format(z=18, x=x, y=y))
    cached = list((settings.var_dir / "tiles" / "orthophoto").glob(f"*/18/{x}/{y}.png"))
    assert first.status_code == 200 and len(cached) == 1 and cached[0].read_bytes() == first.data
    cached[0].write_bytes(b"\x89PNG marker")          # what is served is what the cache holds
    assert client.get(URL.format(z=18, x=x, y=y)).data == b"\x89PNG marker"
    cached[0].unlink()
    assert client.get(URL.format(z=18, x=x, y=y)).data == first.data
