"""Surveyors' real files (issue 20), built here the way their software writes them: a CGXML of
current parcels rounded to the millimetre, a WGS 84 GeoJSON of current parcels, a zipped streets
shapefile with "Strada Principală" in three villages and no locality column, address polygons, a
DXF with MTEXT numbers, block attributes and an arc, a Moldovan shapefile in the MD profile. Each
right file is accepted with the right counts and the database is as the report says; each real
error is still refused and nothing is written."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box
from sqlalchemy import text

from gis import tolerances
from gis.db import get_engine
from gis.settings import load_settings
from importers.pipeline import Options, analyse_and_merge

UAT = 999711
X0, Y0 = 340000.0004, 740000.0002   # the millimetre rounds these down: 0.4 mm west, 0.2 mm south
SAMPLE_UAT = 926501


@pytest.fixture(scope="module")
def uat(loaded, engine, make_uat):
    """A UAT of three villages side by side; four current parcels in a row (P1–P4, 20 m × 30 m) and
    P5 alone, at coordinates finer than the millimetre, imported as a shapefile (doubles)."""
    with engine.begin() as c:
        make_uat(c, UAT, "Test Topografi", (340000, 740000, 343000, 743000))
        for k in range(3):
            c.execute(text("INSERT INTO territory.locality (siruta, uat_siruta, name, rank, geom) VALUES "
                           "(:s, :u, :n, 5, ST_Multi(ST_MakeEnvelope(:x, 740000, :x + 1000, 743000, 3844)))"),
                      {"s": UAT + 1 + k, "u": UAT, "n": f"Satul {k + 1}", "x": 340000 + 1000 * k})
        c.execute(text("INSERT INTO streets.street (uat_siruta, locality_siruta, code, street_type, name, geom) "
                       "VALUES (:u, :l, 'TOPO1', 'Strada', 'Principală', ST_Multi(ST_SetSRID(ST_MakeLine("
                       "ST_MakePoint(340000, 742900), ST_MakePoint(340900, 742900)), 3844)))"),
                  {"u": UAT, "l": UAT + 1})
    return UAT


def run(settings, path, commit=True, uat=UAT, **options):
    report, _ = analyse_and_merge(settings, path, Options(uat=uat, **options), "test:surveyor", commit=commit)
    return report


def counts(report) -> tuple:
    s = report.summary
    return s["new"], s["changed"], s["unchanged"], len(report.errors)


def codes(report, severity=None) -> list[str]:
    return [p.code for p in report.problems if severity is None or p.severity == severity]


def fingerprint(engine) -> tuple:
    with engine.connect() as c:
        return tuple(c.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT coalesce(sum(version), 0) FROM cadastre.parcel), "
            "(SELECT count(*) FROM streets.street), (SELECT coalesce(sum(version), 0) FROM streets.street), "
            "(SELECT count(*) FROM streets.address_point), (SELECT count(*) FROM audit.log)")).one())


def zipped(tmp_path: Path, frame: gpd.GeoDataFrame, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    frame.to_file(folder / f"{name}.shp", engine="pyogrio", encoding="UTF-8")
    out = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    return out


def row_box(i: int, w: float = 20, h: float = 30) -> Polygon:
    return box(X0 + 100 + w * i, Y0 + 100, X0 + 100 + w * (i + 1), Y0 + 100 + h)


P5 = box(X0 + 300, Y0 + 300, X0 + 330, Y0 + 330)


@pytest.fixture(scope="module")
def parcels(uat, loaded, tmp_path_factory):
    rows = [{"NR_CAD": f"97110{i + 1}", "CATEGORIE": "CC", "INTRAVILAN": 1, "SUPRAFATA": 600.0} for i in range(4)]
    rows.append({"NR_CAD": "971105", "CATEGORIE": "A", "INTRAVILAN": 0, "SUPRAFATA": 900.0})
    frame = gpd.GeoDataFrame(rows, geometry=[row_box(i) for i in range(4)] + [P5], crs=3844)
    report = run(loaded, zipped(tmp_path_factory.mktemp("p"), frame, "parcele"))
    assert report.status == "committed" and report.summary["new"] == 5, report.text()
    return {r["NR_CAD"]: g for r, g in zip(rows, frame.geometry, strict=True)}


def stored(engine, number, uat=UAT):
    with engine.connect() as c:
        return c.execute(text("SELECT version, legal_area::float, ST_AsBinary(geom) FROM cadastre.parcel "
                              "WHERE uat_siruta = :u AND cadastral_number = :n AND valid_to IS NULL"),
                         {"u": uat, "n": number}).one()


# ---- CGXML: X/Y with three decimals -------------------------------------------------------------

def cgxml(lands: list[dict]) -> str:
    """ANCPI CGXML: Land, Parcel and Points records; X the northing, Y the easting, to the millimetre."""
    out = ["<CGXML>"]
    for k, land in enumerate(lands, start=1):
        out.append(f"<Land><LANDID>{k}</LANDID><CADGENNO>{land['number']}</CADGENNO>"
                   f"<PARCELLEGALAREA>{land['legal_area']}</PARCELLEGALAREA>"
                   f"<PAPERLBNO>{land.get('land_book') or '_empty'}</PAPERLBNO></Land>")
        out.append(f"<Parcel><PARCELID>{k}</PARCELID><LANDID>{k}</LANDID><USECATEGORY>{land['category']}"
                   f"</USECATEGORY><INTRAVILAN>{int(land['intravilan'])}</INTRAVILAN>"
                   f"<MEASUREDAREA>{land['geom'].area:.0f}</MEASUREDAREA></Parcel>")
        ring = shapely.get_coordinates(shapely.get_exterior_ring(shapely.get_geometry(land["geom"], 0)))[:-1]
        for no, (e, n) in enumerate(ring, start=1):
            out.append(f"<Points><POINTID>{k * 100 + no}</POINTID><IMMOVABLEID>{k}</IMMOVABLEID><NO>{no}</NO>"
                       f"<X>{n:.3f}</X><Y>{e:.3f}</Y></Points>")
    out.append("</CGXML>")
    return "\n".join(out)


def sample_lands(engine, numbers) -> list[dict]:
    with engine.connect() as c:
        rows = c.execute(text("""
            SELECT cadastral_number, legal_area, use_category, intravilan, land_book_number, ST_AsBinary(geom)
            FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL AND cadastral_number = ANY(:n)
            ORDER BY cadastral_number"""), {"u": SAMPLE_UAT, "n": list(numbers)}).all()
    return [{"number": n, "legal_area": la, "category": cat, "intravilan": intra, "land_book": lb,
             "geom": shapely.from_wkb(bytes(g))} for n, la, cat, intra, lb, g in rows]


def test_a_millimetre_cgxml_of_current_sample_parcels_is_unchanged_not_an_overlap(loaded, engine, tmp_path):
    """Two neighbouring sample parcels with another current neighbour, rounded to the millimetre:
    unchanged, nothing written (it was 'unchanged 2' then an overlap error of 0.01 m²)."""
    with engine.connect() as c:
        a, b = c.execute(text("""
            SELECT a.cadastral_number, b.cadastral_number FROM cadastre.parcel a
            JOIN cadastre.parcel b ON a.id < b.id AND b.uat_siruta = a.uat_siruta AND b.valid_to IS NULL
                 AND ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))) > 10
            WHERE a.uat_siruta = :u AND a.valid_to IS NULL AND a.legal_area IS NOT NULL AND b.legal_area IS NOT NULL
              AND (SELECT count(*) FROM cadastre.parcel n WHERE n.valid_to IS NULL AND n.id NOT IN (a.id, b.id)
                   AND ST_Touches(n.geom, a.geom)) > 0
            ORDER BY a.cadastral_number LIMIT 1"""), {"u": SAMPLE_UAT}).one()
    lands = sample_lands(engine, (a, b))
    rounded = [shapely.set_precision(x["geom"], 0.001) for x in lands]
    assert any(not shapely.equals_exact(r, x["geom"], 0) for r, x in zip(rounded, lands, strict=True)), \
        "the sample holds coordinates finer than the millimetre"
    path = tmp_path / "doua.cgxml"
    path.write_text(cgxml(lands), encoding="utf-8")
    before = fingerprint(engine)
    report = run(loaded, path, uat=SAMPLE_UAT)
    assert report.status == "committed", report.text()
    assert counts(report) == (0, 0, 2, 0), report.text()
    assert fingerprint(engine) == before


def test_a_millimetre_cgxml_keeps_surveyed_outlines_and_snaps_a_new_neighbour(loaded, engine, parcels, tmp_path):
    """971102 with a new legal area (its outline rounded: the stored one stays), 971101 as it is, and a
    new parcel drawn against 971104's east side, rounded so that it crosses it by 0.4 mm over 30 m
    (0.012 m²): snapped onto it, each moved vertex reported."""
    new = box(X0 + 180, Y0 + 100, X0 + 200, Y0 + 130)
    lands = [{"number": "971101", "legal_area": 600.0, "category": "CC", "intravilan": True,
              "geom": parcels["971101"]},
             {"number": "971102", "legal_area": 612.0, "category": "CC", "intravilan": True,
              "geom": parcels["971102"]},
             {"number": "971106", "legal_area": 600.0, "category": "CC", "intravilan": True, "geom": new}]
    with engine.connect() as c:
        crossing = c.execute(text("SELECT ST_Area(ST_Intersection(ST_GeomFromText(:g, 3844), geom)) "
                                  "FROM cadastre.parcel WHERE cadastral_number = '971104' AND valid_to IS NULL"),
                             {"g": shapely.set_precision(new, 0.001).wkt}).scalar_one()
    assert crossing >= tolerances.OVERLAP_M2, "the rounded file does cross its neighbour"
    before_102 = stored(engine, "971102")
    path = tmp_path / "trei.cgxml"
    path.write_text(cgxml(lands), encoding="utf-8")
    report = run(loaded, path)
    assert report.status == "committed", report.text()
    assert counts(report) == (1, 1, 1, 0), report.text()
    snapped = [p for p in report.problems if p.code == "snapped"]
    assert [p.fid for p in snapped] == ["971106"] and snapped[0].params["count"] == 2, report.text()
    assert snapped[0].message.count("→") == 2
    version, legal, wkb = stored(engine, "971102")
    assert (version, legal) == (before_102[0] + 1, 612.0) and bytes(wkb) == bytes(before_102[2]), \
        "the legal area changed, the surveyed outline did not"
    with engine.connect() as c:
        overlap = c.execute(text("""
            SELECT ST_Area(ST_Intersection(a.geom, b.geom)) FROM cadastre.parcel a, cadastre.parcel b
            WHERE a.cadastral_number = '971106' AND b.cadastral_number = '971104'
              AND a.valid_to IS NULL AND b.valid_to IS NULL""")).scalar_one()
    assert overlap < 1e-6


def test_a_real_overlap_in_a_millimetre_cgxml_is_still_refused(loaded, engine, parcels, tmp_path):
    wide = box(X0 + 179.5, Y0 + 100, X0 + 200, Y0 + 130)   # 0.5 m into 971104
    path = tmp_path / "suprapus.cgxml"
    path.write_text(cgxml([{"number": "971107", "legal_area": 610.0, "category": "CC", "intravilan": True,
                            "geom": wide}]), encoding="utf-8")
    before = fingerprint(engine)
    report = run(loaded, path)
    assert report.status == "rejected" and "overlap" in codes(report, "error"), report.text()
    overlap = next(p for p in report.problems if p.code == "overlap")
    assert overlap.params["width"] == pytest.approx(0.5, abs=0.01) and overlap.params["number"] == "971104"
    assert fingerprint(engine) == before


# ---- GeoJSON in WGS 84 --------------------------------------------------------------------------

def geojson_of(engine, uat, numbers, tmp_path, shift=None) -> Path:
    """The parcels as a surveyor's GIS exports them from the OGC API: CRS84, 7 decimals."""
    with engine.connect() as c:
        rows = c.execute(text("""
            SELECT cadastral_number AS "NR_CAD", legal_area::float AS "SUPRAFATA", use_category AS "CATEGORIE",
                   intravilan::int AS "INTRAVILAN", land_book_number AS "NR_CF",
                   ST_AsBinary(ST_Transform(ST_Translate(geom, :dx, 0), 4326)) AS g
            FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL AND cadastral_number = ANY(:n)
            ORDER BY cadastral_number"""), {"u": uat, "n": list(numbers), "dx": shift or 0}).mappings().all()
    frame = gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "g"} for r in rows],
                             geometry=[shapely.from_wkb(bytes(r["g"])) for r in rows], crs=4326)
    path = tmp_path / "parcele.geojson"
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"COORDINATE_PRECISION": 7})
    return path


