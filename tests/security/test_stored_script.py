"""Stored script, surveyor to officer (issue 17, item 2): a surveyor stages imports of streets,
parcels and addresses whose names and numbers are markup; the officer opens them in Chromium,
hovers and clicks every drawn feature, walks the office map's tools (panel, history, fiscal
records, address proposal and form, layer check, discrepancies) and the public map's tooltips and
labels over the same names. Everything shows as the characters typed; no element is injected, no
handler runs (the title is unchanged, no window flag is set), no console error, no CSP violation.

Every page is also probed the way a future bug would fail: markup with an inline handler and an
inline script without the nonce are put into the page; the CSP (nonces, no 'unsafe-inline' for
scripts: api/__init__.py) must refuse both. Before the nonces, the probe's handler ran."""

from __future__ import annotations

import re
import zipfile

import geopandas as gpd
import pytest
from factories import browser_sign_in, map_point_on_screen
from shapely.geometry import LineString, Point, box
from sqlalchemy import text

from gis.db import session_scope
from gis.models import User
from gis.passwords import hash_password

pytestmark = pytest.mark.e2e
PASSWORD = "parola-ostila-4321"
IMG = """<img src=x onerror="document.title='pwned';window.__pwned=1">"""
SCRIPT = """"><script>document.title='pwned';window.__pwned=2</script>"""
PWNED = "pwned"  # the title the markup sets when it runs (the file names carry the word too)
SVG = """<svg onload="window.__pwned=3">"""
STREET = f"Morii {IMG}"                # an existing street renamed: the addresses point to it
BOOK = f"CF {SCRIPT}"                  # a parcel's land book number (office panel, public sheet)
TAXPAYER = f"Pop {SVG}"                # the parcel's taxpayer (the fiscal view)

