"""Issue 17, item 10: tile caches cannot be grown without bound.

200 requests for z22 orthophoto and vector tiles used to create 800 inodes. Tiles beyond a
tileset's zoom levels or outside its extent are refused (404; 400 for an address that cannot
exist) and never written to the cache; the cache is pruned to settings.tile_cache_mb.

Each test builds its own app with its own tile cache folder, so the files counted are its own."""

from __future__ import annotations

import dataclasses
import os

import pytest
import rasterio
from pyproj import Transformer

HALF = 20037508.342789244


def _tile(lon_or_x: float, lat_or_y: float, z: int, crs: str = "EPSG:4326") -> tuple[int, int]:
    mx, my = Transformer.from_crs(crs, "EPSG:3857", always_xy=True).transform(lon_or_x, lat_or_y)
    size = 2 * HALF / (1 << z)
    return int((mx + HALF) // size), int((HALF - my) // size)


def _files(root) -> list[tuple[str, int]]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        out += [(os.path.join(dirpath, f), os.path.getsize(os.path.join(dirpath, f))) for f in files]
    return out


def _app(loaded, var_dir, **changes):
    from api import create_app

    app = create_app(dataclasses.replace(loaded, tile_cache_dir=str(var_dir / "tiles"), **changes))
    app.testing = True
    return app


@pytest.fixture(scope="module")
def raster(loaded):
    with rasterio.open(loaded.orthophoto) as src:
        return src.crs.to_string(), src.bounds


@pytest.mark.slow
def test_out_of_range_tiles_are_refused_and_never_cached(loaded, raster, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var-range")
    client = _app(loaded, var_dir).test_client()
    crs, b = raster
    cx, cy = (b.left + b.right) / 2, (b.bottom + b.top) / 2
    urls = []
    for dz in range(50):  # z20-22 over the middle of the raster: beyond the orthophoto's zoom levels
        z = 20 + dz % 3
        x, y = _tile(cx, cy, z, crs)
        urls.append(f"/api/tiles/orthophoto/{z}/{x + dz}/{y}.png")
    for i in range(50):  # far from the raster, at zooms it has
        urls.append(f"/api/tiles/orthophoto/{10 + i % 8}/{i}/{i}.png")
    for i in range(50):  # parcels (z15-20): deeper, shallower
        z = (21, 22, 14, 3)[i % 4]
        x, y = _tile(cx, cy, z, crs)
        urls.append(f"/ogc/collections/parcels/tiles/WebMercatorQuad/{z}/{y + i // 4}/{x}")
    for i in range(50):  # parcels and buildings at their zooms, far outside the territory
        urls.append(f"/ogc/collections/{('parcels', 'buildings')[i % 2]}/tiles/WebMercatorQuad/16/{100 + i}/{200 + i}")
    answers = {}
    for url in urls:
        r = client.get(url)
        answers.setdefault(r.status_code, []).append(url)
        if r.status_code in (400, 404):  # /api: {.., message}; /ogc: an OGC exception {.., description}
            assert r.get_json()["description" if url.startswith("/ogc") else "message"], url
    assert set(answers) <= {400, 404}, {k: v[:3] for k, v in answers.items() if k not in (400, 404)}
    assert _files(var_dir / "tiles") == [], "nothing out of range reaches the disk"
    # the messages say why, in the user's language
    x, y = _tile(cx, cy, 22, crs)
    ro = client.get(f"/api/tiles/orthophoto/22/{x}/{y}.png").get_json()["message"]
    en = client.get(f"/api/tiles/orthophoto/22/{x}/{y}.png?lang=en").get_json()["message"]
    hu = client.get(f"/api/tiles/orthophoto/22/{x}/{y}.png", headers={"Accept-Language": "hu"}).get_json()["message"]
    assert "nivelul de zoom 22" in ro and "zoom level 22" in en and "nagyítási szint" in hu
    far = client.get("/ogc/collections/parcels/tiles/WebMercatorQuad/16/100/200?lang=en").get_json()["description"]
    assert "outside the extent" in far


@pytest.mark.slow
def test_tiles_in_range_are_still_served_and_cached(loaded, raster, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var-in")
    client = _app(loaded, var_dir).test_client()
    crs, b = raster
    cx, cy = (b.left + b.right) / 2, (b.bottom + b.top) / 2
    x, y = _tile(cx, cy, 19, crs)
    assert client.get(f"/api/tiles/orthophoto/19/{x}/{y}.png").status_code == 200
    x, y = _tile(cx, cy, 16, crs)
    r = client.get(f"/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}")
    assert r.status_code in (200, 204)
    files = [p for p, _ in _files(var_dir / "tiles")]
    assert len(files) == 2 and {p.rsplit(".", 1)[-1] for p in files} == {"png", "gz"}, files


@pytest.mark.slow
def test_the_cache_is_pruned_to_its_cap(loaded, raster, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var-cap")
    cap = 1024 * 1024
    client = _app(loaded, var_dir, tile_cache_mb=1).test_client()
    crs, b = raster
    x0, y0 = _tile(b.left + 200, b.top - 200, 18, crs)
    x1, y1 = _tile(b.right - 200, b.bottom + 200, 18, crs)
    written, served = 0, []
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            r = client.get(f"/api/tiles/orthophoto/18/{x}/{y}.png")
            assert r.status_code == 200
            written += len(r.data)
            served.append((x, y))
            if written > 3 * cap:
                break
        if written > 3 * cap:
            break
    assert written > 3 * cap, "the raster has enough tiles to overflow the cap"
    files = _files(var_dir / "tiles")
    total = sum(max(size, 4096) for _, size in files)
    assert total <= cap + cap // 8 + 256 * 1024, (total, len(files))
    assert len(files) < len(served), "older tiles were removed"
    last = served[-1]
    assert any(p.endswith(f"/18/{last[0]}/{last[1]}.png") for p, _ in files), "the newest tile stays cached"
    again = client.get(f"/api/tiles/orthophoto/18/{served[0][0]}/{served[0][1]}.png")
    assert again.status_code == 200 and again.data, "a pruned tile is rendered again"
