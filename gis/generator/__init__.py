"""A realistic, fictional Romanian commune of any size, deterministic by seed.

    generate(n_parcels, seed, out_dir, formats="all" | "gpkg") -> summary dict

writes into `out_dir`: commune.gpkg (every layer, EPSG:3844), taxpayers.csv,
tax_assessments.csv, discrepancies.csv (the ground truth of the deliberate register
discrepancies) and, with formats="all", shp/*.zip, cgxml/*.cgxml and orthophoto.tif.
All names, identifiers (CNP, CUI), amounts and places are invented.
"""

from __future__ import annotations

import time
from pathlib import Path

from gis.generator.commune import build

FORMATS = ("all", "gpkg")
MIN_PARCELS = 300


def generate(n_parcels: int, seed: int, out_dir: Path, *, formats: str = "all") -> dict:
    """Write a commune of exactly `n_parcels` parcels into `out_dir`; returns counts per layer,
    the UAT's bounding box (EPSG:3844) and the seconds it took."""
    if n_parcels < MIN_PARCELS:
        raise ValueError(f"a commune needs at least {MIN_PARCELS} parcels")
    if formats not in FORMATS:
        raise ValueError(f"formats must be one of {', '.join(FORMATS)}")
    # imported here: the writers pull in rasterio and pyproj, which callers may not need
    from gis.generator.cgxml import write_cgxml
    from gis.generator.orthophoto import write_orthophoto
    from gis.generator.writers import write_csvs, write_geopackage, write_shapefiles

    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    commune = build(n_parcels, seed)
    write_geopackage(commune.layers, out / "commune.gpkg")
    write_csvs(out, commune.taxpayers, commune.assessments, commune.discrepancies)
    summary: dict = {}
    if formats == "all":
        write_shapefiles(commune.layers, out)
        summary["cgxml"] = [p.name for p in write_cgxml(commune.layers, commune.taxpayers,
                                                        commune.assessments, out)]
        summary["orthophoto"] = write_orthophoto(
            commune.layers, commune.lines, out / "orthophoto.tif",
            max_px=4000, seed=seed)
    counts = {name: len(layer) for name, layer in commune.layers.items()}
    counts["taxpayers"] = len(commune.taxpayers)
    counts["tax_assessments"] = len(commune.assessments)
    counts["discrepancies"] = len(commune.discrepancies)
    return {"n_parcels": n_parcels, "seed": seed, "formats": formats, "crs": "EPSG:3844",
            "counts": counts,
            "bbox": [round(float(v), 2) for v in commune.layers["uat"].total_bounds],
            **summary, "seconds": round(time.monotonic() - started, 2)}


__all__ = ["generate"]
