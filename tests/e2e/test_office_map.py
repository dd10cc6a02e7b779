"""An officer draws a parcel by clicks in Chromium and saves it; it appears in the public
tiles. A drawing that overlaps is refused and the problem is shown."""

from __future__ import annotations

import mapbox_vector_tile
import pytest
import requests
from factories import browser_sign_in, map_point_on_screen
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
              SELECT ST_Transform(ST_Translate(ST_Centroid(l.geom), 0,
                                               (ST_YMax(l.geom) - ST_YMin(l.geom)) / 2 + 120), 4326) p
              FROM territory.locality l ORDER BY l.siruta LIMIT 1) s""")).one()
    return lon, lat






def click_at(page, lon, lat):
    page.mouse.click(*map_point_on_screen(page, lat, lon))


def wait_for_idle(page):
    """The snapping targets of the current view have arrived (office/snap.js sets data-map-idle and
    data-snap-targets on the map's container; a move removes them at once)."""
    page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached", timeout=30_000)


def click_vertices(page, points):
    """Click each point (lon, lat) while drawing; after each, wait until the shape has that many
    vertices and takes the next click (office/snap.js: data-vertices on the map's container)."""
    for i, (lon, lat) in enumerate(points, 1):
        click_at(page, lon, lat)
        page.wait_for_selector(f".leaflet-container[data-vertices='{i}']", state="attached")


def draw_square(page, lon, lat, d=0.00012):
    page.click("[data-tool=draw]")
    corners = [(lon, lat), (lon + d, lat), (lon + d, lat + d * 0.7), (lon, lat + d * 0.7)]
    click_vertices(page, corners)
    click_at(page, *corners[0])  # closing on the first vertex finishes the polygon
    page.wait_for_selector("#t-sec-form:not([hidden])")


def test_draw_save_and_see_it_in_the_public_tiles(browser, live_server, officer, empty_spot, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(page, live_server, officer, PASSWORD)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    lon, lat = empty_spot
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 19, {{animate: false}})")
    wait_for_idle(page)
    draw_square(page, lon, lat)
    page.fill("#f-number", "777777")
    page.check("#f-accept")
    page.click("#f-save")
    page.wait_for_selector("[data-saved='777777']", timeout=15_000)
    page.screenshot(path=str(artifacts / "office-map-saved.png"))
    x, y = lon_lat_to_tile(lon + 0.00006, lat + 0.00004, 17)
    tile = requests.get(f"{live_server}/ogc/collections/parcels/tiles/WebMercatorQuad/17/{y}/{x}", timeout=30)
    features = mapbox_vector_tile.decode(tile.content)["parcels"]["features"]
    numbers = {f["properties"]["cadastral_number"] for f in features}
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


@pytest.fixture(scope="module")
def two_parcels(engine, empty_spot):
    """Two neighbouring 20 m × 20 m parcels west of the empty spot (sample UAT, no one around)."""
    lon, lat = empty_spot
    with engine.begin() as c:
        x, y = c.execute(text("SELECT ST_X(p), ST_Y(p) "
                              "FROM ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 3844) p"),
                         {"lon": lon, "lat": lat}).one()
        x, y = round(x) - 60, round(y)
        uat = c.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
        for n, dx in (("777801", 0), ("777811", 20)):
            c.execute(text("INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
                           "VALUES (:u, :n, 'CC', true, ST_Multi(ST_MakeEnvelope(:x0, :y0, :x1, :y1, 3844)))"),
                      {"u": uat, "n": n, "x0": x + dx, "y0": y, "x1": x + dx + 20, "y1": y + 20})
    return x, y


def to_lonlat(engine, x, y):
    with engine.connect() as c:
        return c.execute(text("SELECT ST_X(p), ST_Y(p) "
                              "FROM ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 3844), 4326) p"),
                         {"x": x, "y": y}).one()


def current(engine, number):
    with engine.connect() as c:
        return c.execute(text("SELECT id, ST_AsText(geom) FROM cadastre.parcel WHERE cadastral_number = :n "
                              "AND valid_to IS NULL"), {"n": number}).one_or_none()


def test_select_split_merge_history_coordinates_and_checks(browser, live_server, officer, engine, two_parcels,
                                                           artifacts):
    x, y = two_parcels
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(page, live_server, officer, PASSWORD)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    lon, lat = to_lonlat(engine, x + 20, y + 10)
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 20, {{animate: false}})")
    wait_for_idle(page)

    # select by a click, split by a line drawn across
    click_at(page, *to_lonlat(engine, x + 10, y + 10))
    page.wait_for_selector("#t-parcel-title:has-text('777801')")
    page.click("#act-split")
    click_vertices(page, [to_lonlat(engine, px, py) for px, py in ((x - 3, y + 8), (x + 23, y + 8))])
    click_at(page, *to_lonlat(engine, x + 23, y + 8))  # the last point again ends the line
    page.wait_for_selector("#t-split-form [data-links]", timeout=15_000)  # the preview: pieces and moves
    page.click("#s-save")
    page.wait_for_selector("[data-split='2']", timeout=15_000)
    assert current(engine, "777801") is None
    assert current(engine, "777801/1") and current(engine, "777801/2")
    page.screenshot(path=str(artifacts / "office-map-split.png"))

    # the history of a piece names the parcel it came from
    page.click("#act-history")
    page.wait_for_selector("#t-parcel-extra button[data-parcel]")
    assert "777801" in page.inner_text("#t-parcel-extra")

    # merge the selected (larger) piece with the neighbour 777811
    page.click("#act-merge")
    click_at(page, *to_lonlat(engine, x + 30, y + 10))
    page.wait_for_selector("#t-merge-list li:nth-child(2)")
    page.fill("#m-number", "777802")
    page.click("#m-save")
    page.click("#m-confirm")  # after the preview
    page.wait_for_selector("[data-merged='777802']", timeout=15_000)
    assert current(engine, "777811") is None and current(engine, "777802")

    # fiscal records of the merged parcel: shown to staff, and the view is logged
    page.click("#act-fiscal")
    page.wait_for_selector("#t-parcel-extra h3:has-text('Date fiscale')")
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit.log WHERE action = 'view' AND object_id = :o"),
                         {"o": str(current(engine, "777802")[0])}).scalar_one() == 1

    # typed Stereo 70 coordinates (X north, Y east) become a parcel with exactly those coordinates
    page.click("[data-tool=coords]")
    x0, y0 = x - 40, y
    page.fill("#t-coords", f"1 {y0}.125 {x0}.5\n2 {y0}.125 {x0 + 15}.5\n"
                           f"3 {y0 + 12}.875 {x0 + 15}.5\n4 {y0 + 12}.875 {x0}.5")
    page.click("#c-draw")
    page.wait_for_selector("#t-sec-form:not([hidden])")
    page.fill("#f-number", "777803")
    page.uncheck("#t-snap")
    page.click("#f-save")
    page.wait_for_selector("[data-saved='777803']", timeout=15_000)
    assert current(engine, "777803")[1] == (f"MULTIPOLYGON((({x0}.5 {y0}.125,{x0 + 15}.5 {y0}.125,"
                                            f"{x0 + 15}.5 {y0 + 12}.875,{x0}.5 {y0 + 12}.875,{x0}.5 {y0}.125)))")

    # measure a length between two corners of 777803 (clicks snap onto them)
    page.check("#t-snap")
    wait_for_idle(page)  # the targets reloaded after the save include 777803
    page.click("[data-tool=length]")
    click_vertices(page, [to_lonlat(engine, px + 0.5, y0 + 0.125) for px in (x0, x0 + 15)])
    click_at(page, *to_lonlat(engine, x0 + 15.5, y0 + 0.125))
    page.wait_for_selector("[data-measure]")
    assert "Lungime 15 m" in page.inner_text("[data-measure]")  # to the cm, in Stereo 70

    # the layer check and the register discrepancies as tables, on the map
    page.click("[data-tool=check]")
    page.wait_for_selector("[data-checked]", timeout=60_000)
    page.click("[data-tool=discrepancies]")
    page.wait_for_selector("[data-discrepancies]", timeout=60_000)
    rows = page.locator("#r-table tr[data-row]").count()
    assert rows > 0 and rows == int(page.get_attribute("[data-discrepancies]", "data-discrepancies"))
    page.select_option("#r-kind", "area_mismatch")
    visible = page.locator("#r-table tr[data-row]:not([hidden])").count()
    assert 0 < visible < rows
    page.screenshot(path=str(artifacts / "office-map-discrepancies.png"))
    assert errors == []
    context.close()


