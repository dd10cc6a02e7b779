"""An officer draws a parcel by clicks in Chromium and saves it; it appears in the public
tiles. A drawing that overlaps is refused and the problem is shown."""

from __future__ import annotations

import re

import mapbox_vector_tile
import pytest
import requests
from sqlalchemy import text

from gis.db import session_scope
from gis.models import User
from gis.passwords import hash_password
from layers.orthophoto import lon_lat_to_tile

pytestmark = pytest.mark.e2e
PASSWORD = "parola-harta-1234"


@pytest.fixture(scope="module")
def officer(loaded):
    with session_scope(loaded, actor="test") as s:
        s.add(User(username="m.officer", full_name="Ofițer Hartă", role="officer",
                   password_hash=hash_password(PASSWORD)))
    return "m.officer"


@pytest.fixture(scope="module")
def empty_spot(engine):
    """A point of the UAT with no parcel within 40 m (between the village and the fields)."""
    with engine.connect() as c:
        lon, lat = c.execute(text("""
            SELECT ST_X(p), ST_Y(p) FROM (
              SELECT ST_Transform(ST_Translate(ST_Centroid(l.geom), 0, (ST_YMax(l.geom) - ST_YMin(l.geom)) / 2 + 120), 4326) p
              FROM territory.locality l ORDER BY l.siruta LIMIT 1) s""")).one()
    return lon, lat


def sign_in(page, live_server, username):
    page.goto(live_server + "/office/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/office$"))


def click_at(page, lon, lat):
    x, y = page.evaluate(f"(() => {{ const p = teritoriuMap.latLngToContainerPoint([{lat}, {lon}]);"
                         "const r = teritoriuMap.getContainer().getBoundingClientRect();"
                         "return [p.x + r.left, p.y + r.top]; })()")
    page.mouse.click(x, y)


def draw_square(page, lon, lat, d=0.00012):
    page.click(".leaflet-draw-draw-polygon")
    corners = [(lon, lat), (lon + d, lat), (lon + d, lat + d * 0.7), (lon, lat + d * 0.7)]
    for c in corners:
        click_at(page, *c)
        page.wait_for_timeout(150)
    click_at(page, *corners[0])  # closing on the first vertex finishes the polygon
    page.wait_for_selector("#t-panel:not([hidden])")


def test_draw_save_and_see_it_in_the_public_tiles(browser, live_server, officer, empty_spot, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server, officer)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    lon, lat = empty_spot
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 19, {{animate: false}})")
    page.wait_for_timeout(300)
    draw_square(page, lon, lat)
    page.fill("#f-number", "777777")
    page.check("#f-accept")
    page.click("#f-save")
    page.wait_for_selector("[data-saved='777777']", timeout=15_000)
    page.screenshot(path=str(artifacts / "office-map-saved.png"))
    x, y = lon_lat_to_tile(lon + 0.00006, lat + 0.00004, 17)
    tile = requests.get(f"{live_server}/ogc/collections/parcels/tiles/WebMercatorQuad/17/{y}/{x}", timeout=30)
    numbers = {f["properties"]["cadastral_number"] for f in mapbox_vector_tile.decode(tile.content)["parcels"]["features"]}
    assert "777777" in numbers

    # the same square again overlaps the parcel just saved: refused, problem shown on the map
    draw_square(page, lon, lat)
    page.fill("#f-number", "777778")
    page.click("#f-save")
    page.wait_for_selector("#t-problems li[data-code='overlap']", timeout=15_000)
    assert "777777" in page.inner_text("#t-problems")
    page.screenshot(path=str(artifacts / "office-map-overlap.png"))
    assert errors == []
    context.close()
