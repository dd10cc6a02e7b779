"""The editing tools beyond drawing: split, merge, snapping, vertices kept as surveyed, typed
Stereo 70 coordinates, the parcel lookups of the editing map, and new address points."""

from __future__ import annotations

import pytest
from shapely.geometry import shape
from sqlalchemy import text

from gis.coordinates import CoordinateError, parse
from gis.crs import transform_geojson

UAT = 999502
X0, Y0 = 310000, 710000
PASSWORD = "parola-unelte-123"


def rect(x, y, w=20, h=40):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}


@pytest.fixture(scope="module")
def officer(staff_client, engine, make_uat):
    with engine.begin() as c:
        make_uat(c, UAT, "Test Unelte", (X0, Y0, X0 + 1000, Y0 + 1000))
        c.execute(text(f"INSERT INTO territory.locality (siruta, uat_siruta, name, rank, geom) VALUES "
                       f"({UAT + 1}, {UAT}, 'Satu Unelte', 5, "
                       f"ST_Multi(ST_MakeEnvelope({X0}, {Y0}, {X0 + 1000}, {Y0 + 1000}, 3844)))"))
    return staff_client("officer", username="u.officer")


def create(officer, number, geometry, **extra):
    client, headers = officer
    body = {"uat": UAT, "cadastral_number": number, "geometry": geometry, "use_category": "A",
            "intravilan": False, **extra}
    r = client.post("/api/office/parcels", json=body, headers=headers)
    return r


def current_numbers(engine) -> set[str]:
    with engine.connect() as c:
        return set(c.execute(text("SELECT cadastral_number FROM cadastre.parcel WHERE uat_siruta = :u "
                                  "AND valid_to IS NULL"), {"u": UAT}).scalars())


def test_split_by_a_line_retires_the_parcel_and_creates_the_pieces(officer, engine):
    client, headers = officer
    p = create(officer, "810001", rect(X0 + 100, Y0 + 100, 40, 40), legal_area=1600).get_json()["parcel"]
    line = {"type": "LineString", "coordinates": [[X0 + 95, Y0 + 110], [X0 + 145, Y0 + 130]]}
    r = client.post(f"/api/office/parcels/{p['id']}/split", headers=headers, json={"version": 1, "line": line})
    assert r.status_code == 200, r.data
    pieces = r.get_json()["parcels"]
    assert [x["cadastral_number"] for x in pieces] == ["810001/1", "810001/2"]
    areas = [shape(x["geometry"]).area for x in pieces]
    assert sum(areas) == pytest.approx(1600, abs=0.01) and min(areas) > 100
    assert "810001" not in current_numbers(engine)
    history = client.get(f"/api/office/parcels/{p['id']}/history").get_json()
    assert {c["cadastral_number"] for c in history["lineage"]["into"]} == {"810001/1", "810001/2"}
    child = client.get(f"/api/office/parcels/{pieces[0]['id']}/history").get_json()
    assert child["lineage"]["from"][0]["cadastral_number"] == "810001"
    # the same version again: the parcel is retired now → 409, nothing changes
    again = client.post(f"/api/office/parcels/{p['id']}/split", headers=headers, json={"version": 1, "line": line})
    assert again.status_code == 409


@pytest.mark.parametrize("line,code", [
    ({"type": "LineString", "coordinates": [[X0 + 295, Y0 + 110], [X0 + 320, Y0 + 120]]}, "split_line"),  # stops inside
    ({"type": "LineString", "coordinates": [[X0 + 400, Y0 + 110], [X0 + 420, Y0 + 120]]}, "split_line"),  # misses
    ({"type": "LineString", "coordinates": [[X0 + 295, Y0 + 100.02], [X0 + 345, Y0 + 100.02]]}, "split_piece"),
])
def test_a_split_that_does_not_cut_cleanly_is_refused(officer, engine, line, code):
    client, headers = officer
    r0 = create(officer, f"81010{len(code)}{int(line['coordinates'][0][0]) % 7}", rect(X0 + 300, Y0 + 100, 40, 40))
    if r0.status_code != 201:  # the parcel of an earlier parameter is still there: reuse it
        with engine.connect() as c:
            pid, version = c.execute(text("SELECT id, version FROM cadastre.parcel WHERE uat_siruta = :u AND "
                                          "valid_to IS NULL AND ST_XMin(geom) = :x"), {"u": UAT, "x": X0 + 300}).one()
    else:
        pid, version = r0.get_json()["parcel"]["id"], 1
    before = current_numbers(engine)
    r = client.post(f"/api/office/parcels/{pid}/split", headers=headers, json={"version": version, "line": line})
    assert r.status_code == 422 and r.get_json()["problems"][0]["code"] == code
    assert current_numbers(engine) == before


