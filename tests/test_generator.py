"""The synthetic commune's invariants, and the committed sample in data-samples/."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import rasterio
import shapely

from gis.settings import PROJECT_ROOT
from gis.synthetic import generate
from gis.synthetic.names import valid_cnp, valid_cui

SAMPLES = PROJECT_ROOT / "data-samples"


@pytest.fixture(scope="module")
def commune(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("commune")
    generate(600, 3, out, formats="gpkg")
    return out


def layer(folder: Path, name: str):
    return pyogrio.read_dataframe(folder / "commune.gpkg", layer=name)


def test_parcels_do_not_overlap(commune):
    geoms = layer(commune, "parcels").geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    assert len(geoms) == 600
    assert overlap.max(initial=0) < 0.01


def test_blocks_have_no_gaps_between_parcels(commune):
    """Within a village block the parcels tile the block: their union is one rectangle."""
    parcels = layer(commune, "parcels")
    intra = parcels[parcels["intravilan"]]
    union = shapely.union_all(shapely.buffer(intra.geometry.values, 0.001))
    blocks = union.geoms if hasattr(union, "geoms") else [union]
    for block in blocks:
        assert block.area == pytest.approx(block.envelope.area, rel=1e-4)


def test_everything_lies_inside_the_uat_and_is_valid(commune):
    boundary = layer(commune, "uat").geometry.iloc[0]
    for name in ("parcels", "buildings", "address_points", "streets", "zones", "localities"):
        geoms = layer(commune, name).geometry.values
        assert shapely.is_valid(geoms).all(), name
        assert shapely.covered_by(geoms, boundary).all(), name


def test_buildings_stand_inside_their_parcel(commune):
    parcels = layer(commune, "parcels").set_index("cadastral_number")
    buildings = layer(commune, "buildings")
    own = parcels.loc[buildings["cadastral_number"]].geometry.values
    assert shapely.covered_by(buildings.geometry.values, own).all()


def test_intravilan_flag_matches_the_locality_polygons(commune):
    parcels = layer(commune, "parcels")
    intravilan = shapely.union_all(layer(commune, "localities").geometry.values)
    inside = shapely.covered_by(parcels.geometry.values, intravilan)
    assert (inside == parcels["intravilan"].to_numpy()).all()
    areas = shapely.area(parcels[parcels["intravilan"]].geometry.values)
    assert areas.min() >= 300 and areas.max() <= 3000


def test_cadastral_numbers_are_unique(commune):
    assert layer(commune, "parcels")["cadastral_number"].is_unique


def test_odd_and_even_numbers_lie_on_opposite_sides_increasing_along_the_street(commune):
    streets = layer(commune, "streets").set_index("street_code")
    points = layer(commune, "address_points")
    checked = 0
    for code, group in points.groupby("street_code"):
        line = streets.loc[code].geometry
        line = line.geoms[0] if hasattr(line, "geoms") else line
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        side = np.sign((x1 - x0) * (group.geometry.y - y0) - (y1 - y0) * (group.geometry.x - x0))
        odd = group["number"] % 2 == 1
        assert set(side[odd]) <= {1.0} and set(side[~odd]) <= {-1.0}, code
        along = shapely.line_locate_point(line, group.geometry.values)
        for parity in (odd, ~odd):
            ordered = group[parity].assign(at=along[parity.to_numpy()]).sort_values("at")
            assert ordered["number"].is_monotonic_increasing, code
        checked += 1
    assert checked >= 5


def test_people_have_format_valid_fake_identifiers(commune):
    taxpayers = pd.read_csv(commune / "taxpayers.csv", dtype=str)
    pf, pj = taxpayers[taxpayers["kind"] == "PF"], taxpayers[taxpayers["kind"] == "PJ"]
    assert len(pf) and len(pj)
    assert all(valid_cnp(c) for c in pf["id_code"])
    assert all(valid_cui(c) for c in pj["id_code"])
    assert pf["id_code"].str[7:9].eq("05").all(), "county code of Bihor"


def test_the_same_seed_gives_the_same_commune_another_seed_another(commune, tmp_path):
    generate(600, 3, tmp_path / "same", formats="gpkg")
    generate(600, 4, tmp_path / "other", formats="gpkg")
    for name in ("parcels", "address_points", "zones", "agri_plots"):
        a, b = layer(commune, name), layer(tmp_path / "same", name)
        pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                      pd.DataFrame(b.drop(columns="geometry")))
        assert shapely.equals_exact(a.geometry.values, b.geometry.values, 1e-9).all()
    other = layer(tmp_path / "other", "parcels")
    assert not layer(commune, "parcels")["cadastral_number"].equals(other["cadastral_number"])


def test_the_discrepancy_ground_truth_holds(commune):
    truth = pd.read_csv(commune / "discrepancies.csv", dtype=str)
    plots = layer(commune, "agri_plots").set_index("plot_id")
    parcels = layer(commune, "parcels").set_index("cadastral_number")
    assessed = set(pd.read_csv(commune / "tax_assessments.csv", dtype=str)["cadastral_number"])
    kinds = set(truth["kind"])
    assert {"area_mismatch", "category_mismatch", "plot_outside_parcels",
            "parcel_without_assessment"} <= kinds or len(plots) < 300
    for row in truth.itertuples():
        if row.kind == "area_mismatch":
            measured = parcels.loc[row.cadastral_number].geometry.area
            assert abs(plots.loc[row.plot_id, "declared_area"] / measured - 1) > 0.10
        elif row.kind == "category_mismatch":
            assert plots.loc[row.plot_id, "use_category"] != parcels.loc[row.cadastral_number, "use_category"]
        elif row.kind == "plot_outside_parcels":
            geom = plots.loc[row.plot_id].geometry
            assert not shapely.intersects(parcels.geometry.values, geom).any()
        elif row.kind == "parcel_without_assessment":
            assert row.cadastral_number not in assessed
    share = (truth["plot_id"].notna()).sum() / len(plots)
    assert 0.005 < share < 0.08, "about 3 % of the register's plots"


def test_the_puz_overrides_part_of_the_pug_and_zones_cut_parcels(commune):
    zones = layer(commune, "zones")
    pug, puz = zones[zones["document_code"].str.startswith("PUG")], zones[zones["document_code"].str.startswith("PUZ")]
    assert len(puz) >= 1
    assert shapely.intersects(shapely.union_all(puz.geometry.values), shapely.union_all(pug.geometry.values))
    pieces = shapely.STRtree(pug.geometry.values)
    a, b = pieces.query(pug.geometry.values, predicate="intersects")
    overlap = shapely.area(shapely.intersection(pug.geometry.values[a[a < b]], pug.geometry.values[b[a < b]]))
    assert overlap.max(initial=0) < 0.01, "the zones of one document do not overlap"
    parcels = layer(commune, "parcels").geometry.values
    two = sum((shapely.area(shapely.intersection(p, pug.geometry.values)) >= 1).sum() >= 2 for p in parcels)
    assert two >= 3


# -- the committed sample ------------------------------------------------------------------
CONTRACT = {
    "uat": {"siruta", "name", "county"},
    "parcels": {"cadastral_number", "land_book_number", "eterra_id", "legal_area", "use_category",
                "intravilan", "locality_siruta", "tarla", "parcel_no"},
    "streets": {"street_code", "locality_siruta", "street_type", "name", "hcl_number", "hcl_date"},
    "zones": {"document_code", "code", "functional_zone", "pot_max", "cut_max", "max_height_m",
              "allowed_uses", "forbidden_uses"},
    "agri_plots": {"plot_id", "taxpayer_code", "declared_area", "cadastral_number"},
}


def test_the_sample_gpkg_has_every_layer_in_stereo70():
    layers = {name for name, _ in pyogrio.list_layers(SAMPLES / "commune.gpkg")}
    assert set(CONTRACT) <= layers
    for name, columns in CONTRACT.items():
        info = pyogrio.read_info(SAMPLES / "commune.gpkg", layer=name)
        assert columns <= set(info["fields"]), name
        assert info["crs"] == "EPSG:3844", name
    assert pyogrio.read_info(SAMPLES / "commune.gpkg", layer="parcels")["features"] == 2000


def test_the_sample_shapefiles_carry_prj_and_cpg():
    for name in ("parcels", "streets", "zones"):
        with zipfile.ZipFile(SAMPLES / "shp" / f"{name}.zip") as zf:
            names = set(zf.namelist())
            assert {f"{name}.{e}" for e in ("shp", "shx", "dbf", "prj", "cpg")} <= names
            assert pyproj.CRS.from_wkt(zf.read(f"{name}.prj").decode()).to_epsg(min_confidence=70) == 3844, name
    info = pyogrio.read_info(f"/vsizip/{SAMPLES / 'shp' / 'parcels.zip'}/parcels.shp")
    assert {"NR_CAD", "NR_CF", "S_ACTE", "CATEGORIE", "INTRAVILAN"} <= set(info["fields"])


def test_the_sample_cgxml_has_points_with_northing_as_x():
    files = sorted((SAMPLES / "cgxml").glob("*.cgxml"))
    assert 3 <= len(files) <= 5
    boundary = pyogrio.read_dataframe(SAMPLES / "commune.gpkg", layer="uat").geometry.iloc[0]
    with_building = 0
    for f in files:
        root = ElementTree.parse(f).getroot()
        assert root.tag == "CGXML" and root.find("Land/CADGENNO").text
        for pt in root.iter("Points"):
            x, y = float(pt.findtext("X")), float(pt.findtext("Y"))
            assert boundary.covers(shapely.Point(y, x)), "X is the northing, Y the easting"
        with_building += root.find("Building") is not None
    assert with_building >= 1


def test_the_sample_orthophoto_is_small_and_covers_the_uat():
    path = SAMPLES / "orthophoto.tif"
    assert path.stat().st_size < 5 * 1024 * 1024
    boundary = pyogrio.read_dataframe(SAMPLES / "commune.gpkg", layer="uat").geometry.iloc[0]
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 3844 and src.count == 3
        assert shapely.box(*src.bounds).covers(boundary.centroid)
