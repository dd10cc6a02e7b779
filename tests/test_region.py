"""A region: several generated communes, each its own UAT, loaded into one database beside the
sample commune. SIRUTAs and boundaries stay apart, cadastral numbers repeat across UATs (two
parcels, two rows), loading twice changes nothing, and a locality cannot change UAT."""

from __future__ import annotations

import shutil

import pyogrio
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from api.cli import main
from gis.samples import is_region, load_commune, load_region, region_folders
from gis.synthetic import generate_region

SAMPLE = 926501
N_UATS, PER_UAT = 3, 300


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("region")
    summary = generate_region(N_UATS, PER_UAT, 11, out)
    assert summary["counts"]["parcels"] == N_UATS * PER_UAT
    return out


@pytest.fixture(scope="module")
def region(loaded, engine, region_dir, remove_uats):
    """The region loaded beside the sample; the SIRUTAs of its UATs."""
    with engine.connect() as c:
        sample_before = _sample_state(c)
    reports = load_region(loaded, region_dir)
    assert [r.changed["parcels"] for r in reports] == [PER_UAT] * N_UATS
    with engine.connect() as c:
        assert _sample_state(c) == sample_before  # the sample commune is untouched
    sirutas = [int(f.name) for f in region_folders(region_dir)]
    yield sirutas
    remove_uats(sirutas)  # the rest of the suite expects the sample commune alone


def _sample_state(c):
    return c.execute(text(
        "SELECT count(*), sum(version), max(valid_from), count(*) FILTER (WHERE valid_to IS NOT NULL),"
        " (SELECT array_agg(siruta ORDER BY siruta) FROM territory.locality WHERE uat_siruta = :u)"
        " FROM cadastre.parcel WHERE uat_siruta = :u"), {"u": SAMPLE}).one()


def _counts(c, uats):
    return c.execute(text("""
        SELECT (SELECT count(*) FROM territory.uat WHERE siruta = ANY(:u)),
               (SELECT count(*) FROM territory.locality WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM cadastre.parcel WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM cadastre.building WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM streets.street WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM streets.address_point WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM planning.zone WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM fiscal.taxpayer WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM fiscal.tax_assessment WHERE uat_siruta = ANY(:u)),
               (SELECT count(*) FROM agri.plot WHERE uat_siruta = ANY(:u))"""), {"u": uats}).one()


def test_the_region_folder_has_one_commune_per_uat(region_dir):
    assert is_region(region_dir)
    folders = region_folders(region_dir)
    assert len(folders) == N_UATS and all((f / "commune.gpkg").exists() for f in folders)
    assert not is_region(folders[0])


def test_each_uat_has_its_own_siruta_name_and_villages(region, engine):
    with engine.connect() as c:
        uats = c.execute(text("SELECT siruta, name FROM territory.uat WHERE siruta = ANY(:u)"),
                         {"u": region}).all()
        localities = c.execute(text("SELECT siruta, uat_siruta FROM territory.locality "
                                    "WHERE uat_siruta = ANY(:u)"), {"u": region}).all()
        parcels = dict(c.execute(text(
            "SELECT uat_siruta, count(*) FROM cadastre.parcel WHERE valid_to IS NULL "
            "AND uat_siruta = ANY(:u) GROUP BY 1"), {"u": region}).all())
        stray = c.execute(text(
            "SELECT count(*) FROM cadastre.parcel p JOIN territory.locality l ON l.siruta = p.locality_siruta"
            " WHERE p.uat_siruta = ANY(:u) AND l.uat_siruta <> p.uat_siruta"), {"u": region}).scalar()
    assert SAMPLE not in region and len(set(region)) == N_UATS
    assert len(uats) == N_UATS and len({name for _, name in uats}) == N_UATS
    assert all(name.startswith("Comuna ") for _, name in uats)
    assert len(localities) == len({s for s, _ in localities}) >= 3 * N_UATS
    assert parcels == {u: PER_UAT for u in region}
    assert stray == 0  # every parcel lies in a village of its own UAT


def test_uat_boundaries_do_not_overlap_and_hold_their_parcels(region, engine):
    with engine.connect() as c:
        overlaps = c.execute(text(
            "SELECT count(*) FROM territory.uat a JOIN territory.uat b ON a.siruta < b.siruta"
            " AND ST_Intersects(a.geom, b.geom) WHERE a.siruta = ANY(:u) OR b.siruta = ANY(:u)"),
            {"u": region}).scalar()
        outside = c.execute(text(
            "SELECT count(*) FROM cadastre.parcel p JOIN territory.uat u ON u.siruta = p.uat_siruta"
            " WHERE p.uat_siruta = ANY(:u) AND NOT ST_Within(p.geom, u.geom)"), {"u": region}).scalar()
    assert overlaps == 0  # neither with each other nor with the sample commune
    assert outside == 0


