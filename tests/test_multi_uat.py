"""Many UATs in one deployment: a second commune (added with `teritoriu uat add`'s function) has
a parcel with the same cadastral number as one of the sample commune; the two stay apart in every
API, download and certificate; staff scoped to one UAT read and edit only it (403 elsewhere),
a county administrator reaches both; the public map exists per UAT and lists them all."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from sqlalchemy import text

from gis.db import session_scope
from gis.uats import add_uat

SAMPLE, OTHER = 926501, 999001
PASSWORD = "parola-multi-uat-1"


@pytest.fixture(scope="module")
def two_uats(loaded, engine, tmp_path_factory, remove_uats, make_user):
    """The second UAT east of the sample: a locality, a PUG zone, a street, an address, and a
    parcel numbered like the sample's first intravilan parcel (with another legal area)."""
    with engine.connect() as c:
        number, sample_id = c.execute(text(
            "SELECT cadastral_number, id FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL AND intravilan"
            " ORDER BY id LIMIT 1"), {"u": SAMPLE}).one()
        x0 = c.execute(text("SELECT ST_XMax(geom) + 500 FROM territory.uat WHERE siruta = :u"), {"u": SAMPLE}).scalar()
        y0 = c.execute(text("SELECT ST_YMin(geom) FROM territory.uat WHERE siruta = :u"), {"u": SAMPLE}).scalar()
    boundary = tmp_path_factory.mktemp("uat") / "granita.geojson"
    ring = [[x0, y0], [x0 + 2000, y0], [x0 + 2000, y0 + 2000], [x0, y0 + 2000], [x0, y0]]
    boundary.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::3844"}}, "features": [{"type": "Feature", "properties": {},
                                                               "geometry": {"type": "Polygon",
                                                                            "coordinates": [ring]}}]}))
    emblem = boundary.parent / "stema.png"
    from PIL import Image

    Image.new("RGB", (37, 43), (200, 30, 30)).save(emblem)  # an odd size, to find it in the PDF
    own_rules = {"emblem": str(emblem), "certificates": {  # this council's own emblem, fee table and mayor
        "fees": {"urbanism": {"2026": {"hcl": "HCL nr. 3/2026 Doi Meri", "brackets": [[1000000, 77]],
                                       "over_1000_lei_per_m2": 0, "rural_factor": 1, "extension_factor": 0.3}}},
        "signatories": {"mayor": "PRIMAR DOI MERI"}}}
    assert add_uat(loaded, OTHER, "Comuna Doi Meri", "Bihor", "comună", boundary, own_rules) == pytest.approx(4.0)
    box = f"ST_Multi(ST_MakeEnvelope({x0 + 100}, {y0 + 100}, {x0 + 1900}, {y0 + 1900}, 3844))"
    parcel = f"ST_Multi(ST_MakeEnvelope({x0 + 1000}, {y0 + 1000}, {x0 + 1030}, {y0 + 1040}, 3844))"
    with session_scope(loaded, actor="test") as s:
        s.execute(text(f"INSERT INTO territory.locality (siruta, uat_siruta, name, rank, is_seat, postal_code, geom)"
                       f" VALUES (999002, :u, 'Doi Meri', 3, true, '417999', {box})"), {"u": OTHER})
        doc = s.execute(text(f"INSERT INTO planning.document (uat_siruta, code, kind, name, hcl_number, hcl_date,"
                             f" valid_from, geom) VALUES (:u, 'PUG-DM', 'PUG', 'PUG Doi Meri', '7/2020', '2020-03-01',"
                             f" '2020-03-01', {box}) RETURNING id"), {"u": OTHER}).scalar()
        s.execute(text(f"INSERT INTO planning.zone (uat_siruta, document_id, code, functional_zone, name, pot_max,"
                       f" cut_max, max_height_m, allowed_uses, geom) VALUES (:u, :d, 'L1', 'L', 'Locuințe Doi Meri',"
                       f" 30, 0.9, 10, ARRAY['locuințe'], {box})"), {"u": OTHER, "d": doc})
        other_id = s.execute(text(
            f"INSERT INTO cadastre.parcel (uat_siruta, locality_siruta, cadastral_number, legal_area, use_category,"
            f" intravilan, geom) VALUES (:u, 999002, :n, 1234, 'CC', true, {parcel}) RETURNING id"),
            {"u": OTHER, "n": number}).scalar()
    make_user("mu.officer", "officer", uats=[OTHER], full_name="Ofițer Doi Meri")
    make_user("mu.county", "admin", full_name="Administrator județ")
    yield {"number": number, "sample_id": sample_id, "other_id": other_id}
    remove_uats([OTHER])  # the rest of the suite expects the sample commune alone


