"""The INSPIRE collections against PostGIS: Cadastral Parcels and Addresses with one feature per
version (lifespan dates of that version), Planned Land Use zoning elements with the HILUCS codes
of gis/land_use.py, and spatial plans."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from sqlalchemy import text

from gis import land_use

CODELIST = "http://inspire.ec.europa.eu/codelist"


def _rows(conn, sql: str, **params) -> list[dict]:
    return [r._asdict() for r in conn.execute(text(sql), params)]


def test_a_parcel_is_published_with_its_inspire_attributes(client, engine):
    with engine.connect() as c:
        p = c.execute(text("SELECT id, version, uat_siruta, cadastral_number, legal_area, valid_from, "
                           "ST_AsText(geom) AS wkt FROM cadastre.parcel WHERE valid_to IS NULL AND legal_area "
                           "IS NOT NULL ORDER BY id LIMIT 1")).one()._asdict()
    body = client.get(f"/ogc/collections/inspire_cadastral_parcels/items/{p['id']}-v{p['version']}?f=json").get_json()
    props = body["properties"]
    assert props["inspireId"] == {"localId": str(p["id"]), "namespace": f"RO.{p['uat_siruta']}.CP",
                                  "versionId": str(p["version"])}
    assert props["nationalCadastralReference"] == props["label"] == p["cadastral_number"]
    assert props["areaValue"] == pytest.approx(float(p["legal_area"])) and props["areaValue.uom"] == "m2"
    assert props["endLifespanVersion"] is None and props["validTo"] is None
    assert props["beginLifespanVersion"].startswith(p["valid_from"].date().isoformat())
    lon, lat = props["referencePoint"]["coordinates"]
    with engine.connect() as c:
        inside = c.execute(text("SELECT ST_Contains(ST_GeomFromText(:wkt, 3844), "
                                "ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 3844))"),
                           {"wkt": p["wkt"], "lon": lon, "lat": lat}).scalar()
    assert inside, "the reference point lies on the parcel (CRS84)"


def test_an_edit_closes_the_version_it_replaces(conn):
    parcel_id = conn.execute(text("SELECT id FROM cadastre.parcel WHERE valid_to IS NULL ORDER BY id LIMIT 1")).scalar()
    query = """
        SELECT "inspireId" ->> 'versionId' AS version, "beginLifespanVersion" AS begin,
               "endLifespanVersion" AS "end", "validFrom", "validTo"
        FROM public_api.inspire_cadastral_parcel WHERE "inspireId" ->> 'localId' = :i
        ORDER BY ("inspireId" ->> 'versionId')::int"""
    before = [v["version"] for v in _rows(conn, query, i=str(parcel_id))]  # other tests may have edited it
    conn.execute(text("UPDATE cadastre.parcel SET land_book_number = land_book_number || '-x' WHERE id = :i"),
                 {"i": parcel_id})
    versions = _rows(conn, query, i=str(parcel_id))
    assert [v["version"] for v in versions] == [str(n) for n in range(1, len(before) + 2)] and before
    old, new = versions[-2:]
    assert old["end"] is not None and old["end"] == new["begin"], "the old version ends when the new one begins"
    assert new["end"] is None and old["begin"] < new["begin"]
    assert old["validFrom"] == new["validFrom"] == versions[0]["begin"], "validFrom: the parcel's first version"
    assert old["validTo"] is None and new["validTo"] is None


def test_a_retired_parcel_has_an_end_of_lifespan_and_of_validity(conn):
    parcel_id = conn.execute(text("SELECT id FROM cadastre.parcel WHERE valid_to IS NULL ORDER BY id DESC LIMIT 1")
                             ).scalar()
    conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :i"), {"i": parcel_id})
    (row,) = _rows(conn, """SELECT "endLifespanVersion" AS "end", "validTo", now() AS now
                            FROM public_api.inspire_cadastral_parcel WHERE "inspireId" ->> 'localId' = :i""",
                   i=str(parcel_id))
    assert row["end"] == row["validTo"] == row["now"]


def test_parcels_registered_on_different_days_have_their_own_lifespan(conn):
    """Each version's own date, not one instant for every parcel."""
    template = conn.execute(text("SELECT uat_siruta FROM cadastre.parcel LIMIT 1")).scalar()
    ids = conn.execute(text("""
        INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, use_category, intravilan, geom, valid_from)
        SELECT :u, n, 'A', false, ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(x, 250000), 3844), 5, 'quad_segs=1')), d
        FROM (VALUES ('T-INSPIRE-1', 590000, timestamptz '2024-03-01 10:00+02'),
                     ('T-INSPIRE-2', 590100, timestamptz '2025-06-15 09:30+03')) v(n, x, d)
        RETURNING id"""), {"u": template}).scalars().all()
    begins = conn.execute(text("""SELECT "beginLifespanVersion"::date FROM public_api.inspire_cadastral_parcel
                                  WHERE "inspireId" ->> 'localId' = ANY(:ids) ORDER BY 1"""),
                          {"ids": [str(i) for i in ids]}).scalars().all()
    assert [d.isoformat() for d in begins] == ["2024-03-01", "2025-06-15"]


