"""A realistic fictional commune of any size, deterministic by seed (`teritoriu generate`).

    generate(n_parcels, seed, out_dir, formats="all"|"gpkg") -> summary dict
    generate_region(n_uats, parcels_per_uat, seed, out_dir, formats="gpkg") -> summary dict
"""

from __future__ import annotations

import time
from pathlib import Path

from gis.synthetic.commune import build
from gis.synthetic.writers import (
    write_cgxml,
    write_csvs,
    write_geopackage,
    write_orthophoto,
    write_shapefiles,
)


def generate(n_parcels: int, seed: int, out_dir: Path, *, formats: str = "all") -> dict:
    if n_parcels < 100:
        raise ValueError("a commune needs at least 100 parcels")
    if formats not in ("all", "gpkg"):
        raise ValueError("formats must be 'all' or 'gpkg'")
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    commune = build(n_parcels, seed)
    write_geopackage(commune.layers, out / "commune.gpkg")
    write_csvs(out, commune.taxpayers, commune.assessments, commune.discrepancies)
    if formats == "all":
        write_shapefiles(commune.layers, out)
        write_cgxml(commune.layers, out)
        write_orthophoto(commune.layers, out / "orthophoto.tif",
                         max_px=2500 if n_parcels <= 20_000 else 4000, seed=seed)
    counts = {k: len(v) for k, v in commune.layers.items()}
    counts["taxpayers"] = len(commune.taxpayers)
    counts["tax_assessments"] = len(commune.assessments)
    return {"counts": counts, "bbox": [float(v) for v in commune.layers["uat"].total_bounds],
            "seconds": round(time.monotonic() - started, 1)}


def generate_region(n_uats: int, parcels_per_uat: int, seed: int, out_dir: Path, *,
                    formats: str = "gpkg") -> dict:
    """N communes side by side, each its own UAT (gis/synthetic/region.py)."""
    from gis.synthetic.region import generate_region as run

    return run(n_uats, parcels_per_uat, seed, out_dir, formats=formats)
