"""A surveyor uploads a zipped shapefile on /office/imports, sees the report and the staged
parcels on the map; an officer accepts it and the parcels are in the cadastre."""

from __future__ import annotations

import re
import zipfile

import geopandas as gpd
import pytest
from factories import browser_sign_in
from shapely.geometry import box
from sqlalchemy import text

from gis.db import session_scope
from gis.models import User
from gis.passwords import hash_password

pytestmark = pytest.mark.e2e
PASSWORD = "parola-import-5678"


@pytest.fixture(scope="module")
def people(loaded):
    with session_scope(loaded, actor="test") as s:
        for role in ("surveyor", "officer"):
            s.add(User(username=f"p.{role}", full_name=role, role=role, password_hash=hash_password(PASSWORD)))


@pytest.fixture(scope="module")
def upload_file(engine, tmp_path_factory):
    """Two parcels in an empty corner of the sample UAT."""
    with engine.connect() as c:
        x, y = c.execute(text("""
            WITH u AS (SELECT geom FROM territory.uat ORDER BY siruta LIMIT 1),
            grid AS (SELECT ST_SetSRID(ST_MakePoint(ST_XMin(u.geom) + dx, ST_YMin(u.geom) + dy), 3844) AS pt, u.geom
                     FROM u, generate_series(200, 20000, 150) dx, generate_series(200, 20000, 150) dy)
            SELECT round(ST_X(pt)), round(ST_Y(pt)) FROM grid
            WHERE ST_Covers(ST_Buffer(geom, -150), pt)
              AND NOT EXISTS (SELECT 1 FROM cadastre.parcel p WHERE ST_DWithin(p.geom, grid.pt, 120))
            LIMIT 1""")).one()
    folder = tmp_path_factory.mktemp("upload")
    gpd.GeoDataFrame({"NR_CAD": ["777901", "777902"], "CATEGORIE": ["A", "A"], "INTRAVILAN": ["NU", "NU"]},
                     geometry=[box(x, y, x + 20, y + 40), box(x + 20, y, x + 40, y + 40)], crs=3844) \
        .to_file(folder / "parcele.shp", engine="pyogrio")
    out = folder / "parcele.zip"
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.glob("parcele.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    return out




def test_upload_then_accept(browser, live_server, people, upload_file, engine, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(page, live_server, "p.surveyor", PASSWORD)
    page.goto(live_server + "/office/imports")
    page.set_input_files("#u-file", str(upload_file))
    page.select_option("#u-layer", "parcels")
    page.click("#u-send")
    page.wait_for_url(re.compile(r".*/office/imports/\d+$"), timeout=30_000)
    page.wait_for_selector(".t-report[data-status='staged']", timeout=60_000)
    assert page.inner_text("[data-new]") == "2"
    page.wait_for_selector("body[data-staged='2']", state="attached", timeout=15_000)  # no eval: CSP
    assert page.locator("#d-accept").count() == 0, "a surveyor cannot accept"
    page.screenshot(path=str(artifacts / "import-review.png"))
    url = page.url
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    browser_sign_in(page, live_server, "p.officer", PASSWORD)
    page.goto(url)
    says = page.inner_text("label:has(#d-confirm)")
    assert "2 obiecte noi" in says or "2 new" in says, says  # what accepting writes (in the browser's language)
    page.click("#d-accept")  # not confirmed: the browser holds the form, nothing is written
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE cadastral_number IN ('777901', '777902') "
                              "AND valid_to IS NULL")).scalar_one() == 0
    page.check("#d-confirm")
    page.click("#d-accept")
    page.wait_for_selector(".t-report[data-status='committed']", timeout=60_000)
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE cadastral_number IN ('777901', '777902') "
                              "AND valid_to IS NULL")).scalar_one() == 2
    assert errors == []
    context.close()