def test_a_wgs84_geojson_of_forty_current_parcels_keeps_their_legal_outlines(loaded, engine, tmp_path):
    with engine.connect() as c:
        numbers = c.execute(text("""
            SELECT cadastral_number FROM cadastre.parcel WHERE uat_siruta = :u AND valid_to IS NULL
              AND use_category IS NOT NULL AND intravilan IS NOT NULL
            ORDER BY ST_Distance(geom, (SELECT ST_Centroid(geom) FROM territory.uat WHERE siruta = :u)) LIMIT 40"""),
            {"u": SAMPLE_UAT}).scalars().all()
    assert len(numbers) == 40
    path = geojson_of(engine, SAMPLE_UAT, numbers, tmp_path)
    before = fingerprint(engine)
    report = run(loaded, path, uat=SAMPLE_UAT)
    assert report.status == "committed", report.text()
    assert counts(report) == (0, 0, 40, 0), report.text()
    kept = [p for p in report.problems if p.code == "outline_kept"]
    assert kept and all(p.params["distance"] < tolerances.REPROJECTION_M for p in kept)
    assert "reprojected" in codes(report, "warning") and report.layers[0]["reprojected_from"] == 4326
    assert fingerprint(engine) == before, "the legal outlines stay as they are"
    # the officer may accept the file's outlines: each is then a change, snapped onto its neighbours
    accepted = run(loaded, path, commit=False, uat=SAMPLE_UAT, accept_outlines=True)
    assert accepted.status == "checked", accepted.text()
    assert counts(accepted) == (0, len(kept), 40 - len(kept), 0), accepted.text()
    assert fingerprint(engine) == before


