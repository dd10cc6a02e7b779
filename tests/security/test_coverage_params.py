"""Issue 17, item 1: hostile coverage parameters never reach rasterio.

`GET /ogc/collections/orthophoto/coverage?subset=x(-1e9:-999999990),y(0:10)` used to kill a
gunicorn worker (SIGSEGV in rasterio). Against a real production server, every malformed,
out-of-range or outside-the-extent parameter is a 400 that names the coverage's extent, and
the workers answering before the attack are the very ones answering after it."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

COVERAGE = "/ogc/collections/orthophoto/coverage"

# (query string, what the 400 is about)
HOSTILE = [
    "subset=x(-1e9:-999999990),y(0:10)",          # the attack of the issue
    "subset=x(0:10),y(0:10)",                     # far outside the raster
    "subset=x(1e300:1e301),y(0:10)",
    "subset=x(-1e9:1e9),y(-1e9:1e9)",             # beyond the extent on every side
    "subset=x(248000:248000),y(603000:603000)",   # an empty range
    "subset=x(nan:248100),y(603000:603100)",
    "subset=x(inf:-inf),y(603000:603100)",
    "subset=x(248000:248100),y(603000:603100),x(1:2)",
    "subset=z(1:2)",                              # no such axis
    "subset=x(248000:248100",                     # no closing parenthesis
    "subset=x(a:b),y(1:2)",
    'subset=x("a":"b")',
    "subset=",
    "subset=x(248000:248100),y(603000:603100)&bbox=21.0,46.0,22.0,47.0",
    "bbox=-1e9,-1e9,-999999990,-999999990",
    "bbox=1,2,3",
    "bbox=a,b,c,d",
    "bbox=21.7,46.9,21.6,47.0",                   # west > east
    "bbox=nan,46.9,21.8,47.0",
    "bbox=-200,-100,200,100",                     # not longitudes and latitudes
    "bbox=0,0,1,1",                               # outside the orthophoto
    "bbox=21.0,46.0,22.0,47.0&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9999",
    "bbox-crs=EPSG:3844",
    "properties=7",
    "properties=0",
    "properties=1,x",
    "properties=-1",
    "range-subset=1,99",
    "f=exe",
    "datetime=not-a-date",
    "scale-factor=1e9",
    "scale-size=x(1e9),y(1e9)",
    "width=100000000",
    "height=-1",
    # issue 16: answered 500 before
    "properties=1&f=GTiff",                       # one band of the whole extent: above the cap
    "subset=x(0:1),y(0:1)&f=GTiff",
    "subset=x(248000:248512),y(603000:603512)&scaleSize=x(100000),y(100000)",
    "subset=x(248000:248512),y(603000:603512)&scaleSize=x(0),y(256)",
    "bbox=603000,248000,603100,248100&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9999",
]


def _workers(master_pid: int) -> set[int]:
    """The gunicorn workers: the master's children, read from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return {int(pid) for pid in children}


