"""Issue 18 in Chromium, on the sample commune: an officer splits 51540 (Strada Morii nr. 13, a
120 m² house), merges the pieces back under the retired number, moves a vertex and restores
the first version; after each step the database says that the legal areas add up, the land
book numbers follow the documentation, every address point and building hangs on a current
parcel, and the public sheet (by permalink, with the slash of a piece's number) and the search
for "morii 13" still open the parcel."""

from __future__ import annotations

import pytest
import requests
from factories import browser_sign_in, map_point_on_screen
from sqlalchemy import text

pytestmark = pytest.mark.e2e
NUMBER = "51540"


@pytest.fixture(scope="module")
def officer(make_user):
    return make_user("links.officer", "officer")


@pytest.fixture(scope="module")
def parcel(engine):
    with engine.connect() as c:
        row = c.execute(text("""SELECT p.id, p.uat_siruta, ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom),
                                       ST_YMax(p.geom), p.legal_area::float
                                FROM cadastre.parcel p WHERE p.cadastral_number = :n AND p.valid_to IS NULL"""),
                        {"n": NUMBER}).one()
    return dict(zip(("id", "uat", "x0", "y0", "x1", "y1", "legal_area"), row, strict=True))


def lonlat(engine, x, y):
    with engine.connect() as c:
        return c.execute(text("SELECT ST_X(p), ST_Y(p) "
                              "FROM ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), 3844), 4326) p"),
                         {"x": x, "y": y}).one()


def click(page, engine, x, y):
    lon, lat = lonlat(engine, x, y)
    page.mouse.click(*map_point_on_screen(page, lat, lon))


def wait_for_idle(page):
    page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached", timeout=30_000)


def current(engine, uat):
    """{number: (land book, legal area, computed)} of the current parcels whose numbers start with 51540."""
    with engine.connect() as c:
        rows = c.execute(text("SELECT cadastral_number, land_book_number, legal_area::float, legal_area_computed "
                              "FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL "
                              "AND cadastral_number LIKE :n ORDER BY 1"), {"u": uat, "n": NUMBER + "%"}).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def assert_links_whole(engine, uat, number):
    """Every address point and building of the UAT hangs on a current parcel, and Morii 13 with its
    120 m² house on `number`."""
    with engine.connect() as c:
        orphans = c.execute(text("""
            SELECT (SELECT count(*) FROM streets.address_point a JOIN cadastre.parcel p ON p.id = a.parcel_id
                    WHERE a.uat_siruta = :u AND a.valid_to IS NULL AND p.valid_to IS NOT NULL),
                   (SELECT count(*) FROM cadastre.building b JOIN cadastre.parcel p ON p.id = b.parcel_id
                    WHERE b.uat_siruta = :u AND b.valid_to IS NULL AND p.valid_to IS NOT NULL),
                   (SELECT count(*) FROM streets.address_point a WHERE a.uat_siruta = :u AND a.valid_to IS NULL)"""),
            {"u": uat}).one()
        morii = c.execute(text("""
            SELECT p.cadastral_number, (SELECT sum(b.footprint_area) FROM cadastre.building b
                                        WHERE b.parcel_id = p.id AND b.valid_to IS NULL)
            FROM streets.address_point a JOIN streets.street s ON s.id = a.street_id
            JOIN cadastre.parcel p ON p.id = a.parcel_id
            WHERE a.uat_siruta = :u AND s.name = 'Morii' AND a.number = 13 AND a.valid_to IS NULL""",
                               ), {"u": uat}).one()
    assert orphans[0] == 0 and orphans[1] == 0 and orphans[2] > 0
    assert morii == (number, 120.0)


def assert_public(live_server, uat, number):
    """The public sheet by number (a slash travels as %2F) and the search for "morii 13" open it."""
    sheet = requests.get(f"{live_server}/api/parcels/{number.replace('/', '%2F')}", params={"uat": uat}, timeout=30)
    assert sheet.status_code == 200, sheet.text
    facts = sheet.json()
    assert facts["cadastral_number"] == number
    assert "Strada Morii nr. 13" in [a["label"].split(",")[0] for a in facts["addresses"]], facts["addresses"]
    assert facts["built_footprint_m2"] == pytest.approx(120.0)
    hits = requests.get(f"{live_server}/api/search", params={"q": "morii 13", "uat": uat}, timeout=30).json()
    assert number in [h.get("cadastral_number") for h in hits["results"]]


