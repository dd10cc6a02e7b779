"""The Republic of Moldova profile: a Moldovan commune in MOLDREF99 / Moldova TM (EPSG:4026)
loads into a database migrated for profile MD, is served over OGC at the right place (compared
with Bălți's known location), follows the Moldovan cadastral number rule, issues both
certificates with the Moldovan wording, and the public map speaks Russian."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess

import pytest
from pyproj import Transformer
from sqlalchemy import text

from gis.certificates import CertificateError, certificate_facts, issue
from gis.crs import epsg_uri
from gis.db import get_engine
from gis.profiles import get_profile
from gis.settings import PROJECT_ROOT, load_settings

MD_DB = os.environ.get("TERITORIU_TEST_DB", "teritoriu_test") + "_md"
SAMPLES = PROJECT_ROOT / "data-samples-md"
BALTI = (27.93, 47.76)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils: make setup")


def km_from_balti(lon: float, lat: float) -> float:
    dx = (lon - BALTI[0]) * 111.32 * math.cos(math.radians(BALTI[1]))
    return math.hypot(dx, (lat - BALTI[1]) * 110.57)


@pytest.fixture(scope="module")
def md(cluster):
    """A database migrated with profile MD and the Moldovan sample loaded; dropped at the end."""
    from gis.migrate import upgrade
    from gis.samples import load_commune

    settings = load_settings(db_name=MD_DB, profile="MD", samples_dir=SAMPLES,
                             orthophoto=SAMPLES / "orthophoto.tif")
    cluster.drop_database(MD_DB)
    cluster.ensure_database(MD_DB)
    upgrade(settings)
    report = load_commune(settings, SAMPLES)
    assert report.changed["parcels"] > 0
    yield settings
    for role in ("app", "public", "owner"):
        try:
            get_engine(settings, role).dispose()
        except Exception:  # noqa: S110 - a role never used has nothing to dispose
            pass
    cluster.drop_database(MD_DB)


@pytest.fixture(scope="module")
def md_engine(md):
    return get_engine(md, "app")


@pytest.fixture(scope="module")
def md_client(md):
    from api import create_app

    app = create_app(md)
    app.testing = True
    return app.test_client()


@pytest.fixture(scope="module")
def built(md_engine) -> str:
    """A built intravilan parcel with an address."""
    with md_engine.connect() as c:
        return c.execute(text("""
            SELECT p.cadastral_number FROM public_api.parcel p
            JOIN public_api.address_point a ON a.cadastral_number = p.cadastral_number
            JOIN public_api.building b ON b.parcel_id = p.id
            ORDER BY p.cadastral_number LIMIT 1""")).scalar_one()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def test_the_profile_fixes_crs_languages_and_the_cadastral_rule():
    p = get_profile("MD")
    assert (p.storage_srid, p.languages, p.unit_code_name) == (4026, ("ro", "ru", "en"), "CUATM")
    for spelling in ("0300201123", "0300.201.123", "0300201.123", " 0300 201 123 "):
        assert p.normalise_cadastral_number(spelling) == "0300.201.123"
    assert p.valid_cadastral_number("0300.201.123.01") and p.valid_cadastral_number("0300.201.123.01.001")
    for romanian in ("50123", "1234/2", "123-C1"):
        assert not p.valid_cadastral_number(romanian) and get_profile("RO").valid_cadastral_number(romanian)


def test_the_database_stores_in_moldova_tm(md_engine):
    with md_engine.connect() as c:
        srids = dict(c.execute(text(
            "SELECT f_table_schema || '.' || f_table_name, srid FROM geometry_columns "
            "WHERE f_table_schema IN ('territory', 'cadastre', 'streets', 'planning', 'agri')")).all())
        uat = c.execute(text("SELECT siruta, name, county FROM territory.uat")).one()
        numbers = c.execute(text("SELECT cadastral_number FROM cadastre.parcel")).scalars().all()
    assert srids and set(srids.values()) == {4026}, srids
    assert uat == (4599000, "Comuna Răzeșeni", "Fălești")
    assert len(numbers) == 500 and all(get_profile("MD").valid_cadastral_number(n) for n in numbers)


def test_a_romanian_commune_is_refused_by_the_moldovan_rule(md):
    from gis.samples import load_commune

    with pytest.raises(ValueError, match="MD rule"):
        load_commune(md, PROJECT_ROOT / "data-samples")


def test_ogc_serves_the_commune_at_balti(md_client, md_engine):
    r = md_client.get("/ogc/collections/parcels/items?f=json&limit=50")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    features = r.get_json()["features"]
    assert len(features) == 50
    to_wgs = Transformer.from_crs(4026, 4326, always_xy=True)
    for f in features[:10]:
        lon, lat = f["geometry"]["coordinates"][0][0][0]
        assert km_from_balti(lon, lat) < 5, (lon, lat)
        with md_engine.connect() as c:
            x, y = c.execute(text(
                "SELECT ST_X(p), ST_Y(p) FROM public_api.parcel, "
                "ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) p WHERE id = :i"), {"i": f["id"]}).one()
        # the published CRS84 vertex is the stored vertex transformed, (lon, lat) order
        assert (lon, lat) == pytest.approx(to_wgs.transform(x, y), abs=1e-6)


def test_ogc_output_in_epsg_4026_is_the_stored_coordinates(md_client, md_engine):
    r = md_client.get(f"/ogc/collections/parcels/items?f=json&limit=5&crs={epsg_uri(4026)}")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert epsg_uri(4026) in r.headers.get("Content-Crs", "")
    for f in r.get_json()["features"]:
        with md_engine.connect() as c:
            stored = c.execute(text("SELECT ST_AsGeoJSON(geom, 3)::json -> 'coordinates' FROM public_api.parcel "
                                    "WHERE id = :i"), {"i": f["id"]}).scalar_one()
        # EPSG:4026 is defined northing first (OGC API Features Part 2: the CRS's own order)
        served = [[[[round(v, 3) for v in pt] for pt in ring] for ring in poly]
                  for poly in f["geometry"]["coordinates"]]
        assert served == [[[[pt[1], pt[0]] for pt in ring] for ring in poly] for poly in stored]


def test_a_bbox_around_balti_finds_parcels(md_client):
    lon, lat = BALTI
    r = md_client.get(f"/ogc/collections/parcels/items?f=json&limit=5&bbox={lon - 0.05},{lat - 0.05},"
                      f"{lon + 0.05},{lat + 0.05}")
    assert r.status_code == 200 and len(r.get_json()["features"]) == 5
    far = md_client.get("/ogc/collections/parcels/items?f=json&limit=5&bbox=21.8,46.8,21.9,46.9")
    assert far.status_code == 200 and far.get_json()["features"] == []


@pytest.fixture(scope="module")
def md_live(md):
    """The Moldovan app over real HTTP (for GDAL), its links naming its own port."""
    import socket
    import threading

    from werkzeug.serving import make_server

    from api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(db_name=MD_DB, profile="MD", samples_dir=SAMPLES, orthophoto=SAMPLES / "orthophoto.tif",
                             port=port)
    server = make_server("127.0.0.1", port, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_the_orthophoto_coverage_opens_in_gdal_with_the_stored_pixels(md_live, md_client, tmp_path):
    """Issue 16, item 5 in the MD profile: the same coverage, in MOLDREF99 / Moldova TM (EPSG:4026,
    northing first like Stereo 70)."""
    import rasterio
    from rasterio.windows import Window

    env = {**os.environ, "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR"}
    info = subprocess.run(["gdalinfo", f"OGCAPI:{md_live}/ogc/collections/orthophoto"], capture_output=True,
                          text=True, timeout=120, env=env)
    assert info.returncode == 0 and info.stderr == "", info.stderr
    assert "Size is 1627, 1012" in info.stdout and "Origin = (163139.000000000000000,292544.000000000000000)" \
        in info.stdout and "Band 3 Block=256x256 Type=Byte, ColorInterp=Blue" in info.stdout

    out = tmp_path / "md.tif"
    srcwin = (1527, 912, 100, 100)  # the south-east corner
    translate = subprocess.run(["gdal_translate", "-q", "-oo", "CACHE=NO", "-srcwin", *map(str, srcwin),
                                f"OGCAPI:{md_live}/ogc/collections/orthophoto", str(out)],
                               capture_output=True, text=True, timeout=120, env=env)
    assert translate.returncode == 0 and translate.stderr == "", translate.stderr
    with rasterio.open(out) as got, rasterio.open(SAMPLES / "orthophoto.tif") as src:
        expected = src.read(window=Window(*srcwin))
        assert expected.any() and (got.read() == expected).all()

    vsicurl = subprocess.run(["gdalinfo", f"/vsicurl/{md_live}/ogc/collections/orthophoto/coverage"],
                             capture_output=True, text=True, timeout=120, env=env)
    assert vsicurl.returncode == 0 and vsicurl.stderr == "" and 'ID["EPSG",4026]]' in vsicurl.stdout
    assert "LAYOUT=COG" in vsicurl.stdout

    r = md_client.get("/ogc/collections/orthophoto/coverage?subset=x(163139:163339),y(290520:290720)&f=GTiff")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/tiff; application=geotiff"
    outside = md_client.get("/ogc/collections/orthophoto/coverage?subset=x(0:1),y(0:1)&f=GTiff")
    assert outside.status_code == 400 and "163139" in outside.get_json()["description"]


def test_a_world_bbox_finds_every_parcel_and_pages_count_exactly_in_moldova_tm(md_client, md_engine):
    """The box is clamped to MOLDREF99's area of use (not Stereo 70's) before it is transformed."""
    with md_engine.connect() as c:
        total = c.execute(text("SELECT count(*) FROM public_api.parcel")).scalar_one()
    for bbox in ("-180,-90,180,90", "20,40,35,50"):
        r = md_client.get(f"/ogc/collections/parcels/items?f=json&limit=5&bbox={bbox}")
        assert r.status_code == 200 and r.get_json()["numberMatched"] == total > 0
    assert md_client.get("/ogc/collections/parcels/items?f=json&limit=5").get_json()["numberMatched"] == total


def test_a_romanian_number_is_refused_and_spellings_are_accepted(md_engine, built):
    with md_engine.connect() as c:
        with pytest.raises(CertificateError, match="not a cadastral number of Republica Moldova"):
            certificate_facts(c, "urbanism", ["50123"], "construire", profile="MD")
        facts = certificate_facts(c, "urbanism", [built.replace(".", "")], "construire", profile="MD")
    assert facts.cadastral_numbers == [built] and facts.profile == "MD"
    assert facts.fee.amount_lei == 150 and "decizia consiliului local" in facts.fee.basis.lower()


@needs_poppler
def test_the_urbanism_certificate_has_the_moldovan_wording(md, built, tmp_path, artifacts):
    done = issue(md, "urbanism", [built], "construirea unei case de locuit P+1E", "Rusu Ion", "test",
                 unpaid_confirmed=True)
    flat = pdf_text(done.pdf, tmp_path)
    for needle in ("CERTIFICAT DE URBANISM PENTRU PROIECTARE", "Codul urbanismului și construcțiilor nr. 434/2023",
                   "(formularul: Codul urbanismului și construcțiilor nr. 434/2023, anexa nr. 2)",
                   "1. REGIMUL JURIDIC", "2. REGIMUL ECONOMIC", "3. REGIMUL TEHNIC",
                   "4. AVIZE ȘI ACORDURI NECESARE PENTRU AUTORIZAREA CONSTRUIRII", "Studiu geotehnic",
                   "valabil 24 de luni", "MOLDREF99 / Moldova TM", "CUATM 4599000", built,
                   f"Nr. {done.registry_number}/{done.year}", done.verification_code,
                   "150,00 lei", "decizia consiliului local nr.", "SECRETAR AL CONSILIULUI LOCAL"):
        assert needle in flat, needle
    assert "REPUBLICA MOLDOVA" in flat.upper() and "RAIONUL FĂLEȘTI" in flat.upper()
    for gone in ("Stereo 70", "Legea nr. 50/1991", "Codul fiscal", "Carte funciară", "SIRUTA", "Județul",
                 "163/2010", "835/1996", "INFORMATIV", "procedura simplificată"):
        assert gone not in flat, gone
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", flat)  # dates as dd.mm.yyyy, the footer's too
    (artifacts / "certificat-urbanism-md.pdf").write_bytes(done.pdf)
    page_one_png(done.pdf, artifacts, "md-cu-proiectare")


def page_one_png(pdf: bytes, artifacts, name: str) -> None:
    """Page 1 at 60 dpi in var/artifacts/ (to look at)."""
    path = artifacts / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", str(path),
                    str(artifacts / name)], check=True)
    assert (artifacts / f"{name}.png").stat().st_size > 10_000


@pytest.fixture
def small_settlement(md_engine):
    """The sample commune with 2,150 inhabitants in its settings (the simplified procedure's
    threshold is 3,000); the settings are put back afterwards."""
    with md_engine.begin() as c:
        before = c.execute(text("SELECT settings FROM territory.uat WHERE siruta = :u"), {"u": MD_UAT}).scalar_one()
        c.execute(text("UPDATE territory.uat SET settings = coalesce(settings, '{}'::jsonb) || "
                       "'{\"population\": 2150}'::jsonb WHERE siruta = :u"), {"u": MD_UAT})
    yield 2150
    with md_engine.begin() as c:
        c.execute(text("UPDATE territory.uat SET settings = CAST(:s AS jsonb) WHERE siruta = :u"),
                  {"s": json.dumps(before), "u": MD_UAT})


@needs_poppler
def test_the_informative_urbanism_certificate_of_a_small_settlement(md, built, small_settlement, tmp_path,
                                                                    artifacts):
    """Codul urbanismului și construcțiilor nr. 434/2023: a purpose that only asks to know the regime
    gets the certificat de urbanism informativ (request form: anexa nr. 1), its own tariff and no
    approvals; a settlement of up to 3,000 inhabitants is told the simplified procedure applies."""
    done = issue(md, "urbanism", [built], "informare privind regimul juridic al terenului", "Rusu Ana", "test",
                 unpaid_confirmed=True)
    flat = pdf_text(done.pdf, tmp_path)
    for needle in ("CERTIFICAT DE URBANISM INFORMATIV", "Codul urbanismului și construcțiilor nr. 434/2023",
                   "(formularul: Codul urbanismului și construcțiilor nr. 434/2023, anexa nr. 1)",
                   "1. REGIMUL JURIDIC", "2. REGIMUL ECONOMIC", "3. REGIMUL TEHNIC", "4. MENȚIUNI",
                   "nu poate fi folosit pentru elaborarea documentației de proiect", "valabil 12 luni",
                   "50,00 lei", "certificat de urbanism informativ", "până la 3.000 de locuitori",
                   "procedura simplificată", "Populația: 2.150 locuitori", built):
        assert needle in flat, needle
    for gone in ("PENTRU PROIECTARE", "AVIZE ȘI ACORDURI", "Studiu geotehnic", "163/2010", "835/1996"):
        assert gone not in flat, gone
    page_one_png(done.pdf, artifacts, "md-cu-informativ")


def test_the_variant_follows_the_purpose_and_the_threshold_the_population():
    from gis.certificates.rules import config
    from gis.certificates.urbanism_md import simplified_procedure, variant

    rules = config("MD")["urbanism"]
    assert variant("Informare: vânzarea terenului", rules) == "informativ"
    assert variant("construirea unei case de locuit P+1E", rules) == "proiectare"
    assert variant("reinformare", rules) == "proiectare"  # whole words only
    assert "3.000" in simplified_procedure({"population": 3000}, rules)
    assert simplified_procedure({"population": 3001}, rules) == simplified_procedure({}, rules) == ""


@needs_poppler
def test_the_address_certificate_has_the_moldovan_wording(md, md_engine, tmp_path, artifacts):
    with md_engine.connect() as c:
        number, street, house = c.execute(text("""
            SELECT a.cadastral_number, a.street_name, a.house_number FROM public_api.address_point a
            JOIN streets.street_name n ON n.street_id = a.street_id ORDER BY 1 LIMIT 1""")).one()
        former = c.execute(text("""
            SELECT n.name, n.hcl_number FROM streets.street_name n JOIN public_api.address_point a
              ON a.street_id = n.street_id WHERE a.cadastral_number = :n"""), {"n": number}).one()
    done = issue(md, "nomenclature", [number], "înregistrarea în Registrul bunurilor imobile", "Ceban Maria", "test",
                 unpaid_confirmed=True)
    flat = pdf_text(done.pdf, tmp_path)
    for needle in ("CERTIFICAT PRIVIND ADRESA BUNULUI IMOBIL", "Legea nr. 151/2017 cu privire la sistemul de adrese",
                   "Legea nr. 436/2006", "planul de adrese",
                   "datelor din Registrul de stat al unităților administrativ-teritoriale și al adreselor",
                   "HG nr. 1518/2003", "„Cadastrul Bunurilor Imobile”", f"{street} nr. {house}",
                   former[0], f"decizia consiliului local nr. {former[1]}", "50,00 lei", "MOLDREF99 / Moldova TM"):
        assert needle in flat, needle
    # the address comes from the address register, not from the real-estate register
    for gone in ("HCL", "Stereo 70", "datelor din Registrul bunurilor imobile", "1543/1998"):
        assert gone not in flat, gone
    (artifacts / "certificat-adresa-md.pdf").write_bytes(done.pdf)
    page_one_png(done.pdf, artifacts, "md-certificat-adresa")


def test_the_public_map_offers_russian(md_client):
    page = md_client.get("/?lang=ru").get_data(as_text=True)
    assert '<html lang="ru">' in page and "Публичная карта" in page
    assert 'hreflang="ru"' in page and 'hreflang="en"' in page and 'hreflang="hu"' not in page
    assert "Comuna Răzeșeni" in page
    hungarian = md_client.get("/?lang=hu").get_data(as_text=True)  # not a language of this profile
    assert '<html lang="ro">' in hungarian


def test_moldovan_postal_codes_and_identifiers_are_accepted_romanian_ones_refused(md_engine):
    """Migration 0005 sets the profile's formats: MD-dddd, IDNP, IDNO."""
    from sqlalchemy.exc import IntegrityError

    with md_engine.connect() as c:
        tx = c.begin()
        uat = c.execute(text("SELECT siruta FROM territory.uat LIMIT 1")).scalar()
        c.execute(text("UPDATE territory.locality SET postal_code = 'MD-3101' WHERE uat_siruta = :u"), {"u": uat})
        c.execute(text("INSERT INTO fiscal.taxpayer (uat_siruta, code, kind, name, id_code) VALUES "
                       "(:u, 'T-IDNP', 'PF', 'Ion Rusu', '2001234567890'), "
                       "(:u, 'T-IDNO', 'PJ', 'SRL Nord', '1003600012345')"),
                  {"u": uat})
        tx.rollback()
        for sql in ("UPDATE territory.locality SET postal_code = '417495'",
                    "INSERT INTO fiscal.taxpayer (uat_siruta, code, kind, name, id_code) "  # noqa: S608 - test SQL
                    f"VALUES ({uat}, 'T-CUI', 'PJ', 'SRL Vest', 'RO12345678')"):
            tx = c.begin()
            with pytest.raises(IntegrityError):
                c.execute(text(sql))
            tx.rollback()


