"""No personal datum on the public surface: a crawler walks every public page and endpoint (HTML,
JSON, vector tiles decoded, CSV and GeoPackage downloads, styles, the OpenAPI documents, and the
links it finds in them) and fails on any taxpayer name, CNP/CUI, tax amount or applicant name of
the samples, plus a canary planted for the purpose (an owner with a distinctive name, CNP, tax
amount and a certificate request) so that the test bites even where the samples are shy."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import deque
from urllib.parse import urlsplit

import mapbox_vector_tile
import pytest
from sqlalchemy import text

from gis.certificates.workflow import file_request, issue_request, send_to_review
from gis.db import session_scope
from layers.orthophoto import lon_lat_to_tile
from layers.registry import load_layers

CANARY = {"name": "Zamfira Canarescu-Țuțuianu", "cnp": "2850315054329", "amount": "7391.57",
          "applicant": "Ionel Canarescu-Bârsan", "email": "ionel.canarescu@example.ro"}
PUBLIC = sorted(lid for lid, layer in load_layers().items() if layer.is_public)
TILED = ["parcels", "buildings", "streets", "address_points", "zones"]
LIMIT = 1500  # pages the crawler may visit


@pytest.fixture(scope="module")
def canary(loaded, engine):
    """A taxpayer owning a parcel (assessment, agricultural plot) and a certificate request for
    that parcel, issued; removed again afterwards (the issued document stays, as in life)."""
    with engine.connect() as c:
        parcel = c.execute(text("SELECT id, cadastral_number, uat_siruta,"
                                " ST_X(ST_Transform(ST_PointOnSurface(geom), 4326)),"
                                " ST_Y(ST_Transform(ST_PointOnSurface(geom), 4326)) FROM cadastre.parcel"
                                " WHERE valid_to IS NULL AND intravilan ORDER BY id LIMIT 1")).one()
    with session_scope(loaded, actor="test") as s:
        taxpayer = s.execute(text(
            "INSERT INTO fiscal.taxpayer (uat_siruta, code, kind, name, id_code, address, tax_account)"
            " VALUES (:u, 'CANAR-1', 'PF', :n, :cnp, 'Str. Secretă 99', 'R-CANAR') RETURNING id"),
            {"u": parcel.uat_siruta, "n": CANARY["name"], "cnp": CANARY["cnp"]}).scalar_one()
        s.execute(text(
            "INSERT INTO fiscal.tax_assessment (uat_siruta, year, taxpayer_id, parcel_id, object_kind, area, amount)"
            " VALUES (:u, 2026, :t, :p, 'land', 500, :a)"),
            {"u": parcel.uat_siruta, "t": taxpayer, "p": parcel.id, "a": CANARY["amount"]})
        s.execute(text(
            "INSERT INTO agri.plot (uat_siruta, code, year, holder_id, use_category, declared_area, parcel_id,"
            " cadastral_number) VALUES (:u, 'CANAR-P1', 2026, :t, 'A', 500, :p, :nr)"),
            {"u": parcel.uat_siruta, "t": taxpayer, "p": parcel.id, "nr": parcel.cadastral_number})
    request = file_request(loaded, "urbanism", [parcel.cadastral_number], "construire casă", CANARY["applicant"],
                           "public:test", email=CANARY["email"])
    send_to_review(loaded, request.id, "test")
    issued, _ = issue_request(loaded, request.id, "test", unpaid_confirmed=True)
    yield {"parcel": parcel, "code": issued.verification_code}
    with session_scope(loaded, actor="test") as s:
        s.execute(text("DELETE FROM agri.plot WHERE code = 'CANAR-P1'"))
        s.execute(text("DELETE FROM fiscal.tax_assessment WHERE taxpayer_id = :t"), {"t": taxpayer})
        s.execute(text("DELETE FROM fiscal.taxpayer WHERE id = :t"), {"t": taxpayer})


@pytest.fixture(scope="module")
def personal(engine, canary) -> dict[str, str]:
    """Every personal datum of the database, each with what it is. A datum that also occurs in the
    public views (an amount equal to an area, a CUI equal to a cadastral number, a street named
    after a person) proves nothing and is left out; the canary's are distinctive."""
    with engine.connect() as c:
        data = {}
        for name, code, kind in c.execute(text("SELECT name, id_code, kind FROM fiscal.taxpayer")):
            data[name] = "taxpayer name"
            if kind == "PF" or len(code) >= 8:
                data[code] = "CNP/CUI"
        for (amount,) in c.execute(text("SELECT DISTINCT amount::text FROM fiscal.tax_assessment WHERE amount >= 100"
                                        " AND amount::text !~ '\\.00$'")):
            data[amount] = "tax amount"
        for name, email in c.execute(text("SELECT applicant_name, applicant_email FROM registry.request")):
            if len(name.split()) >= 2:
                data[name] = "applicant name"
            if email:
                data[email] = "applicant e-mail"
        views = [v for (v,) in c.execute(text(
            "SELECT table_name FROM information_schema.views WHERE table_schema = 'public_api'"))]
        public = "\n".join(c.execute(text(f"SELECT string_agg((to_jsonb(t) - 'geom')::text, E'\\n') "
                                           f"FROM public_api.{v} t")).scalar() or ""
                           for v in views)
    assert CANARY["amount"] not in public and CANARY["name"] not in public
    return {datum: what for datum, what in data.items() if datum not in public and len(datum) >= 5}


