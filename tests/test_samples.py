"""Loading data-samples/: everything arrives, links resolve, and a second load changes nothing."""

from __future__ import annotations

import pyogrio
import pytest
from sqlalchemy import text

from gis.samples import load_commune

TABLES = {
    "uat": "territory.uat", "localities": "territory.locality", "parcels": "cadastre.parcel",
    "buildings": "cadastre.building", "streets": "streets.street",
    "street_names": "streets.street_name", "address_points": "streets.address_point",
    "planning_documents": "planning.document", "zones": "planning.zone",
    "restrictions": "planning.restriction", "agri_plots": "agri.plot",
}


def counts(engine) -> dict[str, int]:
    with engine.connect() as c:
        return {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
                for t in [*TABLES.values(), "fiscal.taxpayer", "fiscal.tax_assessment",
                          "cadastre.parcel_history", "audit.log"]}


SAMPLE_UAT = 926501


def sample_count(engine, table: str) -> int:
    """Rows of the sample's UAT only (other tests add UATs of their own)."""
    where = {"territory.uat": "siruta = :u", "streets.street_name":
             "street_id IN (SELECT id FROM streets.street WHERE uat_siruta = :u)"}.get(table, "uat_siruta = :u")
    with engine.connect() as c:
        return c.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"), {"u": SAMPLE_UAT}).scalar_one()  # noqa: S608


def test_every_layer_of_the_sample_is_loaded(loaded, engine):
    gpkg = loaded.samples_dir / "commune.gpkg"
    for layer, table in TABLES.items():
        expected = pyogrio.read_info(gpkg, layer=layer)["features"]
        got = sample_count(engine, table)
        if table == "cadastre.parcel":  # officers' tests draw new parcels in the sample UAT too
            numbers = list(pyogrio.read_dataframe(gpkg, layer="parcels", columns=["cadastral_number"],
                                                  read_geometry=False)["cadastral_number"])
            with engine.connect() as c:
                got = c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL "
                                     "AND cadastral_number = ANY(:n)"), {"u": SAMPLE_UAT, "n": numbers}).scalar_one()
        assert got == expected, layer


def test_links_resolve(engine):
    with engine.connect() as c:
        unlinked_buildings = c.execute(text(
            "SELECT count(*) FROM cadastre.building WHERE parcel_id IS NULL")).scalar_one()
        # an address point on a current parcel is linked (one drawn by a test outside every parcel may not be)
        unlinked_addresses = c.execute(text(
            "SELECT count(*) FROM streets.address_point a WHERE a.valid_to IS NULL AND (a.parcel_id IS NULL OR "
            "a.parcel_id NOT IN (SELECT id FROM cadastre.parcel WHERE valid_to IS NULL)) AND EXISTS (SELECT 1 "
            "FROM cadastre.parcel p WHERE p.valid_to IS NULL AND ST_Covers(p.geom, a.geom))")).scalar_one()
        linked = c.execute(text("SELECT count(*) FROM streets.address_point WHERE parcel_id IS NOT NULL")).scalar_one()
        assessments = c.execute(text("SELECT count(*) FROM fiscal.tax_assessment")).scalar_one()
    assert unlinked_buildings == 0
    assert unlinked_addresses == 0 and linked > 0
    assert assessments > 0


def test_loaded_geometries_are_in_stereo70_inside_the_uat(engine):
    with engine.connect() as c:
        outside = c.execute(text(
            "SELECT count(*) FROM cadastre.parcel p JOIN territory.uat u ON u.siruta = p.uat_siruta "
            "WHERE NOT ST_CoveredBy(p.geom, ST_Buffer(u.geom, 0.01))")).scalar_one()
        srid = c.execute(text("SELECT DISTINCT ST_SRID(geom) FROM cadastre.parcel")).scalar_one()
    assert (outside, srid) == (0, 3844)


@pytest.mark.slow
def test_loading_twice_changes_nothing(loaded, engine):
    load_commune(loaded, loaded.samples_dir)  # the sample as it is (other tests edit its parcels)
    before = counts(engine)
    report = load_commune(loaded, loaded.samples_dir)
    assert report.total_changed == 0, report.changed
    assert counts(engine) == before
    assert "nothing changed" in report.summary()


def test_a_folder_without_a_commune_is_refused_with_a_message(loaded, engine, tmp_path):
    before = counts(engine)
    with pytest.raises(FileNotFoundError, match="commune.gpkg"):
        load_commune(loaded, tmp_path)
    assert counts(engine) == before
