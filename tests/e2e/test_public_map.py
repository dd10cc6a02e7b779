"""The public map in a real browser: it draws the commune, loads nothing from elsewhere, speaks
three languages and fits a phone."""

from __future__ import annotations

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.e2e


def wait_for_parcels(page):
    page.wait_for_function("document.querySelectorAll('path[data-layer=parcels]').length > 0",
                           timeout=30_000)


def test_the_map_draws_the_commune_with_local_assets_only(open_page, engine, artifacts):
    page, watch = open_page("/")
    wait_for_parcels(page)
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate("document.querySelectorAll('path[data-layer=parcels]').length")
    with engine.connect() as c:
        parcels = c.execute(text("SELECT count(*) FROM public_api.parcel")).scalar_one()
    assert drawn == parcels
    assert page.evaluate("document.querySelectorAll('path[data-layer=zones]').length") > 0
    tiles = [r for r in watch.responses if "/api/tiles/orthophoto/" in r[0]]
    assert tiles and all(status in (200, 204) for _, status, _ in tiles)
    assert any(ctype == "image/png" for _, status, ctype in tiles if status == 200)
    assert watch.foreign_hosts == set()
    assert watch.console_errors == [] and watch.page_errors == []
    assert "Harta publică" in page.title()
    assert page.locator("html").get_attribute("lang") == "ro"
    legend = page.locator(".t-legend").inner_text()
    assert legend.count("Locuințe") == 1 and "Destinație specială" not in legend  # only kinds present
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-layers").count() == 1
    page.screenshot(path=str(artifacts / "public-map.png"))


@pytest.mark.parametrize("lang,title,legend", [("en", "Public map", "Housing"),
                                               ("hu", "Nyilvános térkép", "Lakóövezet")])
def test_the_page_speaks_english_and_hungarian(open_page, lang, title, legend):
    page, watch = open_page(f"/?lang={lang}")
    wait_for_parcels(page)
    assert page.title().startswith(title)
    assert page.locator("html").get_attribute("lang") == lang
    assert legend in page.locator(".t-legend").inner_text()
    assert page.locator(".t-legend details").get_attribute("open") is not None
    assert watch.console_errors == []


def test_the_language_is_remembered(open_page, live_server):
    page, _ = open_page("/?lang=en")
    page.goto(live_server + "/", wait_until="domcontentloaded")
    assert page.title().startswith("Public map")


def test_a_phone_sees_the_whole_map_without_horizontal_scrolling(open_page, artifacts):
    page, watch = open_page("/", viewport={"width": 360, "height": 740}, is_mobile=True,
                            has_touch=True, device_scale_factor=2)
    wait_for_parcels(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    box = page.locator(".folium-map").bounding_box()
    assert box["width"] == pytest.approx(360, abs=1) and box["height"] > 500
    assert watch.foreign_hosts == set()
    page.screenshot(path=str(artifacts / "public-map-phone.png"))