def test_one_number_in_two_uats_is_two_parcels_in_every_public_api(client, two_uats):
    n = two_uats["number"]
    r = client.get(f"/api/parcels/{n}")
    assert r.status_code == 409 and "uat" in r.get_json()["message"]
    sample = client.get(f"/api/parcels/{n}?uat={SAMPLE}").get_json()
    other = client.get(f"/api/parcels/{n}?uat={OTHER}").get_json()
    assert (sample["uat_siruta"], other["uat_siruta"]) == (SAMPLE, OTHER)
    assert other["legal_area"] == 1234 and sample["legal_area"] != 1234
    assert other["zones"][0]["name"] == "Locuințe Doi Meri"
    hits = client.get(f"/api/search?q={n}").get_json()["results"]
    assert {h["uat"] for h in hits if h["cadastral_number"] == n} == {SAMPLE, OTHER}
    only = client.get(f"/api/search?q={n}&uat={OTHER}").get_json()["results"]
    assert [h["uat"] for h in only] == [OTHER]


def test_ogc_collections_and_downloads_filter_by_uat(client, two_uats):
    n = two_uats["number"]
    both = client.get(f"/ogc/collections/parcels/items?f=json&cadastral_number={n}").get_json()
    assert sorted(f["properties"]["uat_siruta"] for f in both["features"]) == [SAMPLE, OTHER]
    one = client.get(f"/ogc/collections/parcels/items?f=json&cadastral_number={n}&uat={OTHER}").get_json()
    assert [f["properties"]["uat_siruta"] for f in one["features"]] == [OTHER]
    cql = client.get("/ogc/collections/parcels/items", query_string={"f": "json", "filter": f"uat_siruta={OTHER}"})
    assert [f["properties"]["cadastral_number"] for f in cql.get_json()["features"]] == [n]
    assert client.get("/ogc/collections/parcels/items?uat=abc").status_code == 400
    csv = client.get(f"/api/export/parcels.csv?uat={OTHER}").get_data(as_text=True).splitlines()
    assert len(csv) == 2 and f",{OTHER}," in csv[1]
    assert client.get("/api/export/parcels.csv?uat=x").status_code == 400


def test_a_certificate_names_its_uat_and_numbers_in_it(client, engine, two_uats):
    n = two_uats["number"]
    body = {"type": "urbanism", "parcels": [n], "purpose": "construire locuință", "applicant_name": "Ana Pop"}
    r = client.post("/api/certificates", json=body, environ_base={"REMOTE_ADDR": "10.88.0.1"})
    assert r.status_code == 400 and "UAT" in r.get_json()["message"]
    r = client.post("/api/certificates", json={**body, "uat": OTHER}, environ_base={"REMOTE_ADDR": "10.88.0.2"})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["registry_number"].startswith("1/") and r.get_json()["uat_siruta"] == OTHER
    assert r.get_json()["fee"] == "77.00"  # the UAT's own fee table, not the deployment's
    pdf = client.get(f"/api/certificates/{r.get_json()['id']}.pdf?token={r.get_json()['token']}").data
    if shutil.which("pdftotext"):
        shown = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                        check=True).stdout.decode().split())  # lines wrap where the text allows
        assert "PRIMAR DOI MERI" in shown and "HCL nr. 3/2026 Doi Meri" in shown
        assert "situat în comuna Doi Meri" in shown  # the UAT named inside the sentence
        images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True).stdout.decode()
        assert re.search(r"\s37\s+43\s", images), images  # the UAT's emblem in the letterhead
    with engine.connect() as c:
        assert c.execute(text("SELECT last_number FROM registry.counter WHERE uat_siruta = :u"),
                         {"u": OTHER}).scalar() == 1


def test_staff_of_one_uat_reach_only_its_records(app, two_uats, staff_client):
    client, headers = staff_client("officer", username="mu.officer")
    mine, theirs = two_uats["other_id"], two_uats["sample_id"]
    assert client.get(f"/api/office/parcels/{mine}").status_code == 200
    for method, path, body in [("GET", f"/api/office/parcels/{theirs}", None),
                               ("GET", f"/api/office/parcels/{theirs}/history", None),
                               ("GET", f"/api/office/parcels/{theirs}/fiscal", None),
                               ("PUT", f"/api/office/parcels/{theirs}", {"version": 1, "legal_area": 1}),
                               ("DELETE", f"/api/office/parcels/{theirs}?version=1", None),
                               ("POST", "/api/office/parcels/merge", {"parcels": [{"id": mine, "version": 1},
                                                                               {"id": theirs, "version": 1}]}),
                               ("GET", f"/api/office/discrepancies?uat={SAMPLE}", None),
                               ("POST", "/api/office/topology", {"uat": SAMPLE}),
                               ("GET", f"/api/office/streets?uat={SAMPLE}", None)]:
        r = client.open(path, method=method, json=body, headers=headers)
        assert r.status_code == 403, (method, path, r.status_code)
        assert str(SAMPLE) in r.get_json()["message"]
    audit = client.get("/api/office/audit?limit=1000").get_json()["entries"]
    assert audit and {e["uat_siruta"] for e in audit} == {OTHER}
    # restricted OGC collections: not through a scoped session (pygeoapi cannot filter by UAT)
    assert client.get("/ogc/collections/parcel_assessments/items?limit=1").status_code == 401