# -- imports follow the deployment's profile -------------------------------------------------
RO_UAT = 926501  # data-samples/: Comuna Valea Verde
MD_UAT = 4599000  # data-samples-md/: Comuna Răzeșeni


def _current_parcels(engine, limit: int = 3) -> list[tuple]:
    """(number, category, intravilan, geometry) of a few current parcels, as stored."""
    import shapely

    with engine.connect() as c:
        rows = c.execute(text("SELECT cadastral_number, use_category, intravilan, ST_AsBinary(geom) "
                              "FROM cadastre.parcel WHERE valid_to IS NULL ORDER BY cadastral_number "
                              "LIMIT :n"), {"n": limit}).all()
    return [(n, cat, ib, shapely.from_wkb(bytes(g))) for n, cat, ib, g in rows]


def _parcels_zip(folder, numbers, parcels, epsg: int):
    """A surveyor's zipped shapefile of parcels (NR_CAD, CATEGORIE, INTRAVILAN) in EPSG:`epsg`."""
    import zipfile

    import geopandas as gpd

    folder.mkdir(parents=True, exist_ok=True)
    frame = gpd.GeoDataFrame({"NR_CAD": numbers, "CATEGORIE": [p[1] for p in parcels],
                              "INTRAVILAN": [int(p[2]) for p in parcels]},
                             geometry=[p[3] for p in parcels], crs=f"EPSG:{epsg}")
    frame.to_file(folder / "parcele.shp", engine="pyogrio")
    out = folder.with_suffix(".zip")
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    return out


