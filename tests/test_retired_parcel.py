"""A retired cadastral number on the public side (issue 21): /api/parcels/<number> says when it was
retired and what it became (the split's pieces, or nothing), in the request's language, instead of
"no registered parcel"; a number never registered stays a plain 404."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

UAT = 999521
X0, Y0 = 312000, 712000


def rect(x, y, w=40, h=40):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}


@pytest.fixture(scope="module")
def officer(staff_client, engine, make_uat):
    with engine.begin() as c:
        make_uat(c, UAT, "Test Retrase", (X0, Y0, X0 + 1000, Y0 + 1000))
        c.execute(text(f"INSERT INTO territory.locality (siruta, uat_siruta, name, rank, geom) VALUES "
                       f"({UAT + 1}, {UAT}, 'Satu Retras', 5, "
                       f"ST_Multi(ST_MakeEnvelope({X0}, {Y0}, {X0 + 1000}, {Y0 + 1000}, 3844)))"))
    return staff_client("officer", username="u.retired")


def create(officer, number, geometry):
    client, headers = officer
    r = client.post("/api/office/parcels", headers=headers, json={
        "uat": UAT, "cadastral_number": number, "geometry": geometry, "use_category": "A", "intravilan": False})
    assert r.status_code == 201, r.data
    return r.get_json()["parcel"]


def test_a_split_number_says_it_was_retired_and_what_it_became(officer, client):
    staff, headers = officer
    p = create(officer, "830001", rect(X0 + 100, Y0 + 100))
    line = {"type": "LineString", "coordinates": [[X0 + 120, Y0 + 95], [X0 + 120, Y0 + 145]]}
    split = staff.post(f"/api/office/parcels/{p['id']}/split", headers=headers, json={"version": 1, "line": line})
    assert split.status_code == 200, split.data
    r = client.get(f"/api/parcels/830001?uat={UAT}")
    assert r.status_code == 404
    body = r.get_json()
    assert body["retired"]["became"] == ["830001/1", "830001/2"]
    today = datetime.fromisoformat(body["retired"]["retired_at"]).strftime("%d.%m.%Y")
    assert body["message"] == f"Numărul cadastral 830001 a fost retras la {today}; a devenit: 830001/1, 830001/2."
    en = client.get(f"/api/parcels/830001?uat={UAT}&lang=en").get_json()["message"]
    assert en == f"Cadastral number 830001 was retired on {today}; it became: 830001/1, 830001/2."
    # each piece it became is a current parcel the sheet opens
    assert client.get(f"/api/parcels/830001%2F1?uat={UAT}").status_code == 200


def test_a_number_retired_without_successor_says_so(officer, client):
    staff, headers = officer
    p = create(officer, "830101", rect(X0 + 400, Y0 + 100))
    assert staff.delete(f"/api/office/parcels/{p['id']}?version=1", headers=headers).status_code == 200
    body = client.get(f"/api/parcels/830101?uat={UAT}&lang=hu").get_json()
    assert body["retired"]["became"] == [] and "megszűnt" in body["message"] and "nem lépett" in body["message"]


def test_a_number_never_registered_is_a_plain_404(client):
    r = client.get(f"/api/parcels/839999?uat={UAT}")
    assert r.status_code == 404 and "retired" not in r.get_json()