def test_accepted_reprojected_outlines_are_written_as_reported(loaded, engine, parcels, tmp_path):
    path = geojson_of(engine, UAT, ["971105"], tmp_path, shift=0.8)   # P5, drawn 0.8 m east
    first = run(loaded, path)
    assert counts(first) == (0, 0, 1, 0) and codes(first).count("outline_kept") == 1, first.text()
    before = stored(engine, "971105")
    report = run(loaded, path, accept_outlines=True)
    assert report.status == "committed" and counts(report) == (0, 1, 0, 0), report.text()
    version, _, wkb = stored(engine, "971105")
    moved = shapely.from_wkb(bytes(wkb))
    assert version == before[0] + 1
    assert shapely.hausdorff_distance(moved, shapely.from_wkb(bytes(before[2]))) == pytest.approx(0.8, abs=0.05)


# ---- streets without a locality column ----------------------------------------------------------

def sample_streets(engine) -> gpd.GeoDataFrame:
    with engine.connect() as c:
        rows = c.execute(text("SELECT street_type, name, ST_AsBinary(geom) FROM streets.street "
                              "WHERE uat_siruta = :u AND valid_to IS NULL ORDER BY id"), {"u": SAMPLE_UAT}).all()
    return gpd.GeoDataFrame({"TIP_STR": [r[0] for r in rows], "DENUMIRE": [r[1] for r in rows]},
                            geometry=[shapely.from_wkb(bytes(r[2])) for r in rows], crs=3844)


