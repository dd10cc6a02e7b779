"""Write the commune in the formats users bring: a GeoPackage (the loader's contract), CSVs, and
zipped shapefiles with short DBF names, an ESRI .prj of Stereo 70 and a .cpg."""

from __future__ import annotations

import importlib.util
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

LAYER_ORDER = ["uat", "localities", "parcels", "buildings", "streets", "street_names",
               "address_points", "planning_documents", "zones", "restrictions", "agri_plots"]
HAS_ARROW = importlib.util.find_spec("pyarrow") is not None
# GeoPackages record when they were written; a fixed date keeps the output byte-stable
FIXED_DATE = {"OGR_CURRENT_DATE": "2026-01-01T00:00:00.000Z"}
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


def to_multi(geoms: np.ndarray) -> np.ndarray:
    """Polygons → MultiPolygons and LineStrings → MultiLineStrings (the contract's types)."""
    geoms = np.asarray(geoms, dtype=object)
    kind = shapely.get_type_id(geoms)
    out = geoms.copy()
    for single, make in ((3, shapely.multipolygons), (1, shapely.multilinestrings)):
        sel = np.flatnonzero(kind == single)
        if len(sel):
            out[sel] = make(geoms[sel], indices=np.arange(len(sel)))
    return out


def write_geopackage(layers: dict, path: Path) -> None:
    path.unlink(missing_ok=True)
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options(FIXED_DATE)
    try:
        for name in LAYER_ORDER:
            df = layers[name]
            if isinstance(df, gpd.GeoDataFrame):
                df = df.set_geometry(to_multi(df.geometry.values), crs=df.crs)
                pyogrio.write_dataframe(df, path, layer=name, driver="GPKG", use_arrow=HAS_ARROW)
            else:  # a table without geometry (GeoPackage "attributes")
                pyogrio.write_dataframe(pd.DataFrame(df), path, layer=name, driver="GPKG",
                                        use_arrow=HAS_ARROW)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def write_csvs(out: Path, taxpayers: pd.DataFrame, assessments: pd.DataFrame,
               discrepancies: pd.DataFrame) -> None:
    taxpayers.to_csv(out / "taxpayers.csv", index=False, encoding="utf-8")
    assessments.to_csv(out / "tax_assessments.csv", index=False, encoding="utf-8")
    discrepancies.to_csv(out / "discrepancies.csv", index=False, encoding="utf-8")


# contract column → DBF field (at most 10 characters), as Romanian surveyors name them
SHP_FIELDS = {
    "parcels": {"cadastral_number": "NR_CAD", "land_book_number": "NR_CF", "eterra_id": "IE",
                "legal_area": "S_ACTE", "measured_area": "S_MAS", "use_category": "CATEGORIE",
                "intravilan": "INTRAVILAN", "tarla": "TARLA", "parcel_no": "PARCELA",
                "locality_siruta": "SIRUTA"},
    "streets": {"street_code": "COD", "locality_siruta": "SIRUTA", "street_type": "TIP",
                "name": "DENUMIRE", "hcl_number": "HCL_NR", "hcl_date": "HCL_DATA"},
    "zones": {"document_code": "DOCUMENT", "code": "UTR", "functional_zone": "FUNCTIUNE",
              "name": "DENUMIRE", "pot_max": "POT", "cut_max": "CUT", "max_height_m": "H_MAX",
              "height_regime": "REGIM_H", "min_parcel_area": "S_MIN"},
}


def esri_prj() -> str:
    """Stereo 70 (EPSG:3844) as ESRI WKT, what ArcGIS writes next to a shapefile."""
    return CRS.from_epsg(3844).to_wkt("WKT1_ESRI")


def write_shapefiles(layers: dict, out: Path) -> None:
    folder = out / "shp"
    folder.mkdir(parents=True, exist_ok=True)
    for name, fields in SHP_FIELDS.items():
        gdf = layers[name].copy()
        if name == "parcels":
            gdf["measured_area"] = np.round(shapely.area(gdf.geometry.values), 2)
            gdf["intravilan"] = np.where(gdf["intravilan"], "DA", "NU")
        gdf = gdf[[*fields, "geometry"]].rename(columns=fields)
        gdf = gdf.set_geometry(to_multi(gdf.geometry.values), crs=gdf.crs)
        with tempfile.TemporaryDirectory() as tmp:
            shp = Path(tmp) / f"{name}.shp"
            pyogrio.write_dataframe(gdf, shp, driver="ESRI Shapefile", encoding="UTF-8")
            Path(tmp, f"{name}.prj").write_text(esri_prj(), encoding="ascii")
            Path(tmp, f"{name}.cpg").write_text("UTF-8", encoding="ascii")
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                    info = zipfile.ZipInfo(f"{name}.{ext}", date_time=ZIP_DATE)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, (Path(tmp) / f"{name}.{ext}").read_bytes())
