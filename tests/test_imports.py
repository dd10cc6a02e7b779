"""The import pipeline against the database: clean imports, idempotence, changes and
replacements, every rejection with its message and an unchanged database, the CLI's exit
codes, and the upload → review → accept flow over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon, box
from sqlalchemy import text

from gis.settings import PROJECT_ROOT
from importers.pipeline import Options, analyse_and_merge

UAT = 999601
X0, Y0 = 320000, 720000
PASSWORD = "parola-import-123"


@pytest.fixture(scope="module")
def uat(loaded, engine, make_uat):
    with engine.begin() as c:
        make_uat(c, UAT, "Test Import", (X0, Y0, X0 + 2000, Y0 + 2000))
        c.execute(text(f"INSERT INTO territory.locality (siruta, uat_siruta, name, rank, geom) VALUES "
                       f"({UAT + 1}, {UAT}, 'Satu Import', 5, "
                       f"ST_Multi(ST_MakeEnvelope({X0}, {Y0}, {X0 + 2000}, {Y0 + 2000}, 3844)))"))
        c.execute(text(f"INSERT INTO streets.street (uat_siruta, locality_siruta, code, street_type, name, geom) "
                       f"VALUES ({UAT}, {UAT + 1}, 'IMP1', 'Strada', 'Fântânii', ST_Multi(ST_MakeLine("
                       f"ST_MakePoint({X0}, {Y0 + 1990}), ST_MakePoint({X0 + 900}, {Y0 + 1990}))"
                       f"::geometry(LineString, 3844)))"))
    return UAT


def frame(rows, crs="EPSG:3844"):
    return gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows],
                            geometry=[r["geometry"] for r in rows], crs=crs)


def parcel(number, x, y, w=20, h=30, **extra):
    return {"NR_CAD": number, "CATEGORIE": "A", "INTRAVILAN": 0, "SUPRAFATA": w * h,
            "geometry": box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h), **extra}


def shapefile_zip(tmp_path, rows, name="parcele", crs="EPSG:3844") -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    frame(rows, crs).to_file(folder / f"{name}.shp", engine="pyogrio")
    out = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    return out


def run(settings, path, commit=True, **options):
    report, _ = analyse_and_merge(settings, path, Options(uat=UAT, **options), "test:import", commit=commit)
    return report


def fingerprint(engine) -> tuple:
    with engine.connect() as c:
        return tuple(c.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT coalesce(sum(version), 0) FROM cadastre.parcel), "
            "(SELECT count(*) FROM cadastre.parcel WHERE valid_to IS NOT NULL), "
            "(SELECT count(*) FROM cadastre.building), "
            "(SELECT count(*) FROM streets.address_point), (SELECT count(*) FROM audit.log)")).one())


def current(engine, number):
    with engine.connect() as c:
        return c.execute(text("SELECT id, version, use_category, legal_area::float, ST_AsText(geom) "
                              "FROM cadastre.parcel "
                              "WHERE uat_siruta = :u AND cadastral_number = :n AND valid_to IS NULL"),
                         {"u": UAT, "n": number}).one_or_none()


def codes(report) -> set[str]:
    return {p.code for p in report.problems}


def test_a_clean_shapefile_is_imported_and_again_changes_nothing(loaded, uat, engine, tmp_path):
    path = shapefile_zip(tmp_path, [parcel("910001", 0, 0), parcel("910002", 20, 0), parcel("910003", 40, 0)])
    report = run(loaded, path)
    assert report.status == "committed", report.text()
    assert (report.summary["new"], report.summary["features"]) == (3, 3)
    assert current(engine, "910002")[1:4] == (1, "A", 600.0)
    with engine.connect() as c:
        actors = c.execute(text("SELECT DISTINCT actor FROM audit.log WHERE table_name = 'cadastre.parcel' "
                                "AND object_id = :o"), {"o": str(current(engine, "910002")[0])}).scalars().all()
    assert actors == ["test:import"]
    before = fingerprint(engine)
    again = run(loaded, path)
    assert again.status == "committed" and again.summary["unchanged"] == 3 and again.summary["new"] == 0
    assert fingerprint(engine) == before, "importing the same file twice changes nothing"


def test_a_changed_outline_is_a_new_version(loaded, uat, engine, tmp_path):
    run(loaded, shapefile_zip(tmp_path, [parcel("910011", 0, 100), parcel("910012", 20, 100)]))
    moved = shapefile_zip(tmp_path, [parcel("910011", 0, 100, h=35), parcel("910012", 20, 100)], name="v2")
    report = run(loaded, moved)
    assert (report.summary["changed"], report.summary["unchanged"]) == (1, 1), report.text()
    assert current(engine, "910011")[1] == 2
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel_history WHERE id = :i"),
                         {"i": current(engine, "910011")[0]}).scalar_one() == 1


def test_a_dry_run_writes_nothing(loaded, uat, engine, tmp_path):
    before = fingerprint(engine)
    report = run(loaded, shapefile_zip(tmp_path, [parcel("910021", 0, 200)]), commit=False)
    assert report.status == "checked" and report.summary["new"] == 1
    assert fingerprint(engine) == before and current(engine, "910021") is None


def test_new_parcels_replacing_a_current_one_retire_it(loaded, uat, engine, tmp_path):
    run(loaded, shapefile_zip(tmp_path, [parcel("910031", 0, 300, w=40)]))
    split = shapefile_zip(tmp_path, [parcel("910032", 0, 300), parcel("910033", 20, 300)], name="split")
    report = run(loaded, split)
    assert report.status == "committed" and report.summary["retired"] == 1 and report.retired == ["910031"]
    assert "retired" in codes(report)
    assert current(engine, "910031") is None and current(engine, "910032") and current(engine, "910033")


BOWTIE = Polygon([(X0 + 500, Y0 + 500), (X0 + 520, Y0 + 530), (X0 + 520, Y0 + 500), (X0 + 500, Y0 + 530)])


@pytest.mark.parametrize("rows,code,words", [
    ([parcel("910101", 0, 0, w=10)], "overlap", "910001"),                               # half over 910001
    ([{**parcel("910102", 600, 0), "geometry": BOWTIE}], "invalid_geometry", "Self-intersection"),
    ([parcel("910103", 600, 0), parcel("910103", 700, 0)], "duplicate_in_file", "more than once"),
    ([parcel("910104", 800, 0), parcel("910105", 810, 0)], "overlap_in_file", "overlaps feature #1"),
    ([parcel("910106", 1990, 0)], "outside_uat", "outside the UAT"),
    ([{**parcel("910107", 0, 0), "geometry": Point(X0 + 900, Y0 + 900)}], "wrong_type", "Point"),
    ([{**parcel("910108", 900, 0), "CATEGORIE": "XYZ"}], "bad_category", "XYZ"),
    ([{**parcel("9101/AB/CDEFGHI", 900, 0)}], "bad_number", "not well-formed"),
    ([{**parcel("910109", 900, 0), "CATEGORIE": None}], "missing_value", "use category"),
    ([{**parcel("910110", 900, 0), "SUPRAFATA": -5}], "bad_value", "positive"),
    ([{**parcel("910111", 900, 0, w=0.1, h=0.1)}], "too_small", "m²"),
])
def test_each_bad_feature_is_rejected_with_its_reason_and_nothing_is_written(loaded, uat, engine, tmp_path, rows,
                                                                              code, words):
    before = fingerprint(engine)
    report = run(loaded, shapefile_zip(tmp_path, rows))
    assert report.status == "rejected"
    problem = next((p for p in report.errors if p.code == code), None)
    assert problem is not None, report.text()
    assert words in problem.message and problem.feature is not None and problem.layer
    assert fingerprint(engine) == before


def test_make_valid_repairs_a_bow_tie_with_a_warning(loaded, uat, engine, tmp_path):
    report = run(loaded, shapefile_zip(tmp_path, [{**parcel("910121", 0, 0), "geometry": BOWTIE}]), make_valid=True)
    assert report.status == "committed", report.text()
    assert "repaired" in codes(report)
    assert current(engine, "910121")[4].startswith("MULTIPOLYGON(((")


def test_a_legal_area_far_from_the_measured_one_is_a_warning(loaded, uat, engine, tmp_path):
    report = run(loaded, shapefile_zip(tmp_path, [{**parcel("910131", 0, 400), "SUPRAFATA": 900}]))
    assert report.status == "committed" and "area_difference" in codes(report)


def test_a_missing_number_column_names_the_fix_and_a_mapping_file_applies(loaded, uat, engine, tmp_path):
    rows = [{"NUMAR_IMOBIL": "910141", "CATEGORIE": "A", "INTRAVILAN": 1,
             "geometry": box(X0, Y0 + 450, X0 + 20, Y0 + 480)}]
    path = shapefile_zip(tmp_path, rows)
    first = run(loaded, path)
    assert first.status == "rejected" and "--mapping" in first.errors[0].message
    assert "NUMAR_IMOB" in first.layers[0]["unmapped"]  # DBF names are cut at 10 characters
    mapped = run(loaded, path, mapping={"NUMAR_IMOB": "cadastral_number"})
    assert mapped.status == "committed", mapped.text()


def test_an_empty_layer_is_refused(loaded, uat, engine, tmp_path):
    path = tmp_path / "gol.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    report = run(loaded, path)
    assert report.status == "rejected" and "no features" in report.errors[0].message


def test_geojson_in_wgs84_is_reprojected_with_a_warning(loaded, uat, engine, tmp_path):
    f = frame([parcel("910151", 0, 500)]).to_crs(4326)
    path = tmp_path / "wgs.geojson"
    f.to_file(path, driver="GeoJSON")
    report = run(loaded, path)
    assert report.status == "committed", report.text()
    assert any(p.severity == "warning" and "4326" in p.message for p in report.problems)


def test_buildings_need_their_parcel_and_addresses_their_street(loaded, uat, engine, tmp_path):
    b = tmp_path / "corpuri.geojson"
    frame([{"NR_CAD": "999999", "NR_CORP": 1, "geometry": box(X0 + 1, Y0 + 1, X0 + 9, Y0 + 9)}]).to_file(
        b, driver="GeoJSON")
    before = fingerprint(engine)
    report = run(loaded, b, kind="buildings")
    assert report.status == "rejected" and report.errors[0].code == "unknown_parcel"
    ok = tmp_path / "corpuri-ok.geojson"
    frame([{"NR_CAD": "910001", "NR_CORP": 1, "DESTINATIE": "CL", "geometry": box(X0 + 2, Y0 + 2, X0 + 12, Y0 + 12)}]) \
        .to_file(ok, driver="GeoJSON")
    assert run(loaded, ok, kind="buildings").status == "committed"
    a = tmp_path / "adrese.geojson"
    frame([{"STRADA": "Strada Necunoscută", "NR": "3", "geometry": Point(X0 + 10, Y0 + 10)}]).to_file(
        a, driver="GeoJSON")
    assert run(loaded, a, kind="addresses").errors[0].code == "unknown_street"
    fine = tmp_path / "adrese-ok.geojson"
    frame([{"STRADA": "fantanii", "NR": "7A", "geometry": Point(X0 + 10, Y0 + 10)}]).to_file(fine, driver="GeoJSON")
    report = run(loaded, fine, kind="addresses")
    assert report.status == "committed", report.text()
    with engine.connect() as c:
        assert c.execute(text("SELECT number, suffix FROM streets.address_point a JOIN streets.street s "
                              "ON s.id = a.street_id WHERE s.code = 'IMP1'")).one() == (7, "A")
    assert fingerprint(engine) != before


def test_a_zip_slip_is_refused_before_anything_is_read(loaded, uat, engine, tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../evil.shp", b"x")
    before = fingerprint(engine)
    report = run(loaded, evil)
    assert report.status == "rejected" and "evil.shp" in report.errors[0].message
    assert fingerprint(engine) == before


def cli(*args, env_extra=None):
    env = {**os.environ, "TERITORIU_DB_NAME": os.environ.get("TERITORIU_TEST_DB", "teritoriu_test"),
           **(env_extra or {})}
    return subprocess.run([str(Path(sys.executable).parent / "teritoriu"), *args], capture_output=True, text=True,
                          env=env, cwd=PROJECT_ROOT, timeout=300)


@pytest.mark.slow  # the command line in subprocesses / GDAL reading every page
def test_the_cli_exit_codes(loaded, uat, engine, tmp_path):
    good = shapefile_zip(tmp_path, [parcel("910161", 0, 600)])
    report_file = tmp_path / "r.json"
    dry = cli("import", str(good), "--layer", "parcels", "--uat", str(UAT), "--dry-run", "--report", str(report_file))
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert json.loads(report_file.read_text())["summary"]["new"] == 1 and current(engine, "910161") is None
    done = cli("import", str(good), "--layer", "parcels", "--uat", str(UAT))
    assert done.returncode == 0 and current(engine, "910161"), done.stdout + done.stderr
    bad = shapefile_zip(tmp_path, [parcel("910162", 10, 600)], name="bad")   # overlaps half of 910161
    page = tmp_path / "raport.html"
    refused = cli("import", str(bad), "--layer", "parcels", "--uat", str(UAT), "--report", str(page))
    assert refused.returncode == 1 and "910161" in refused.stdout and "nothing was written" in refused.stderr
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and 'data-code="overlap"' in html and "<style>" in html
    assert cli("import", str(good)).returncode == 2                                   # --layer missing
    assert cli("import", str(good), "--layer", "parcels", "--crs", "Stereo").returncode == 2


@pytest.fixture(scope="module")
def staff(staff_client):
    return {role: staff_client(role, username=f"i.{role}") for role in ("surveyor", "officer")}


def wait(client, job, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/imports/{job}").get_json()
        if body["status"] != "running":
            return body
        time.sleep(0.3)
    raise AssertionError("the import did not finish")


def test_upload_review_and_accept_over_http(staff, uat, engine, tmp_path):
    surveyor, sh = staff["surveyor"]
    officer, oh = staff["officer"]
    path = shapefile_zip(tmp_path, [parcel("910171", 0, 700), parcel("910172", 20, 700)])
    with open(path, "rb") as fh:
        r = surveyor.post("/api/imports", headers=sh, data={"file": (fh, "parcele.zip"), "layer": "parcels",
                                                            "uat": str(UAT)})
    assert r.status_code == 202, r.data
    job = r.get_json()["id"]
    body = wait(surveyor, job)
    assert body["status"] == "staged" and body["report"]["summary"]["new"] == 2
    assert current(engine, "910171") is None, "staged, not imported"
    features = surveyor.get(f"/api/imports/{job}/features").get_json()["features"]
    assert {f["properties"]["change"] for f in features} == {"new"} and len(features) == 2
    assert 20 < features[0]["geometry"]["coordinates"][0][0][0] < 30, "CRS84 for the map"
    page = officer.get(f"/office/imports/{job}").get_data(as_text=True)
    assert 'data-status="staged"' in page
    assert "se scriu 2 obiecte noi și 0 modificate" in page  # the accept button says what it writes
    unconfirmed = officer.post(f"/office/imports/{job}/accept", data={"csrf": oh["X-CSRF-Token"]})
    assert unconfirmed.status_code == 400 and "Bifați confirmarea" in unconfirmed.get_data(as_text=True)
    assert current(engine, "910171") is None, "not confirmed: nothing written"
    assert surveyor.post(f"/api/imports/{job}/accept", headers=sh).status_code == 403
    accepted = officer.post(f"/api/imports/{job}/accept", headers=oh)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "committed"
    assert current(engine, "910171") and current(engine, "910172")
    assert officer.post(f"/api/imports/{job}/accept", headers=oh).status_code == 409


def test_a_bad_upload_is_rejected_and_an_officer_can_discard(staff, uat, engine, tmp_path):
    surveyor, sh = staff["surveyor"]
    officer, oh = staff["officer"]
    bad = shapefile_zip(tmp_path, [parcel("910181", 10, 700)])  # overlaps half of 910171
    with open(bad, "rb") as fh:
        job = surveyor.post("/api/imports", headers=sh, data={"file": (fh, "x.zip"), "layer": "parcels",
                                                              "uat": str(UAT)}).get_json()["id"]
    body = wait(surveyor, job)
    assert body["status"] == "rejected" and body["report"]["problems"][0]["code"] == "overlap"
    good = shapefile_zip(tmp_path, [parcel("910182", 0, 800)], name="good")
    with open(good, "rb") as fh:
        r = surveyor.post("/api/imports", headers=sh, data={"file": (fh, "y.zip"), "layer": "parcels",
                                                            "uat": str(UAT)})
        assert r.status_code == 202, r.get_json()
        job = r.get_json()["id"]
    assert wait(surveyor, job)["status"] == "staged"
    assert officer.post(f"/api/imports/{job}/reject", headers=oh).get_json()["status"] == "discarded"
    assert current(engine, "910182") is None
    for form, words in (({"layer": "roads"}, "layer"), ({"layer": "parcels", "crs": "x"}, "EPSG"),
                        ({"layer": "parcels", "mapping": "{"}, "JSON"), ({"layer": "parcels"}, "file")):
        data = dict(form)
        if words != "file":
            data["file"] = (open(good, "rb"), "z.zip")
        r = surveyor.post("/api/imports", headers=sh, data=data)
        assert r.status_code == 400 and words in r.get_json()["message"]
    assert staff["surveyor"][0].get("/api/imports/999999").status_code == 404


def test_an_upload_over_the_size_limit_is_a_413_with_a_message(staff):
    """Staff imports take up to 200 MB (api/bodies.py); one declared larger is refused unread."""
    import io

    surveyor, sh = staff["surveyor"]
    declared = 200 * 2**20 + 1
    r = surveyor.post("/api/imports", headers=sh, input_stream=io.BytesIO(b"--x--"),
                      environ_overrides={"CONTENT_LENGTH": str(declared)},
                      content_type="multipart/form-data; boundary=x")
    assert r.status_code == 413 and r.get_json()["message"], r.data


def test_a_sample_cgxml_matches_the_loaded_commune(loaded, engine):
    """The sample CGXML files describe parcels, buildings and addresses the sample commune
    already holds: a dry run finds them all unchanged."""
    cgxml = sorted((loaded.samples_dir / "cgxml").glob("*.cgxml"))[0]
    report, _ = analyse_and_merge(loaded, cgxml, Options(), "test:import", commit=False)
    assert report.ok, report.text()
    assert {x["kind"] for x in report.layers} == {"parcels", "buildings", "addresses"}
    assert report.summary["new"] == 0 and report.summary["changed"] == 0
    assert report.summary["unchanged"] == report.summary["features"] >= 3


def test_a_cgxml_imports_parcel_building_and_address_together(loaded, uat, engine, tmp_path):
    def points(immovable, building, coords):
        return "".join(f"<Points><IMMOVABLEID>{immovable}</IMMOVABLEID><BUILDINGID>{building}</BUILDINGID>"
                       f"<NO>{i}</NO><X>{Y0 + y}</X><Y>{X0 + x}</Y></Points>" for i, (x, y) in enumerate(coords, 1))
    path = tmp_path / "nou.cgxml"
    path.write_text(
        "<CGXML><Address><ADDRESSID>1</ADDRESSID><STREETTYPE>Strada</STREETTYPE><STREETNAME>Fântânii</STREETNAME>"
        "<POSTALNUMBER>15</POSTALNUMBER><ZIPCODE>_empty</ZIPCODE></Address>"
        "<Land><LANDID>1</LANDID><CADGENNO>910201</CADGENNO><PARCELLEGALAREA>600</PARCELLEGALAREA>"
        "<ADDRESSID>1</ADDRESSID></Land>"
        "<Parcel><LANDID>1</LANDID><MEASUREDAREA>600</MEASUREDAREA><USECATEGORY>CC</USECATEGORY>"
        "<INTRAVILAN>true</INTRAVILAN></Parcel>"
        "<Building><BUILDINGID>1</BUILDINGID><LANDID>1</LANDID><BUILDNO>1</BUILDNO>"
        "<BUILDINGDESTINATION>CL</BUILDINGDESTINATION><LEVELSNO>2</LEVELSNO><ISLEGAL>true</ISLEGAL></Building>"
        + points(1, "_empty", [(0, 900), (20, 900), (20, 930), (0, 930)])
        + points(1, 1, [(5, 905), (15, 905), (15, 915), (5, 915)]) + "</CGXML>")
    report = run(loaded, path)
    assert report.status == "committed", report.text()
    assert report.summary["new"] == 3
    with engine.connect() as c:
        row = c.execute(text("""
            SELECT p.use_category, b.levels, a.number FROM cadastre.parcel p
            JOIN cadastre.building b ON b.parcel_id = p.id JOIN streets.address_point a ON a.parcel_id = p.id
            WHERE p.cadastral_number = '910201' AND p.valid_to IS NULL""")).one()
    assert tuple(row) == ("CC", 2, 15)


def test_a_check_whose_server_died_ends_failed_not_running_forever(loaded, staff, engine):
    """A job left "running" by a killed server (nobody holds its lock) is marked failed with a
    message the next time anyone looks; one whose check is alive stays running."""
    from importers.pipeline import running_job

    officer, _ = staff["officer"]
    with engine.begin() as c:
        dead, alive = (c.execute(text(
            "INSERT INTO importing.job (created_at, created_by, source_name, kind, status)"
            " VALUES (now() - interval '5 minutes', 'officer:i.officer', :n, 'parcels', 'running') RETURNING id"),
            {"n": name}).scalar_one() for name in ("mort.zip", "viu.zip"))
    with running_job(loaded, alive):
        assert officer.get(f"/api/imports/{alive}").get_json()["status"] == "running"
        body = officer.get(f"/api/imports/{dead}").get_json()
        assert body["status"] == "failed"
        assert "interrupted" in body["report"]["problems"][-1]["message"]
        assert "eșuat" in officer.get("/office/imports").get_data(as_text=True)
    with engine.begin() as c:  # leave no running job behind for other tests
        c.execute(text("UPDATE importing.job SET status = 'failed' WHERE id = :i"), {"i": alive})
