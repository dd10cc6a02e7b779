"""The HTTP surface of /ogc as clients read it (issue 16, items 7, 10, 12): GeoJSON's media type,
parameters refused with an OGC exception that says what is accepted, links that say where a page
is, tile revalidation and Vary, the GeoPackage download as GDAL 3.6 reads it, and pygeoapi's HTML
pages under the app's CSP with nothing from another origin. Real HTTP (live_server) throughout."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import text

from layers.orthophoto import lon_lat_to_tile

ITEMS = "/ogc/collections/parcels/items"
GEOJSON = "application/geo+json"


@pytest.fixture(scope="module")
def parcel_count(engine) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM public_api.parcel")).scalar_one()


def get(base: str, path: str, **kwargs) -> requests.Response:
    return requests.get(base + path, timeout=30, **kwargs)


# -- media type ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query,headers", [
    ("?f=json&limit=2", {}),
    ("?limit=2", {}),
    ("?limit=2", {"Accept": GEOJSON}),
    ("?limit=2", {"Accept": "application/geo+json, application/json;q=0.9"}),
])
def test_items_are_sent_as_geojson(live_server, query, headers):
    r = get(live_server, ITEMS + query, headers=headers)
    assert r.status_code == 200 and r.headers["Content-Type"] == GEOJSON
    body = r.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 2


def test_one_item_is_sent_as_geojson_and_errors_stay_ogc_exception_json(live_server):
    first = get(live_server, ITEMS + "?limit=1").json()["features"][0]
    r = get(live_server, f"{ITEMS}/{first['id']}", headers={"Accept": GEOJSON})
    assert r.status_code == 200 and r.headers["Content-Type"] == GEOJSON and r.json()["type"] == "Feature"
    missing = get(live_server, f"{ITEMS}/999999999?f=json")
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("application/json")
    assert set(missing.json()) >= {"code", "description"}


@pytest.mark.parametrize("path,media_type", [
    ("/ogc/?f=json", "application/json"), ("/ogc/collections?f=json", "application/json"),
    ("/ogc/collections/parcels?f=json", "application/json"), ("/ogc/conformance?f=json", "application/json"),
    ("/ogc/collections/parcels/queryables?f=json", "application/schema+json"),  # Features Part 3
])
def test_json_documents_keep_their_own_type(live_server, path, media_type):
    r = get(live_server, path)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == media_type


def test_every_link_to_items_announces_geojson_and_gets_it(live_server):
    """The links of the landing page, the collections, a collection, a page and an item that lead to
    GeoJSON (items or an item, f=json or no f) say application/geo+json, and following them gives it."""
    docs = ["/ogc/?f=json", "/ogc/collections?f=json", "/ogc/collections/parcels?f=json", ITEMS + "?limit=2"]
    first = get(live_server, ITEMS + "?limit=1").json()["features"][0]
    docs.append(f"{ITEMS}/{first['id']}?f=json")
    to_geojson = []
    for doc in docs:
        body = get(live_server, doc).json()
        links = body.get("links", []) + [link for c in body.get("collections", []) for link in c.get("links", [])]
        for link in links:
            parts = urlsplit(link["href"])
            is_items = parts.path.rstrip("/").endswith("/items") or "/items/" in parts.path
            if is_items and parse_qs(parts.query).get("f", ["json"]) == ["json"] and "tiles" not in parts.path:
                to_geojson.append((doc, link))
    assert len(to_geojson) >= 10
    assert [(doc, link["href"]) for doc, link in to_geojson if link.get("type") != GEOJSON] == []
    href = next(link["href"] for doc, link in to_geojson if link["rel"] == "next")
    assert requests.get(href, timeout=30).headers["Content-Type"] == GEOJSON


# -- parameters refused --------------------------------------------------------------------------

@pytest.mark.parametrize("query,named,accepted", [
    ("datetime=garbage", "datetime", "RFC 3339"),
    ("datetime=2024-13-45", "datetime", "RFC 3339"),
    ("datetime=2024-02-30T10:00:00Z", "datetime", "RFC 3339"),
    ("datetime=2024-05-01T10:00:00", "datetime", "RFC 3339"),  # no offset: not RFC 3339
    ("datetime=2024-12-31/2024-01-01", "datetime", "2024-12-31/2024-01-01"),
    ("datetime=../..", "datetime", ".."),
    ("skipGeometry=maybe", "skipGeometry", "true or false"),
    ("limit=0", "limit", "from 1 to 10000"),
    ("limit=-5", "limit", "from 1 to 10000"),
    ("limit=2.5", "limit", "from 1 to 10000"),
    ("limit=10001", "limit", "from 1 to 10000"),
    ("offset=-1", "offset", "0 or more"),
    ("offset=abc", "offset", "0 or more"),
    ("offset=1e3", "offset", "0 or more"),
])
def test_invalid_parameters_are_a_400_naming_the_parameter_and_what_is_accepted(live_server, query, named, accepted):
    r = get(live_server, f"{ITEMS}?{query}&lang=en")
    assert r.status_code == 400, (query, r.status_code)
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["code"] == body["type"] == "InvalidParameterValue"
    assert body["description"].startswith(named) or f" {named} " in body["description"], body
    assert accepted in body["description"], body


def test_the_message_is_romanian_first(live_server):
    r = get(live_server, f"{ITEMS}?skipGeometry=maybe")
    assert r.status_code == 400 and r.json()["description"] == "skipGeometry acceptă true sau false, nu maybe"


@pytest.mark.parametrize("datetime_", ["2024-05-01T12:00:00Z", "2024-05-01", "2024-05-01T12:00:00.25+03:00",
                                       "2024-01-01T00:00:00Z/..", "../2024-12-31", "2024-01-01/2024-12-31",
                                       "/2024-12-31", "2024-01-01T00:00:00Z/"])
def test_rfc3339_instants_and_intervals_are_accepted(live_server, datetime_):
    r = get(live_server, ITEMS, params={"datetime": datetime_, "limit": 1})
    assert r.status_code == 200, (datetime_, r.text[:300])
    assert r.headers["Content-Type"] == GEOJSON


def test_valid_paging_and_skip_geometry_are_accepted(live_server):
    r = get(live_server, f"{ITEMS}?limit=10000&offset=0&skipGeometry=true")
    assert r.status_code == 200
    features = r.json()["features"]
    assert len(features) > 0 and all(f.get("geometry") is None for f in features)


# -- links ---------------------------------------------------------------------------------------

def _links(body: dict) -> dict[str, dict]:
    return {link["rel"] if link["rel"] != "alternate" else link["type"]: link for link in body["links"]}


def test_self_keeps_offset_and_every_parameter_and_next_prev_walk_the_pages(live_server):
    query = "f=json&limit=5&offset=10&skipGeometry=true&sortby=cadastral_number"
    r = get(live_server, f"{ITEMS}?{query}")
    links = _links(r.json())
    sent = parse_qs(query)
    for rel in ("self", "text/html", "application/ld+json"):
        assert parse_qs(urlsplit(links[rel]["href"]).query) == {**sent, "f": [{"self": "json", "text/html": "html",
                                                                   "application/ld+json": "jsonld"}[rel]]}, rel
    assert parse_qs(urlsplit(links["next"]["href"]).query) == {**sent, "offset": ["15"]}
    assert parse_qs(urlsplit(links["prev"]["href"]).query) == {**sent, "offset": ["5"]}
    assert links["next"]["type"] == links["prev"]["type"] == GEOJSON
    # following the links gives the neighbouring pages of the same listing
    ids = [f["id"] for f in get(live_server, f"{ITEMS}?f=json&limit=20&offset=5&sortby=cadastral_number")
           .json()["features"]]
    assert [f["id"] for f in requests.get(links["prev"]["href"], timeout=30).json()["features"]] == ids[:5]
    assert [f["id"] for f in requests.get(links["self"]["href"], timeout=30).json()["features"]] == ids[5:10]
    assert [f["id"] for f in requests.get(links["next"]["href"], timeout=30).json()["features"]] == ids[10:15]


def test_self_repeats_uat_as_sent_not_as_rewritten(live_server, engine):
    with engine.connect() as c:
        siruta = c.execute(text("SELECT min(uat_siruta) FROM public_api.parcel")).scalar_one()
    body = get(live_server, f"{ITEMS}?uat={siruta}&limit=3&offset=3").json()
    assert len(body["features"]) == 3
    links = _links(body)
    assert parse_qs(urlsplit(links["self"]["href"]).query) == {"f": ["json"], "uat": [str(siruta)], "limit": ["3"],
                                                               "offset": ["3"]}
    assert parse_qs(urlsplit(links["next"]["href"]).query)["uat"] == [str(siruta)]


def test_the_first_page_has_no_prev_and_the_last_page_no_next(live_server, parcel_count):
    first = _links(get(live_server, f"{ITEMS}?limit=7").json())
    assert "prev" not in first and "next" in first
    last_offset = parcel_count - parcel_count % 7 if parcel_count % 7 else parcel_count - 7
    last = get(live_server, f"{ITEMS}?limit=7&offset={last_offset}").json()
    assert 0 < len(last["features"]) <= 7
    links = _links(last)
    assert "prev" in links and "next" not in links


def test_an_html_page_links_its_neighbours_as_html(live_server):
    r = get(live_server, f"{ITEMS}?f=json&limit=3&offset=3")
    html = get(live_server, f"{ITEMS}?f=html&limit=3&offset=3")
    assert html.status_code == 200
    self_html = _links(r.json())["text/html"]["href"]
    assert "offset=3" in self_html
    assert "/ogc/collections/parcels/items?f=html&amp;limit=3&amp;offset=6" in html.text  # next
    assert "/ogc/collections/parcels/items?f=html&amp;limit=3&amp;offset=0" in html.text  # prev


# -- tiles ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tile_url(engine) -> str:
    with engine.connect() as c:
        lon, lat = c.execute(text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
            "FROM public_api.parcel WHERE intravilan ORDER BY cadastral_number LIMIT 1) s")).one()
    x, y = lon_lat_to_tile(lon, lat, 16)
    return f"/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}"


def test_if_none_match_star_on_a_tile_that_exists_is_a_304(live_server, tile_url):
    plain = get(live_server, tile_url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and len(plain.content) > 0
    r = get(live_server, tile_url, headers={"If-None-Match": "*"})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["ETag"].strip('"').startswith(plain.headers["ETag"].strip('"').removesuffix("-gz"))


def test_tiles_vary_on_accept_encoding_compressed_or_not(live_server, tile_url):
    plain = get(live_server, tile_url, headers={"Accept-Encoding": "identity"})
    gzipped = get(live_server, tile_url, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and gzipped.headers["Content-Encoding"] == "gzip"
    for r in (plain, gzipped):
        assert r.status_code == 200 and "Accept-Encoding" in r.headers["Vary"]
    assert gzipped.content == plain.content  # requests decompressed it: the same tile


def test_an_uncompressed_geojson_page_varies_on_accept_encoding(live_server):
    r = get(live_server, f"{ITEMS}?limit=50", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers and len(r.content) > 1024
    assert "Accept-Encoding" in r.headers["Vary"]


# -- GeoPackage download --------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin is installed by make setup")
@pytest.mark.parametrize("collection", ["parcels", "zones"])
def test_the_geopackage_download_is_read_by_gdal_without_a_word_on_stderr(live_server, tmp_path, collection,
                                                                           engine):
    r = get(live_server, f"/api/export/{collection}.gpkg")
    assert r.status_code == 200
    path = tmp_path / f"{collection}.gpkg"
    path.write_bytes(r.content)
    run = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    table = {"parcels": "parcel", "zones": "zone"}[collection]
    with engine.connect() as c:
        n = c.execute(text(f"SELECT count(*) FROM public_api.{table}")).scalar_one()
    assert f"Feature Count: {n}" in run.stdout and n > 0
    with sqlite3.connect(path) as db:  # GeoPackage 1.3 (1.4 is what GDAL 3.6 warns about)
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10300


# -- pygeoapi's HTML pages -------------------------------------------------------------------------

HTML_PAGES = ["/ogc/?f=html", "/ogc/collections?f=html", "/ogc/collections/parcels?f=html",
              "/ogc/collections/parcels/items?f=html&limit=5", "/ogc/conformance?f=html",
              "/ogc/collections/parcels/queryables?f=html",
              "/ogc/openapi?f=html", "/ogc/openapi?f=html&ui=redoc"]
ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", re.I)


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}


@pytest.mark.parametrize("path", HTML_PAGES)
def test_html_pages_load_only_same_origin_assets_under_a_nonce_csp(live_server, path):
    r = get(live_server, path)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    csp = _csp(r)
    for directive in ("script-src", "style-src", "img-src", "font-src", "default-src", "connect-src"):
        assert not [s for s in csp.get(directive, []) if s.startswith(("https:", "http:", "*"))], (directive, csp)
    nonce = next(s for s in csp["script-src"] if s.startswith("'nonce-")).removeprefix("'nonce-").rstrip("'")
    scripts = re.findall(r"<script\b[^>]*>", r.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assets = ASSET.findall(r.text)
    external = [a for a in assets if a.startswith(("http:", "https:", "//")) and not a.startswith(live_server)
                and not a.startswith("http://www.opengis.net/")]  # rel="..." links to definitions, not loaded
    loaded = [a for a in assets if "/static/" in a]
    assert external == [] and loaded, (external, assets)
    for asset in loaded:  # every one of them is served here
        assert requests.get(asset if asset.startswith("http") else live_server + asset, timeout=30).status_code == 200


@pytest.mark.parametrize("path,title", [
    ("/ogc/collections/parcels/items?f=html&limit=2", "Parcele (imobile) · "),
    ("/ogc/collections/parcels?f=html", "Parcele (imobile) · "),
    ("/ogc/?f=html", "Home · "),
])
def test_html_pages_have_a_direction_and_a_title(live_server, path, title):
    r = get(live_server, path)
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    text_ = r.text
    assert re.search(r'<html lang="ro" dir="ltr">', text_)
    assert "text_direction" not in text_
    found = re.search(r"<title>(.*?)</title>", text_, re.S).group(1)
    assert found.startswith(title) and found.endswith("Teritoriu: date spațiale ale primăriei"), found


# a document-start script (the driver's, outside the page's CSP): every CSP violation is kept
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.effectiveDirective + " " + (e.blockedURI || "inline"));
}, true);
"""
# what each page shows once its scripts ran (Leaflet's map, Swagger UI's title)
DRAWN = {"/ogc/collections/parcels/items?f=html&limit=5": ".leaflet-container .leaflet-interactive",
         "/ogc/collections/parcels?f=html": ".leaflet-container .leaflet-interactive",
         "/ogc/openapi?f=html": ".swagger-ui .info .title",
         "/ogc/openapi?f=html&ui=redoc": ".swagger-ui .info .title"}