@pytest.fixture(scope="module")
def moldovan_zip(md_engine, tmp_path_factory):
    """Three current Moldovan parcels in EPSG:4026, their numbers in the three spellings surveyors use:
    0300.201.123, 0300201123 and 0300201.123."""
    parcels = _current_parcels(md_engine)
    stored = [p[0] for p in parcels]
    assert all(len(n) == 12 for n in stored), stored  # dddd.ddd.ddd
    spelled = [stored[0], stored[1].replace(".", ""), stored[2][:4] + stored[2][5:8] + "." + stored[2][9:]]
    return stored, _parcels_zip(tmp_path_factory.mktemp("md") / "parcele_md", spelled, parcels, 4026)


@pytest.fixture(scope="module")
def romanian_zip(loaded, engine, tmp_path_factory):
    """Three current Romanian parcels of data-samples/ in Stereo 70, with their ANCPI numbers."""
    parcels = _current_parcels(engine)
    stored = [p[0] for p in parcels]
    return stored, _parcels_zip(tmp_path_factory.mktemp("ro") / "parcele_ro", stored, parcels, 3844)


def _dry_run(settings, path, uat: int):
    from importers.pipeline import Options, analyse_and_merge

    report, _ = analyse_and_merge(settings, path, Options(kind="parcels", uat=uat), "test:profile", commit=False)
    return report