def test_streets_named_alike_in_three_villages_without_a_locality_column(loaded, engine, tmp_path):
    frame = sample_streets(engine)
    assert (frame["DENUMIRE"] == "Principală").sum() == 3
    before = fingerprint(engine)
    report = run(loaded, zipped(tmp_path, frame, "strazi"), uat=SAMPLE_UAT, kind="streets")
    assert report.status == "committed", report.text()
    assert counts(report) == (0, 0, len(frame), 0), report.text()
    assert fingerprint(engine) == before


def test_a_locality_column_names_the_village_and_an_unknown_one_is_refused(loaded, engine, tmp_path):
    frame = sample_streets(engine)
    with engine.connect() as c:
        places = dict(c.execute(text("SELECT s.id, l.name FROM streets.street s JOIN territory.locality l "
                                     "ON l.siruta = s.locality_siruta WHERE s.uat_siruta = :u AND s.valid_to IS NULL "
                                     "ORDER BY s.id"), {"u": SAMPLE_UAT}).all())
    named = frame.assign(LOCALITATE=list(places.values()))
    before = fingerprint(engine)
    report = run(loaded, zipped(tmp_path, named, "strazi_loc"), uat=SAMPLE_UAT, kind="streets")
    assert report.status == "committed" and counts(report) == (0, 0, len(frame), 0), report.text()
    wrong = named.assign(LOCALITATE=["Satul Nicăieri"] + list(places.values())[1:])
    refused = run(loaded, zipped(tmp_path, wrong, "strazi_rau"), uat=SAMPLE_UAT, kind="streets")
    assert codes(refused, "error") == ["unknown_locality"], refused.text()
    assert next(p for p in refused.problems if p.code == "unknown_locality").feature == 0
    assert fingerprint(engine) == before


