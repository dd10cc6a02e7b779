"""The citizen's pages in Chromium in each language, on a phone (390×844) and a desktop (1366×768): the
request form, the request's status page and /verify; the page declares its language, its words are that
language's (the fee written the locale's way), and Leaflet's own buttons on the map are named in it.
Screenshots go to var/artifacts/lang/ for a person to look at."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from gis.certificates.workflow import issue_request, send_to_review
from gis.texts import date, number
from webmap.i18n import t

pytestmark = pytest.mark.e2e
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def issued(loaded, engine, app):
    client = app.test_client()
    with engine.connect() as c:
        parcel = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 7 LIMIT 1")).scalar_one()
    filed = client.post("/api/certificates", json={"type": "urbanism", "parcels": [parcel],
                                                   "purpose": "construire locuință P+1", "applicant_name": "Ana Limbă"},
                        environ_base={"REMOTE_ADDR": "10.83.0.7"}).get_json()
    send_to_review(loaded, filed["id"], "officer:test")
    done, _ = issue_request(loaded, filed["id"], "officer:test", unpaid_confirmed=True)
    with engine.connect() as c:
        issued_at = c.execute(text("SELECT issued_at FROM registry.document WHERE verification_code = :c"),
                              {"c": done.verification_code}).scalar_one()
    return {**filed, "code": done.verification_code, "issued_on": issued_at}


@pytest.mark.parametrize("lang", ["ro", "en", "hu"])
def test_the_citizens_pages_in_each_language_on_phone_and_desktop(browser, live_server, issued, artifacts, lang):
    out = artifacts / "lang"
    out.mkdir(parents=True, exist_ok=True)
    pages = {"form": f"/cereri/noua?lang={lang}",
             "status": f"/cereri/{issued['id']}?token={issued['token']}&lang={lang}",
             "verify": f"/verify/{issued['code']}?lang={lang}"}
    fee = t("request.fee_value", lang).format(amount=number(float(issued["fee"]), lang, 2))
    for size, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="en-US")  # the browser's own language is not asked
        page = context.new_page()
        for name, url in pages.items():
            page.goto(live_server + url)
            assert page.evaluate("document.documentElement.lang") == lang
            body = page.inner_text("body")
            if name == "form":
                assert page.inner_text("button[type=submit]") == t("request.submit", lang)
                assert t("request.privacy", lang) in body
            if name == "status":
                assert fee in body and t("request.keep_page", lang) in body
            if name == "verify":
                assert page.locator("dl dt").count() >= 7 and date(issued["issued_on"], lang) in body
            assert (t("official_data_note", lang) in body) == (lang != "ro")
            # (the page's width on a phone, /verify's unwrapped SHA-256, is the layout's: branch phone)
            page.screenshot(path=str(out / f"{name}-{lang}-{size}.png"), full_page=True)
        context.close()


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_leaflets_own_buttons_speak_the_page_language(browser, live_server, lang):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{live_server}/?lang={lang}")
    page.wait_for_selector(".leaflet-control-layers-toggle")
    zoom_in = page.locator(".leaflet-control-zoom-in")
    page.wait_for_function("() => document.querySelector('.leaflet-control-zoom-in').title !== 'Zoom in' || "
                           f"{'true' if lang == 'en' else 'false'}")
    assert zoom_in.get_attribute("title") == zoom_in.get_attribute("aria-label") == t("zoom_in", lang)
    assert page.locator(".leaflet-control-zoom-out").get_attribute("aria-label") == t("zoom_out", lang)
    assert page.locator(".leaflet-control-layers-toggle").get_attribute("title") == t("layers", lang)
    context.close()