@pytest.mark.e2e
def test_chromium_loads_the_html_pages_with_no_csp_violation_and_nothing_from_elsewhere(browser, live_server,
                                                                                       artifacts):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.add_init_script(RECORD_VIOLATIONS)
    requested: list[str] = []
    context.on("request", lambda req: requested.append(req.url))
    first_item = get(live_server, ITEMS + "?limit=1").json()["features"][0]["id"]
    pages = HTML_PAGES + [f"{ITEMS}/{first_item}?f=html"]
    DRAWN[f"{ITEMS}/{first_item}?f=html"] = ".leaflet-container .leaflet-interactive"
    try:
        for path in pages:
            page = context.new_page()
            errors: list[str] = []
            # the basemap is the UAT's orthophoto: a tile beyond it is a 404 (api/orthophoto.py), which Chromium logs
            page.on("console", lambda m, errors=errors: m.type == "error" and "/api/tiles/orthophoto/" not in
                    m.location.get("url", "") and errors.append(f"{m.text} {m.location.get('url')}"))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(live_server + path, wait_until="networkidle")
            if path in DRAWN:
                page.wait_for_selector(DRAWN[path], state="attached", timeout=15000)
            assert page.evaluate("window.__csp") == [], (path, page.evaluate("window.__csp"))
            assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == [], (path, errors)
            assert errors == [], (path, errors)
            if path == "/ogc/collections/parcels/items?f=html&limit=5":
                page.screenshot(path=str(artifacts / "ogc-items-page.png"))
            page.close()
    finally:
        context.close()
    elsewhere = [u for u in requested if not u.startswith(live_server) and not u.startswith("data:")]
    assert len(requested) > len(pages) and elsewhere == [], elsewhere


