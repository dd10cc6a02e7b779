"""The officer's map shows what the public map shows (issue 18, "a map officers can work on"):
its layer switcher, the zone legend, the search box, cadastral numbers as labels from zoom 17,
history dates in the officer's language, and a discrepancy row that goes to a labelled mark.
Walked in Chromium on a desktop and a phone, in Romanian and English."""

from __future__ import annotations

import re

import pytest
from factories import STAFF_PASSWORD, browser_sign_in

from layers.registry import load_layers
from webmap.pages import OFFICE_OVERLAYS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def officer(make_user):
    return make_user("layers.officer", "officer")


def open_map(browser, live_server, officer, lang="ro", viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(page, live_server, officer, STAFF_PASSWORD)
    page.goto(f"{live_server}/office/map?lang={lang}", wait_until="networkidle")
    return context, page, errors


def test_the_editing_map_has_the_public_layers_search_labels_and_legend(browser, live_server, officer, artifacts):
    context, page, errors = open_map(browser, live_server, officer)
    page.hover(".leaflet-control-layers")
    names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    names = [n.strip() for n in names]
    layers = load_layers()
    expected = {"Ortofotoplan", "Parcele (editabile)"} | {
        layers[o["id"]].label("ro") for o in OFFICE_OVERLAYS if "title_key" not in o}
    assert expected <= set(names), (expected, names)
    for wanted in ("zones", "restrictions", "localities", "buildings", "streets", "uat"):
        assert layers[wanted].label("ro") in names
    assert page.locator(".t-legend summary").inner_text().strip() == "Zone de reglementare (UTR)"
    assert page.locator(".t-legend li").count() > 0

    page.fill("#t-search", "morii 13")
    page.wait_for_selector("#t-suggestions li[role=option]:not(.t-empty)")
    page.keyboard.press("Enter")
    page.wait_for_selector("#t-parcel-title:has-text('51540')", timeout=20_000)
    page.wait_for_selector(".t-label-parcels", timeout=20_000)  # zoom 18: the numbers are on the map
    labels = page.locator(".t-label-parcels").all_inner_texts()
    assert "51540" in labels
    page.screenshot(path=str(artifacts / "office-map-layers.png"))

    page.click("#act-history")
    page.wait_for_selector("#t-parcel-extra tr[data-version]")
    shown = page.locator("#t-parcel-extra tr[data-version] td:nth-child(2)").first.inner_text()
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}", shown), shown  # ro-RO, not "ue, 01 Dec 2026"

    page.click("[data-tool=discrepancies]")
    page.wait_for_selector("[data-discrepancies]", timeout=60_000)
    first = page.locator("#r-table tr[data-row]").first
    numbers = first.locator("td").nth(1).inner_text().strip()
    first.click()
    page.wait_for_selector(".t-focus-label")
    label = page.inner_text(".t-focus-label")
    assert numbers and numbers in label and first.locator("td").first.inner_text().strip() in label
    page.screenshot(path=str(artifacts / "office-map-discrepancy-focus.png"))
    assert errors == []
    context.close()


def test_the_editing_map_in_english_on_a_phone(browser, live_server, officer, artifacts):
    context, page, errors = open_map(browser, live_server, officer, "en", {"width": 390, "height": 844})
    page.hover(".leaflet-control-layers")
    names = [n.strip() for n in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    assert "Orthophoto" in names and "Parcels (editable)" in names
    assert load_layers()["zones"].label("en") in names
    assert page.get_attribute("#t-search", "placeholder").startswith("e.g.")
    page.screenshot(path=str(artifacts / "office-map-layers-phone-en.png"))
    assert errors == []
    context.close()
