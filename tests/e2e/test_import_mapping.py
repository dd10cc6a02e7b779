"""A surveyor's refused file in Chromium (issue 20): the page keeps the upload form, lists the
problems filtered by kind (each one zooming the map to its feature), and offers the field-mapping
form, whose choice checks the same file again; a corrected file sent from the same page goes on."""

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
PASSWORD = "parola-mapare-4321"


@pytest.fixture(scope="module")
def surveyor(loaded):
    with session_scope(loaded, actor="test") as s:
        s.add(User(username="m.surveyor", full_name="topograf", role="surveyor",
                   password_hash=hash_password(PASSWORD)))
    return "m.surveyor"


@pytest.fixture(scope="module")
def corner(engine):
    """An empty corner of the sample UAT (Stereo 70)."""
    with engine.connect() as c:
        return c.execute(text("""
            WITH u AS (SELECT geom FROM territory.uat ORDER BY siruta LIMIT 1),
            grid AS (SELECT ST_SetSRID(ST_MakePoint(ST_XMax(u.geom) - dx, ST_YMax(u.geom) - dy), 3844) AS pt, u.geom
                     FROM u, generate_series(200, 20000, 150) dx, generate_series(200, 20000, 150) dy)
            SELECT round(ST_X(pt)), round(ST_Y(pt)) FROM grid
            WHERE ST_Covers(ST_Buffer(geom, -150), pt)
              AND NOT EXISTS (SELECT 1 FROM cadastre.parcel p WHERE ST_DWithin(p.geom, grid.pt, 120))
            LIMIT 1""")).one()


def zipped(folder, name: str, columns: dict, corner) -> str:
    x, y = corner
    folder.mkdir(exist_ok=True)
    gpd.GeoDataFrame({**columns, "CATEGORIE": ["A", "A"], "INTRAVILAN": ["NU", "NU"]},
                     geometry=[box(x, y, x + 20, y + 40), box(x + 20, y, x + 40, y + 40)], crs=3844) \
        .to_file(folder / f"{name}.shp", engine="pyogrio")
    out = folder / f"{name}.zip"
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.glob(f"{name}.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    return str(out)


def refused_page(browser, live_server, surveyor, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(page, live_server, surveyor, PASSWORD)
    page.goto(live_server + "/office/imports")
    page.set_input_files("#u-file", path)
    page.click("#u-send")
    page.wait_for_url(re.compile(r".*/office/imports/\d+$"), timeout=30_000)
    page.wait_for_selector(".t-report[data-status='rejected']", timeout=60_000)
    return context, page, errors


def test_the_mapping_form_checks_the_refused_file_again(browser, live_server, surveyor, corner, tmp_path, artifacts):
    path = zipped(tmp_path / "a", "numere", {"NUMARUL": ["778801", "778802"]}, corner)
    context, page, errors = refused_page(browser, live_server, surveyor, path)
    assert page.is_visible("#t-upload"), "the upload form stays for a corrected file"
    assert "--mapping" not in page.content()
    # the problems filtered by kind; each zooms the map to its feature
    page.select_option("#r-code", "no_number")
    shown = page.locator("#r-problems tr[data-code]:visible")
    assert shown.count() == 2 and set(shown.evaluate_all("rows => rows.map(r => r.dataset.code)")) == {"no_number"}
    assert page.locator("#r-problems tr[data-code='unmapped']").is_hidden()
    page.locator("#r-problems button[data-zoom]:visible").first.click()
    page.wait_for_selector("body[data-zoomed]", state="attached", timeout=10_000)
    page.select_option("#r-code", "")
    assert page.locator("#r-problems tr[data-code='unmapped']").is_visible()
    page.screenshot(path=str(artifacts / "import-refused-mapping.png"))
    # the field-mapping form: the file's column → the cadastral number, checked again
    first = page.url
    page.select_option("select[data-column='NUMARUL']", "cadastral_number")
    page.click("#m-recheck")
    page.wait_for_url(lambda url: url != first and re.match(r".*/office/imports/\d+$", url), timeout=30_000)
    page.wait_for_selector(".t-report[data-status='staged']", timeout=60_000)
    assert page.inner_text("[data-new]") == "2"
    assert errors == []
    context.close()


def test_a_refused_file_leaves_the_upload_form_for_the_corrected_one(browser, live_server, surveyor, corner,
                                                                    tmp_path):
    bad = zipped(tmp_path / "b", "gresit", {"NUMARUL": ["778811", "778812"]}, corner)
    context, page, errors = refused_page(browser, live_server, surveyor, bad)
    first = page.url
    good = zipped(tmp_path / "c", "corect", {"NR_CAD": ["778811", "778812"]}, corner)
    page.set_input_files("#u-file", good)
    page.click("#u-send")
    page.wait_for_url(lambda url: url != first and re.match(r".*/office/imports/\d+$", url), timeout=30_000)
    page.wait_for_selector(".t-report[data-status='staged']", timeout=60_000)
    assert page.inner_text("[data-new]") == "2"
    assert errors == []
    context.close()