def test_the_same_street_twice_in_one_village_is_still_a_duplicate(loaded, engine, tmp_path):
    frame = sample_streets(engine)
    first = frame[frame["DENUMIRE"] == "Principală"].iloc[[0]]
    twice = gpd.GeoDataFrame(first.assign(geometry=first.geometry.translate(0, 30)), crs=3844)
    both = gpd.GeoDataFrame(gpd.pd.concat([frame, twice], ignore_index=True), crs=3844)
    before = fingerprint(engine)
    report = run(loaded, zipped(tmp_path, both, "strazi2"), uat=SAMPLE_UAT, kind="streets")
    assert report.status == "rejected", report.text()
    duplicates = [p for p in report.problems if p.code == "duplicate_in_file"]
    assert len(duplicates) == 2 and all("Principală" in p.fid for p in duplicates)
    assert fingerprint(engine) == before


# ---- address polygons ---------------------------------------------------------------------------

def test_address_polygons_become_points_and_the_report_says_so(loaded, engine, uat, tmp_path):
    lot = box(340100, 742850, 340120, 742880)
    frame = gpd.GeoDataFrame({"STRADA": ["Principală"], "NR": ["7"]}, geometry=[lot], crs=3844)
    report = run(loaded, zipped(tmp_path, frame, "adrese"), kind="addresses")
    assert report.status == "committed" and counts(report) == (1, 0, 0, 0), report.text()
    warning = next(p for p in report.problems if p.code == "polygon_to_point")
    assert warning.severity == "warning" and warning.feature == 0
    with engine.connect() as c:
        inside = c.execute(text("SELECT ST_Within(a.geom, ST_GeomFromText(:g, 3844)) FROM streets.address_point a "
                                "JOIN streets.street s ON s.id = a.street_id WHERE s.code = 'TOPO1' AND a.number = 7"),
                           {"g": lot.wkt}).scalar_one()
    assert inside


# ---- DXF: MTEXT, block attributes, arcs, named layers -------------------------------------------

def tags(*pairs) -> str:
    return "".join(f"{code}\n{value}\n" for code, value in pairs)


def lwpolyline(handle, layer, coords, bulges=None) -> str:
    out = [(0, "LWPOLYLINE"), (5, handle), (8, layer), (90, len(coords)), (70, 1)]
    for k, (x, y) in enumerate(coords):
        out += [(10, f"{x:.3f}"), (20, f"{y:.3f}")]
        if bulges and bulges.get(k):
            out.append((42, bulges[k]))
    return tags(*out)


def dxf_drawing(entities: str) -> str:
    header = tags((0, "SECTION"), (2, "HEADER"), (9, "$ACADVER"), (1, "AC1015"), (0, "ENDSEC"))
    blocks = tags((0, "SECTION"), (2, "BLOCKS"), (0, "BLOCK"), (8, "0"), (2, "NRCAD"), (70, 2), (10, 0), (20, 0),
                  (3, "NRCAD"), (0, "ATTDEF"), (8, "0"), (10, 0), (20, 0), (40, 2.5), (1, ""), (3, "Nr. cadastral"),
                  (2, "NR_CAD"), (70, 0), (0, "ENDBLK"), (0, "ENDSEC"))
    return header + blocks + tags((0, "SECTION"), (2, "ENTITIES")) + entities + tags((0, "ENDSEC"), (0, "EOF"))


def ring(geom) -> list[tuple[float, float]]:
    return [tuple(c) for c in shapely.get_coordinates(geom.exterior)[:-1]]