def test_a_moldovan_shapefile_imports_in_the_moldovan_profile(md, moldovan_zip):
    stored, path = moldovan_zip
    report = _dry_run(md, path, MD_UAT)
    assert report.ok and report.status == "checked", report.text()
    # every spelling was read as the canonical number of a parcel already there
    assert (report.summary["unchanged"], report.summary["new"], report.summary["features"]) == (3, 0, 3), \
        report.text()


def test_a_moldovan_shapefile_is_refused_in_the_romanian_profile(loaded, moldovan_zip):
    stored, path = moldovan_zip
    report = _dry_run(loaded, path, RO_UAT)
    assert report.status == "rejected"
    refused = [p for p in report.errors if p.code == "bad_number"]
    assert sorted(p.feature for p in refused) == [0, 1, 2], report.text()
    assert all("not a cadastral number of România" in p.message for p in refused)


def test_a_romanian_shapefile_imports_in_the_romanian_profile(loaded, romanian_zip):
    stored, path = romanian_zip
    report = _dry_run(loaded, path, RO_UAT)
    assert report.ok and report.status == "checked", report.text()
    assert (report.summary["unchanged"], report.summary["new"]) == (3, 0), report.text()


def test_a_romanian_shapefile_is_refused_in_the_moldovan_profile(md, romanian_zip):
    stored, path = romanian_zip
    report = _dry_run(md, path, MD_UAT)
    assert report.status == "rejected"
    refused = [p for p in report.errors if p.code == "bad_number"]
    assert sorted(p.feature for p in refused) == [0, 1, 2], report.text()
    assert all("not a cadastral number of Republica Moldova (e.g. 0300.201.123)" in p.message for p in refused)


def test_the_editor_stores_a_moldovan_number_in_its_canonical_spelling(md, md_engine):
    """The editor, like the importers, rewrites 0300201.123-style spellings (one rule: the profile's)."""
    import json

    from gis.editing import create

    with md_engine.connect() as c:
        free = c.execute(text("""
            SELECT ST_AsGeoJSON(ST_Envelope(ST_Buffer(ST_PointOnSurface(ST_Difference(u.geom,
                   (SELECT ST_Union(ST_Buffer(geom, 10)) FROM cadastre.parcel WHERE valid_to IS NULL))), 6)))
            FROM territory.uat u WHERE u.siruta = :u"""), {"u": MD_UAT}).scalar_one()
    data = {"cadastral_number": "9999999.001", "geometry": json.loads(free), "use_category": "A",
            "intravilan": False}
    row, problems, _links = create(md, MD_UAT, data, "test:profile", 4026, accept_warnings=True)
    try:
        assert row["cadastral_number"] == "9999.999.001", problems
    finally:
        with md_engine.begin() as c:
            c.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :i"), {"i": row["id"]})
