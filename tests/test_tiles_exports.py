"""Vector tiles (content, caching, invalidation by an edit), orthophoto tiles and coverage,
and whole-collection downloads, checked against PostGIS."""

from __future__ import annotations

import csv
import io

import mapbox_vector_tile
import pyogrio
import pytest
from sqlalchemy import text

from layers.orthophoto import lon_lat_to_tile

TILE = "/ogc/collections/{layer}/tiles/WebMercatorQuad/{z}/{y}/{x}"


@pytest.fixture(scope="module")
def spot(engine):
    """A z16 tile over the seat village and the parcels PostGIS finds in it (with the tile's
    64/4096 buffer, where shapes crossing the edge are kept)."""
    with engine.connect() as c:
        lon, lat = c.execute(text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
            "FROM public_api.parcel WHERE intravilan ORDER BY cadastral_number LIMIT 1) s")).one()
        x, y = lon_lat_to_tile(lon, lat, 16)
        expected = set(c.execute(text(
            "SELECT cadastral_number FROM public_api.parcel WHERE ST_Intersects(ST_Transform(geom, 3857), "
            "ST_TileEnvelope(16, :x, :y, margin => 64.0 / 4096))"), {"x": x, "y": y}).scalars())
    return {"x": x, "y": y, "lon": lon, "lat": lat, "expected": expected}


def test_a_parcel_tile_carries_the_parcels_postgis_finds_and_only_the_styled_properties(client, spot):
    r = client.get(TILE.format(layer="parcels", z=16, x=spot["x"], y=spot["y"]))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    tile = mapbox_vector_tile.decode(r.data)
    features = tile["parcels"]["features"]
    numbers = {f["properties"]["cadastral_number"] for f in features}
    assert numbers == spot["expected"] and len(numbers) > 3
    assert all(set(f["properties"]) == {"cadastral_number"} for f in features)


def test_a_repeated_tile_request_revalidates_with_its_etag(client, spot):
    url = TILE.format(layer="parcels", z=16, x=spot["x"], y=spot["y"])
    first = client.get(url)
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_an_edit_invalidates_cached_tiles(client, engine, spot):
    url = TILE.format(layer="parcels", z=16, x=spot["x"], y=spot["y"])
    before = client.get(url)
    number = sorted(spot["expected"])[0]
    with engine.begin() as c:
        c.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE cadastral_number = :n "
                       "AND valid_to IS NULL"), {"n": number})
    try:
        after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
        numbers = {f["properties"]["cadastral_number"]
                   for f in mapbox_vector_tile.decode(after.data)["parcels"]["features"]}
        assert number not in numbers
    finally:
        with engine.begin() as c:  # restore: a new version of the same parcel
            c.execute(text("UPDATE cadastre.parcel SET valid_to = NULL WHERE id = (SELECT max(id) "
                           "FROM cadastre.parcel WHERE cadastral_number = :n)"), {"n": number})


@pytest.mark.parametrize("url,status", [
    ("/ogc/collections/parcels/tiles/WebMercatorQuad/23/0/0", 400),
    ("/ogc/collections/parcels/tiles/WebMercatorQuad/3/8/1", 400),
    ("/ogc/collections/agri_plots/tiles/WebMercatorQuad/3/1/1", 404),
    ("/ogc/collections/nope/tiles/WebMercatorQuad/3/1/1", 404),
])
def test_bad_tile_addresses_are_refused_with_a_message(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    body = r.get_json()  # under /ogc an OGC API exception: {code, type, description}
    assert body["description"] and body["code"] == {400: "InvalidParameterValue", 404: "NotFound"}[status]


def test_tileset_metadata_points_to_the_tile_template(client):
    body = client.get("/ogc/collections/zones/tiles/WebMercatorQuad").get_json()
    href = next(link["href"] for link in body["links"] if link["rel"] == "item")
    assert href.endswith("/ogc/collections/zones/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")


def test_orthophoto_tiles_show_the_raster_and_are_transparent_elsewhere(client, spot, tmp_path):
    import rasterio

    x, y = lon_lat_to_tile(spot["lon"], spot["lat"], 15)
    r = client.get(f"/api/tiles/orthophoto/15/{x}/{y}.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    path = tmp_path / "t.png"
    path.write_bytes(r.data)
    with rasterio.open(path) as png:
        assert (png.width, png.height, png.count) == (256, 256, 4)
        alpha = png.read(4)
    assert alpha.max() == 255
    assert client.get("/api/tiles/orthophoto/15/1/1.png").status_code == 404  # outside the raster
    bad = client.get("/api/tiles/orthophoto/5/99/1.png")
    assert bad.status_code == 400 and bad.get_json()["message"]


def test_the_orthophoto_coverage_is_a_geotiff_in_stereo70(client, tmp_path):
    import rasterio

    r = client.get("/ogc/collections/orthophoto/coverage?f=GTiff&subset=x(250000:250500),y(603000:603500)")
    assert r.status_code == 200, r.data[:300]
    path = tmp_path / "c.tif"
    path.write_bytes(r.data)
    with rasterio.open(path) as tif:
        assert tif.crs.to_epsg() == 3844 and tif.count == 3
        assert tif.bounds.left >= 249990 and tif.bounds.right <= 250510


def test_csv_download_has_every_parcel_with_wkt(client, engine):
    r = client.get("/api/export/parcels.csv")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    with engine.connect() as c:
        n = c.execute(text("SELECT count(*) FROM public_api.parcel")).scalar_one()
    assert len(rows) == n
    assert rows[0]["wkt"].startswith("MULTIPOLYGON") and "id_code" not in rows[0]


def test_geopackage_download_opens_in_gdal_with_the_same_features(client, engine, tmp_path):
    r = client.get("/api/export/zones.gpkg?crs=EPSG:4326")
    assert r.status_code == 200
    path = tmp_path / "zones.gpkg"
    path.write_bytes(r.data)
    info = pyogrio.read_info(path, layer="zones")
    with engine.connect() as c:
        n = c.execute(text("SELECT count(*) FROM public_api.zone")).scalar_one()
    assert info["features"] == n and info["crs"] == "EPSG:4326"


def test_restricted_collections_cannot_be_downloaded(client):
    r = client.get("/api/export/parcel_records.csv")
    assert r.status_code == 404