@pytest.fixture
def drawing(parcels, tmp_path):
    """971103 numbered by an MTEXT with formatting codes, 971104 by a block attribute, 971105 with
    its east side bowed out as an arc (bulge 0.25 over 30 m), a building on layer CLADIRI."""
    p3, p4 = parcels["971103"], parcels["971104"]
    c3, c4 = p3.centroid, p4.centroid
    xmin, ymin, xmax, ymax = P5.bounds
    arc = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]
    building = box(c3.x - 4, c3.y + 2, c3.x + 4, c3.y + 10)
    entities = (lwpolyline("A1", "PARCELE", ring(p3)) + lwpolyline("A2", "PARCELE", ring(p4))
                + lwpolyline("A3", "PARCELE", arc, bulges={1: 0.25}) + lwpolyline("B1", "CLADIRI", ring(building))
                + tags((0, "MTEXT"), (5, "T1"), (8, "NUMERE"), (10, f"{c3.x:.3f}"), (20, f"{c3.y - 5:.3f}"),
                       (1, "{\\fArial|b1;\\H2.5;971103}"))
                + tags((0, "INSERT"), (5, "I1"), (8, "NUMERE"), (66, 1), (2, "NRCAD"), (10, f"{c4.x:.3f}"),
                       (20, f"{c4.y:.3f}"), (0, "ATTRIB"), (5, "I2"), (8, "NUMERE"), (10, f"{c4.x:.3f}"),
                       (20, f"{c4.y:.3f}"), (40, 2.5), (1, "971104"), (2, "NR_CAD"), (70, 0), (0, "SEQEND"),
                       (5, "I3"))
                + tags((0, "TEXT"), (5, "T2"), (8, "NUMERE"), (10, f"{xmin + 10:.3f}"), (20, f"{ymin + 10:.3f}"),
                       (40, 2.5), (1, "971105")))
    path = tmp_path / "plan.dxf"
    path.write_text(dxf_drawing(entities), encoding="utf-8")
    return path


def test_a_dxf_with_polylines_on_several_layers_asks_which_layer(loaded, engine, drawing):
    before = fingerprint(engine)
    report = run(loaded, drawing)
    assert report.status == "rejected" and codes(report, "error") == ["dxf_choose_layer"], report.text()
    assert report.layers[0]["dxf_layers"] == {"CLADIRI": 1, "PARCELE": 3}
    assert fingerprint(engine) == before
    unknown = run(loaded, drawing, dxf_layer="PARCELA")
    assert codes(unknown, "error") == ["dxf_layer_unknown"] and fingerprint(engine) == before


def test_a_dxf_with_mtext_block_attributes_and_an_arc_on_the_chosen_layer(loaded, engine, parcels, drawing):
    before = {n: stored(engine, n) for n in ("971103", "971104", "971105")}
    report = run(loaded, drawing, dxf_layer="PARCELE")
    assert report.status == "committed", report.text()
    assert counts(report) == (0, 1, 2, 0), report.text()
    arcs = [p for p in report.problems if p.code == "arc_densified"]
    assert [p.fid for p in arcs] == ["971105"]
    version, _, wkb = stored(engine, "971105")
    outline = shapely.from_wkb(bytes(wkb))
    # the bulge 0.25 over the 30 m chord: sagitta 3.75 m, radius (15² + 3.75²) / (2 × 3.75) = 31.875 m
    xmax, ymid = round(P5.bounds[2], 3), round((P5.bounds[1] + P5.bounds[3]) / 2, 3)
    radius, sagitta = 31.875, 3.75
    centre = (xmax + sagitta - radius, ymid)
    bowed = [(x, y) for x, y in shapely.get_coordinates(outline) if x > xmax + 1e-6]
    assert len(bowed) > 20
    assert max(abs(math.hypot(x - centre[0], y - centre[1]) - radius) for x, y in bowed) < 1e-3
    # the chords: none is farther than a millimetre from the arc
    coords = [(x, y) for x, y in shapely.get_coordinates(outline) if x >= xmax - 1e-6]
    worst = max(radius - math.hypot((a[0] + b[0]) / 2 - centre[0], (a[1] + b[1]) / 2 - centre[1])
                for a, b in zip(coords, coords[1:], strict=False))
    assert 0 < worst <= 0.001
    assert version == before["971105"][0] + 1
    assert [stored(engine, n) for n in ("971103", "971104")] == [before["971103"], before["971104"]], \
        "numbered by MTEXT and by a block attribute, drawn as stored: unchanged"


# ---- Moldova: the profile's numbers -------------------------------------------------------------

MD_DB = "teritoriu_test_md_imports"


@pytest.fixture(scope="module")
def md(cluster):
    from gis.migrate import upgrade

    settings = load_settings(db_name=MD_DB, profile="MD")
    cluster.drop_database(MD_DB)
    cluster.ensure_database(MD_DB)
    upgrade(settings)
    with get_engine(settings, "app").begin() as c:   # a UAT near Bălți, in Moldova TM
        c.execute(text("INSERT INTO territory.uat (siruta, name, county, geom) VALUES (:s, 'Test MD', 'Bălți', "
                       "ST_Multi(ST_MakeEnvelope(160000, 280000, 162000, 282000, 4026)))"), {"s": 3001})
        c.execute(text("INSERT INTO territory.locality (siruta, uat_siruta, name, rank, geom) VALUES "
                       "(3002, 3001, 'Satul MD', 5, ST_Multi(ST_MakeEnvelope(160000, 280000, 162000, 282000, 4026)))"))
    yield settings
    for role in ("app", "public", "owner"):
        get_engine(settings, role).dispose()
    cluster.drop_database(MD_DB)