def test_an_address_has_its_locators_status_and_components(client, engine):
    with engine.connect() as c:
        a = c.execute(text("""
            SELECT a.id, a.version, a.number, a.suffix, a.postal_code, s.id AS street_id,
                   s.street_type || ' ' || s.name AS street, u.name AS uat
            FROM streets.address_point a JOIN streets.street s ON s.id = a.street_id
            JOIN territory.uat u ON u.siruta = a.uat_siruta
            WHERE a.valid_to IS NULL ORDER BY a.id LIMIT 1""")).one()._asdict()
    props = client.get(f"/ogc/collections/inspire_addresses/items/{a['id']}-v{a['version']}?f=json"
                       ).get_json()["properties"]
    assert props["status"] == f"{CODELIST}/StatusValue/current"
    site = next(loc for loc in props["locator"] if loc["level"] == f"{CODELIST}/LocatorLevelValue/siteLevel")
    assert {"designator": str(a["number"]), "type": f"{CODELIST}/LocatorDesignatorTypeValue/addressNumber"} \
        in site["designator"]
    components = {c["type"]: c for c in props["component"]}
    assert components["ThoroughfareName"]["name"] == a["street"]
    assert components["ThoroughfareName"]["featureId"] == a["street_id"]
    assert components["AdminUnitName"]["name"] == a["uat"]
    assert components["PostalDescriptor"].get("postCode") == a["postal_code"]
    assert props["endLifespanVersion"] is None and props["beginLifespanVersion"]


def test_an_address_with_entrance_has_an_access_level_locator(conn):
    address_id = conn.execute(text("SELECT id FROM streets.address_point WHERE valid_to IS NULL ORDER BY id LIMIT 1")
                              ).scalar()
    conn.execute(text("UPDATE streets.address_point SET block = 'B2', entrance = 'C' WHERE id = :i"),
                 {"i": address_id})
    rows = _rows(conn, """SELECT locator, status, "endLifespanVersion" AS "end" FROM public_api.inspire_address
                          WHERE "inspireId" ->> 'localId' = :i ORDER BY ("inspireId" ->> 'versionId')::int""",
                 i=str(address_id))
    assert len(rows) == 2 and rows[0]["end"] is not None and rows[1]["end"] is None
    levels = {loc["level"].rsplit("/", 1)[1]: loc["designator"] for loc in rows[1]["locator"]}
    assert {"designator": "C", "type": f"{CODELIST}/LocatorDesignatorTypeValue/staircaseIdentifier"} \
        in levels["accessLevel"]
    assert {"designator": "B2", "type": f"{CODELIST}/LocatorDesignatorTypeValue/buildingIdentifier"} \
        in levels["siteLevel"]


def test_the_hilucs_table_is_the_vocabulary(engine):
    with engine.connect() as c:
        rows = c.execute(text("SELECT functional_zone, hilucs FROM planning.hilucs_land_use"))
        table = {zone: tuple(codes) for zone, codes in rows}
    assert table == land_use.HILUCS_BY_FUNCTIONAL_ZONE


def test_zoning_elements_carry_the_hilucs_of_their_utr(client, engine):
    with engine.connect() as c:
        zones = {r.id: r for r in c.execute(text(
            "SELECT z.id, z.functional_zone, d.kind, d.id AS document_id FROM planning.zone z "
            "JOIN planning.document d ON d.id = z.document_id WHERE z.valid_to IS NULL"))}
    body = client.get("/ogc/collections/inspire_zoning_elements/items?f=json&limit=1000").get_json()
    assert len(body["features"]) == len(zones) > 0
    for feature in body["features"]:
        zone, props = zones[feature["id"]], feature["properties"]
        assert props["hilucsLandUse"] == land_use.hilucs(zone.functional_zone)
        assert props["regulationNature"] == f"{CODELIST}/RegulationNatureValue/generallyBinding"
        assert props["plan"]["featureId"] == zone.document_id and props["planTypeName"] == zone.kind
    assert {"L", "M"} <= {z.functional_zone for z in zones.values()}
    residential = next(f for f in body["features"] if zones[f["id"]].functional_zone == "L")
    assert residential["properties"]["hilucsLandUse"] == [
        "http://inspire.ec.europa.eu/codelist/HILUCSValue/5_1_PermanentResidentialUse"]


def test_spatial_plans(client, engine):
    with engine.connect() as c:
        docs = {r.id: r for r in c.execute(text(
            "SELECT id, code, kind, name, hcl_number, hcl_date FROM planning.document WHERE geom IS NOT NULL"))}
    body = client.get("/ogc/collections/inspire_spatial_plans/items?f=json").get_json()
    assert len(body["features"]) == len(docs) > 0
    for feature in body["features"]:
        doc, props = docs[feature["id"]], feature["properties"]
        assert props["officialTitle"] == doc.name and props["planTypeName"] == doc.kind
        level = "local" if doc.kind == "PUG" else "infraLocal"
        assert props["levelOfSpatialPlan"] == f"{CODELIST}/LevelOfSpatialPlanValue/{level}"
        assert props["ordinance"] == [{"ordinanceReference": f"HCL nr. {doc.hcl_number}",
                                       "ordinanceDate": doc.hcl_date.isoformat()}]
    assert {"PUG", "PUZ"} <= {d.kind for d in docs.values()}


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin is installed by make setup")
def test_gdal_copies_the_zoning_elements_with_their_hilucs_codes(live_server, engine, tmp_path):
    """A real client: GDAL's OAPIF driver over HTTP, its own output and stderr."""
    out = tmp_path / "zoning.geojson"
    run = subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{live_server}/ogc",
                          "inspire_zoning_elements"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "ERROR" not in run.stderr, run.stderr
    features = json.loads(out.read_text())["features"]
    with engine.connect() as c:
        expected = c.execute(text("SELECT count(*) FROM planning.zone WHERE valid_to IS NULL")).scalar()
    assert len(features) == expected > 0
    assert all(f["properties"]["hilucsLandUse"][0].startswith(land_use.HILUCS_URI) for f in features)