# a document-start script (the driver's, outside the page's CSP): every CSP violation is kept
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "inline"));
}, true);
"""
# what a bug would do: markup with an inline handler, and an inline script without the nonce
PROBE = """() => {
  const box = document.createElement("div");
  box.id = "t-probe";
  box.innerHTML = '<img src="data:," onerror="window.__probe = 1">';
  const img = box.querySelector("img");
  img.addEventListener("error", () => { box.setAttribute("data-done", ""); });
  document.body.appendChild(box);
  const s = document.createElement("script");
  s.id = "t-probe-script";
  s.textContent = "window.__probe = 2";
  document.body.appendChild(s);
}"""
INJECTED = ("img[src=x], svg[onload], script:not([nonce]):not([type='application/json']), "
            "[onerror], [onload], [onmouseover], [onclick]")


class Watch:
    def __init__(self, page):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.failed: list[str] = []
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


def new_page(browser, **kwargs):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, **kwargs)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    return context, page, Watch(page)


def assert_nothing_ran(page, watch, where: str) -> None:
    """Nothing from the data ran or was injected, nothing failed; then the probe: the page's CSP
    must refuse an inline handler and an inline script that lack the nonce."""
    assert page.title() != PWNED, f"{where}: a handler from the data ran"
    assert page.evaluate("window.__pwned") is None, f"{where}: a script from the data ran"
    injected = page.locator(INJECTED)
    assert injected.count() == 0, (where, [injected.nth(i).evaluate("e => e.outerHTML.slice(0, 200)")
                                           for i in range(injected.count())])
    assert watch.dialogs == [] and watch.page_errors == [], (where, watch.dialogs, watch.page_errors)
    assert watch.console_errors == [], (where, watch.console_errors, watch.failed)
    assert page.evaluate("window.__csp") == [], (where, page.evaluate("window.__csp"))
    page.evaluate(PROBE)
    page.wait_for_selector("#t-probe[data-done]", state="attached")  # the image failed: its handlers had their turn
    assert page.evaluate("window.__probe") is None, f"{where}: an inline handler or script without the nonce ran"
    violations = page.evaluate("window.__csp")
    assert any(v.startswith("script-src-attr") for v in violations), (where, violations)
    assert any(v.startswith("script-src-elem") for v in violations), (where, violations)
    assert all("Content Security Policy" in m for m in watch.console_errors), (where, watch.console_errors)
    watch.console_errors.clear()
    page.evaluate("document.getElementById('t-probe').remove(); document.getElementById('t-probe-script').remove();"
                  "window.__csp = [];")






@pytest.fixture(scope="module")
def people(loaded):
    with session_scope(loaded, actor="test") as s:
        for role in ("surveyor", "officer"):
            s.add(User(username=f"x.{role}", full_name=f"Ostil {role}", role=role,
                       password_hash=hash_password(PASSWORD)))


@pytest.fixture(scope="module")
def hostile_records(loaded, engine):
    """Committed records with markup in them: a street's name, a parcel's land book number, its
    taxpayer's name (restored afterwards)."""
    with engine.connect() as c:
        row = c.execute(text("""
            SELECT p.id, p.cadastral_number, p.land_book_number, s.id AS street_id, s.name AS street_name,
                   ST_X(ST_Transform(ST_PointOnSurface(p.geom), 4326)) AS lon,
                   ST_Y(ST_Transform(ST_PointOnSurface(p.geom), 4326)) AS lat,
                   ST_X(ST_Transform(ST_LineInterpolatePoint(ST_GeometryN(s.geom, 1), 0.5), 4326)) AS street_lon,
                   ST_Y(ST_Transform(ST_LineInterpolatePoint(ST_GeometryN(s.geom, 1), 0.5), 4326)) AS street_lat
            FROM cadastre.parcel p
            JOIN streets.address_point a ON a.parcel_id = p.id AND a.valid_to IS NULL
            JOIN streets.street s ON s.id = a.street_id AND s.valid_to IS NULL
            WHERE p.valid_to IS NULL AND p.intravilan
              AND EXISTS (SELECT 1 FROM fiscal.tax_assessment t WHERE t.parcel_id = p.id)
            ORDER BY p.id DESC LIMIT 1""")).mappings().one()
        taxpayer = c.execute(text("""
            SELECT tp.id, tp.name FROM fiscal.taxpayer tp JOIN fiscal.tax_assessment t ON t.taxpayer_id = tp.id
            WHERE t.parcel_id = :p ORDER BY tp.id LIMIT 1"""), {"p": row["id"]}).mappings().one()
    with session_scope(loaded, actor="test") as s:
        s.execute(text("UPDATE streets.street SET name = :n WHERE id = :i"), {"n": STREET, "i": row["street_id"]})
        s.execute(text("UPDATE cadastre.parcel SET land_book_number = :n WHERE id = :i"), {"n": BOOK, "i": row["id"]})
        s.execute(text("UPDATE fiscal.taxpayer SET name = :n WHERE id = :i"), {"n": TAXPAYER, "i": taxpayer["id"]})
    yield row
    with session_scope(loaded, actor="test") as s:
        s.execute(text("UPDATE streets.street SET name = :n WHERE id = :i"),
                  {"n": row["street_name"], "i": row["street_id"]})
        s.execute(text("UPDATE cadastre.parcel SET land_book_number = :n WHERE id = :i"),
                  {"n": row["land_book_number"], "i": row["id"]})
        s.execute(text("UPDATE fiscal.taxpayer SET name = :n WHERE id = :i"),
                  {"n": taxpayer["name"], "i": taxpayer["id"]})