def _master(port: int) -> int:
    """The gunicorn master: `teritoriu serve --production` started in its own session by
    api.production.spawn, with TERITORIU_PORT=<port> in its environment."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[3]) == int(entry.name) and f"TERITORIU_PORT={port}".encode() in environ:
            return int(entry.name)  # the session leader
    raise AssertionError(f"no server process for port {port}")


@pytest.fixture(scope="module")
def server(loaded, production_server):
    base = production_server({"TERITORIU_DB_NAME": loaded.db_name}, workers=2)
    return base, _master(int(base.rsplit(":", 1)[1]))


@pytest.mark.slow
def test_hostile_coverage_parameters_are_400_and_no_worker_dies(server):
    base, master = server
    before = _workers(master)
    assert len(before) == 2
    ok = requests.get(f"{base}{COVERAGE}?subset=x(248000:248100),y(603000:603100)&f=GTiff", timeout=60)
    assert ok.status_code == 200 and ok.content[:2] in (b"II", b"MM"), "a subset inside the extent works"
    failures = []
    for query in HOSTILE:
        for _ in range(2):  # both workers, most likely
            try:
                r = requests.get(f"{base}{COVERAGE}?{query}", timeout=60)
            except requests.ConnectionError as exc:  # the worker died under the request
                failures.append((query, "connection lost", str(exc)[:120]))
                break
            if r.status_code != 400:
                failures.append((query, r.status_code, r.text[:120]))
                break
            body = r.json()
            if "description" not in body or "247823" not in body["description"] and "21." not in body["description"]:
                failures.append((query, "the message does not name the extent", body))
                break
    after = _workers(master)
    assert not failures, failures
    assert after == before, f"workers restarted: {before} -> {after}"
    # and the workers still answer
    again = requests.get(f"{base}{COVERAGE}?subset=x(248000:248100),y(603000:603100)&f=GTiff", timeout=60)
    assert again.status_code == 200


def test_messages_in_the_users_language(client):
    ro = client.get(f"{COVERAGE}?subset=x(0:10),y(0:10)")
    en = client.get(f"{COVERAGE}?subset=x(0:10),y(0:10)&lang=en")
    hu = client.get(f"{COVERAGE}?subset=x(0:10),y(0:10)", headers={"Accept-Language": "hu"})
    assert {ro.status_code, en.status_code, hu.status_code} == {400}
    texts = [r.get_json()["description"] for r in (ro, en, hu)]
    assert len(set(texts)) == 3, texts
    assert "acoperirea" in texts[0] and "coverage" in texts[1] and "lefedettség" in texts[2]
    assert all("247823" in t for t in texts)


def test_a_subset_inside_the_extent_still_works(client):
    r = client.get(f"{COVERAGE}?subset=x(248000:248100),y(603000:603100)&f=json&properties=1")
    assert r.status_code == 200 and r.get_json()["type"] == "Coverage"
    r = client.get(f"{COVERAGE}?subset=x(248000:248100),y(603000:603100)&f=GTiff")
    assert r.status_code == 200 and r.data[:2] in (b"II", b"MM")


def test_subset_may_be_given_once_per_axis(client):
    r = client.get(f"{COVERAGE}?subset=x(248000:248100)&subset=y(603000:603100)&f=json")
    assert r.status_code == 200 and r.get_json()["domain"]["axes"]["x"]["start"] == 248000
    twice = client.get(f"{COVERAGE}?subset=x(248000:248100)&subset=x(248000:248100)")
    assert twice.status_code == 400 and "247823" in twice.get_json()["description"]


def test_a_range_overlapping_the_edge_is_clamped_to_the_raster(client, tmp_path):
    import rasterio

    r = client.get(f"{COVERAGE}?subset=x(240000:248100),y(603000:603100)&f=GTiff")
    assert r.status_code == 200
    (tmp_path / "edge.tif").write_bytes(r.data)
    with rasterio.open(tmp_path / "edge.tif") as tif:
        assert tif.bounds.left >= 247823 - 2 and tif.bounds.right <= 248102


def test_a_bbox_in_crs84_inside_the_raster_works(client, tmp_path):
    import rasterio
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:3844", "EPSG:4326", always_xy=True).transform(250000, 604000)
    r = client.get(f"{COVERAGE}?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}&f=GTiff"
                   "&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84")
    assert r.status_code == 200, r.data[:300]
    (tmp_path / "bbox.tif").write_bytes(r.data)
    with rasterio.open(tmp_path / "bbox.tif") as tif:
        assert tif.bounds.left < 250000 < tif.bounds.right and tif.bounds.bottom < 604000 < tif.bounds.top
        assert tif.width < 200


@pytest.mark.parametrize("query", ["f=json", "f=html", "bbox=-180,-90,180,90",
                                   "subset=x(247000:252000)&f=json",
                                   # a GeoTIFF window is cut per request: the whole extent as a "subset"
                                   # is refused (the whole coverage is the COG, without a subset)
                                   "f=GTiff&bbox=-180,-90,180,90", "f=GTiff&subset=x(247823:252085),y(602004:605996)",
                                   "subset=x(247823:252085),y(602004:605996)&scale-size=x(2000),y(2000)"])
def test_an_answer_too_large_for_its_format_is_a_400_saying_how_to_ask(client, query):
    """The whole orthophoto as CoverageJSON was 49 MB and held a worker for seconds (a second attack
    pass): beyond the format's cap the answer names the cap, a subset to ask for and f=GTiff."""
    r = client.get(f"{COVERAGE}?{query}")
    assert r.status_code == 400, (query, r.status_code, len(r.data))
    text = r.get_json()["description"]
    assert "celule" in text and "subset=x(" in text and "f=GTiff" in text and "247823" in text


def test_the_whole_orthophoto_as_a_geotiff_is_its_cog(client, loaded, tmp_path):
    """Without a subset the answer is the Cloud-Optimized GeoTIFF written once from the stored file
    (issue 16: the default format; tests/test_ogc_coverage.py reads it over HTTP Range)."""
    import rasterio

    for query in ("f=GTiff", ""):
        r = client.get(f"{COVERAGE}?{query}")
        assert r.status_code == 200 and r.data[:2] in (b"II", b"MM"), query
    (tmp_path / "whole.tif").write_bytes(r.data)
    with rasterio.open(tmp_path / "whole.tif") as cog, rasterio.open(loaded.orthophoto) as stored:
        assert cog.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert (cog.read() == stored.read()).all(), "lossless: the stored file's pixels"


@pytest.mark.parametrize("when", ["2020-13-45", "9999-99-99", "2024-02-30/..", "2024-01-01T25:00:00Z"])
def test_a_date_that_does_not_exist_is_a_400(client, when):
    r = client.get(f"{COVERAGE}?subset=x(248000:248100),y(603000:603100)&f=json&datetime={when}")
    assert r.status_code == 400 and "ISO 8601" in r.get_json()["description"], (when, r.status_code)