def test_snapping_while_drawing_lands_on_the_neighbours_corner(browser, live_server, officer, engine, two_parcels):
    """A click a few pixels from a neighbour's corner becomes that corner, exactly."""
    x, y = two_parcels
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, officer, PASSWORD)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    lon, lat = to_lonlat(engine, x + 10, y + 30)
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 21, {{animate: false}})")
    page.wait_for_selector(".leaflet-container[data-snap-targets]:not([data-snap-targets='0'])", state="attached")
    near = to_lonlat(engine, x + 0.15, y + 20.1)
    snapped = page.evaluate(f"(() => {{ const s = TeritoriuOffice.snap(L.latLng({near[1]}, {near[0]}));"
                            "return [s.lng, s.lat]; })()")
    assert snapped == pytest.approx(to_lonlat(engine, x, y + 20), abs=1e-7), "the map snaps a click to the corner"
    page.click("[data-tool=draw]")
    corners = [(x + 0.15, y + 20.1), (x + 10, y + 20), (x + 10, y + 30), (x, y + 30)]  # first: 15 cm off the corner
    click_vertices(page, [to_lonlat(engine, *c) for c in corners])
    click_at(page, *to_lonlat(engine, *corners[0]))
    page.wait_for_selector("#t-sec-form:not([hidden])")
    page.fill("#f-number", "777804")
    page.check("#f-accept")
    page.click("#f-save")
    page.wait_for_selector("[data-saved='777804']", timeout=15_000)
    wkt = current(engine, "777804")[1]
    assert f"{x} {y + 20}" in wkt, wkt
    context.close()



