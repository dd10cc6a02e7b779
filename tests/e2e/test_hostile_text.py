"""Markup typed into the records (a street name, a zone name, a land-book number) is shown as the
characters typed: in the public sheet and its search suggestions, in the office map's panel and
in the certificate PDF. No script runs, no element is injected."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import text

from gis.db import session_scope
from gis.models import User
from gis.passwords import hash_password

pytestmark = pytest.mark.e2e
STREET = 'Morilor <img src=x onerror="window.pwned=1">'
ZONE = "Zonă <script>window.pwned=2</script>"
BOOK = '"><svg onload="window.pwned=3">'
PASSWORD = "parola-ostila-123"


@pytest.fixture(scope="module")
def hostile(loaded, engine):
    """A parcel with an address on a street, inside a zone; their texts replaced with markup."""
    with engine.connect() as c:
        row = c.execute(text("""
            SELECT p.id, p.cadastral_number, a.street_id, z.id AS zone_id, p.land_book_number,
                   s.name AS street_name, z.name AS zone_name,
                   ST_X(ST_Transform(ST_PointOnSurface(p.geom), 4326)) AS lon,
                   ST_Y(ST_Transform(ST_PointOnSurface(p.geom), 4326)) AS lat
            FROM cadastre.parcel p
            JOIN streets.address_point a ON a.parcel_id = p.id AND a.valid_to IS NULL
            JOIN streets.street s ON s.id = a.street_id AND s.valid_to IS NULL
            JOIN planning.zone z ON ST_Contains(z.geom, p.geom) AND z.valid_to IS NULL
            WHERE p.valid_to IS NULL AND p.intravilan ORDER BY p.id LIMIT 1""")).mappings().one()
    with session_scope(loaded, actor="test") as s:
        s.execute(text("UPDATE streets.street SET name = :n WHERE id = :i"), {"n": STREET, "i": row["street_id"]})
        s.execute(text("UPDATE planning.zone SET name = :n WHERE id = :i"), {"n": ZONE, "i": row["zone_id"]})
        s.execute(text("UPDATE cadastre.parcel SET land_book_number = :n WHERE id = :i"), {"n": BOOK, "i": row["id"]})
        s.add(User(username="h.officer", full_name="Ofițer Ostil", role="officer",
                   password_hash=hash_password(PASSWORD)))
    yield row
    with session_scope(loaded, actor="test") as s:
        s.execute(text("UPDATE streets.street SET name = :n WHERE id = :i"),
                  {"n": row["street_name"], "i": row["street_id"]})
        s.execute(text("UPDATE planning.zone SET name = :n WHERE id = :i"),
                  {"n": row["zone_name"], "i": row["zone_id"]})
        s.execute(text("UPDATE cadastre.parcel SET land_book_number = :n WHERE id = :i"),
                  {"n": row["land_book_number"], "i": row["id"]})


def no_injection(page) -> None:
    assert page.evaluate("window.pwned") is None, "a script from the data ran"
    assert page.locator("img[src=x], svg[onload], script:has-text('pwned=2')").count() == 0


def test_the_public_sheet_and_the_suggestions_show_markup_as_text(open_page, hostile):
    page, watch = open_page(f"/?parcel={hostile['cadastral_number']}")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.wait_for_selector("#t-panel:not([hidden]) #t-panel-title", timeout=15_000)
    sheet = page.locator("#t-panel-body").inner_text()
    assert STREET in sheet and ZONE in sheet and BOOK in sheet
    page.fill("input[type=search]", "morilor img")
    page.wait_for_selector(f"text={STREET}", timeout=10_000)
    no_injection(page)
    assert not dialogs and not watch.page_errors


def test_the_office_panel_shows_markup_as_text(browser, live_server, hostile):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/office/login")
    page.fill("#username", "h.officer")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/office$"))
    page.goto(live_server + "/office/map", wait_until="networkidle")
    page.evaluate(f"teritoriuMap.setView([{hostile['lat']}, {hostile['lon']}], 19, {{animate: false}})")
    page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached")  # office/snap.js: view loaded
    xy = page.evaluate(f"(() => {{ const p = teritoriuMap.latLngToContainerPoint([{hostile['lat']}, {hostile['lon']}]);"
                       "const r = teritoriuMap.getContainer().getBoundingClientRect();"
                       "return [p.x + r.left, p.y + r.top]; })()")
    page.mouse.click(*xy)
    page.wait_for_selector(f"#t-parcel-title:has-text('{hostile['cadastral_number']}')", timeout=15_000)
    assert BOOK in page.inner_text("#t-panel")
    no_injection(page)
    assert not errors
    context.close()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")
def test_the_certificate_prints_markup_as_text(loaded, hostile, tmp_path):
    from gis.certificates import draft

    done = draft(loaded, "urbanism", [hostile["cadastral_number"]], "construire <b>casă</b>", "Pop <i>Ana</i>", None)
    path = tmp_path / "cu.pdf"
    path.write_bytes(done.pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(out.split())
    for typed in (ZONE, "construire <b>casă</b>", "Pop <i>Ana</i>"):
        assert " ".join(typed.split()) in flat, typed