def test_a_moldovan_shapefile_is_imported_by_the_md_profile(md, tmp_path):
    numbers = ["0300.201.124", "0300201125"]   # the second in a spelling the profile normalises
    frame = gpd.GeoDataFrame({"NR_CAD": numbers, "CATEGORIE": ["CC", "CC"], "INTRAVILAN": [1, 1]},
                             geometry=[box(160100, 280100, 160120, 280130), box(160120, 280100, 160140, 280130)],
                             crs=4026)
    report = run(md, zipped(tmp_path, frame, "parcele_md"), uat=3001)
    assert report.status == "committed" and counts(report) == (2, 0, 0, 0), report.text()
    with get_engine(md, "app").connect() as c:
        stored_numbers = c.execute(text("SELECT cadastral_number FROM cadastre.parcel ORDER BY 1")).scalars().all()
    assert stored_numbers == ["0300.201.124", "0300.201.125"]
    romanian = gpd.GeoDataFrame({"NR_CAD": ["50123"], "CATEGORIE": ["CC"], "INTRAVILAN": [1]},
                                geometry=[box(160200, 280100, 160220, 280130)], crs=4026)
    refused = run(md, zipped(tmp_path, romanian, "parcele_ro"), uat=3001)
    assert refused.status == "rejected" and codes(refused, "error") == ["bad_number"], refused.text()
    with get_engine(md, "app").connect() as c:
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel")).scalar_one() == 2


# ---- the reader's language: every code in the catalogue, the CLI by locale, the page by lang ----

def emitted_codes() -> set[str]:
    """Every code the importers can put in a report, read from their source."""
    import re

    from gis.settings import PROJECT_ROOT

    sources = [*sorted((PROJECT_ROOT / "importers").glob("*.py")), PROJECT_ROOT / "api" / "imports.py"]
    text_ = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    found = set(re.findall(r'(?:report\.add|current\.add|Note)\(\s*"(?:error|warning|info)"[^,]*,\s*"([a-z_]+)"',
                           text_))
    found |= set(re.findall(r'ImportRefused\((?:[^()]|\([^()]*\))*?,\s*"([a-z_]+)"', text_, re.S))
    found |= set(re.findall(r'_refuse\((?:.|\n)*?,\s*"([a-z_]+)"\)', text_))
    return found


def test_every_import_code_has_its_message_in_romanian_english_and_hungarian():
    from api.messages import catalogue

    CATALOGUE = catalogue()

    codes_ = emitted_codes()
    assert {"overlap", "snapped", "outline_kept", "polygon_to_point", "dxf_choose_layer", "zip_slip",
            "unreadable", "too_large"} <= codes_, "the scan finds the codes"
    for code in codes_:
        entries = [k for k in CATALOGUE if k == f"import.{code}" or k.startswith(f"import.{code}.")]
        assert entries, f"no catalogue entry for import code {code!r}"
        for key in entries:
            assert set(CATALOGUE[key]) == {"ro", "en", "hu"} and all(CATALOGUE[key].values()), key


def test_no_web_message_names_a_command_line_option():
    from api.import_texts import problem_text
    from api.messages import catalogue

    CATALOGUE = catalogue()
    from importers.report import Problem

    for key in CATALOGUE:
        if key.startswith("import.") and ".hint." not in key:
            code, _, variant = key.removeprefix("import.").partition(".")
            p = Problem("error", code, "english", params={"variant": variant} if variant else {})
            for lang in ("ro", "en", "hu"):
                assert "--" not in problem_text(p, lang, "web"), (key, lang)