@pytest.mark.parametrize("matched,has_next", [(40, False), (41, True)])
def test_next_stops_where_number_matched_says_the_listing_ends(app, matched, has_next):
    """pygeoapi adds a `next` to a full page even when numberMatched says nothing follows. No collection
    sends numberMatched yet (another branch adds it), so the page is built here as pygeoapi hands it over."""
    from flask import g

    from api.items_answers import _rebuild_links
    from api.items_params import ItemsPage

    with app.test_request_context(f"{ITEMS}?f=json&limit=20&offset=20"):
        g.items_page = ItemsPage(offset=20, limit=20, query=(("f", "json"), ("limit", "20"), ("offset", "20")))
        page = {"type": "FeatureCollection", "features": [{"type": "Feature"}] * 20, "numberMatched": matched,
                "links": [{"rel": "self", "type": GEOJSON, "href": f"http://localhost{ITEMS}?f=json&limit=20"}]}
        _rebuild_links(page)
    links = _links(page)
    assert links["self"]["href"] == f"http://localhost{ITEMS}?f=json&limit=20&offset=20"
    assert links["prev"]["href"].endswith("offset=0")
    assert ("next" in links) is has_next


def test_the_page_copies_differ_from_the_installed_pygeoapi_only_where_marked():
    """webmap/templates/pygeoapi holds copies of pygeoapi's pages: after a pygeoapi upgrade, a copy that no
    longer matches its original outside the marked changes (vendored assets, dir, title) is stale."""
    import difflib
    from pathlib import Path

    import pygeoapi

    from api.ogc_pages import OWN_TEMPLATES

    original_dir = Path(pygeoapi.__file__).parent / "templates"
    copies = [p for p in OWN_TEMPLATES.rglob("*.html") if p.name != "redoc.html"]
    assert len(copies) == 5
    removed_ok = ("unpkg.com", "cdnjs", "[endif]", "[if lt IE", "text_direction", "self.title()")
    added_ok = ("/static/vendor/", "page_title", "site_title", "dir=", "{% block title %}")
    for copy in copies:
        original = _without_comments((original_dir / copy.relative_to(OWN_TEMPLATES)).read_text())
        ours = _without_comments(copy.read_text())
        changed = [line for line in difflib.unified_diff(original, ours, lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        unexplained = [line for line in changed if line.strip("+- ") and not any(
            m in line for m in (removed_ok if line[0] == "-" else added_ok))]
        assert changed and unexplained == [], (copy.name, unexplained)


def _without_comments(template: str) -> list[str]:
    return re.sub(r"\{#.*?#\}", "", template, flags=re.S).splitlines()
