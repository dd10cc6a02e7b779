"""The public map in a real browser (Debian's Chromium): a citizen finds a parcel by address,
by cadastral number or by a tap, and reads what the plans allow; nothing is loaded from
another host; three languages; a phone; no serious accessibility violation (axe-core)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sqlalchemy import text

from gis.parcel_facts import parcel_facts, parcels_by_number
from gis.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "webmap" / "node_modules" / "axe-core" / "axe.min.js"


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


# the sample commune's own map: other modules add UATs, and "/" then shows their overview, centred
# between them, where z15 holds no parcel
COMMUNE = "/u/926501/"


def wait_for_map(page):
    """The zones drawn, then parcels (vector tiles from z15) at a closer look."""
    page.wait_for_selector("path[data-layer=zones]", state="attached", timeout=30_000)
    if page.evaluate("teritoriuMap.getZoom()") < 15:
        page.evaluate("teritoriuMap.setZoom(15, {animate: false})")
    page.wait_for_selector("svg.leaflet-tile path", state="attached", timeout=30_000)


def wait_for_idle(page):
    """The overlays of the current view have arrived (public/state.js sets data-map-idle on the map's
    container; a move removes it at once, so a wait right after setView waits for that view)."""
    page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached", timeout=30_000)


def open_sheet(page):
    page.wait_for_selector("#t-panel:not([hidden]) #t-panel-title", timeout=15_000)
    return page.locator("#t-panel-body")


@pytest.fixture(scope="module")
def address(engine):
    with engine.connect() as c:
        row = c.execute(text("""
            SELECT a.street_name, a.number, a.cadastral_number FROM public_api.address_point a
            JOIN public_api.parcel p ON p.cadastral_number = a.cadastral_number
            JOIN public_api.zone z ON ST_Intersects(z.geom, p.geom)
            WHERE a.suffix = '' GROUP BY 1, 2, 3 HAVING count(*) >= 1
            ORDER BY a.street_name, a.number LIMIT 1""")).one()
    return {"street": row[0], "number": row[1], "cadastral_number": row[2]}


def facts_of(engine, number):
    with engine.connect() as c:
        return parcel_facts(c, parcels_by_number(c, number)[0])


def test_the_map_draws_the_commune_with_local_assets_only(open_page, artifacts):
    page, watch = open_page(COMMUNE)
    wait_for_map(page)
    page.wait_for_load_state("networkidle")
    tiles = [r for r in watch.responses if "/api/tiles/orthophoto/" in r[0]]
    assert tiles and all(status in (200, 204) for _, status, _ in tiles)
    mvt = [r for r in watch.responses if "/tiles/WebMercatorQuad/" in r[0]]
    assert mvt and all(status in (200, 204) for _, status, _ in mvt)
    assert watch.foreign_hosts == set()
    assert watch.console_errors == [] and watch.page_errors == []
    assert "Harta publică" in page.title()
    assert page.locator("html").get_attribute("lang") == "ro"
    legend = page.locator(".t-legend").inner_text()
    assert legend.count("Locuințe") == 1 and "Destinație specială" not in legend  # only kinds present
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-layers").count() == 1
    page.screenshot(path=str(artifacts / "public-map.png"))


def test_search_an_address_without_diacritics_and_read_the_sheet(open_page, engine, address, artifacts):
    page, watch = open_page(COMMUNE)
    wait_for_map(page)
    page.fill("#t-search", f"str {fold(address['street'])} nr {address['number']}")
    page.wait_for_selector("#t-suggestions li[role=option]:not(.t-empty)")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    body = open_sheet(page)
    facts = facts_of(engine, address["cadastral_number"])
    sheet = body.inner_text()
    assert f"Fișa parcelei {facts.cadastral_number}" in sheet
    assert f"{address['street']} nr. {address['number']}" in sheet
    for zone in facts.zones:
        shown = body.locator(f"section[data-zone='{zone.code}'] .t-share").inner_text()
        assert shown.startswith(f"{zone.share_percent:.2f}".rstrip("0").rstrip(".").replace(".", ","))
    assert ("intravilan" if facts.intravilan else "extravilan") in sheet
    assert f"?parcel={facts.cadastral_number}" in page.url
    # the outline drawn and the map moved to it, then the labels of that view loaded
    page.wait_for_selector(f"body[data-parcel-shown='{facts.cadastral_number}']", state="attached")
    wait_for_idle(page)
    page.screenshot(path=str(artifacts / "public-map-sheet.png"))
    assert watch.foreign_hosts == set() and watch.console_errors == []


def test_search_a_cadastral_number(open_page, address):
    page, _ = open_page(COMMUNE)
    wait_for_map(page)
    page.fill("#t-search", address["cadastral_number"])
    page.wait_for_selector("#t-suggestions li[role=option]:not(.t-empty)")
    page.keyboard.press("Enter")
    assert address["cadastral_number"] in open_sheet(page).locator("h2").inner_text()


def test_a_tap_on_the_map_opens_the_parcel_under_it(open_page, engine):
    with engine.connect() as c:
        lon, lat, number = c.execute(text(
            "SELECT ST_X(p), ST_Y(p), cadastral_number FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p, "
            "cadastral_number FROM public_api.parcel WHERE intravilan ORDER BY measured_area DESC LIMIT 1) s")).one()
    page, _ = open_page(COMMUNE)
    wait_for_map(page)
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 18, {{animate: false}})")
    wait_for_idle(page)
    point = page.evaluate(f"(() => {{ const p = teritoriuMap.latLngToContainerPoint([{lat}, {lon}]);"
                          "const r = teritoriuMap.getContainer().getBoundingClientRect();"
                          "return [p.x + r.left, p.y + r.top]; })()")
    page.mouse.click(*point)
    assert f"Fișa parcelei {number}" in open_sheet(page).locator("h2").inner_text()


def test_a_permalink_opens_the_sheet_and_leads_to_the_request_form(open_page, address):
    page, _ = open_page(f"/?parcel={address['cadastral_number']}")
    body = open_sheet(page)
    assert address["cadastral_number"] in body.locator("h2").inner_text()
    body.get_by_text("Solicită certificat de urbanism").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/cereri/noua" in page.url and page.input_value("#parcels") == address["cadastral_number"]
    page.fill("#applicant_name", "Maria Ionescu")
    page.fill("#purpose", "construire locuință P+1E")
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/cereri/" in page.url and "token=" in page.url
    main = page.inner_text("main")
    assert "Număr de înregistrare" in main and "înregistrată" in main


@pytest.mark.parametrize("lang,title,legend,zoning", [("en", "Public map", "Housing", "What may be built"),
                                                      ("hu", "Nyilvános térkép", "Lakóövezet", "Mit lehet építeni")])
def test_the_page_and_the_sheet_speak_english_and_hungarian(open_page, address, lang, title, legend, zoning):
    page, watch = open_page(f"/?lang={lang}&parcel={address['cadastral_number']}")
    assert page.title().startswith(title)
    assert page.locator("html").get_attribute("lang") == lang
    assert legend in page.locator(".t-legend").inner_text()
    assert zoning in open_sheet(page).inner_text()
    assert watch.console_errors == []


def test_the_language_is_remembered(open_page, live_server):
    page, _ = open_page("/?lang=en")
    page.goto(live_server + "/", wait_until="domcontentloaded")
    assert page.title().startswith("Public map")


def test_a_phone_sees_map_and_sheet_without_horizontal_scrolling(open_page, address, artifacts):
    page, watch = open_page(f"/?parcel={address['cadastral_number']}", viewport={"width": 360, "height": 740},
                            is_mobile=True, has_touch=True, device_scale_factor=2)
    open_sheet(page)
    wait_for_map(page)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    map_box = page.locator(".folium-map").bounding_box()
    sheet_box = page.locator("#t-panel").bounding_box()
    assert map_box["width"] == pytest.approx(360, abs=1)
    assert sheet_box["y"] > 200, "the sheet leaves the top of the map visible"
    assert watch.foreign_hosts == set()
    page.screenshot(path=str(artifacts / "public-map-phone.png"))


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by make setup (npm)")
def test_axe_finds_no_serious_accessibility_violation(open_page, address):
    page, _ = open_page(f"/?parcel={address['cadastral_number']}")
    open_sheet(page)
    wait_for_map(page)
    # the page's CSP refuses an inline script tag without its nonce: axe-core is evaluated through the driver
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    serious = [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)


def test_search_is_keyboard_operable(open_page, address):
    page, _ = open_page(COMMUNE)
    wait_for_map(page)
    page.keyboard.press("Tab")  # the first stop is the search box... or a skip of the title
    page.focus("#t-search")
    page.keyboard.type(address["cadastral_number"])
    page.wait_for_selector("#t-suggestions li[role=option]:not(.t-empty)")
    assert page.get_attribute("#t-search", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#t-search", "aria-activedescendant") == "t-suggestion-0"
    page.keyboard.press("Enter")
    open_sheet(page)
    assert page.evaluate("document.activeElement.id") == "t-panel-title"
    page.keyboard.press("Tab")  # then to the sheet's content
    page.click("#t-panel-close")
    assert page.locator("#t-panel").is_hidden()