NUMBER = re.compile(r"(?<![\d.])\d[\d.]*(?<=\d)(?![\d])")


def found(body: str, personal: dict[str, str]) -> dict[str, str]:
    """The personal data a body shows. Numbers count whole (an amount 105.30 inside a coordinate
    605105.301 is no leak; JSON may write it 105.3); names by their words first, for speed."""
    numbers = set(NUMBER.findall(body))
    numbers |= {n.rstrip("0").rstrip(".") for n in numbers if "." in n}
    words = set(re.findall(r"\w+", body))
    hits = {}
    for datum, what in personal.items():
        if datum[0].isdigit():
            if datum in numbers or ("." in datum and datum.rstrip("0").rstrip(".") in numbers):
                hits[datum] = what
        elif all(w in words for w in re.findall(r"\w+", datum)) and datum in body:
            hits[datum] = what
    return hits


def seeds(canary) -> list[str]:
    parcel = canary["parcel"]
    urls = ["/", "/?lang=en", "/?lang=hu", f"/?parcel={parcel.cadastral_number}", "/cereri/noua",
            f"/verify/{canary['code']}", "/api/openapi.json", "/api/health", "/ogc/", "/ogc/?f=html",
            "/ogc/openapi?f=json", "/ogc/collections", "/ogc/collections?f=html", "/ogc/conformance",
            f"/api/parcels/{parcel.cadastral_number}", f"/api/parcels/at?lon={parcel[3]}&lat={parcel[4]}",
            f"/api/search?q={parcel.cadastral_number}"]
    for cid in PUBLIC:
        urls += [f"/ogc/collections/{cid}", f"/ogc/collections/{cid}/queryables",
                 f"/ogc/collections/{cid}/items?limit=10000", f"/ogc/collections/{cid}/items?f=html&limit=50",
                 f"/ogc/collections/{cid}/items?limit=10000&crs=http://www.opengis.net/def/crs/EPSG/0/3844",
                 f"/api/export/{cid}.csv", f"/api/export/{cid}.gpkg", f"/api/styles/{cid}.sld",
                 f"/api/styles/{cid}.qml"]
    for cid in TILED:
        for z in (13, 15, 17):
            x, y = lon_lat_to_tile(parcel[3], parcel[4], z)
            urls.append(f"/ogc/collections/{cid}/tiles/WebMercatorQuad/{z}/{y}/{x}")
    return urls