def test_split_with_given_numbers_and_a_wrong_count(officer):
    client, headers = officer
    p = create(officer, "810201", rect(X0 + 500, Y0 + 100, 40, 40)).get_json()["parcel"]
    line = {"type": "LineString", "coordinates": [[X0 + 520, Y0 + 95], [X0 + 520, Y0 + 145]]}
    bad = client.post(f"/api/office/parcels/{p['id']}/split", headers=headers,
                      json={"version": 1, "line": line, "numbers": ["1"]})
    assert bad.status_code == 400 and "2 părți" in bad.get_json()["message"]
    ok = client.post(f"/api/office/parcels/{p['id']}/split", headers=headers,
                     json={"version": 1, "line": line, "numbers": ["810202", "810203"]})
    assert sorted(x["cadastral_number"] for x in ok.get_json()["parcels"]) == ["810202", "810203"]


def test_merge_adjacent_parcels_sums_the_legal_area(officer, engine):
    client, headers = officer
    a = create(officer, "820001", rect(X0 + 100, Y0 + 300), legal_area=800).get_json()["parcel"]
    b = create(officer, "820002", rect(X0 + 120, Y0 + 300), legal_area=800).get_json()["parcel"]
    r = client.post("/api/office/parcels/merge", headers=headers, json={
        "parcels": [{"id": a["id"], "version": 1}, {"id": b["id"], "version": 1}], "cadastral_number": "820003"})
    assert r.status_code == 200, r.data
    merged = r.get_json()["parcel"]
    assert merged["legal_area"] == 1600 and shape(merged["geometry"]).area == pytest.approx(1600)
    outline = shape(merged["geometry"])
    assert len(outline.geoms) == 1 and len(outline.geoms[0].interiors) == 0, "one outline, no hole, no seam"
    assert {"820001", "820002"}.isdisjoint(current_numbers(engine)) and "820003" in current_numbers(engine)
    lineage = client.get(f"/api/office/parcels/{merged['id']}/history").get_json()["lineage"]
    assert {x["cadastral_number"] for x in lineage["from"]} == {"820001", "820002"}


def test_merge_refuses_parcels_that_do_not_touch_or_disagree(officer, engine):
    client, headers = officer
    a = create(officer, "820101", rect(X0 + 100, Y0 + 400)).get_json()["parcel"]
    b = create(officer, "820102", rect(X0 + 200, Y0 + 400)).get_json()["parcel"]
    c_ = create(officer, "820103", rect(X0 + 120, Y0 + 400), use_category="CC").get_json()["parcel"]
    before = current_numbers(engine)
    far = client.post("/api/office/parcels/merge", headers=headers, json={
        "parcels": [{"id": a["id"], "version": 1}, {"id": b["id"], "version": 1}], "cadastral_number": "820104"})
    assert far.status_code == 422 and far.get_json()["problems"][0]["code"] == "not_adjacent"
    mixed = client.post("/api/office/parcels/merge", headers=headers, json={
        "parcels": [{"id": a["id"], "version": 1}, {"id": c_["id"], "version": 1}], "cadastral_number": "820104"})
    assert mixed.status_code == 400 and "categorii de folosință" in mixed.get_json()["message"]
    stale = client.post("/api/office/parcels/merge", headers=headers, json={
        "parcels": [{"id": a["id"], "version": 7}, {"id": c_["id"], "version": 1}], "cadastral_number": "820104",
        "use_category": "CC"})
    assert stale.status_code == 409
    assert current_numbers(engine) == before
    chosen = client.post("/api/office/parcels/merge", headers=headers, json={
        "parcels": [{"id": a["id"], "version": 1}, {"id": c_["id"], "version": 1}], "cadastral_number": "820104",
        "use_category": "CC"})
    assert chosen.status_code == 200 and chosen.get_json()["parcel"]["use_category"] == "CC"