def test_split_merge_vertex_edit_and_restore_keep_every_link(browser, live_server, officer, engine, parcel,
                                                             artifacts):
    uat, x0, y0, x1, y1 = parcel["uat"], parcel["x0"], parcel["y0"], parcel["x1"], parcel["y1"]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors, dialogs = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def on_dialog(d):
        dialogs.append(d.message)
        d.accept()
    page.on("dialog", on_dialog)
    browser_sign_in(page, live_server, officer)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    lon, lat = lonlat(engine, (x0 + x1) / 2, (y0 + y1) / 2)
    page.evaluate(f"teritoriuMap.setView([{lat}, {lon}], 19, {{animate: false}})")
    wait_for_idle(page)

    # split across, 30 m from the south edge: the preview shows the pieces and what moves
    click(page, engine, (x0 + x1) / 2, y1 - 5)
    page.wait_for_selector(f"#t-parcel-title:has-text('{NUMBER}')")
    page.click("#act-split")
    for i, px in enumerate((x0 - 3, x1 + 3), 1):
        click(page, engine, px, y0 + 30)
        page.wait_for_selector(f".leaflet-container[data-vertices='{i}']", state="attached")
    click(page, engine, x1 + 3, y0 + 30)
    page.wait_for_selector("#t-split-form [data-links]", timeout=15_000)
    preview = page.inner_text("#t-split-form")
    assert f"Strada Morii nr. 13: {NUMBER} → {NUMBER}/1" in preview
    assert f"clădirea C1: {NUMBER} → {NUMBER}/1" in preview
    assert current(engine, uat) == {NUMBER: (NUMBER, parcel["legal_area"], False)}, "a preview changes nothing"
    page.fill("#s-book-0", "CF 60001")  # the documentation gives the southern piece its land book
    page.screenshot(path=str(artifacts / "office-split-preview.png"))
    page.click("#s-save")
    page.wait_for_selector("[data-split='2']", timeout=15_000)
    pieces = current(engine, uat)
    assert set(pieces) == {f"{NUMBER}/1", f"{NUMBER}/2"}
    assert pieces[f"{NUMBER}/1"][0] == "CF 60001" and pieces[f"{NUMBER}/2"][0] == "de atribuit"
    assert all(p[2] for p in pieces.values()), "both legal areas computed in proportion"
    assert sum(p[1] for p in pieces.values()) == pytest.approx(parcel["legal_area"], abs=0.001)
    assert "calculată proporțional" in page.inner_text("[data-legal-area]")
    assert_links_whole(engine, uat, f"{NUMBER}/1")
    assert_public(live_server, uat, f"{NUMBER}/1")

    # the permalink of a piece opens its sheet in the browser too
    public = context.new_page()
    public.goto(f"{live_server}/?parcel={NUMBER}%2F1", wait_until="networkidle")
    public.wait_for_selector(f"body[data-parcel-shown='{NUMBER}/1']", state="attached", timeout=30_000)
    assert "Morii" in public.inner_text("#t-panel-body")
    public.close()

    # merge the pieces back under the retired number: asked, confirmed, previewed, saved
    page.click("#act-merge")
    click(page, engine, (x0 + x1) / 2, y1 - 5)
    page.wait_for_selector("#t-merge-list li:nth-child(2)")
    page.fill("#m-number", NUMBER)
    page.fill("#m-book", NUMBER)
    page.click("#m-save")
    page.wait_for_selector("#m-confirm", timeout=15_000)
    assert any("retrase" in d for d in dialogs), dialogs
    assert float(page.get_attribute("#t-merge-preview [data-legal-area]", "data-legal-area")) == parcel["legal_area"]
    assert f"{NUMBER}/1 → {NUMBER}" in page.inner_text("#t-merge-preview")
    page.click("#m-confirm")
    page.wait_for_selector(f"[data-merged='{NUMBER}']", timeout=15_000)
    assert current(engine, uat) == {NUMBER: (NUMBER, parcel["legal_area"], True)}
    assert_links_whole(engine, uat, NUMBER)
    assert_public(live_server, uat, NUMBER)

    # a vertex edit: the north-west corner 1.5 m inwards
    page.click("#act-vertices")
    page.wait_for_selector(".leaflet-editing-icon")
    sx, sy = map_point_on_screen(page, *reversed(lonlat(engine, x0, y1)))
    tx, ty = map_point_on_screen(page, *reversed(lonlat(engine, x0 + 1.5, y1 - 1.5)))
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move((sx + tx) / 2, (sy + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()
    page.uncheck("#t-snap")
    page.check("#f-accept")
    page.click("#f-save")
    page.wait_for_selector(f"[data-saved='{NUMBER}']", timeout=15_000)
    assert page.inner_text("[data-version]").startswith("2")
    assert_links_whole(engine, uat, NUMBER)

    # restore the merged outline (version 1) from the history
    page.click("#act-history")
    page.wait_for_selector("#t-parcel-extra [data-restore='1']")
    page.click("#t-parcel-extra [data-restore='1']")
    page.wait_for_selector("text=Versiunea 1 a fost restaurată.", timeout=15_000)
    with engine.connect() as c:
        same = c.execute(text("""SELECT ST_Equals(p.geom, h.geom), p.version FROM cadastre.parcel p
                                 JOIN cadastre.parcel_history h ON h.id = p.id AND h.version = 1
                                 WHERE p.cadastral_number = :n AND p.valid_to IS NULL"""), {"n": NUMBER}).one()
    assert same == (True, 3)
    assert current(engine, uat) == {NUMBER: (NUMBER, parcel["legal_area"], True)}
    assert_links_whole(engine, uat, NUMBER)
    assert_public(live_server, uat, NUMBER)
    page.screenshot(path=str(artifacts / "office-merge-restore.png"))
    assert errors == []
    context.close()
