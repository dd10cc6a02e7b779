"""The awkward files surveyors bring, built here one by one: every `.prj` spelling of Stereo 70,
no `.prj`, cp1250 text without `.cpg`, swapped axes, Z values, damaged DBF and zip files, zip
slip, links and bombs, nested folders, DXF with texts, CGXML with a building. Each asserts
what the reader makes of it and the message a surveyor would read. (No database: the CRS is
resolved against a box around the sample commune.)"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import Point, box

from gis.profiles import get_profile
from gis.settings import PROJECT_ROOT
from importers.archive import extract_zip
from importers.detect import crs_from_prj, detect_encoding, resolve_crs
from importers.fields import map_fields
from importers.model import ImportRefused, Limits, SourceLayer
from importers.read import read_source, sniff

SAMPLES = PROJECT_ROOT / "data-samples"
RO = get_profile("RO")
UAT = box(240000, 590000, 260000, 615000)     # around the sample commune, in Stereo 70
E, N = 248000, 603000                         # a point inside it (easting, northing)

PRJ = {
    "esri_dealul_piscului": 'PROJCS["Stereo_70",GEOGCS["GCS_Dealul_Piscului_1970",DATUM["D_Dealul_Piscului_1970",'
    'SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",500000.0],'
    'PARAMETER["Central_Meridian",25.0],PARAMETER["Scale_Factor",0.99975],PARAMETER["Latitude_Of_Origin",46.0],'
    'UNIT["Meter",1.0]]',
    "pulkovo_adj_58": 'PROJCS["Pulkovo_1942_Adj_58_Stereo_70",GEOGCS["GCS_Pulkovo_1942_Adj_1958",'
    'DATUM["D_Pulkovo_1942_Adj_1958",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",500000.0],PARAMETER["Central_Meridian",25.0],PARAMETER["Scale_Factor",0.99975],'
    'PARAMETER["Latitude_Of_Origin",46.0],UNIT["Meter",1.0]]',
    "romania_double_stereo": 'PROJCS["Romania_double_stereo",GEOGCS["GCS_Krasovsky",DATUM["D_unknown",'
    'SPHEROID["Krasovsky",6378245,298.3]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]],'
    'PROJECTION["Double_Stereographic"],PARAMETER["latitude_of_origin",46],PARAMETER["central_meridian",25],'
    'PARAMETER["scale_factor",0.99975],PARAMETER["false_easting",500000],PARAMETER["false_northing",500000],'
    'UNIT["Meter",1]]',
    "gdal_wkt_polish_towgs84": 'PROJCS["unnamed",GEOGCS["Pulkovo 1942(58)",DATUM["Pulkovo_1942_58",'
    'SPHEROID["Krassowsky 1940",6378245,298.3],TOWGS84[33.4,-146.6,-76.3,-0.359,-0.053,0.844,-0.84]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Oblique_Stereographic"],'
    'PARAMETER["latitude_of_origin",46],PARAMETER["central_meridian",25],PARAMETER["scale_factor",0.99975],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",500000],UNIT["metre",1]]',
    "gdal_wkt_epsg": CRS.from_epsg(3844).to_wkt("WKT1_GDAL"),
    "wkt2": CRS.from_epsg(3844).to_wkt(),
    "deprecated_31700": "EPSG:31700",
}


@pytest.mark.parametrize("spelling", sorted(PRJ))
def test_every_prj_spelling_of_stereo_70_is_recognised_by_its_parameters(spelling):
    code, notes = crs_from_prj(PRJ[spelling])
    assert code == 3844 and notes == []


@pytest.mark.parametrize("wkt,code", [(CRS.from_epsg(4326).to_wkt("WKT1_ESRI"), 4326),
                                      (CRS.from_epsg(3857).to_wkt(), 3857), (CRS.from_epsg(32635).to_wkt(), 32635)])
def test_other_known_systems_keep_their_code(wkt, code):
    assert crs_from_prj(wkt)[0] == code


def test_an_unreadable_prj_is_a_warning_not_a_crash():
    code, notes = crs_from_prj("this is not WKT")
    assert code is None and notes[0].code == "prj_unreadable"


def write_shp(folder: Path, rows: list[dict], geoms, name="parcele", prj: str | None = PRJ["esri_dealul_piscului"],
              encoding="UTF-8", cpg: str | None = "UTF-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(gpd.GeoDataFrame(rows, geometry=geoms), folder / f"{name}.shp", encoding=encoding)
    for ext in (".prj", ".cpg"):
        (folder / f"{name}{ext}").unlink(missing_ok=True)
    if prj is not None:
        (folder / f"{name}.prj").write_text(prj)
    if cpg is not None:
        (folder / f"{name}.cpg").write_text(cpg)
    return folder / f"{name}.shp"


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder))
    return out


def read(path, tmp_path, kind="parcels", **kw):
    return read_source(path, kind, workdir=tmp_path / "work", **kw)


# cp1250 has the cedilla forms (Ş Ţ), as old Windows software wrote them
ROWS = [{"NR_CAD": "50001", "PROPRIETAR": "Ştefan cel Mare", "TARLA": "Ţărână"},
        {"NR_CAD": "50002", "PROPRIETAR": "Ion Bălănescu", "TARLA": "Şes"}]
GEOMS = [box(E, N, E + 20, N + 30), box(E + 20, N, E + 40, N + 30)]


def test_cp1250_text_without_cpg_is_detected_and_decoded(tmp_path):
    write_shp(tmp_path / "s", ROWS, GEOMS, encoding="cp1250", cpg=None)
    layer, = read(zip_folder(tmp_path / "s", tmp_path / "a.zip"), tmp_path)
    assert layer.encoding == "cp1250"
    assert list(layer.frame["tarla"]) == ["Ţărână", "Şes"]
    assert any(n.code == "encoding_guessed" and "--encoding" in n.message for n in layer.notes)


def test_iso_8859_2_and_a_cpg_are_honoured_and_encoding_can_be_forced(tmp_path):
    rows = [{"NR_CAD": "1", "TARLA": "Câmpul Mare"}]
    write_shp(tmp_path / "s", rows, GEOMS[:1], encoding="cp1250", cpg="ANSI 1250")
    layer, = read(tmp_path / "s" / "parcele.shp", tmp_path)
    assert layer.encoding == "cp1250" and layer.frame["tarla"][0] == "Câmpul Mare"
    assert not any(n.code == "encoding_guessed" for n in layer.notes)
    forced, = read(tmp_path / "s" / "parcele.shp", tmp_path, encoding="cp1252")
    assert forced.encoding == "cp1252" and forced.frame["tarla"][0] == "Câmpul Mare"  # â is the same in both


def test_encoding_guess_prefers_romanian_letters():
    samples = ["Ştefan Ţărână".encode("cp1250")]
    assert detect_encoding(samples, None, None)[0] in ("cp1250", "iso8859-2")
    assert detect_encoding(["Ștefan".encode()], None, None)[0] == "utf-8"


def test_a_shapefile_without_prj_has_no_crs_and_says_so(tmp_path):
    write_shp(tmp_path / "s", ROWS, GEOMS, prj=None)
    layer, = read(tmp_path / "s" / "parcele.shp", tmp_path)
    assert layer.crs is None and any(n.code == "prj_missing" for n in layer.notes)
    resolved = resolve_crs(layer, UAT, RO)
    assert resolved.crs == 3844 and any(n.code == "crs_assumed" for n in resolved.notes)


def test_no_prj_outside_the_uat_is_refused_asking_for_crs(tmp_path):
    write_shp(tmp_path / "s", ROWS, [box(10, 10, 20, 20), box(20, 10, 30, 20)], prj=None)
    layer, = read(tmp_path / "s" / "parcele.shp", tmp_path)
    with pytest.raises(ImportRefused, match="--crs EPSG:N"):
        resolve_crs(layer, UAT, RO)


def test_swapped_axes_are_detected_against_the_uat_and_fixed(tmp_path):
    swapped = [shapely.transform(g, lambda c: c[:, ::-1]) for g in GEOMS]
    write_shp(tmp_path / "s", ROWS, swapped)
    layer = resolve_crs(read(tmp_path / "s" / "parcele.shp", tmp_path)[0], UAT, RO)
    assert any(n.code == "axes_swapped" for n in layer.notes)
    assert layer.frame.geometry.iloc[0].bounds == GEOMS[0].bounds


def test_z_values_are_dropped_with_a_note(tmp_path):
    z = [shapely.Polygon([(x, y, 123.4) for x, y in g.exterior.coords]) for g in GEOMS]
    write_shp(tmp_path / "s", ROWS, z)
    layer = resolve_crs(read(tmp_path / "s" / "parcele.shp", tmp_path)[0], UAT, RO)
    assert not shapely.has_z(layer.frame.geometry.values).any()
    assert any(n.code == "z_dropped" for n in layer.notes)


def test_wgs84_is_reprojected_with_a_warning(tmp_path):
    frame = gpd.GeoDataFrame(ROWS, geometry=GEOMS, crs=3844).to_crs(4326)
    frame.to_file(tmp_path / "p.geojson", driver="GeoJSON")
    layer = resolve_crs(read(tmp_path / "p.geojson", tmp_path)[0], UAT, RO)
    assert any(n.code == "reprojected" and "EPSG:4326" in n.message for n in layer.notes)
    assert layer.frame.geometry.iloc[0].bounds == pytest.approx(GEOMS[0].bounds, abs=0.01)


def test_a_damaged_dbf_is_refused(tmp_path):
    shp = write_shp(tmp_path / "s", ROWS, GEOMS)
    dbf = shp.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes()[:40])
    with pytest.raises(ImportRefused, match="damaged"):
        read(shp, tmp_path)


def test_a_shapefile_without_its_dbf_is_an_error_note(tmp_path):
    shp = write_shp(tmp_path / "s", ROWS, GEOMS)
    shp.with_suffix(".dbf").unlink()
    layer, = read(zip_folder(tmp_path / "s", tmp_path / "a.zip"), tmp_path)
    assert layer.notes[0].code == "incomplete_shapefile" and ".dbf" in layer.notes[0].message


def test_nested_folders_with_two_layers_are_both_read(tmp_path):
    write_shp(tmp_path / "s" / "lot1" / "date", ROWS[:1], GEOMS[:1], name="a")
    write_shp(tmp_path / "s" / "lot2", ROWS[1:], GEOMS[1:], name="b")
    layers = read(zip_folder(tmp_path / "s", tmp_path / "a.zip"), tmp_path)
    assert sorted(x.name for x in layers) == ["lot1/date/a", "lot2/b"]
    assert all(x.crs == 3844 and len(x.frame) == 1 for x in layers)


def test_fields_are_mapped_by_their_usual_names_and_unmapped_ones_listed(tmp_path):
    frame = gpd.GeoDataFrame([{"Nr_Cad": "1", "s_acte": 100.0, "Categorie": "cc", "IE": "x", "Proprietar": "y"}],
                             geometry=[GEOMS[0]])
    mapped, unmapped, _ = map_fields(frame, "parcels")
    assert {"cadastral_number", "legal_area", "use_category"} <= set(mapped.columns)
    assert unmapped == ["IE", "Proprietar"], "NR_CAD wins over IE; the rest is listed"
    with pytest.raises(ImportRefused, match="FOO"):
        map_fields(frame, "parcels", {"FOO": "cadastral_number"})
    remapped, _, _ = map_fields(frame, "parcels", {"Proprietar": "cadastral_number"})
    assert remapped["cadastral_number"][0] == "y"


def test_a_truncated_zip_is_refused(tmp_path):
    write_shp(tmp_path / "s", ROWS, GEOMS)
    good = zip_folder(tmp_path / "s", tmp_path / "a.zip")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImportRefused, match="damaged|not a readable zip"):
        read(cut, tmp_path)


@pytest.mark.parametrize("member,code", [("../../evil.shp", "zip_slip"), ("/etc/evil.shp", "zip_slip"),
                                         ("..\\..\\evil.shp", "zip_slip"), ("C:/evil.shp", "zip_slip")])
def test_members_escaping_the_folder_are_refused(tmp_path, member, code):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr(member, b"x")
    with pytest.raises(ImportRefused) as info:
        extract_zip(evil, tmp_path / "out")
    assert info.value.notes[0].code == code and "evil.shp" in str(info.value)
    assert {p.name for p in tmp_path.rglob("*")} <= {"evil.zip", "out"}, "nothing written, in or out of the folder"


def test_a_symbolic_link_member_is_refused(tmp_path):
    evil = tmp_path / "link.zip"
    info = zipfile.ZipInfo("parcele.shp")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr(info, "/etc/passwd")
    with pytest.raises(ImportRefused, match="symbolic link"):
        extract_zip(evil, tmp_path / "out")


def test_a_zip_bomb_is_refused_before_extraction(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, z.open("zero.dbf", "w") as fh:
        chunk = bytes(1 << 20)
        for _ in range(300):                       # 300 MB of zeros, a few hundred kB compressed
            fh.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(ImportRefused, match="zip bomb"):
        extract_zip(bomb, tmp_path / "out")
    assert not (tmp_path / "out" / "zero.dbf").exists()


def test_too_many_members_and_a_total_size_limit(tmp_path):
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(30):
            z.writestr(f"f{i}.txt", b"x")
    with pytest.raises(ImportRefused, match="30 members"):
        extract_zip(many, tmp_path / "out", Limits(max_members=20))
    with pytest.raises(ImportRefused, match="expand"):
        extract_zip(many, tmp_path / "out2", Limits(max_total_bytes=10))


def test_an_archive_without_layers_and_an_unknown_format_are_refused(tmp_path):
    empty = tmp_path / "doc.zip"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", b"nothing here")
    with pytest.raises(ImportRefused, match="no shapefile"):
        read(empty, tmp_path)
    odd = tmp_path / "plan.pdf"
    odd.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(ImportRefused, match="not a format"):
        read(odd, tmp_path)


def test_formats_are_recognised_by_content_not_name(tmp_path):
    gpkg = tmp_path / "date.bin"
    gpd.GeoDataFrame(ROWS, geometry=GEOMS, crs=3844).to_file(gpkg, driver="GPKG")
    assert sniff(gpkg) == "gpkg"
    layers = read(gpkg, tmp_path)
    assert layers[0].crs == 3844 and layers[0].frame["cadastral_number"].tolist() == ["50001", "50002"]


DXF = """0
SECTION
2
ENTITIES
{entities}0
ENDSEC
0
EOF
"""


def dxf_polyline(coords, layer="PARCELE") -> str:
    out = f"0\nLWPOLYLINE\n8\n{layer}\n90\n{len(coords)}\n70\n1\n"
    return out + "".join(f"10\n{x}\n20\n{y}\n" for x, y in coords)


def dxf_text(x, y, value, layer="NUMERE") -> str:
    return f"0\nTEXT\n8\n{layer}\n10\n{x}\n20\n{y}\n30\n0.0\n40\n2.5\n1\n{value}\n"


def test_a_dxf_with_closed_polylines_and_texts_becomes_numbered_parcels(tmp_path):
    a = [(E, N), (E + 20, N), (E + 20, N + 30), (E, N + 30)]
    b = [(E + 20, N), (E + 40, N), (E + 40, N + 30), (E + 20, N + 30)]
    path = tmp_path / "plan.dxf"
    path.write_text(DXF.format(entities=dxf_polyline(a) + dxf_polyline(b) + dxf_text(E + 5, N + 10, "50011")
                               + dxf_text(E + 25, N + 10, "50012") + dxf_text(E + 28, N + 12, "nota")
                               + dxf_text(E + 500, N + 500, "în afara")))
    layer, = read(path, tmp_path)
    assert layer.kind == "parcels" and layer.crs is None
    assert layer.frame["cadastral_number"].tolist() == ["50011", "50012"]
    assert layer.frame.geometry.iloc[0].area == pytest.approx(600)
    assert any(n.code == "several_texts" and n.feature == 1 for n in layer.notes)
    assert resolve_crs(layer, UAT, RO).crs == 3844


def test_a_dxf_without_closed_polylines_is_an_empty_layer(tmp_path):
    path = tmp_path / "linii.dxf"
    path.write_text(DXF.format(entities=dxf_text(E, N, "50011")))
    layer, = read(path, tmp_path)
    assert any(n.code == "empty_layer" for n in layer.notes)


def test_a_cgxml_gives_parcels_buildings_and_addresses():
    cgxml = sorted((SAMPLES / "cgxml").glob("*.cgxml"))[0]
    layers = {x.kind: x for x in read_source(cgxml, "parcels", workdir=Path("/nonexistent"))}
    assert set(layers) == {"parcels", "buildings", "addresses"}
    land = layers["parcels"].frame
    number = cgxml.stem.split("-")[1]
    assert land["cadastral_number"].tolist() == [number]
    x, y = land.geometry.iloc[0].exterior.coords[0]
    assert 200_000 < x < 300_000 and 550_000 < y < 650_000, "X (north) and Y (east) read as easting, northing"
    assert set(layers["buildings"].frame["cadastral_number"]) == {number}
    assert layers["buildings"].frame.geometry.iloc[0].within(land.geometry.iloc[0].buffer(0.01))


def test_a_cgxml_with_a_doctype_is_refused(tmp_path):
    evil = tmp_path / "evil.cgxml"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CGXML>&e;</CGXML>')
    with pytest.raises(ImportRefused, match="DOCTYPE"):
        read(evil, tmp_path)


def test_a_cgxml_built_here_with_swapped_points_is_fixed_against_the_uat(tmp_path):
    points = "".join(f"<Points><POINTID>{i}</POINTID><IMMOVABLEID>1</IMMOVABLEID><BUILDINGID>_empty</BUILDINGID>"
                     f"<NO>{i}</NO><X>{x}</X><Y>{y}</Y></Points>"
                     for i, (x, y) in enumerate([(E, N), (E + 20, N), (E + 20, N + 30), (E, N + 30)], 1))
    path = tmp_path / "x.cgxml"   # a reader that wrote X = easting
    path.write_text(f"<CGXML><Land><LANDID>1</LANDID><CADGENNO>50021</CADGENNO></Land>{points}</CGXML>")
    layer, = read(path, tmp_path)
    fixed = resolve_crs(layer, UAT, RO)
    assert any(n.code == "axes_swapped" for n in fixed.notes)
    assert fixed.frame.geometry.iloc[0].bounds == (E, N, E + 20, N + 30)


def test_the_sample_shapefiles_read_cleanly(tmp_path):
    layer, = read(SAMPLES / "shp" / "parcels.zip", tmp_path)
    assert layer.crs == 3844 and layer.encoding == "utf-8" and len(layer.frame) > 1000
    assert {"cadastral_number", "use_category", "intravilan"} <= set(layer.frame.columns)
    points = SourceLayer("p", None, gpd.GeoDataFrame(geometry=[Point(E, N)]), 3844)
    assert resolve_crs(points, UAT, RO).crs == 3844
