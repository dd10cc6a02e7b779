"""axe-core (npm, installed into webmap/node_modules by make setup) on every public and staff page,
in Romanian, English and Hungarian, on a desktop (1366×768) and a phone (390×844): no violation
at all of WCAG 2 A/AA and axe's best practices. Each run must have inspected the page (rules passed
on nodes), so an axe that did not run cannot pass."""

from __future__ import annotations

import json

import pytest
from factories import browser_sign_in
from site_pages import LANGUAGES, VIEWPORTS, a_parcel, filed_request, import_job, issued_certificate, pages
from sqlalchemy import text

from gis.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "webmap" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(loaded, app, engine, staff_client, make_user):
    number = a_parcel(engine)
    request_id, token = filed_request(app.test_client(), number)
    with engine.connect() as c:
        uat = c.execute(text("SELECT uat_siruta FROM public_api.parcel WHERE cadastral_number = :n"),
                        {"n": number}).scalar_one()
    make_user("axe.officer", "officer")
    return pages(number, request_id, token, issued_certificate(loaded, number).verification_code,
                 import_job(staff_client), uat)


def settle(page) -> None:
    """A map page: its overlays arrived (public map: data-map-idle) and an opened sheet drawn."""
    if page.locator(".leaflet-container").count():
        page.wait_for_selector(".leaflet-container", state="attached")
        if page.locator("#t-panel[aria-labelledby]").count() and "parcel=" in page.url:
            page.wait_for_selector("body[data-parcel-shown]", state="attached", timeout=30_000)
        if page.locator("#t-zoom-hint").count():
            page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached", timeout=30_000)
    page.wait_for_load_state("networkidle")


def axe(page) -> dict:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")  # through the driver: the CSP refuses inline
    return page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice'],"
                         " resultTypes: ['violations']})")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by make setup (npm)")
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_axe_finds_nothing_on_any_page(browser, live_server, site, device, lang):
    context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone",
                                  has_touch=device == "phone")
    page = context.new_page()
    found, inspected = {}, {}
    try:
        for kind in ("public", "staff"):
            if kind == "staff":
                browser_sign_in(page, live_server, "axe.officer")
            for path in site[kind]:
                page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}", wait_until="load")
                settle(page)
                result = axe(page)
                assert result["testEngine"]["name"] == "axe-core" and result["url"].startswith(live_server)
                # the rules that passed, each on at least one node of this page: axe looked at it
                inspected[path] = sum(1 for r in result["passes"] if r["nodes"])
                for v in result["violations"]:
                    found.setdefault(path, []).append({"id": v["id"], "impact": v["impact"], "help": v["help"],
                                                       "nodes": [n["target"] for n in v["nodes"][:3]]})
    finally:
        context.close()
    assert len(inspected) == len(site["public"]) + len(site["staff"]) and min(inspected.values()) >= 10, inspected
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