def test_requests_and_their_documents_stay_in_their_uat(loaded, engine, two_uats, staff_client):
    """Issue 17, item 3: every route that serves a request or its document, draft and issued, for
    the request's UAT's officer (200), another UAT's officer (404, like an unknown id: the id is not
    confirmed), a surveyor even of the request's UAT (404: no business with requests) and a county
    administrator (200); another UAT's officer's actions move nothing."""
    from gis.certificates.workflow import file_request, issue_request, send_to_review

    n = two_uats["number"]
    ours = file_request(loaded, "urbanism", [n], "scop Doi Meri", "Ana Doi", "public:request", uat=OTHER)
    theirs = file_request(loaded, "urbanism", [n], "scop eșantion", "Ion Eșantion", "public:request", uat=SAMPLE)
    officer, headers = staff_client("officer", username="mu.officer")
    surveyor, _ = staff_client("surveyor", [OTHER], "mu.surveyor")
    county, _ = staff_client("admin", username="mu.county")

    def reads(request_id: int) -> list[str]:
        return [f"/cereri/{request_id}", f"/api/certificates/{request_id}", f"/api/certificates/{request_id}.pdf"]

    def status(request_id: int) -> str:
        with engine.connect() as c:
            return c.execute(text("SELECT status FROM registry.request WHERE id = :i"), {"i": request_id}).scalar_one()

    for stage in ("draft", "issued"):  # the sample commune's request: a draft, then issued
        for path in reads(ours.id):
            assert officer.get(path).status_code == 200, (stage, path)
            assert surveyor.get(path).status_code == 404, (stage, path)
            assert county.get(path).status_code == 200, (stage, path)
        for path in reads(theirs.id):
            r = officer.get(path)
            assert r.status_code == 404 and str(SAMPLE) not in r.get_data(as_text=True), (stage, path)
            assert "Eșantion" not in r.get_data(as_text=True) and "eșantion" not in r.get_data(as_text=True)
            assert county.get(path).status_code == 200, (stage, path)
        before = status(theirs.id)
        for action in ("draft", "review", "issue", "cancel"):
            for path in (f"/office/requests/{theirs.id}/{action}", f"/api/certificates/{theirs.id}/{action}"):
                r = officer.post(path, json={"reason": "x"}, headers=headers)
                assert r.status_code == 404, (stage, path, r.status_code)
        assert status(theirs.id) == before
        if stage == "draft":  # each UAT's officer acts on its own (a document of the second UAT would
            # outlive the module: issued documents are immutable); nobody's reads moved anything
            assert (status(ours.id), status(theirs.id)) == ("received", "received")
            r = officer.post(f"/office/requests/{ours.id}/review", data={"csrf": headers["X-CSRF-Token"]})
            assert r.status_code == 303
            send_to_review(loaded, theirs.id, "officer:test")
            issue_request(loaded, theirs.id, "officer:test", unpaid_confirmed=True)
    assert officer.get(f"/api/certificates/{ours.id}.pdf").data.startswith(b"%PDF")
    assert county.get(f"/api/certificates/{theirs.id}.pdf").data.startswith(b"%PDF")
    assert (status(ours.id), status(theirs.id)) == ("review", "issued")


def test_a_county_administrator_reaches_every_uat(app, two_uats, staff_client):
    client, _ = staff_client("admin", username="mu.county")
    for pid in (two_uats["sample_id"], two_uats["other_id"]):
        assert client.get(f"/api/office/parcels/{pid}").status_code == 200
    assert client.get("/ogc/collections/parcel_assessments/items?limit=1").status_code == 200


def test_the_public_map_per_uat_and_the_overview(client, two_uats):
    own = client.get(f"/u/{OTHER}/")
    assert own.status_code == 200 and "Comuna Doi Meri" in own.get_data(as_text=True)
    assert f'"uat": {OTHER}' in own.get_data(as_text=True)
    overview = client.get("/").get_data(as_text=True)
    assert f'href="/u/{OTHER}/?lang=ro"' in overview and f'href="/u/{SAMPLE}/?lang=ro"' in overview
    assert client.get("/u/4242/").status_code == 404
