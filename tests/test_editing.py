"""Officers edit parcels: every validation rule, optimistic locking (409), retire, history,
restore, the audit trail, and who may do it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

UAT = 999501
X0, Y0 = 300000, 700000
PASSWORD = "parola-editare-123"


def square(x, y, w=20, h=40):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}


@pytest.fixture(scope="module")
def territory(engine, make_uat, make_user):
    with engine.begin() as c:
        make_uat(c, UAT, "Test Edit", (X0, Y0, X0 + 1000, Y0 + 1000))
    for role in ("surveyor", "officer"):
        make_user(f"e.{role}", role)
    return UAT


@pytest.fixture(scope="module")
def officer(staff_client, territory):
    return staff_client("officer", username="e.officer")


def create(officer, number, geometry, **extra):
    client, headers = officer
    body = {"uat": UAT, "cadastral_number": number, "geometry": geometry, "use_category": "CC",
            "intravilan": True, "legal_area": 800, **extra}
    return client.post("/api/office/parcels", json=body, headers=headers)


def codes(response) -> set[str]:
    return {p["code"] for p in response.get_json()["problems"]}


def test_a_valid_parcel_is_saved_and_public(officer, engine):
    r = create(officer, "700001", square(X0 + 10, Y0 + 10))
    assert r.status_code == 201, r.data
    assert r.get_json()["parcel"]["version"] == 1
    with engine.connect() as c:
        assert c.execute(text(
            "SELECT count(*) FROM public_api.parcel WHERE cadastral_number = '700001'")).scalar_one() == 1


@pytest.mark.parametrize("number,geometry,code", [
    ("700002", square(X0 + 20, Y0 + 10), "overlap"),                          # half over 700001
    ("700003", square(X0 + 30.2, Y0 + 10), "gap"),                            # 0.2 m sliver
    ("700004", square(X0 + 990, Y0 + 10), "outside_uat"),
    ("700005", {"type": "Polygon", "coordinates": [[[X0 + 100, Y0 + 100], [X0 + 120, Y0 + 140],
                                                    [X0 + 120, Y0 + 100], [X0 + 100, Y0 + 140],
                                                    [X0 + 100, Y0 + 100]]]}, "invalid_geometry"),
    ("700001", square(X0 + 200, Y0 + 10), "duplicate_number"),
    ("700006", {"type": "LineString", "coordinates": [[X0, Y0], [X0 + 5, Y0 + 5]]}, "geometry_type"),
    ("0300.201.123", square(X0 + 300, Y0 + 10), "number_format"),             # a Moldovan number in Romania
])
def test_each_rule_refuses_the_save_with_its_location(officer, engine, number, geometry, code):
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE uat_siruta = :u"), {"u": UAT}).scalar_one()
    r = create(officer, number, geometry)
    assert r.status_code == 422
    assert code in codes(r)
    problem = next(p for p in r.get_json()["problems"] if p["code"] == code)
    if code in ("overlap", "gap", "outside_uat"):
        assert problem["location"]["type"] in ("Polygon", "MultiPolygon")
        lon, lat = problem["location"]["coordinates"][0][0][0] if problem["location"]["type"] == "MultiPolygon" \
            else problem["location"]["coordinates"][0][0]
        assert -180 <= lon <= 180 and -90 <= lat <= 90, "locations are in CRS84 for the map"
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE uat_siruta = :u"),
                         {"u": UAT}).scalar_one() == before


def test_an_area_difference_is_a_warning_the_officer_may_accept(officer):
    r = create(officer, "700010", square(X0 + 400, Y0 + 10), legal_area=1000)  # 800 m² measured
    assert r.status_code == 422 and codes(r) == {"area_difference"}
    ok = create(officer, "700010", square(X0 + 400, Y0 + 10), legal_area=1000, accept_warnings=True)
    assert ok.status_code == 201 and codes(ok) == {"area_difference", "intravilan"}  # a note (intravilan_of)


def test_a_save_on_an_old_version_is_a_409_that_says_what_changed(officer):
    client, headers = officer
    pid = create(officer, "700020", square(X0 + 500, Y0 + 10)).get_json()["parcel"]["id"]
    first = client.put(f"/api/office/parcels/{pid}", json={"version": 1, "land_book_number": "CF-1"}, headers=headers)
    assert first.status_code == 200 and first.get_json()["parcel"]["version"] == 2
    stale = client.put(f"/api/office/parcels/{pid}", json={"version": 1, "land_book_number": "CF-2"}, headers=headers)
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["version"] == 2 and body["changed"] == ["land_book_number"]


def test_retire_history_and_restore(officer, engine):
    client, headers = officer
    pid = create(officer, "700030", square(X0 + 600, Y0 + 10)).get_json()["parcel"]["id"]
    moved = square(X0 + 600, Y0 + 60)
    assert client.put(f"/api/office/parcels/{pid}", json={"version": 1, "geometry": moved},
                      headers=headers).status_code == 200
    versions = client.get(f"/api/office/parcels/{pid}/history").get_json()["versions"]
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["valid_to"]
    restored = client.post(f"/api/office/parcels/{pid}/restore", json={"version": 1}, headers=headers)
    assert restored.status_code == 200 and restored.get_json()["parcel"]["version"] == 3
    assert restored.get_json()["parcel"]["geometry"]["coordinates"][0][0][0][1] == Y0 + 10
    gone = client.delete(f"/api/office/parcels/{pid}?version=3", headers=headers)
    assert gone.status_code == 200 and gone.get_json()["parcel"]["valid_to"]
    assert client.delete(f"/api/office/parcels/{pid}?version=3", headers=headers).status_code == 409
    with engine.connect() as c:
        actions = c.execute(text("SELECT action FROM audit.log WHERE table_name = 'cadastre.parcel' "
                                 "AND object_id = :i ORDER BY id"), {"i": str(pid)}).scalars().all()
    assert actions == ["insert", "update", "update", "retire"]
    audit = client.get(f"/api/office/audit?table=cadastre.parcel&object={pid}").get_json()["entries"]
    assert [e["action"] for e in audit] == ["retire", "update", "update", "insert"]
    assert all(e["actor"] == "officer:e.officer" for e in audit)
    changes = client.get(f"/api/office/audit?object={pid}&changes=1").get_json()["entries"]
    assert changes[0]["changes"]["valid_to"][0] is None and changes[2]["geometry_changed"]
    page = client.get(f"/office/audit?table=cadastre.parcel&object={pid}&actor=officer:e.officer"
                      f"&since=2000-01-01&until=2100-01-01").get_data(as_text=True)
    assert page.count('<tr class="t-entry">') == 4 and "retragere" in page and "geometria" in page
    assert '<tr class="t-entry">' not in client.get(f"/office/audit?object={pid}&until=2000-01-01").get_data(
        as_text=True)
    assert client.get("/office/audit?since=ieri").status_code == 400


def test_who_may_edit(app, officer, territory, staff_client):
    body = {"uat": UAT, "cadastral_number": "700040", "geometry": square(X0 + 700, Y0 + 10),
            "use_category": "CC", "intravilan": True}
    assert app.test_client().post("/api/office/parcels", json=body).status_code == 401
    surveyor, headers = staff_client("surveyor", username="e.surveyor")
    assert surveyor.post("/api/office/parcels", json=body, headers=headers).status_code == 403
    client, _ = officer
    assert client.post("/api/office/parcels", json=body).status_code == 403  # no CSRF token
    assert surveyor.get("/office/audit").status_code == 403


@pytest.mark.parametrize("body,words", [({}, "uat"), ({"cadastral_number": None, "use_category": None}, "text"),
                                        ({"uat": "x"}, "uat"), ({"geometry": "POINT(1 2)"}, "GeoJSON")])
def test_malformed_edits_are_400(officer, body, words):
    client, headers = officer
    full = {"uat": UAT, "cadastral_number": "700050", "use_category": "CC", "intravilan": True,
            "geometry": square(X0 + 800, Y0 + 10)}
    payload = body if body == {} else {**full, **body}
    r = client.post("/api/office/parcels", json=payload, headers=headers)
    assert r.status_code == 400 and words in r.get_json()["message"]


def test_renaming_a_street_keeps_the_former_name_with_its_hcl(officer, engine, loaded, tmp_path):
    client, headers = officer
    old, number = "Vechea", "700099"
    with engine.begin() as c:  # a street of the test UAT (the sample must stay as loaded)
        # its council's CNS fee (a UAT without its own table is refused: gis/certificates/fees.py)
        c.execute(text("UPDATE territory.uat SET settings = settings || CAST(:s AS jsonb) WHERE siruta = :u"),
                  {"u": UAT, "s": json.dumps({"certificates": {"fees": {"nomenclature": {
                      str(date.today().year): {"hcl": "HCL nr. 1/2026 (test)", "amount": 10}}}}})})
        c.execute(text(f"INSERT INTO territory.locality (siruta, uat_siruta, name, rank, geom) VALUES "
                       f"({UAT + 1}, {UAT}, 'Satu Test', 5, "
                       f"ST_Multi(ST_MakeEnvelope({X0}, {Y0}, {X0 + 1000}, {Y0 + 1000}, 3844)))"))
        street_id = c.execute(text(
            f"INSERT INTO streets.street (uat_siruta, locality_siruta, code, street_type, name, hcl_date, geom) "
            f"VALUES ({UAT}, {UAT + 1}, 'E1', 'Strada', :n, '1995-05-05', ST_Multi(ST_MakeLine("
            f"ST_MakePoint({X0}, {Y0 + 900}), ST_MakePoint({X0 + 500}, {Y0 + 900}))::geometry(LineString, 3844))) "
            "RETURNING id"), {"n": old}).scalar_one()
        pid = c.execute(text(
            f"INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) VALUES "
            f"({UAT}, :n, 'CC', true, ST_Multi(ST_MakeEnvelope({X0 + 10}, {Y0 + 910}, {X0 + 30}, {Y0 + 950}, 3844))) "
            "RETURNING id"), {"n": number}).scalar_one()
        c.execute(text(f"INSERT INTO streets.address_point (uat_siruta, street_id, number, parcel_id, geom) "
                       f"VALUES ({UAT}, :s, 3, :p, ST_SetSRID(ST_MakePoint({X0 + 20}, {Y0 + 912}), 3844))"),
                  {"s": street_id, "p": pid})
    r = client.post(f"/api/office/streets/{street_id}/rename", headers=headers,
                    json={"name": "Eroilor", "hcl_number": "14/2026", "hcl_date": "2026-03-30"})
    assert r.status_code == 200 and r.get_json()["street"]["name"] == "Eroilor"
    with engine.connect() as c:
        former = c.execute(text("SELECT name, hcl_number, valid_to::text FROM streets.street_name "
                                "WHERE street_id = :s ORDER BY id DESC LIMIT 1"), {"s": street_id}).one()
        versions = c.execute(text("SELECT count(*) FROM streets.street_history WHERE id = :s"),
                             {"s": street_id}).scalar_one()
    assert tuple(former) == (old, "14/2026", "2026-03-30") and versions >= 1
    from gis.certificates import certificate_facts

    with engine.connect() as c:
        facts = certificate_facts(c, "nomenclature", [number], "informare", uat=UAT)
    assert any(old in f.label and f.hcl_number == "14/2026" for f in facts.former_addresses)
    assert any("Eroilor" in a.label for p in facts.parcels for a in p.addresses)
    again = client.post(f"/api/office/streets/{street_id}/rename", headers=headers,
                        json={"name": "Eroilor", "hcl_number": "15/2026", "hcl_date": "2026-04-01"})
    assert again.status_code == 400
    bad = client.post(f"/api/office/streets/{street_id}/rename", headers=headers,
                      json={"name": "X", "hcl_number": "1", "hcl_date": "ieri"})
    assert bad.status_code == 400 and "date" in bad.get_json()["message"]


def test_a_new_parcel_gets_a_number_between_its_neighbours(officer, engine):
    """Take a built sample parcel with an address, pretend it has none, and ask for a number:
    it must be on the same side (parity) and between the neighbours' numbers."""
    client, _ = officer
    with engine.connect() as c:
        pid, number, street = c.execute(text("""
            SELECT p.id, a.number, a.street_id FROM streets.address_point a
            JOIN cadastre.parcel p ON p.id = a.parcel_id
            WHERE a.number > 5 AND a.uat_siruta = 926501
              AND NOT EXISTS (SELECT 1 FROM streets.address_point b WHERE b.street_id = a.street_id AND b.suffix <> '')
              AND EXISTS (SELECT 1 FROM streets.address_point b WHERE b.street_id = a.street_id
                          AND b.number = a.number + 2)
            ORDER BY a.id LIMIT 1""")).one()
    r = client.get(f"/api/office/parcels/{pid}/address-proposal")
    assert r.status_code == 200
    body = r.get_json()
    assert body["street_id"] == street
    # its own number is the one that fits between its neighbours (its own address is ignored)
    assert (body["number"], body["suffix"]) == (number, "")
    assert body["between"] == [str(number - 2), str(number + 2)]
    far = client.get("/api/office/parcels/999999999/address-proposal")
    assert far.status_code == 404


