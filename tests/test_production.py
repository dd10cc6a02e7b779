"""`teritoriu serve --production`: gunicorn with several workers, gzip, caching headers, and a
staff session that holds whichever worker answers."""

from __future__ import annotations

import pytest
import requests
from factories import CSRF_FIELD

pytestmark = pytest.mark.slow  # a gunicorn server of its own

PASSWORD = "parola-productie-1"


@pytest.fixture(scope="module")
def server(loaded, make_user, production_server):
    make_user("prod.officer", "officer", password=PASSWORD)
    return production_server({"TERITORIU_DB_NAME": loaded.db_name}, workers=3)


def test_json_is_gzipped_and_tiles_cached(server):
    r = requests.get(f"{server}/ogc/collections/parcels/items?f=json&limit=50", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip" and len(r.json()["features"]) == 50
    assert int(r.headers["Content-Length"]) < len(r.content) / 3, "GeoJSON shrinks several times"
    plain = requests.get(f"{server}/ogc/collections/parcels/items?f=json&limit=50", timeout=30,
                         headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.json()["features"] == r.json()["features"]
    static = requests.get(f"{server}/static/js/public/main.js", timeout=30)
    assert "max-age" in static.headers["Cache-Control"]


def test_a_tile_revalidates_with_its_gzip_etag(server, loaded):
    from sqlalchemy import text

    from gis.db import get_engine
    from layers.orthophoto import lon_lat_to_tile

    with get_engine(loaded, "app").connect() as c:
        lon, lat = c.execute(text(  # in the village: a dense tile
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_Centroid(ST_Collect(geom)), 4326) p "
            "FROM cadastre.parcel WHERE intravilan AND use_category = 'CC' AND valid_to IS NULL "
            "AND uat_siruta = 926501) s")).one()  # the sample commune (other tests add UATs elsewhere)
    x, y = lon_lat_to_tile(lon, lat, 16)
    url = f"{server}/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}"
    first = requests.get(url, timeout=30)
    assert first.status_code == 200 and len(first.content) > 1024
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["ETag"].endswith('-gz"')
    again = requests.get(url, timeout=30, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_staff_session_holds_across_workers(server):
    http = requests.Session()
    page = http.get(f"{server}/office/login", timeout=30).text
    token = CSRF_FIELD.search(page).group(1)
    r = http.post(f"{server}/office/login", data={"csrf": token, "username": "prod.officer", "password": PASSWORD},
                  timeout=30, allow_redirects=False)
    assert r.status_code == 303
    answers = [http.get(f"{server}/office", timeout=30).status_code for _ in range(12)]
    assert answers == [200] * 12
