"""The layer check and the register reconciliation, on the sample (whose deliberate
discrepancies are known) and on hand-made topology faults."""

from __future__ import annotations

import csv
import io
import sqlite3

import pandas as pd
import pytest
from sqlalchemy import text

from gis.registers import discrepancies
from gis.topology import check_layer

PASSWORD = "parola-verificare-1"
SAMPLE_UAT = 926501
YEAR = 2026


@pytest.fixture(scope="module")
def staff(staff_client):
    return staff_client("officer", username="c.officer")[0]


def test_the_report_finds_every_deliberate_discrepancy_of_the_sample(loaded, engine):
    truth = pd.read_csv(loaded.samples_dir / "discrepancies.csv", dtype=str)
    with engine.connect() as c:
        found = discrepancies(c, SAMPLE_UAT, YEAR)
    keys = {(d.kind, d.cadastral_number or d.plot_id) for d in found}
    for row in truth.itertuples():
        key = row.cadastral_number if isinstance(row.cadastral_number, str) else row.plot_id
        assert (row.kind, key) in keys, (row.kind, key)
    assert len(truth) > 5


def test_the_report_over_http_filters_and_exports_csv(staff):
    body = staff.get(f"/api/office/discrepancies?uat={SAMPLE_UAT}&year={YEAR}&kind=area_mismatch").get_json()
    assert body["count"] > 0 and {d["kind"] for d in body["discrepancies"]} == {"area_mismatch"}
    r = staff.get(f"/api/office/discrepancies?uat={SAMPLE_UAT}&year={YEAR}&format=csv")
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert r.mimetype == "text/csv" and len(rows) >= body["count"]


def test_the_sample_layer_is_clean(engine):
    with engine.connect() as c:
        assert check_layer(c, SAMPLE_UAT) == []


def test_the_check_finds_overlaps_gaps_and_duplicates(engine, conn, make_uat):
    u = make_uat(conn, 999601, "Topo", (400000, 400000, 401000, 401000))
    parcels = [("T1", 400000, 400000, 400020), ("T2", 400019, 400000, 400040),   # 1 m overlap
               ("T3", 400040.3, 400000, 400060),                                  # 0.3 m gap
               ("T4", 400060, 400000, 400080)]
    for number, x1, y1, x2 in parcels:
        conn.execute(text("INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
                          "VALUES (:u, :n, 'CC', true, ST_Multi(ST_MakeEnvelope(:x1, :y1, :x2, :y2, 3844)))"),
                     {"u": u, "n": number, "x1": x1, "y1": y1, "x2": x2, "y2": y1 + 40})
    # a closed ring of parcels around a 0.4 m wide hole
    conn.execute(text("INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
                      "VALUES (:u, 'R1', 'CC', true, "
                      "ST_Multi(ST_Difference(ST_MakeEnvelope(400100, 400000, 400140, 400040, 3844), "
                      "ST_MakeEnvelope(400119.8, 400010, 400120.2, 400030, 3844))))"), {"u": u})
    problems = check_layer(conn, u)
    kinds = {(p.kind, tuple(sorted(p.cadastral_numbers))) for p in problems}
    assert ("overlap", ("T1", "T2")) in kinds
    gap = [p for p in problems if p.kind == "gap"]
    assert gap and gap[0].area_m2 == pytest.approx(8.0, abs=0.01) and "R1" in gap[0].cadastral_numbers
    overlap = next(p for p in problems if p.kind == "overlap")
    assert overlap.area_m2 == pytest.approx(40.0) and overlap.location["type"] == "Polygon"


def test_the_check_exports_a_geopackage_that_gdal_reads(staff, engine, tmp_path, make_uat):
    import pyogrio

    with engine.begin() as c:  # a committed fault in a UAT of its own
        make_uat(c, 999701, "Gpkg", (500000, 500000, 501000, 501000))
        for n, x in (("G1", 500000), ("G2", 500015)):
            c.execute(text("INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom) "
                           "VALUES (999701, :n, 'CC', true, "
                           "ST_Multi(ST_MakeEnvelope(:x, 500000, :x + 20, 500040, 3844)))"),
                      {"n": n, "x": x})
    r = staff.post("/api/office/topology?format=gpkg", json={"uat": 999701})
    assert r.status_code == 200
    path = tmp_path / "p.gpkg"
    path.write_bytes(r.data)
    frame = pyogrio.read_dataframe(path, layer="probleme")
    with sqlite3.connect(path) as db:  # GeoPackage 1.3: GDAL 3.6 (QGIS 3.22) warns about 1.4
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10300
    assert list(frame["kind"]) == ["overlap"] and frame["area_m2"][0] == pytest.approx(200.0)


def test_the_check_over_http_with_a_drawn_area_and_csv(staff):
    area = {"type": "Polygon", "coordinates": [[[21.6, 46.8], [22.1, 46.8], [22.1, 47.1], [21.6, 47.1], [21.6, 46.8]]]}
    r = staff.post("/api/office/topology", json={"uat": SAMPLE_UAT, "area": area})
    assert r.status_code == 200 and r.get_json()["count"] == 0
    assert staff.post("/api/office/topology?format=csv", json={"uat": SAMPLE_UAT}).mimetype == "text/csv"
    bad = staff.post("/api/office/topology", json={"uat": SAMPLE_UAT, "area": {"type": "Point"}})
    assert bad.status_code == 400


def test_the_fiscal_view_is_staff_only_and_logged(app, staff, engine):
    with engine.connect() as c:
        pid = c.execute(text("SELECT parcel_id FROM fiscal.tax_assessment WHERE parcel_id IS NOT NULL "
                             "ORDER BY 1 LIMIT 1")).scalar_one()
        before = c.execute(text("SELECT count(*) FROM audit.log WHERE table_name = 'fiscal:parcel' "
                                "AND object_id = :o"), {"o": str(pid)}).scalar_one()
    assert app.test_client().get(f"/api/office/parcels/{pid}/fiscal").status_code == 401
    body = staff.get(f"/api/office/parcels/{pid}/fiscal").get_json()
    assert body["assessments"] and body["assessments"][0]["taxpayer"] and body["assessments"][0]["id_code"]
    with engine.connect() as c:
        after = c.execute(text("SELECT count(*), max(actor) FROM audit.log WHERE table_name = 'fiscal:parcel' "
                               "AND object_id = :o"), {"o": str(pid)}).one()
    assert after[0] == before + 1 and after[1] == "officer:c.officer"