def test_two_officers_saving_the_same_version_at_once_one_wins_one_gets_409(officer, engine, territory, staff_client):
    """No lost update: both edit version 1 at the same moment; exactly one save lands."""
    import threading

    client, headers = officer
    pid = create(officer, "700060", square(X0 + 900, Y0 + 300)).get_json()["parcel"]["id"]
    other, other_headers = staff_client("officer", username="e.officer")
    barrier = threading.Barrier(2)
    answers = {}

    def save(name, c, h, legal_area):
        barrier.wait()
        answers[name] = c.put(f"/api/office/parcels/{pid}", json={"version": 1, "legal_area": legal_area,
                                                                   "accept_warnings": True}, headers=h)

    threads = [threading.Thread(target=save, args=("a", client, headers, 801)),
               threading.Thread(target=save, args=("b", other, other_headers, 802))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in answers.values())
    assert codes == [200, 409]
    winner = next(r for r in answers.values() if r.status_code == 200).get_json()["parcel"]["legal_area"]
    loser = next(r for r in answers.values() if r.status_code == 409).get_json()
    assert "legal_area" in loser["changed"] and loser["current"]["version"] == 2
    with engine.connect() as c:
        assert c.execute(text("SELECT version, legal_area::float FROM cadastre.parcel WHERE id = :i"),
                         {"i": pid}).one() == (2, winner)