def readable(response, tmp_path) -> str:
    """The response as text a person could read: tiles decoded, GeoPackages opened."""
    kind = response.mimetype
    if kind == "application/vnd.mapbox-vector-tile":
        return json.dumps(mapbox_vector_tile.decode(response.data), ensure_ascii=False, default=str)
    if kind == "application/geopackage+sqlite3":
        path = tmp_path / "crawl.gpkg"
        path.write_bytes(response.data)
        with sqlite3.connect(path) as db:
            tables = [t for (t,) in db.execute("SELECT table_name FROM gpkg_contents")]
            return "\n".join(repr(row) for t in tables for row in db.execute(f'SELECT * FROM "{t}"'))
    if kind in ("image/png", "application/pdf") or kind.startswith("image/"):
        return ""
    return response.get_data(as_text=True)


def links(body: str, kind: str) -> list[str]:
    if kind == "text/html":
        return re.findall(r'(?:href|src)="([^"#]+)', body)
    if "json" in kind:
        return re.findall(r'"href":\s*"([^"]+)"', body)
    return []


def local(url: str, base: str) -> str | None:
    """The path and query of a same-origin, public link (never staff pages, never logout)."""
    parts = urlsplit(url.replace("&amp;", "&"))
    if parts.netloc and parts.netloc != base:
        return None
    path = parts.path if parts.path.startswith("/") else None
    if path is None or path.startswith(("/office", "/api/office", "/api/imports", "/static")):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.slow
def test_no_public_page_or_endpoint_shows_personal_data(client, live_server, canary, personal, tmp_path):
    base = urlsplit(live_server).netloc
    assert {CANARY["name"], CANARY["cnp"], CANARY["amount"], CANARY["applicant"]} <= set(personal)
    queue, seen, leaks = deque(seeds(canary)), set(), []
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url, headers={"Accept-Encoding": "identity"},
                       environ_base={"REMOTE_ADDR": f"10.79.{len(seen) // 200}.{len(seen) % 200 + 1}"})
        assert r.status_code < 500, (url, r.status_code)
        body = readable(r, tmp_path)
        leaks += [f"{what} {datum!r} in {url}" for datum, what in found(body, personal).items()]
        for link in links(body, r.mimetype):
            target = local(link, base)
            if target and target not in seen and "offset=" not in target:
                queue.append(target)
    assert not leaks, "\n".join(leaks[:30])
    kinds = {u.split("?")[0].rsplit(".", 1)[-1] for u in seen}
    assert {"csv", "gpkg", "sld", "qml"} <= kinds and len(seen) > 150, len(seen)


@pytest.mark.parametrize("field", ["name", "cnp", "amount", "applicant"])
def test_searching_or_filtering_by_a_personal_datum_finds_nothing(client, canary, field):
    """A citizen cannot find a parcel by its owner: not in the search box, not through a filter."""
    value = CANARY[field]
    hits = client.get("/api/search", query_string={"q": value}).get_json()["results"]
    assert not any(value in json.dumps(hit, ensure_ascii=False) for hit in hits)
    for column in ("name", "owner", "taxpayer", "id_code", "amount", "applicant_name"):
        r = client.get(f"/ogc/collections/parcels/items?{column}={value}")
        assert r.status_code == 400, (column, r.status_code)
        r = client.get("/ogc/collections/parcels/items", query_string={"filter": f"{column}='{value}'"})
        assert r.status_code == 400 and value not in r.get_data(as_text=True), (column, r.status_code)


def test_staff_do_see_the_canary_so_the_detector_is_not_blind(staff_client, canary, personal):
    """The fiscal view of the same parcel, signed in as an officer, shows the owner: the data
    the crawler looks for is really there and really recognised."""
    client, _ = staff_client("officer", username="pc.officer")
    body = client.get(f"/api/office/parcels/{canary['parcel'].id}/fiscal").get_data(as_text=True)
    assert {"taxpayer name", "CNP/CUI", "tax amount"} <= set(found(body, personal).values()), body[:300]