def test_snap_closes_a_sliver_that_would_otherwise_refuse_the_save(officer):
    create(officer, "830001", rect(X0 + 100, Y0 + 600))
    sloppy = rect(X0 + 120.3, Y0 + 600.2)          # 0.3 m off the neighbour: a sliver
    refused = create(officer, "830002", sloppy)
    assert refused.status_code == 422 and "gap" in {p["code"] for p in refused.get_json()["problems"]}
    r = create(officer, "830002", sloppy, snap=True)
    assert r.status_code == 201, r.data
    body = r.get_json()
    assert any(p["code"] == "snapped" for p in body["problems"])
    ring = body["parcel"]["geometry"]["coordinates"][0][0]
    assert [X0 + 120, Y0 + 600] in ring and [X0 + 120, Y0 + 640] in ring   # exactly on the neighbour's corners


def test_snap_leaves_far_vertices_and_the_validate_endpoint_previews_it(officer):
    client, headers = officer
    create(officer, "830101", rect(X0 + 200, Y0 + 600))
    near = rect(X0 + 220.2, Y0 + 610, 20, 20)     # left edge 0.2 m from the neighbour, mid-edge (no vertex)
    r = client.post("/api/office/parcels/validate", headers=headers,
                    json={"uat": UAT, "cadastral_number": "830102", "geometry": near, "use_category": "A",
                          "intravilan": False, "snap": True})
    body = r.get_json()
    assert r.status_code == 200 and body["problems"][0]["code"] == "snapped"
    xs = sorted({round(x, 3) for x, _ in body["geometry"]["coordinates"][0]})
    assert xs == [X0 + 220, X0 + 240.2], "left edge onto the neighbour's edge, right edge untouched"
    assert body["measured_area"] == pytest.approx(20.2 * 20, abs=0.01)


def test_a_sketch_edit_keeps_the_unmoved_vertices_exactly_as_surveyed(officer):
    client, headers = officer
    exact = {"type": "Polygon", "coordinates": [[[X0 + 600.123, Y0 + 600.456], [X0 + 620.789, Y0 + 600.111],
                                                 [X0 + 620.5, Y0 + 640.25], [X0 + 600.01, Y0 + 640.99],
                                                 [X0 + 600.123, Y0 + 600.456]]]}
    p = create(officer, "840001", exact).get_json()["parcel"]
    sketch = transform_geojson(exact, 3844, 4326)
    ring = [list(c) for c in sketch["coordinates"][0]]
    moved = transform_geojson({"type": "Point", "coordinates": [X0 + 625.0, Y0 + 641.0]}, 3844, 4326)["coordinates"]
    ring[2] = moved                                   # the officer dragged one vertex
    sketch = {"type": "Polygon", "coordinates": [ring]}
    r = client.put(f"/api/office/parcels/{p['id']}", headers=headers,
                   json={"version": 1, "geometry": sketch, "crs": "EPSG:4326"})
    assert r.status_code == 200, r.data
    saved = r.get_json()["parcel"]["geometry"]["coordinates"][0][0]
    assert saved[0] == [X0 + 600.123, Y0 + 600.456] and saved[1] == [X0 + 620.789, Y0 + 600.111]
    assert saved[3] == [X0 + 600.01, Y0 + 640.99]
    assert saved[2] == pytest.approx([X0 + 625.0, Y0 + 641.0], abs=0.005)  # a sketch: to the mm


def test_parcel_lookups_for_the_editing_map(officer):
    client, _ = officer
    p = create(officer, "850001", rect(X0 + 700, Y0 + 700)).get_json()["parcel"]
    lon, lat = transform_geojson({"type": "Point", "coordinates": [X0 + 710, Y0 + 720]}, 3844, 4326)["coordinates"]
    at = client.get(f"/api/office/parcels/at?uat={UAT}&lon={lon}&lat={lat}").get_json()["parcel"]
    assert at["id"] == p["id"] and at["measured_area"] == 800 and at["perimeter"] == 120
    assert at["geometry_crs84"]["type"] == "MultiPolygon"
    near = client.get(f"/api/office/parcels/near?uat={UAT}"
                      f"&bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}")
    assert p["id"] in {f["id"] for f in near.get_json()["features"]}
    assert client.get(f"/api/office/parcels/at?uat={UAT}&lon=0&lat=0").status_code == 404
    assert client.get(f"/api/office/parcels/near?uat={UAT}&bbox=20,40,25,45").status_code == 400
    assert client.get(f"/api/office/parcels/at?uat={UAT}&lon=x&lat=1").status_code == 400