def _zip(folder, name, frame):
    frame.to_file(folder / f"{name}.shp", engine="pyogrio", encoding="UTF-8")
    out = folder / f"{name} {IMG}.zip"  # the file's name is markup too (the server keeps a safe form of it)
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.glob(f"{name}.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    return out


@pytest.fixture(scope="module")
def files(engine, tmp_path_factory, hostile_records):
    """Streets, parcels and addresses with markup in their names and numbers, in an empty corner."""
    with engine.connect() as c:
        x, y = c.execute(text("""
            WITH u AS (SELECT geom FROM territory.uat ORDER BY siruta LIMIT 1),
            grid AS (SELECT ST_SetSRID(ST_MakePoint(ST_XMin(u.geom) + dx, ST_YMin(u.geom) + dy), 3844) AS pt, u.geom
                     FROM u, generate_series(300, 20000, 170) dx, generate_series(300, 20000, 170) dy)
            SELECT round(ST_X(pt)), round(ST_Y(pt)) FROM grid
            WHERE ST_Covers(ST_Buffer(geom, -200), pt)
              AND NOT EXISTS (SELECT 1 FROM cadastre.parcel p WHERE ST_DWithin(p.geom, grid.pt, 150))
              AND NOT EXISTS (SELECT 1 FROM streets.street s WHERE ST_DWithin(s.geom, grid.pt, 150))
            ORDER BY 2 DESC, 1 DESC LIMIT 1""")).one()
    folder = tmp_path_factory.mktemp("hostile")
    streets = gpd.GeoDataFrame(
        {"DENUMIRE": [IMG, SCRIPT], "HCL": [SVG, "12/2024"]},
        geometry=[LineString([(x, y + 60), (x + 80, y + 60)]), LineString([(x, y + 90), (x + 80, y + 110)])],
        crs=3844)
    parcels = gpd.GeoDataFrame(
        {"NR_CAD": ["777951", "777952"], "NR_CF": [SCRIPT, IMG], "TARLA": [SVG, "T1"],
         "CATEGORIE": ["A", "A"], "INTRAVILAN": ["NU", "NU"]},
        geometry=[box(x, y, x + 20, y + 40), box(x + 20, y, x + 40, y + 40)], crs=3844)
    addresses = gpd.GeoDataFrame(
        {"STRADA": [STREET, STREET], "NR": ["7", "9"]},
        geometry=[Point(x + 10, y + 20), Point(x + 30, y + 20)], crs=3844)
    refused = gpd.GeoDataFrame(  # a number that is markup: refused, and the report quotes it
        {"STRADA": [STREET], "NR": [IMG]}, geometry=[Point(x + 50, y + 20)], crs=3844)
    return {"streets": (_zip(folder, "strazi", streets), "streets", 2),
            "parcels": (_zip(folder, "parcele", parcels), "parcels", 2),
            "addresses": (_zip(folder, "adrese", addresses), "addresses", 2),
            "refused": (_zip(folder, "adrese-gresite", refused), "addresses", None)}


@pytest.fixture(scope="module")
def staged(browser, live_server, people, files, artifacts):
    """The surveyor uploads each file through /office/imports; the URL of each job's review page.
    The surveyor's own pages show the markup as text too."""
    context, page, watch = new_page(browser)
    browser_sign_in(page, live_server, "x.surveyor", PASSWORD)
    urls = {}
    for name, (path, layer, count) in files.items():
        page.goto(live_server + "/office/imports")
        page.set_input_files("#u-file", str(path))
        page.select_option("#u-layer", layer)
        page.click("#u-send")
        page.wait_for_url(re.compile(r".*/office/imports/\d+$"), timeout=30_000)
        if count is None:
            page.wait_for_selector(".t-report[data-status='rejected']", state="attached", timeout=60_000)
            assert "<img src=x onerror=" in page.inner_text(".t-report"), "the report quotes the number as typed"
        else:
            page.wait_for_selector(".t-report[data-status='staged']", state="attached", timeout=60_000)
            page.wait_for_selector(f"body[data-staged='{count}']", state="attached", timeout=15_000)
        assert_nothing_ran(page, watch, f"surveyor: {name}")
        urls[name] = page.url
    context.close()
    return urls


# a pixel of the layer's own outline near a map point (a line is 2 px wide: its middle may fall
# between pixels), in page coordinates; the function is the driver's, outside the page's CSP
ON_LAYER = """(l, ll) => {
  const map = teritoriuMap, r = map.getContainer().getBoundingClientRect(), p = map.latLngToContainerPoint(ll);
  const el = l.getElement ? l.getElement() : null;
  for (let d = 0; d <= 4; d++) {
    for (let dx = -d; dx <= d; dx++) {
      for (let dy = -d; dy <= d; dy++) {
        const x = p.x + r.left + dx, y = p.y + r.top + dy;
        if (!el || document.elementFromPoint(x, y) === el) { return {x: x, y: y}; }
      }
    }
  }
  const top = document.elementFromPoint(p.x + r.left, p.y + r.top);
  return {x: p.x + r.left, y: p.y + r.top, missed: true, covered_by: top ? top.outerHTML.slice(0, 300) : null};
}"""


def feature_points(page) -> list[dict]:
    """Every feature the review map drew: a point of it on the screen and the text of its tooltip."""
    return page.evaluate("""() => {
      const onLayer = """ + ON_LAYER + """, out = [];
      teritoriuMap.eachLayer((l) => {
        if (!l.feature || !l.getTooltip || !l.getTooltip()) { return; }
        const at = onLayer(l, l.getCenter ? l.getCenter() : l.getLatLng());
        out.push({x: at.x, y: at.y, key: l.feature.properties.key, change: l.feature.properties.change});
      });
      return out;
    }""")


def test_the_officer_hovers_and_clicks_every_staged_feature_and_nothing_runs(browser, live_server, staged, artifacts):
    context, page, watch = new_page(browser)
    browser_sign_in(page, live_server, "x.officer", PASSWORD)
    assert_nothing_ran(page, watch, "office desk")
    page.goto(live_server + "/office/imports")
    assert "strazi_img_src_x" in page.inner_text("body")  # the upload's file name, made safe by the server
    assert_nothing_ran(page, watch, "imports list")
    page.goto(live_server + "/office/audit?table=streets.street&changes=1")  # the renamed street's old and new name
    assert_nothing_ran(page, watch, "audit trail")
    seen = set()
    for name in ("streets", "parcels", "addresses", "refused"):
        page.goto(staged[name])
        if name == "refused":
            assert "<img src=x onerror=" in page.inner_text(".t-report")
            assert_nothing_ran(page, watch, "refused import's report")
            continue
        page.wait_for_selector("body[data-staged]", state="attached", timeout=15_000)
        points = feature_points(page)
        assert len(points) == int(page.get_attribute("body", "data-staged"))
        for f in points:
            page.mouse.move(f["x"], f["y"])
            tip = page.locator(".leaflet-tooltip").filter(has_text=f["key"])
            tip.wait_for(state="visible")
            assert tip.inner_text() == f"{f['key']} ({f['change']})"
            page.mouse.click(f["x"], f["y"])
            seen.add(f["key"])
            page.mouse.move(1, 1)
            tip.wait_for(state="hidden")
        page.screenshot(path=str(artifacts / f"stored-script-review-{name}.png"))
        assert_nothing_ran(page, watch, f"review of {name}")
    # a street's key names its locality too ("Strada …, Poienița": the same name in two villages is two streets)
    expected = {f"Strada {IMG}", f'Strada {SCRIPT}', "777951", "777952", f"{STREET} 7", f"{STREET} 9"}
    assert all(any(key == e or key.startswith(e + ", ") for key in seen) for e in expected), seen
    context.close()


def test_the_office_map_tools_show_hostile_records_as_text(browser, live_server, people, hostile_records, artifacts):
    row = hostile_records
    context, page, watch = new_page(browser)
    browser_sign_in(page, live_server, "x.officer", PASSWORD)
    page.goto(live_server + "/office/map", wait_until="networkidle")
    page.evaluate(f"teritoriuMap.setView([{row['lat']}, {row['lon']}], 19, {{animate: false}})")
    page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached")
    page.mouse.click(*map_point_on_screen(page, row["lat"], row["lon"]))
    page.wait_for_selector(f"#t-parcel-title:has-text('{row['cadastral_number']}')")
    assert BOOK in page.inner_text("#t-parcel-facts")
    page.click("#act-history")
    page.wait_for_selector("#t-parcel-extra table")
    page.click("#act-fiscal")
    page.wait_for_selector("#t-parcel-extra h3:has-text('Date fiscale')")
    assert TAXPAYER in page.inner_text("#t-parcel-extra")
    page.click("#act-propose")
    page.wait_for_selector("[data-proposal]")
    assert STREET in page.inner_text("[data-proposal]")
    assert_nothing_ran(page, watch, "office map: parcel, history, fiscal, proposal")
    page.click("#p-add")  # the proposal's address point: a click places it, then the form lists the streets
    page.mouse.click(*map_point_on_screen(page, row["lat"], row["lon"]))
    page.wait_for_selector("#t-sec-address:not([hidden])")
    assert page.locator("#a-street option").filter(has_text=STREET).count() == 1
    page.screenshot(path=str(artifacts / "stored-script-office-address.png"))
    page.click("#a-cancel")
    page.click("[data-tool=check]")
    page.wait_for_selector("[data-checked]", timeout=60_000)
    page.click("[data-tool=discrepancies]")
    page.wait_for_selector("[data-discrepancies]", timeout=60_000)
    rows = page.locator("#r-table tr[data-row]")
    for i in range(min(rows.count(), 5)):  # each row moves the map to its place
        rows.nth(i).click()
    page.screenshot(path=str(artifacts / "stored-script-office-discrepancies.png"))
    assert_nothing_ran(page, watch, "office map: address form, check, discrepancies")
    context.close()


@pytest.mark.parametrize("lang", ["ro", "en", "hu"])
def test_the_public_map_shows_hostile_names_as_text(browser, live_server, hostile_records, artifacts, lang):
    row = hostile_records
    context, page, watch = new_page(browser)
    page.goto(f"{live_server}/?lang={lang}&parcel={row['cadastral_number']}", wait_until="networkidle")
    page.wait_for_selector(f"body[data-parcel-shown='{row['cadastral_number']}']", state="attached", timeout=30_000)
    assert BOOK in page.inner_text("#t-panel-body") and STREET in page.inner_text("#t-panel-body")
    page.click("#t-panel-close")
    page.evaluate(f"teritoriuMap.setView([{row['street_lat']}, {row['street_lon']}], 18, {{animate: false}})")
    page.wait_for_selector(".leaflet-container[data-map-idle]", state="attached", timeout=30_000)
    labels = page.locator(".t-label-streets").filter(has_text=STREET)
    assert labels.count() >= 1, "the street's label is its name as typed"
    at = page.evaluate("""([lat, lon]) => {
      const onLayer = """ + ON_LAYER + """;
      let street = null;  // the streets overlay's line (the labels' tooltips are permanent)
      teritoriuMap.eachLayer((l) => {
        const tip = l.feature && l.getTooltip && l.getTooltip();
        if (tip && !tip.options.permanent && (l.feature.properties.full_name || "").includes("Morii <img")) {
          street = l;
        }
      });
      return onLayer(street, L.latLng(lat, lon));
    }""", [row["street_lat"], row["street_lon"]])
    assert not at.get("missed"), at
    page.mouse.move(at["x"], at["y"] - 6)
    page.mouse.move(at["x"], at["y"], steps=6)  # onto the line from beside it
    page.locator(".leaflet-tooltip:not(.t-label)").filter(has_text=STREET).wait_for(state="visible")
    page.screenshot(path=str(artifacts / f"stored-script-public-{lang}.png"))
    assert_nothing_ran(page, watch, f"public map ({lang})")
    context.close()


def test_every_page_refuses_scripts_without_the_nonce(browser, live_server, people, staged, hostile_records):
    """The pages not walked above: login, request form and status, verification."""
    context, page, watch = new_page(browser)
    page.goto(live_server + "/office/login")
    assert_nothing_ran(page, watch, "login")
    page.goto(f"{live_server}/cereri/noua?parcela={hostile_records['cadastral_number']}&tip=urbanism")
    assert_nothing_ran(page, watch, "request form")
    page.fill("#applicant_name", f"Ana {IMG}")
    page.fill("#purpose", f"construire {SCRIPT}")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/cereri/\d+\?.*token="))
    assert SCRIPT in page.inner_text("main")
    assert_nothing_ran(page, watch, "request status")
    page.goto(live_server + "/verify/TERITORIU-NU-EXISTA")
    watch.console_errors[:] = [m for m in watch.console_errors if "404" not in m]  # the page's own status
    assert_nothing_ran(page, watch, "verify")
    context.close()


def test_pygeoapi_pages_run_their_own_scripts_with_the_nonce(browser, live_server, hostile_records):
    """/ogc's HTML pages: pygeoapi's scripts carry the request's nonce (api/__init__.py), the data it
    writes into the page (a street named with markup) stays text, and nothing else runs."""
    import requests

    r = requests.get(f"{live_server}/ogc/collections/streets/items?f=html&limit=1000", timeout=60)
    csp = r.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    tags = re.findall(r"<script\b[^>]*>", r.text)
    assert tags and all(f'nonce="{nonce}"' in t for t in tags)
    assert "<img src=x" not in r.text and "<svg onload" not in r.text
    # the JSON gives the name as typed (pygeoapi wrote &lt; and &gt; there: layers/pygeoapi_speedups.py)
    streets = requests.get(f"{live_server}/ogc/collections/streets/items?f=json&limit=1000", timeout=60).json()
    assert f"Strada {STREET}" in {f["properties"]["full_name"] for f in streets["features"]}
    context, page, watch = new_page(browser)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())  # no CDN here
    page.goto(f"{live_server}/ogc/collections/streets/items?f=html&limit=1000")
    assert page.evaluate("window.__pwned") is None and page.title() != PWNED
    refused = [v for v in page.evaluate("window.__csp") if v.startswith("script-src")]
    assert refused == [], refused
    context.close()
