"""Warm vector tiles without the database (issue 24): the data revision arrives by NOTIFY
(layers/revision_watch.py, migration 0018), a revalidation still asks the database, and behind
nginx a cached tile is handed over with X-Accel-Redirect."""

from __future__ import annotations

import dataclasses
import gzip

import mapbox_vector_tile
import pytest
from sqlalchemy import event, text

from gis.db import get_engine
from layers.orthophoto import lon_lat_to_tile

TILE = "/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}"


@pytest.fixture(scope="module")
def spot(engine):
    """A z16 tile over a current parcel, and that parcel's number."""
    with engine.connect() as c:
        number, lon, lat = c.execute(text(
            "SELECT cadastral_number, ST_X(p), ST_Y(p) FROM (SELECT cadastral_number, "
            "ST_Transform(ST_PointOnSurface(geom), 4326) p FROM public_api.parcel WHERE intravilan "
            "ORDER BY cadastral_number DESC LIMIT 1) s")).one()
    x, y = lon_lat_to_tile(lon, lat, 16)
    return {"url": TILE.format(x=x, y=y), "number": number}


@pytest.fixture
def checkouts(loaded):
    """How many connections the public engine (the tiles' engine) hands out while the test runs."""
    public = get_engine(loaded, "public")
    seen = []

    def count(*_):
        seen.append(1)

    event.listen(public, "checkout", count)
    yield seen
    event.remove(public, "checkout", count)


def numbers(data: bytes) -> set[str]:
    return {f["properties"]["cadastral_number"] for f in mapbox_vector_tile.decode(data)["parcels"]["features"]}


def test_a_warm_tile_asks_the_database_nothing_and_a_revalidation_asks_it(client, spot, checkouts):
    first = client.get(spot["url"])
    assert first.status_code == 200 and spot["number"] in numbers(first.data)
    checkouts.clear()
    warm = client.get(spot["url"])
    assert warm.status_code == 200 and warm.data == first.data
    assert checkouts == []                       # the revision came from the notifications
    again = client.get(spot["url"], headers={"If-None-Match": warm.headers["ETag"]})
    assert again.status_code == 304 and len(checkouts) == 1  # a 304 is the database's answer


def test_an_edit_reaches_plain_requests_by_its_notification(client, engine, spot):
    url, number = spot["url"], spot["number"]
    watch = client.application.blueprints["vector_tiles"].revision_watch
    before = client.get(url)
    assert number in numbers(before.data)
    known = watch.current()
    with engine.begin() as c:
        c.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE cadastral_number = :n "
                       "AND valid_to IS NULL"), {"n": number})
    try:
        assert watch.wait_past(known, timeout=30) > known   # the NOTIFY of the commit arrived
        after = client.get(url)                               # a plain request, no revalidation
        assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
        assert number not in numbers(after.data) and len(numbers(after.data)) > 0
    finally:
        with engine.begin() as c:  # restore: a new version of the same parcel
            c.execute(text("UPDATE cadastre.parcel SET valid_to = NULL WHERE id = (SELECT max(id) "
                           "FROM cadastre.parcel WHERE cadastral_number = :n)"), {"n": number})


def test_behind_nginx_a_cached_tile_is_handed_over_as_its_file(loaded, spot):
    from api import create_app

    settings = dataclasses.replace(loaded, tiles_accel_redirect="/_tiles/")
    app = create_app(settings)
    app.testing = True
    client = app.test_client()
    gz = {"Accept-Encoding": "gzip"}
    client.get(spot["url"], headers=gz)          # rendered and cached
    r = client.get(spot["url"], headers=gz)
    assert r.status_code == 200 and r.data == b""
    assert r.headers["Content-Encoding"] == "gzip" and r.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    path = r.headers["X-Accel-Redirect"]
    assert path.startswith("/_tiles/") and path.endswith(".mvt.gz")
    # the location aliases the tiles folder: the file it names is the tile
    tile = settings.tiles_dir / path.removeprefix("/_tiles/")
    assert spot["number"] in numbers(gzip.decompress(tile.read_bytes()))
    plain = client.get(spot["url"])              # a client without gzip gets the bytes from the app
    assert "X-Accel-Redirect" not in plain.headers and spot["number"] in numbers(plain.data)
