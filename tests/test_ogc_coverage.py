"""Issue 16, items 4 and 5: the orthophoto coverage as GDAL 3.6 reads it, over real HTTP.

- `gdalinfo OGCAPI:…/collections/orthophoto` opens it (the GeoTIFF link typed
  `image/tiff; application=geotiff`, the CIS domainset/rangetype in the collection) and
  `gdal_translate` of a window through it gives the stored file's pixels;
- `gdalinfo /vsicurl/…/coverage?f=GTiff` reads the COG with a few HTTP Range requests;
- `ogrinfo OAPIF:…/ogc` lists only the feature collections, with nothing on stderr;
- subsets and bboxes (coverage CRS and CRS84) return exactly the cells they overlap, compared with
  rasterio reading the stored file.
"""

from __future__ import annotations

import os
import re
import subprocess

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.windows import Window, from_bounds

COVERAGE = "/ogc/collections/orthophoto/coverage"
GEOTIFF = "image/tiff; application=geotiff"
STEREO70 = "http://www.opengis.net/def/crs/EPSG/0/3844"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def gdal(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """A GDAL command line tool, as an analyst runs it (its own stdout and stderr)."""
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", **(env or {})})


def stored(loaded, window: Window, bands=None) -> np.ndarray:
    with rasterio.open(loaded.orthophoto) as src:
        return src.read(bands, window=window)


def read_tif(tmp_path, data: bytes, name: str = "answer.tif"):
    path = tmp_path / name
    path.write_bytes(data)
    return rasterio.open(path)


def stored_window_of(loaded, answer) -> Window:
    """The stored file's window that covers exactly the answer's cells (same grid)."""
    with rasterio.open(loaded.orthophoto) as src:
        win = from_bounds(*answer.bounds, transform=src.transform)
    assert abs(win.col_off - round(win.col_off)) < 1e-6 and abs(win.row_off - round(win.row_off)) < 1e-6, \
        "the answer is on the stored file's grid"
    return Window(round(win.col_off), round(win.row_off), round(win.width), round(win.height))


# --- GDAL, the client itself -------------------------------------------------------------------

def test_gdalinfo_opens_the_coverage_through_the_ogcapi_driver(live_server):
    r = gdal("gdalinfo", f"OGCAPI:{live_server}/ogc/collections/orthophoto")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "Driver: OGCAPI/OGCAPI" in r.stdout
    assert "Size is 2131, 1996" in r.stdout
    assert "Origin = (247823.000000000000000,605996.000000000000000)" in r.stdout
    assert "Pixel Size = (2.000000000000000,-2.000000000000000)" in r.stdout
    bands = re.findall(r"^Band (\d) Block=256x256 Type=Byte, ColorInterp=(\w+)$", r.stdout, re.M)
    assert bands == [("1", "Red"), ("2", "Green"), ("3", "Blue")], r.stdout


@pytest.mark.parametrize("srcwin", [(100, 200, 300, 300), (2031, 1896, 100, 100)])  # the second: the SE corner
def test_gdal_translate_through_ogcapi_gives_the_stored_pixels(live_server, loaded, tmp_path, srcwin):
    out = tmp_path / "window.tif"
    # CACHE=NO: every block from the server (GDAL's WMS cache would write ./gdalwmscache)
    r = gdal("gdal_translate", "-q", "-oo", "CACHE=NO", "-srcwin", *map(str, srcwin),
             f"OGCAPI:{live_server}/ogc/collections/orthophoto", str(out))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    with rasterio.open(out) as got:
        pixels = got.read()
    expected = stored(loaded, Window(*srcwin))
    assert pixels.shape == expected.shape == (3, srcwin[3], srcwin[2])
    assert expected.any() and (pixels == expected).all()


def test_ogrinfo_lists_the_feature_collections_only_with_nothing_on_stderr(live_server):
    r = gdal("ogrinfo", "-ro", f"OAPIF:{live_server}/ogc")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    layers = re.findall(r"^\d+: (\w+) ", r.stdout, re.M)
    assert "parcels" in layers and len(layers) > 5 and "orthophoto" not in layers, r.stdout


def test_gdalinfo_vsicurl_reads_the_cog_with_a_few_range_requests(live_server, loaded, tmp_path):
    url = f"/vsicurl/{live_server}{COVERAGE}?f=GTiff"
    plain = gdal("gdalinfo", url)
    assert plain.returncode == 0 and plain.stderr == "", plain.stderr
    assert "Size is 2131, 1996" in plain.stdout and 'ID["EPSG",3844]]' in plain.stdout
    assert "LAYOUT=COG" in plain.stdout and "Overviews: 1066x998" in plain.stdout

    out = tmp_path / "vsicurl.tif"
    debug = gdal("gdal_translate", "-q", "-srcwin", "1000", "1000", "64", "64", url, str(out), env={"CPL_DEBUG": "ON"})
    assert debug.returncode == 0
    size = int(re.search(r"GetFileSize\(.*\)=(\d+)", debug.stderr).group(1))
    ranges = [(int(a), int(b)) for a, b in re.findall(r"VSICURL: Downloading (\d+)-(\d+)", debug.stderr)]
    fetched = sum(b - a + 1 for a, b in ranges)
    assert 0 < len(ranges) <= 5 and fetched < size / 5, (len(ranges), fetched, size)
    with rasterio.open(out) as got:
        assert (got.read() == stored(loaded, Window(1000, 1000, 64, 64))).all()


# --- HTTP: the whole coverage, Range, the default format ----------------------------------------

def test_the_default_answer_is_the_cog_with_http_range(client):
    whole = client.get(COVERAGE)
    assert whole.status_code == 200 and whole.headers["Content-Type"] == GEOTIFF
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["ETag"] and whole.headers["Last-Modified"]
    size = int(whole.headers["Content-Length"])
    assert size == len(whole.data) > 0

    part = client.get(COVERAGE, headers={"Range": "bytes=0-15"})
    assert part.status_code == 206 and part.data == whole.data[:16]
    assert part.headers["Content-Range"] == f"bytes 0-15/{size}"
    tail = client.get(f"{COVERAGE}?f=GTiff", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole.data[-10:]

    beyond = client.get(COVERAGE, headers={"Range": f"bytes={size}-{size + 10}"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{size}"

    again = client.get(COVERAGE, headers={"If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    head = client.head(f"{COVERAGE}?f=GTiff")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == size


def test_the_collection_says_it_is_a_coverage_and_describes_its_grid(client):
    doc = client.get("/ogc/collections/orthophoto?f=json").get_json()
    geotiff = [link for link in doc["links"] if link["rel"].endswith("/coverage") and link["type"] == GEOTIFF]
    assert len(geotiff) == 1 and geotiff[0]["href"].endswith(f"{COVERAGE}?f=GTiff")
    assert doc["layerDataType"] == "Coverage"
    grid = doc["domainset"]["generalGrid"]
    assert grid["srsName"] == STEREO70 and grid["axisLabels"] == ["y", "x"]  # Stereo 70: northing first
    x, y = grid["axis"]
    assert (x["axisLabel"], x["lowerBound"], x["upperBound"], x["resolution"]) == ("x", 247823, 252085, 2)
    assert (y["axisLabel"], y["lowerBound"], y["upperBound"], y["resolution"]) == ("y", 602004, 605996, 2)
    assert [f["name"] for f in doc["rangetype"]["field"]] == ["1", "2", "3"]

    listed = {c["id"]: c for c in client.get("/ogc/collections?f=json").get_json()["collections"]}
    assert listed["orthophoto"]["layerDataType"] == "Coverage"
    assert "layerDataType" not in listed["parcels"]


# --- exact windows ------------------------------------------------------------------------------

@pytest.mark.parametrize("query, bounds", [
    # cell edges every 2 m: odd eastings from 247823, even northings from 605996; a range that ends
    # inside a cell includes that cell
    ("subset=x(248000.5:248100.5),y(603000.5:603100.5)", (247999, 603000, 248101, 603102)),
    ("subset=x(248001:248101),y(603000:603100)", (248001, 603000, 248101, 603100)),
    # bbox in the coverage's CRS, in its axis order (northing, easting)
    (f"bbox=603000.5,248000.5,603100.5,248100.5&bbox-crs={STEREO70}", (247999, 603000, 248101, 603102)),
    # the raster's own south-east corner
    ("subset=x(251990:252085),y(602004:602100)", (251989, 602004, 252085, 602100)),
])
def test_a_subset_or_bbox_is_exactly_the_cells_it_overlaps(client, loaded, tmp_path, query, bounds):
    r = client.get(f"{COVERAGE}?{query}&f=GTiff")
    assert r.status_code == 200 and r.headers["Content-Type"] == GEOTIFF, r.data[:300]
    with read_tif(tmp_path, r.data) as answer:
        assert tuple(answer.bounds) == bounds and answer.crs.to_epsg() == 3844
        pixels = answer.read()
        win = stored_window_of(loaded, answer)
    expected = stored(loaded, win)
    assert expected.any() and (pixels == expected).all()


def test_a_crs84_bbox_covers_its_south_east_corner_exactly(client, loaded, tmp_path):
    to_native = Transformer.from_crs("OGC:CRS84", "EPSG:3844", always_xy=True)
    west, south, east, north = 21.7101, 46.8821, 21.7153, 46.8857
    r = client.get(f"{COVERAGE}?bbox={west},{south},{east},{north}&bbox-crs={CRS84}")
    assert r.status_code == 200 and r.headers["Content-Type"] == GEOTIFF
    with read_tif(tmp_path, r.data) as answer:
        b, pixels, win = answer.bounds, answer.read(), stored_window_of(loaded, answer)
    corners = [to_native.transform(lon, lat) for lon in (west, east) for lat in (south, north)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    # every corner inside, the south-east one included, and no more than one cell beyond the box
    assert b.left <= min(xs) and b.right >= max(xs) and b.bottom <= min(ys) and b.top >= max(ys)
    assert min(xs) - b.left < 2 and b.right - max(xs) < 2 and min(ys) - b.bottom < 2 and b.top - max(ys) < 2
    assert (pixels == stored(loaded, win)).all()

    # EPSG:4326 is latitude first: the same box, the same cells
    lat_first = client.get(f"{COVERAGE}?bbox={south},{west},{north},{east}"
                           "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326")
    assert lat_first.status_code == 200 and lat_first.data == r.data


def test_properties_selects_bands_in_the_order_asked(client, loaded, tmp_path):
    r = client.get(f"{COVERAGE}?properties=3,1&f=GTiff&subset=x(248000:248100),y(603000:603100)")
    assert r.status_code == 200
    with read_tif(tmp_path, r.data) as answer:
        assert answer.count == 2
        pixels, win = answer.read(), stored_window_of(loaded, answer)
    assert (pixels == stored(loaded, win, [3, 1])).all()
    one = client.get(f"{COVERAGE}?properties=1&f=GTiff&subset=x(248000:248100),y(603000:603100)")
    with read_tif(tmp_path, one.data, "one.tif") as answer:
        assert answer.count == 1 and (answer.read(1) == stored(loaded, win, 1)).all()


@pytest.mark.parametrize("query, says", [
    ("properties=1&f=GTiff", "subset=x("),              # one band of the whole extent: above the cap
    ("subset=x(0:1),y(0:1)&f=GTiff", "EPSG:3844"),      # beyond where Stereo 70 is defined
    ("subset=x(240000:241000),y(603000:603100)&f=GTiff", "247823"),  # outside the raster
    ("subset=x(248000:248512),y(603000:603512)&scale-size=x(2000),y(2000)", "subset=x("),
    ("f=json&subset=x(248000:248100),y(603000:603100)&scale-size=x(10),y(10)", "f=GTiff"),
    ("subset=x(248000:248100),y(603000:603100)&scale-size=x(10)", "scale-size"),
    (f"bbox=248000,603000,248100,603100&bbox-crs={STEREO70}", "N,E,N,E"),  # easting first: not this CRS's order
])
def test_refusals_say_why(client, query, says):
    r = client.get(f"{COVERAGE}?{query}&lang=en")
    assert r.status_code == 400, (query, r.status_code)
    body = r.get_json()
    assert body["code"] == "InvalidParameterValue" and says in body["description"] and "247823" in body["description"]


def test_a_scale_size_block_over_the_edge_is_the_stored_cells_then_zeros(client, loaded, tmp_path):
    """What GDAL's OGCAPI driver asks for at the raster's east edge: 256×256 cells from x 251919."""
    r = client.get(f"{COVERAGE}?f=GTiff&subset=x(251919:252431),y(603484:603996)&scaleSize=x(256),y(256)")
    assert r.status_code == 200
    with read_tif(tmp_path, r.data) as answer:
        assert (answer.width, answer.height) == (256, 256) and tuple(answer.bounds) == (251919, 603484, 252431, 603996)
        pixels = answer.read()
    inside = (252085 - 251919) // 2  # 83 columns on the raster
    expected = stored(loaded, Window(2131 - inside, 1000, inside, 256))
    assert expected.any() and (pixels[:, :, :inside] == expected).all() and not pixels[:, :, inside:].any()