def test_typed_coordinates_surveyor_order_and_swapped():
    bbox = (X0, Y0, X0 + 1000, Y0 + 1000)
    text_ = f"1  {Y0 + 10}.50  {X0 + 10}.25\n2;{Y0 + 10},50;{X0 + 30},25\n3 {Y0 + 50}.5 {X0 + 30}.25\n"
    outline = parse(text_, bbox)
    assert outline.ring[0] == (X0 + 10.25, Y0 + 10.5) and outline.ring[-1] == outline.ring[0]
    assert outline.notes == []
    swapped = parse(f"{X0 + 10},{Y0 + 10}\n{X0 + 30},{Y0 + 10}\n{X0 + 30},{Y0 + 50}", bbox)
    assert swapped.ring[1] == (X0 + 30, Y0 + 10) and "easting" in swapped.notes[0]
    with pytest.raises(CoordinateError, match="outside the UAT"):
        parse("1 2\n3 4\n5 6", bbox)
    with pytest.raises(CoordinateError, match="line 2"):
        parse(f"{Y0} {X0}\nabc\n{Y0} {X0 + 5}", bbox)
    with pytest.raises(CoordinateError, match="three"):
        parse(f"{Y0} {X0}\n{Y0 + 1} {X0}", bbox)


def test_typed_coordinates_endpoint(officer):
    client, headers = officer
    r = client.post("/api/office/coordinates", headers=headers,
                    json={"uat": UAT, "text": f"{Y0 + 900} {X0 + 900}\n{Y0 + 900} {X0 + 920}\n{Y0 + 940} {X0 + 920}\n"})
    body = r.get_json()
    assert r.status_code == 200 and body["crs"] == "EPSG:3844"
    assert body["geometry"]["coordinates"][0][1] == [X0 + 920, Y0 + 900]
    assert 20 < body["geometry_crs84"]["coordinates"][0][0][0] < 30
    bad = client.post("/api/office/coordinates", headers=headers, json={"uat": UAT, "text": "1 2"})
    assert bad.status_code == 422 and "trei" in bad.get_json()["message"]


def test_an_officer_adds_an_address_point(officer, engine):
    client, headers = officer
    with engine.begin() as c:
        street = c.execute(text(
            f"INSERT INTO streets.street (uat_siruta, locality_siruta, code, street_type, name, geom) "
            f"VALUES ({UAT}, {UAT + 1}, 'U1', 'Strada', 'Morii', ST_Multi(ST_MakeLine("
            f"ST_MakePoint({X0}, {Y0 + 990}), ST_MakePoint({X0 + 500}, {Y0 + 990}))::geometry(LineString, 3844))) "
            "RETURNING id")).scalar_one()
    parcel = create(officer, "860001", rect(X0 + 50, Y0 + 940)).get_json()["parcel"]
    streets = client.get(f"/api/office/streets?uat={UAT}").get_json()["streets"]
    assert {"id": street, "label": "Strada Morii, Satu Unelte"} in streets
    point = {"type": "Point", "coordinates": [X0 + 60, Y0 + 975]}
    body = {"uat": UAT, "street_id": street, "number": 5, "suffix": "a", "geometry": point}
    r = client.post("/api/office/address-points", headers=headers, json=body)
    assert r.status_code == 201, r.data
    assert r.get_json()["address"]["label"] == "Strada Morii nr. 5A"
    assert r.get_json()["address"]["parcel_id"] == parcel["id"]
    dup = client.post("/api/office/address-points", headers=headers, json=body)
    assert dup.status_code == 422 and dup.get_json()["problems"][0]["code"] == "duplicate_address"
    outside = client.post("/api/office/address-points", headers=headers,
                          json={**body, "number": 7, "geometry": {"type": "Point", "coordinates": [X0 - 50, Y0]}})
    assert outside.status_code == 422 and outside.get_json()["problems"][0]["code"] == "outside_uat"
    for bad in ({**body, "number": 0}, {**body, "postal_code": "12"}, {**body, "geometry": rect(X0, Y0)},
                {**body, "street_id": "x"}):
        assert client.post("/api/office/address-points", headers=headers, json=bad).status_code == 400
    assert client.post("/api/office/address-points", headers=headers,
                       json={**body, "number": 9, "street_id": 10**9}).status_code == 404
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM streets.address_point WHERE street_id = :s"),
                         {"s": street}).scalar_one() == 1
