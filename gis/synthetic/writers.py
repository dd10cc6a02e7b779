"""Write the commune in the formats users bring: GeoPackage, CSV, zipped shapefiles (short DBF
names, .prj and .cpg), ANCPI CGXML for a few immovables, and a GeoTIFF orthophoto."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
from pyproj import CRS
from rasterio.features import rasterize
from rasterio.transform import from_origin

LAYER_ORDER = ["uat", "localities", "parcels", "buildings", "streets", "street_names",
               "address_points", "planning_documents", "zones", "restrictions", "agri_plots"]
PROMOTE = {"parcels", "buildings", "streets", "uat", "localities", "planning_documents", "zones",
           "restrictions", "agri_plots"}


def write_geopackage(layers: dict, path: Path) -> None:
    path.unlink(missing_ok=True)
    for name in LAYER_ORDER:
        df = layers[name]
        if isinstance(df, gpd.GeoDataFrame):
            pyogrio.write_dataframe(df, path, layer=name, driver="GPKG",
                                    promote_to_multi=name in PROMOTE, use_arrow=True)
        else:  # a table without geometry
            pyogrio.write_dataframe(pd.DataFrame(df), path, layer=name, driver="GPKG", use_arrow=True)


def write_csvs(out: Path, taxpayers: pd.DataFrame, assessments: pd.DataFrame,
               discrepancies: pd.DataFrame) -> None:
    taxpayers.to_csv(out / "taxpayers.csv", index=False)
    assessments.to_csv(out / "tax_assessments.csv", index=False)
    discrepancies.to_csv(out / "discrepancies.csv", index=False)


SHP_FIELDS = {
    "parcels": {"cadastral_number": "NR_CAD", "land_book_number": "NR_CF", "eterra_id": "IE",
                "legal_area": "S_ACTE", "use_category": "CATEGORIE", "intravilan": "INTRAVILAN",
                "tarla": "TARLA", "parcel_no": "PARCELA"},
    "streets": {"street_code": "COD", "street_type": "TIP", "name": "DENUMIRE",
                "locality_siruta": "SIRUTA", "hcl_number": "HCL"},
    "zones": {"code": "UTR", "functional_zone": "FUNCTIUNE", "pot_max": "POT", "cut_max": "CUT",
              "max_height_m": "H_MAX", "height_regime": "REGIM_H", "document_code": "DOCUMENT"},
}


def write_shapefiles(layers: dict, out: Path) -> None:
    (out / "shp").mkdir(parents=True, exist_ok=True)
    esri_wkt = CRS.from_epsg(3844).to_wkt("WKT1_ESRI")
    for name, fields in SHP_FIELDS.items():
        gdf = layers[name][[*fields, "geometry"]].rename(columns=fields)
        if "INTRAVILAN" in gdf:
            gdf["INTRAVILAN"] = np.where(gdf["INTRAVILAN"], "DA", "NU")
        with tempfile.TemporaryDirectory() as tmp:
            shp = Path(tmp) / f"{name}.shp"
            pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", encoding="UTF-8",
                                    promote_to_multi=False)
            Path(tmp, f"{name}.prj").write_text(esri_wkt)
            Path(tmp, f"{name}.cpg").write_text("UTF-8")
            with zipfile.ZipFile(out / "shp" / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                    zf.write(Path(tmp) / f"{name}.{ext}", f"{name}.{ext}")


def _sub(parent, tag: str, value) -> None:
    ET.SubElement(parent, tag).text = "_empty" if value is None or value == "" else str(value)


def write_cgxml(layers: dict, out: Path, count: int = 4) -> None:
    """A few immovables as ANCPI CGXML: X = northing, Y = easting, as surveyors write them."""
    folder = out / "cgxml"
    folder.mkdir(parents=True, exist_ok=True)
    parcels = layers["parcels"]
    buildings = layers["buildings"]
    addresses = layers["address_points"].set_index("cadastral_number")
    streets = layers["streets"].set_index("street_code")
    built = set(buildings["cadastral_number"])
    chosen = [c for c in parcels["cadastral_number"] if c in built and c in addresses.index][:count - 1]
    chosen += list(parcels.loc[~parcels["intravilan"], "cadastral_number"][:1])
    for land_id, number in enumerate(chosen, start=1):
        p = parcels[parcels["cadastral_number"] == number].iloc[0]
        root = ET.Element("CGXML")
        fd = ET.SubElement(root, "FileDescription")
        _sub(fd, "SIRUTA", int(layers["uat"]["siruta"].iloc[0]))
        _sub(fd, "DATE", "2026-10-15")
        _sub(fd, "AUTHORIZATIONNO", "RO-BH-F-0420")
        addr_id = ""
        if number in addresses.index:
            a = addresses.loc[[number]].iloc[0]
            s = streets.loc[a["street_code"]]
            addr_id = "1"
            addr = ET.SubElement(root, "Address")
            _sub(addr, "ADDRESSID", 1)
            _sub(addr, "SIRUTA", s["locality_siruta"])
            _sub(addr, "STREETTYPE", s["street_type"])
            _sub(addr, "STREETNAME", s["name"])
            _sub(addr, "POSTALNUMBER", f"{a['number']}{a['suffix']}")
            _sub(addr, "ZIPCODE", a["postal_code"])
            for tag in ("BLOCK", "ENTRY", "FLOOR", "APNO"):
                _sub(addr, tag, None)
        land = ET.SubElement(root, "Land")
        for tag, value in (("LANDID", land_id), ("CADGENNO", number), ("E2IDENTIFIER", p["eterra_id"]),
                           ("PAPERCADNO", None), ("PAPERLBNO", p["land_book_number"]),
                           ("MEASUREDAREA", round(p.geometry.area)), ("PARCELLEGALAREA", p["legal_area"]),
                           ("ADDRESSID", addr_id), ("NOTES", "Date fictive (exemplu Teritoriu)")):
            _sub(land, tag, value)
        parcel = ET.SubElement(root, "Parcel")
        for tag, value in (("PARCELID", 1), ("LANDID", land_id), ("NUMBER", 1),
                           ("MEASUREDAREA", round(p.geometry.area)), ("USECATEGORY", p["use_category"]),
                           ("INTRAVILAN", "true" if p["intravilan"] else "false"), ("TITLENO", None),
                           ("LANDPLOTNO", p["tarla"]), ("PARCELNO", p["parcel_no"])):
            _sub(parcel, tag, value)
        point_id = 1
        ring = list(shapely.get_coordinates(p.geometry.geoms[0].exterior if hasattr(p.geometry, "geoms")
                                            else p.geometry.exterior))[:-1]
        for order, (x, y) in enumerate(ring, start=1):
            pt = ET.SubElement(root, "Points")
            for tag, value in (("POINTID", point_id), ("IMMOVABLEID", land_id), ("BUILDINGID", None),
                               ("NO", order), ("X", f"{y:.3f}"), ("Y", f"{x:.3f}")):
                _sub(pt, tag, value)
            point_id += 1
        for b_id, b in enumerate(buildings[buildings["cadastral_number"] == number].itertuples(), start=1):
            bel = ET.SubElement(root, "Building")
            for tag, value in (("BUILDINGID", b_id), ("LANDID", land_id), ("BUILDNO", b.building_no),
                               ("MEASUREDAREA", round(b.geometry.area)),
                               ("TOTALAREA", round(b.geometry.area * b.levels)),
                               ("BUILDINGDESTINATION", b.destination), ("LEVELSNO", b.levels),
                               ("ISLEGAL", "true" if b.is_legal else "false")):
                _sub(bel, tag, value)
            geom = b.geometry.geoms[0] if hasattr(b.geometry, "geoms") else b.geometry
            for order, (x, y) in enumerate(list(shapely.get_coordinates(geom.exterior))[:-1], start=1):
                pt = ET.SubElement(root, "Points")
                for tag, value in (("POINTID", point_id), ("IMMOVABLEID", land_id), ("BUILDINGID", b_id),
                                   ("NO", order), ("X", f"{y:.3f}"), ("Y", f"{x:.3f}")):
                    _sub(pt, tag, value)
                point_id += 1
        ET.indent(root)
        ET.ElementTree(root).write(folder / f"imobil-{number}.cgxml", encoding="utf-8",
                                   xml_declaration=True)


# land-use classes of the synthetic orthophoto: (R, G, B)
PALETTE = {0: (196, 186, 150), 1: (168, 190, 98), 2: (126, 168, 84), 3: (108, 150, 64),
           4: (92, 128, 58), 5: (48, 92, 44), 6: (204, 196, 170), 7: (186, 96, 74),
           8: (120, 120, 120), 9: (88, 128, 168), 10: (150, 140, 110)}
CATEGORY_CLASS = {"A": 1, "P": 2, "F": 3, "V": 4, "L": 4, "PD": 5, "CC": 6, "N": 10, "DR": 8}


def write_orthophoto(layers: dict, path: Path, max_px: int, seed: int) -> None:
    boundary = layers["uat"].geometry.iloc[0]
    xmin, ymin, xmax, ymax = boundary.bounds
    res = max(1.0, np.ceil(max(xmax - xmin, ymax - ymin) / max_px))
    width, height = int(np.ceil((xmax - xmin) / res)), int(np.ceil((ymax - ymin) / res))
    transform = from_origin(xmin, ymax, res, res)
    parcels = layers["parcels"]
    classes = parcels["use_category"].map(CATEGORY_CLASS).fillna(10).astype("uint8").to_numpy()
    shapes = [*zip(parcels.geometry.values, classes, strict=True),
              *((g.buffer(-14), 8) for g in layers["restrictions"].query("kind == 'road_protection'")
                .geometry.values),  # the main road: the middle of its 20 m protection strip
              *((g, 7) for g in layers["buildings"].geometry.values),
              *((shapely.buffer(g, 5), 8) for g in layers["streets"].geometry.values)]
    flood = layers["restrictions"]
    water = flood[flood["kind"] == "flood_zone"].geometry.values
    shapes += [(g.buffer(-50), 9) for g in water]  # the stream: the middle of its flood zone
    cls = rasterize(shapes, out_shape=(height, width), transform=transform, fill=0, dtype="uint8")
    lut = np.array([PALETTE[i] for i in range(len(PALETTE))], dtype="int16")
    rgb = lut[cls].transpose(2, 0, 1)
    rng = np.random.default_rng(seed)
    rgb = np.clip(rgb + rng.integers(-9, 10, size=rgb.shape), 0, 255).astype("uint8")
    profile = dict(driver="GTiff", width=width, height=height, count=3, dtype="uint8",
                   crs="EPSG:3844", transform=transform, compress="JPEG", jpeg_quality=80,
                   photometric="YCBCR", tiled=True, blockxsize=256, blockysize=256)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(rgb)
        dst.build_overviews([2, 4, 8, 16], rasterio.enums.Resampling.average)
        dst.update_tags(source="Teritoriu synthetic orthophoto (fictional)")