def test_dragging_a_vertex_saves_a_new_version_and_keeps_the_others_exact(browser, live_server, officer, engine,
                                                                          two_parcels):
    x, y = two_parcels
    with engine.begin() as c:
        c.execute(text("INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
                       "SELECT siruta, '777805', 'CC', true, ST_Multi(ST_GeomFromText(:w, 3844)) FROM territory.uat "
                       "ORDER BY siruta LIMIT 1"),
                  {"w": f"POLYGON(({x + 0.123} {y - 40.456},{x + 15.5} {y - 40.25},{x + 15.25} {y - 25.75},"
                        f"{x + 0.75} {y - 25.125},{x + 0.123} {y - 40.456}))"})
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    browser_sign_in(page, live_server, officer, PASSWORD)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    lon, lat = to_lonlat(engine, x + 8, y - 33)
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 21, {{animate: false}})")
    wait_for_idle(page)
    click_at(page, lon, lat)
    page.wait_for_selector("#t-parcel-title:has-text('777805')")
    page.click("#act-vertices")
    page.wait_for_selector(".leaflet-editing-icon")
    sx, sy = map_point_on_screen(page, *reversed(to_lonlat(engine, x + 15.25, y - 25.75)))
    tx, ty = map_point_on_screen(page, *reversed(to_lonlat(engine, x + 18, y - 22)))
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move((sx + tx) / 2, (sy + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()
    page.uncheck("#t-snap")
    page.click("#f-save")
    page.wait_for_selector("[data-saved='777805']", timeout=15_000)
    assert page.inner_text("[data-version]").startswith("2")
    with engine.connect() as c:
        ring = c.execute(text("SELECT ST_AsGeoJSON(geom)::json FROM cadastre.parcel WHERE cadastral_number = '777805' "
                              "AND valid_to IS NULL")).scalar_one()["coordinates"][0][0]
    assert ring[0] == [x + 0.123, y - 40.456] and ring[1] == [x + 15.5, y - 40.25] and ring[3] == [x + 0.75, y - 25.125]
    assert ring[2] == pytest.approx([x + 18, y - 22], abs=0.15)  # where the mouse let go (a pixel is ~5 cm)
    context.close()


@pytest.mark.parametrize("lang,draw,number", [("en", "Draw", "Cadastral number"), ("hu", "Rajzolás", "Helyrajzi szám")])
def test_the_editing_map_speaks_english_and_hungarian(browser, live_server, officer, engine, two_parcels, lang, draw,
                                                      number):
    x, y = two_parcels
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(page, live_server, officer, PASSWORD)
    page.goto(f"{live_server}/office/map?lang={lang}", wait_until="networkidle")
    assert page.get_attribute("html", "lang") == lang
    assert page.inner_text("[data-tool=draw]") == draw
    with engine.connect() as c:  # a parcel of the sample commune
        lon, lat = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
                                  "FROM cadastre.parcel WHERE valid_to IS NULL ORDER BY id LIMIT 1) s")).one()
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 20, {{animate: false}})")
    wait_for_idle(page)
    click_at(page, lon, lat)
    page.wait_for_selector("#t-parcel-facts dt")
    assert number in page.inner_text("#t-parcel-facts")
    assert errors == []
    context.close()
