"""A region of fictional communes side by side (`teritoriu generate --uats N`).

    generate_region(n_uats, parcels_per_uat, seed, out_dir, formats="gpkg") -> summary dict

Each UAT is a commune of `commune.build` with its own seed, SIRUTA (940001, 940101, …; its
villages +10, +20, …), name and seat village, moved onto a grid cell east of the sample commune
(inside Romania's Stereo 70 extent, cells never overlap). Cadastral numbers, street and taxpayer
codes stay unique only within a UAT, as in real life: the UATs share cadastral numbers.

Written as one folder per UAT, `<out>/<siruta>/` (commune.gpkg and the CSVs, which
`gis.samples.load_commune` takes as they are), and `<out>/region.json` listing them.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
from pyproj import Transformer

from gis.synthetic.commune import UAT_NAME, Commune, build
from gis.synthetic.layout import SIRUTA_UAT
from gis.synthetic.writers import (
    write_cgxml,
    write_csvs,
    write_geopackage,
    write_orthophoto,
    write_shapefiles,
)

FIRST_SIRUTA = 940001          # fictional, clear of the sample commune's 926501…926541
SIRUTA_STEP = 100              # a UAT's villages are its SIRUTA + 10, + 20, …
REGION_ORIGIN = (300000.0, 420000.0)  # south-west corner of the grid (EPSG:3844), east of the sample
CELL_GAP = 1000.0              # metres of no-man's-land between two UATs' bounding boxes
MAX_UATS = 500
# feminine nouns and adjectives: "Comuna Poiana Seacă"
NOUNS = ["Valea", "Poiana", "Lunca", "Fântâna", "Piatra", "Râpa", "Coasta", "Livada", "Pădurea",
         "Cetatea"]
ADJECTIVES = ["Mare", "Mică", "Nouă", "Seacă", "Rece", "Lungă", "Albă", "Frumoasă", "Înaltă",
              "Largă"]
ROMAN = ["", " II", " III", " IV", " V"]
SAMPLE_SEAT = UAT_NAME.removeprefix("Comuna ")


def uat_siruta(k: int) -> int:
    return FIRST_SIRUTA + SIRUTA_STEP * k


def uat_seat_name(k: int) -> str:
    """Distinct for k < 500: noun and adjective cycle so that (k % 10, k // 10 % 10) are unique."""
    return f"{NOUNS[k % 10]} {ADJECTIVES[(k + k // 10) % 10]}{ROMAN[k // 100]}"


def uat_seed(seed: int, k: int) -> int:
    return int(np.random.SeedSequence([seed, k]).generate_state(1)[0])


def relocate(commune: Commune, k: int, dx: float, dy: float) -> Commune:
    """The commune as UAT k of the region: SIRUTAs, names, and every geometry moved by (dx, dy)."""
    new = uat_siruta(k)
    seat = uat_seat_name(k)
    codes = {SIRUTA_UAT: new}
    codes.update({int(s): new + (int(s) - SIRUTA_UAT) for s in commune.layers["localities"]["siruta"]})
    layers = {}
    for name, df in commune.layers.items():
        df = df.copy()
        for column in ("siruta", "uat_siruta", "locality_siruta"):
            if column in df:
                df[column] = df[column].map(codes).astype("int64")
        if "geometry" in df:
            df["geometry"] = df.geometry.translate(dx, dy)
        layers[name] = df
    layers["uat"]["name"] = f"Comuna {seat}"
    loc = layers["localities"]
    loc.loc[loc["is_seat"], "name"] = seat  # the seat village gives the commune its name
    for name, column in (("planning_documents", "name"), ("restrictions", "name")):
        layers[name][column] = layers[name][column].str.replace(SAMPLE_SEAT, seat, regex=False)
    taxpayers = commune.taxpayers.copy()
    taxpayers["address"] = taxpayers["address"].str.replace(SAMPLE_SEAT, seat, regex=False)
    return Commune(layers, taxpayers, commune.assessments, commune.discrepancies)


def _stereo70_extent() -> tuple[float, float, float, float]:
    """Romania's land (lon 20.26–29.74, lat 43.44–48.27) in EPSG:3844 metres (x = E, y = N)."""
    to_3844 = Transformer.from_crs(4326, 3844, always_xy=True)
    return to_3844.transform_bounds(20.26, 43.44, 29.74, 48.27)


def generate_region(n_uats: int, parcels_per_uat: int, seed: int, out_dir: Path, *,
                    formats: str = "gpkg") -> dict:
    if not 1 <= n_uats <= MAX_UATS:
        raise ValueError(f"a region has 1 to {MAX_UATS} UATs")
    if parcels_per_uat < 100:
        raise ValueError("a commune needs at least 100 parcels")
    if formats not in ("all", "gpkg"):
        raise ValueError("formats must be 'all' or 'gpkg'")
    started = time.monotonic()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cols = math.ceil(math.sqrt(n_uats))
    cell = None
    index, totals = [], {}
    for k in range(n_uats):
        commune = build(parcels_per_uat, uat_seed(seed, k))
        xmin, ymin, xmax, ymax = commune.layers["uat"].total_bounds
        if cell is None:  # every commune of one size has the same layout, give or take widths
            cell = (math.ceil((xmax - xmin) * 1.1 + CELL_GAP), math.ceil((ymax - ymin) * 1.1 + CELL_GAP))
            x1 = REGION_ORIGIN[0] + cols * cell[0]
            y1 = REGION_ORIGIN[1] + math.ceil(n_uats / cols) * cell[1]
            ex0, ey0, ex1, ey1 = _stereo70_extent()
            if not (ex0 <= REGION_ORIGIN[0] and x1 <= ex1 and ey0 <= REGION_ORIGIN[1] and y1 <= ey1):
                raise ValueError(f"{n_uats} UATs of {parcels_per_uat} parcels do not fit in Romania")
        if xmax - xmin > cell[0] - CELL_GAP or ymax - ymin > cell[1] - CELL_GAP:
            raise ValueError(f"UAT {k} is larger than its grid cell")
        col, row = k % cols, k // cols
        dx = REGION_ORIGIN[0] + col * cell[0] - xmin
        dy = REGION_ORIGIN[1] + row * cell[1] - ymin
        commune = relocate(commune, k, round(dx), round(dy))  # whole metres: coordinates stay tidy
        siruta = uat_siruta(k)
        folder = out / str(siruta)
        folder.mkdir(parents=True, exist_ok=True)
        write_geopackage(commune.layers, folder / "commune.gpkg")
        write_csvs(folder, commune.taxpayers, commune.assessments, commune.discrepancies)
        if formats == "all":
            write_shapefiles(commune.layers, folder)
            write_cgxml(commune.layers, folder)
            write_orthophoto(commune.layers, folder / "orthophoto.tif", max_px=2500,
                             seed=uat_seed(seed, k))
        counts = {name: len(df) for name, df in commune.layers.items()}
        counts["taxpayers"] = len(commune.taxpayers)
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
        index.append({"siruta": siruta, "name": commune.layers["uat"]["name"].iloc[0],
                      "folder": folder.name, "parcels": counts["parcels"],
                      "bbox": [float(v) for v in commune.layers["uat"].total_bounds]})
    (out / "region.json").write_text(json.dumps(
        {"uats": n_uats, "parcels_per_uat": parcels_per_uat, "seed": seed, "origin": list(REGION_ORIGIN),
         "communes": index}, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"uats": n_uats, "counts": totals, "seconds": round(time.monotonic() - started, 1)}
