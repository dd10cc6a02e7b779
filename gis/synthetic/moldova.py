"""A fictional Moldovan commune: the Romanian generator's commune re-expressed for profile MD.

The layout (villages, streets, parcels, buildings, plans, registers) is the Romanian one; what
changes is what a Moldovan city hall would hold:

- geometries *translated* (never warped: Stereo 70 and Moldova TM are both conformal metric
  grids, so a layout drawn in one is a valid layout in the other) by whole metres so that the
  commune's centre sits on Bălți (27.93 E, 47.76 N) in MOLDREF99 / Moldova TM (EPSG:4026);
- CUATM codes in the `siruta` columns, a raion instead of a județ, Moldovan place and street
  names, local council *decisions* for the plans;
- Moldovan cadastral numbers, sector.block.parcel (gis.profiles: the MD rule), no land book
  (carte funciară) and no e-Terra identifier: the cadastral number is the register key;
- taxpayers with an IDNP (13 digits, fictional, control digit 7-3-1); legal persons are left
  out because the schema's check on `fiscal.taxpayer.id_code` knows only the Romanian CUI
  (the IDNO has 13 digits); postal codes are left empty (MD-NNNN does not fit the schema's
  six digits).

    generate_md(n_parcels, seed, out_dir) -> summary dict     (teritoriu generate --profile MD)

Everything here is fictional.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from pyproj import Transformer

from gis.profiles import get_profile
from gis.synthetic.commune import Commune, build
from gis.synthetic.writers import write_csvs, write_geopackage, write_orthophoto

PROFILE = get_profile("MD")
BALTI_LONLAT = (27.93, 47.76)
# Fictional CUATM-shaped codes (7 digits): the commune, then its villages.
CUATM_UAT = 4599000
CUATM_VILLAGE_BASE = 4599001
UAT_NAME = "Comuna Răzeșeni"
RAION = "Fălești"
VILLAGES = ["Răzeșeni", "Dealul Nucului", "Valea Ciorii", "Sălcuța Nouă", "Pîrîul Morii",
            "Izvoreni", "Livădeni", "Hîrtopul Mic"]
RO_VILLAGES = ["Valea Verde", "Dealu Mare", "Poienița", "Izvoru Crișului", "Lunca Teilor",
               "Țărmure", "Făget", "Mărgineni"]
# Romanian-only street names and their Moldovan stand-ins (each unique).
STREETS = {
    "Crișului": "Răutului", "Avram Iancu": "Alexandru cel Bun", "Horea": "Miorița",
    "Octavian Goga": "Nicolae Testemițanu", "Andrei Mureșanu": "Alecu Russo",
    "Iuliu Maniu": "Ion Inculeț", "Emanuil Gojdu": "Constantin Stere", "Ady Endre": "Grigore Vieru",
    "Petőfi Sándor": "Alexei Mateevici", "Kossuth Lajos": "Dimitrie Cantemir",
    "Arany János": "Bogdan Petriceicu Hasdeu", "Sălajului": "Sorocii", "Bihorului": "Făleștilor",
    "Oradiei": "Glodenilor", "Beiușului": "Sîngereilor", "1 Decembrie 1918": "31 August 1989",
    "Iosif Vulcan": "Ion și Doina Aldea-Teodorovici", "Frăției Româno-Sovietice": "Prieteniei Popoarelor",
}
STREET_TYPES = {"Ulița": "Stradela", "Intrarea": "Fundătura"}
MALE = ["Ion", "Vasile", "Sergiu", "Andrei", "Victor", "Nicolae", "Gheorghe", "Mihail", "Igor",
        "Vladimir", "Dumitru", "Valeriu", "Petru", "Alexandru", "Oleg"]
FEMALE = ["Maria", "Elena", "Natalia", "Tatiana", "Svetlana", "Ana", "Valentina", "Lilia",
          "Olga", "Galina", "Angela", "Nadejda", "Vera", "Ludmila"]
SURNAMES = ["Rusu", "Ceban", "Popa", "Lungu", "Munteanu", "Cojocaru", "Rotari", "Țurcanu", "Bivol",
            "Ciobanu", "Sârbu", "Guțu", "Moraru", "Cebotari", "Botnari", "Chiriac", "Melnic",
            "Grosu", "Ursu", "Bălan", "Roșca", "Cazacu", "Vrabie", "Prodan"]
PLANS = {"PUG-2019": ("Planul urbanistic general al comunei Răzeșeni", "5/3"),
         "PUZ-2022-01": ("PUZ „Zona centrală — extindere locuințe”", "4/12")}
RESTRICTIONS = {
    "road_protection": ("Zona de protecție a drumului regional R14",
                        "Legea drumurilor nr. 509/1995, art. 11 (zona de protecție)"),
    "power_line": ("Zona de protecție a LEA 110 kV",
                   "Regulamentul privind protecția rețelelor electrice, HG nr. 514/2002"),
    "flood_zone": ("Zonă inundabilă — pârâul Răzeșeni (Q1%)",
                   "Legea apelor nr. 272/2011, art. 19 (zone de protecție a apelor)"),
}


def balti_4026() -> tuple[float, float]:
    """Bălți (27.93 E, 47.76 N) in the MD storage CRS, (easting, northing)."""
    t = Transformer.from_crs(4326, PROFILE.storage_srid, always_xy=True)
    return t.transform(*BALTI_LONLAT)


def idnp(rng: np.random.Generator, serial: int) -> str:
    """A fictional IDNP: 2 + year of issue (3 digits) + serial, control digit weights 7, 3, 1."""
    body = f"2{int(rng.integers(0, 25)):03d}{int(rng.integers(0, 99_999)):05d}{serial % 1000:03d}"
    weights = (7, 3, 1) * 4
    return body + str(sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 10)


def _replace_text(df: pd.DataFrame, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    for col in df.columns:
        if col == "geometry" or df[col].dtype != object:
            continue
        s = df[col]
        mask = s.map(lambda v: isinstance(v, str))
        for old, new in pairs:
            s = s.where(~mask, s.astype(str).str.replace(old, new, regex=False))
        df[col] = s
    return df


def _cadastral_numbers(parcels: gpd.GeoDataFrame, sector_of: dict[int, str]) -> dict[str, str]:
    """Old (Romanian) number → sector.block.parcel: in intravilan, blocks of 24 parcels in
    reading order (north to south, west to east) per locality; in extravilan, block 500 + the
    tarla, parcel = the strip."""
    out: dict[str, str] = {}
    b = parcels.geometry.bounds
    intra = parcels[parcels["intravilan"].astype(bool)].assign(y=-b["maxy"].round(-1), x=b["minx"])
    for loc, group in intra.sort_values(["y", "x"]).groupby("locality_siruta", sort=False):
        for i, old in enumerate(group["cadastral_number"]):
            out[old] = f"{sector_of[loc]}.{i // 24 + 1:03d}.{i % 24 + 1:03d}"
    extra = parcels[~parcels["intravilan"].astype(bool)]
    for old, loc, tarla, strip in zip(extra["cadastral_number"], extra["locality_siruta"],
                                      extra["tarla"], extra["parcel_no"], strict=True):
        out[old] = f"{sector_of[loc]}.{500 + int(str(tarla).lstrip('T')):03d}.{int(str(strip).lstrip('P')):03d}"
    if len(set(out.values())) != len(out):
        raise AssertionError("Moldovan cadastral numbers are not unique")
    return out


def moldovan(commune: Commune, seed: int) -> Commune:
    """The Romanian commune re-expressed as a Moldovan one (a new object; the input is unchanged)."""
    rng = np.random.default_rng(seed + 4026)
    layers = {k: v.copy() for k, v in commune.layers.items()}
    # -- place: translate by whole metres so that the UAT's centre is on Bălți ---------------
    centre = layers["uat"].geometry.iloc[0].centroid
    east, north = balti_4026()
    dx, dy = round(east - centre.x), round(north - centre.y)
    crs = f"EPSG:{PROFILE.storage_srid}"
    for name, df in layers.items():
        if isinstance(df, gpd.GeoDataFrame):
            moved = shapely.transform(df.geometry.values, lambda c: c + np.array([dx, dy]))
            layers[name] = gpd.GeoDataFrame(pd.DataFrame(df.drop(columns="geometry")),
                                            geometry=np.asarray(moved), crs=crs)
    # -- codes: CUATM for SIRUTA -------------------------------------------------------------
    old_uat = int(layers["uat"]["siruta"].iloc[0])
    old_villages = sorted(int(s) for s in layers["localities"]["siruta"])
    code = {old_uat: CUATM_UAT, **{s: CUATM_VILLAGE_BASE + i for i, s in enumerate(old_villages)}}
    for name, col in (("uat", "siruta"), ("localities", "siruta"), ("localities", "uat_siruta"),
                      ("parcels", "locality_siruta"), ("streets", "locality_siruta")):
        layers[name][col] = layers[name][col].astype(int).map(code)
    names = dict(zip(RO_VILLAGES, VILLAGES, strict=True))
    layers["uat"]["name"] = UAT_NAME
    layers["uat"]["county"] = RAION
    layers["localities"]["name"] = layers["localities"]["name"].map(names)
    layers["localities"]["postal_code"] = None
    layers["address_points"]["postal_code"] = None
    # -- cadastral numbers ------------------------------------------------------------------
    sector_of = {CUATM_VILLAGE_BASE + i: f"{4590 + i + 1:04d}" for i in range(len(old_villages))}
    numbers = _cadastral_numbers(layers["parcels"], sector_of)
    for name in ("parcels", "buildings", "address_points", "agri_plots"):
        layers[name]["cadastral_number"] = layers[name]["cadastral_number"].map(
            lambda n: numbers.get(n) if isinstance(n, str) else None)
    layers["parcels"]["land_book_number"] = None
    layers["parcels"]["eterra_id"] = None
    assessments = commune.assessments.copy()
    assessments["cadastral_number"] = assessments["cadastral_number"].astype(str).map(numbers)
    discrepancies = commune.discrepancies.copy()
    discrepancies["cadastral_number"] = discrepancies["cadastral_number"].map(
        lambda n: numbers.get(str(n)) if isinstance(n, str) else None)
    # -- names and legal references ---------------------------------------------------------
    streets = layers["streets"]
    streets["name"] = streets["name"].map(lambda n: STREETS.get(n, n))
    streets["street_type"] = streets["street_type"].map(lambda t: STREET_TYPES.get(t, t))
    former = layers["street_names"]
    former["name"] = former["name"].map(lambda n: STREETS.get(n, n))
    docs = layers["planning_documents"]
    docs["name"] = docs["code"].map(lambda c: PLANS.get(c, (None,))[0]).fillna(docs["name"])
    docs["hcl_number"] = docs["code"].map(lambda c: PLANS.get(c, (None, None))[1]).fillna(docs["hcl_number"])
    r = layers["restrictions"]
    r["name"] = r["kind"].map(lambda k: RESTRICTIONS[k][0] if k in RESTRICTIONS else None).fillna(r["name"])
    r["legal_basis"] = r["kind"].map(lambda k: RESTRICTIONS[k][1] if k in RESTRICTIONS else None).fillna(
        r["legal_basis"])
    pairs = [*sorted(names.items(), key=lambda kv: -len(kv[0])), ("Comuna Valea Verde", UAT_NAME)]
    for name in ("planning_documents", "zones", "restrictions"):
        layers[name] = _replace_text(layers[name], pairs)
    # -- taxpayers: natural persons with an IDNP --------------------------------------------
    tp = commune.taxpayers.copy()
    n = len(tp)
    female = rng.random(n) < 0.5
    first = np.where(female, np.array(FEMALE)[rng.integers(0, len(FEMALE), n)],
                     np.array(MALE)[rng.integers(0, len(MALE), n)])
    tp["kind"] = "PF"
    tp["name"] = pd.Series(np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]) + " " + first
    tp["id_code"] = [idnp(rng, i) for i in range(n)]
    tp["address"] = [f"str. Principală nr. {k}, s. {VILLAGES[0]}, r-nul {RAION}"
                     for k in rng.integers(1, 400, n)]
    return Commune(layers, tp, assessments, discrepancies)


def generate_md(n_parcels: int, seed: int, out_dir: Path, *, formats: str = "all") -> dict:
    """Write the Moldovan commune: commune.gpkg and CSVs; with "all" also the orthophoto
    (no shapefiles or CGXML: the latter is Romania's ANCPI format)."""
    if formats not in ("all", "gpkg"):
        raise ValueError("formats must be 'all' or 'gpkg'")
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    commune = moldovan(build(n_parcels, seed), seed)
    write_geopackage(commune.layers, out / "commune.gpkg")
    write_csvs(out, commune.taxpayers, commune.assessments, commune.discrepancies)
    if formats == "all":
        ortho = out / "orthophoto.tif"
        write_orthophoto(commune.layers, ortho, max_px=2500 if n_parcels <= 20_000 else 4000, seed=seed)
        with rasterio.open(ortho, "r+") as dst:  # the writer labels its rasters Stereo 70
            dst.crs = rasterio.crs.CRS.from_epsg(PROFILE.storage_srid)
    counts = {k: len(v) for k, v in commune.layers.items()}
    counts["taxpayers"] = len(commune.taxpayers)
    counts["tax_assessments"] = len(commune.assessments)
    return {"counts": counts, "profile": PROFILE.code, "crs": f"EPSG:{PROFILE.storage_srid}",
            "bbox": [float(v) for v in commune.layers["uat"].total_bounds],
            "seconds": round(time.monotonic() - started, 1)}