def test_the_cli_reports_in_the_locale_language(loaded, parcels, tmp_path):
    import os
    import subprocess
    import sys

    from gis.settings import PROJECT_ROOT

    path = tmp_path / "suprapus.cgxml"
    path.write_text(cgxml([{"number": "971108", "legal_area": 610.0, "category": "CC", "intravilan": True,
                            "geom": box(X0 + 179, Y0 + 100, X0 + 200, Y0 + 130)}]), encoding="utf-8")
    env = {**os.environ, "TERITORIU_DB_NAME": loaded.db_name, "LANG": "ro_RO.UTF-8", "LC_ALL": ""}
    done = subprocess.run([str(Path(sys.executable).parent / "teritoriu"), "import", str(path), "--layer",
                           "parcels", "--uat", str(UAT)], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "se suprapune cu parcela curentă 971104" in done.stdout and "obiecte — noi" in done.stdout
    assert "Respins: nu s-a scris nimic." in done.stderr


def upload(client, headers, path, name, **form):
    with open(path, "rb") as fh:
        r = client.post("/api/imports", headers=headers, data={"file": (fh, name), "layer": "parcels",
                                                               "uat": str(UAT), **form})
    assert r.status_code == 202, r.data
    return r.get_json()["id"]


def wait(client, job, timeout=120):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/imports/{job}").get_json()
        if body["status"] != "running":
            return body
        time.sleep(0.3)
    raise AssertionError("the import did not finish")


@pytest.fixture(scope="module")
def staff(staff_client):
    return {role: staff_client(role, username=f"s.{role}") for role in ("surveyor", "officer")}


def test_a_refused_file_offers_the_mapping_form_and_checks_again(staff, uat, engine, tmp_path):
    """No `--mapping` on the page: the file's columns with the fields to choose, the upload form kept;
    the choice checks the same file again as a new import."""
    surveyor, sh = staff["surveyor"]
    frame = gpd.GeoDataFrame({"NUMARUL": ["971201", "971202"], "CATEGORIE": ["A", "A"], "INTRAVILAN": [0, 0]},
                             geometry=[box(X0 + 500, Y0 + 500, X0 + 520, Y0 + 530),
                                       box(X0 + 520, Y0 + 500, X0 + 540, Y0 + 530)], crs=3844)
    job = upload(surveyor, sh, zipped(tmp_path, frame, "fara_numar"), "fara_numar.zip")
    body = wait(surveyor, job)
    assert body["status"] == "rejected" and {p["code"] for p in body["report"]["problems"]} >= {"no_number"}
    assert all(p["bbox"] for p in body["report"]["problems"] if p["code"] == "no_number")
    for lang, words in (("ro", "formularul „Corespondența câmpurilor”"), ("en", "field-mapping form below"),
                        ("hu", "mezőmegfeleltetési űrlapon")):
        page = surveyor.get(f"/office/imports/{job}?lang={lang}").get_data(as_text=True)
        assert words in page and "--mapping" not in page and "--make-valid" not in page, lang
        assert 'name="map:NUMARUL"' in page and '<option value="cadastral_number">' in page
        assert 'id="t-upload"' in page and 'id="r-code"' in page and "data-zoom=" in page
    r = surveyor.post(f"/office/imports/{job}/recheck", headers=sh,
                      data={"map:NUMARUL": "cadastral_number", "map:CATEGORIE": "use_category"})
    assert r.status_code == 303, r.data
    new = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    again = wait(surveyor, new)
    assert again["status"] == "staged" and again["report"]["summary"]["new"] == 2, again["report"]
    assert again["options"]["mapping"]["NUMARUL"] == "cadastral_number"
    assert surveyor.post(f"/office/imports/{job}/recheck", headers=sh, data={}).status_code == 409, \
        "the file moved to the new check"
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE cadastral_number IN "
                              "('971201', '971202')")).scalar_one() == 0, "staged, not imported"


def test_an_officer_accepts_a_reprojected_files_outlines(staff, parcels, engine, tmp_path):
    surveyor, sh = staff["surveyor"]
    officer, oh = staff["officer"]
    path = geojson_of(engine, UAT, ["971101"], tmp_path, shift=0.3)
    job = upload(surveyor, sh, path, "parcele.geojson")
    body = wait(surveyor, job)
    assert body["status"] == "staged" and body["report"]["summary"]["unchanged"] == 1, body["report"]
    page = officer.get(f"/office/imports/{job}?lang=en").get_data(as_text=True)
    assert 'id="d-outlines"' in page and "outlines” when accepting" in page
    before = stored(engine, "971101")
    accepted = officer.post(f"/api/imports/{job}/accept", headers=oh, data={"accept_outlines": "1"})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "committed", accepted.get_json()
    report = accepted.get_json()["report"]
    assert report["summary"]["changed"] == 1 and any(p["code"] == "outline_replaced" for p in report["problems"])
    version, _, wkb = stored(engine, "971101")
    assert version == before[0] + 1
    assert shapely.hausdorff_distance(shapely.from_wkb(bytes(wkb)), shapely.from_wkb(bytes(before[2]))) \
        == pytest.approx(0.3, abs=0.05)