def test_uats_share_cadastral_numbers_as_separate_parcels(region, engine, client):
    with engine.connect() as c:
        number, ids, uats = c.execute(text(
            "SELECT cadastral_number, array_agg(id ORDER BY uat_siruta), array_agg(uat_siruta ORDER BY uat_siruta)"
            " FROM cadastre.parcel WHERE valid_to IS NULL AND uat_siruta = ANY(:u)"
            " GROUP BY cadastral_number HAVING count(*) >= 2 ORDER BY cadastral_number LIMIT 1"),
            {"u": region}).one()
        shared = c.execute(text(
            "SELECT count(*) FROM (SELECT cadastral_number FROM cadastre.parcel WHERE valid_to IS NULL"
            " AND uat_siruta = ANY(:u) GROUP BY 1 HAVING count(*) >= 2) s"), {"u": region}).scalar()
        apart = c.execute(text("SELECT NOT ST_Intersects(a.geom, b.geom) FROM cadastre.parcel a, cadastre.parcel b"
                               " WHERE a.id = :a AND b.id = :b"), {"a": ids[0], "b": ids[1]}).scalar()
    assert len(set(ids)) == len(ids) >= 2 and len(set(uats)) == len(uats)
    assert shared > PER_UAT // 2 and apart
    assert client.get(f"/api/parcels/{number}").status_code == 409
    for parcel_id, uat in zip(ids, uats, strict=True):
        answer = client.get(f"/api/parcels/{number}?uat={uat}").get_json()
        assert (answer["id"], answer["uat_siruta"]) == (parcel_id, uat)


def test_ogc_items_of_one_uat(region, client):
    """`?uat=` (compared as an integer, so that an index on uat_siruta can serve it)."""
    for uat in (region[-1], f"{region[-1]}"):
        page = client.get(f"/ogc/collections/parcels/items?f=json&limit=50&uat={uat}").get_json()
        assert len(page["features"]) == 50
        assert {f["properties"]["uat_siruta"] for f in page["features"]} == {region[-1]}
    # a query-parameter value is read as its column's type (issue 16, item 3): 0940201 is the integer
    # 940201; a number no integer column holds is a 400, not an empty page
    padded = client.get(f"/ogc/collections/parcels/items?f=json&limit=5&uat_siruta=0{region[-1]}").get_json()
    assert {f["properties"]["uat_siruta"] for f in padded["features"]} == {region[-1]}
    huge = client.get("/ogc/collections/parcels/items?f=json&uat_siruta=99999999999999999999999")
    assert huge.status_code == 400 and "out of range" in huge.get_json()["description"]


def test_loading_the_region_twice_changes_nothing(region, engine, region_dir, loaded):
    with engine.connect() as c:
        before = _counts(c, region)
        revision = c.execute(text("SELECT max(id) FROM audit.log")).scalar()
    reports = load_region(loaded, region_dir)
    with engine.connect() as c:
        assert _counts(c, region) == before
        assert c.execute(text("SELECT max(id) FROM audit.log")).scalar() == revision  # no bulk-load row
        versions = c.execute(text("SELECT max(version) FROM cadastre.parcel WHERE uat_siruta = ANY(:u)"),
                             {"u": region}).scalar()
    assert [r.total_changed for r in reports] == [0] * N_UATS, [r.changed for r in reports]
    assert versions == 1


def test_a_locality_of_another_uat_is_refused_and_nothing_written(region, engine, region_dir, loaded,
                                                                 tmp_path):
    """A commune whose villages carry SIRUTAs of another UAT must not take them over."""
    copy = tmp_path / "intruder"
    shutil.copytree(region_dir / str(region[1]), copy)
    gpkg = copy / "commune.gpkg"
    uat = pyogrio.read_dataframe(gpkg, layer="uat")
    uat["siruta"] = 999901
    pyogrio.write_dataframe(uat, gpkg, layer="uat", driver="GPKG", promote_to_multi=True)
    with engine.connect() as c:
        before = _counts(c, [*region, 999901])
    with pytest.raises(ValueError, match="not of UAT 999901"):
        load_commune(loaded, copy)
    localities = pyogrio.read_dataframe(gpkg, layer="localities")
    localities["uat_siruta"] = 999901
    pyogrio.write_dataframe(localities, gpkg, layer="localities", driver="GPKG", promote_to_multi=True)
    with pytest.raises(ValueError, match=f"belongs to UAT {region[1]}"):
        load_commune(loaded, copy)
    with engine.connect() as c:
        assert _counts(c, [*region, 999901]) == before


def test_the_cli_writes_a_region_and_keeps_the_single_commune_options(tmp_path):
    runner = CliRunner()
    done = runner.invoke(main, ["generate", "--uats", "2", "--parcels-per-uat", "100", "--seed", "3",
                                "--out", str(tmp_path / "r")])
    assert done.exit_code == 0, done.output
    assert "wrote 2 UATs" in done.output and is_region(tmp_path / "r")
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["940001", "940101", "region.json"]
    wrong = runner.invoke(main, ["generate", "--parcels-per-uat", "100", "--out", str(tmp_path / "x")])
    assert wrong.exit_code == 2 and "--uats" in wrong.output
