"""Assemble the synthetic commune: every layer of the output contract as GeoDataFrames."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.synthetic import fiscal, planning
from gis.synthetic.layout import (
    ORIGIN,
    SIRUTA_UAT,
    STREET_RUN,
    Village,
    build_streets,
    build_tarlale,
    build_villages,
    intravilan_parcels,
)
from gis.synthetic.names import FORMER_NAMES

CRS = "EPSG:3844"
UAT_NAME = "Comuna Valea Verde"
INTRA_CATEGORIES = ["CC"] * 85 + ["A"] * 10 + ["L"] * 3 + ["N"] * 2


@dataclass
class Commune:
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]
    taxpayers: pd.DataFrame
    assessments: pd.DataFrame
    discrepancies: pd.DataFrame


def _gdf(df: pd.DataFrame, geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(df.reset_index(drop=True), geometry=np.asarray(geometry), crs=CRS)


def _village_layers(villages: list[Village], rng: np.random.Generator):
    """Intravilan parcels with their street, number, buildings and address points."""
    parts, streets, street_i = [], [], 0
    for v in villages:
        p = pd.DataFrame(intravilan_parcels(v, rng))
        p["locality_siruta"] = v.siruta
        p["run"] = np.where(p["k"] == v.main_k, 0, p["col"] // STREET_RUN)
        s = build_streets(v, street_i)
        street_i += len(s)
        s["run"] = np.where(s["k"] == v.main_k, 0, s["c0"] // STREET_RUN)
        parts.append(p)
        streets.append(s)
    parcels = pd.concat(parts, ignore_index=True)
    streets = pd.concat(streets, ignore_index=True)
    streets["street_code"] = [f"S{i + 1:04d}" for i in range(len(streets))]
    horiz = streets[streets["k"] >= 0][["locality_siruta", "k", "run", "street_code"]]
    parcels = parcels.merge(horiz, on=["locality_siruta", "k", "run"], how="left")
    return parcels, streets


def _numbering(parcels: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Odd numbers north of the street, even south, increasing eastwards; ~3% suffixed."""
    parcels = parcels.sort_values(["street_code", "north_side", "xmin"]).reset_index(drop=True)
    first = parcels.groupby(["street_code", "north_side"]).cumcount() == 0
    suffixed = (rng.random(len(parcels)) < 0.03) & ~first.to_numpy()
    suffixed &= ~np.roll(suffixed, 1)  # never two in a row: 12A then 12A again
    parcels["suffix"] = np.where(suffixed, np.where(rng.random(len(parcels)) < 0.5, "A", "/1"), "")
    base = (pd.Series(~suffixed).groupby([parcels["street_code"], parcels["north_side"]])
            .cumsum().to_numpy() - 1)
    parcels["number"] = 2 * base + np.where(parcels["north_side"], 1, 2)
    return parcels


def _streets_layer(streets: pd.DataFrame, rng: np.random.Generator):
    n = len(streets)
    renamed = rng.random(n) < 0.10
    years = rng.integers(1991, 2024, n)
    hcl_no = rng.integers(1, 120, n)
    streets["hcl_number"] = [f"{h}/{y}" for h, y in zip(hcl_no, years, strict=True)]
    streets["hcl_date"] = [f"{y}-{m:02d}-{d:02d}" for y, m, d in
                           zip(years, rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)]
    former = streets[renamed]
    names = pd.DataFrame({
        "street_code": former["street_code"].to_numpy(),
        "street_type": "Strada",
        "name": [FORMER_NAMES[i % len(FORMER_NAMES)] for i in range(len(former))],
        "valid_from": "1952-01-01",
        "valid_to": former["hcl_date"].to_numpy(),
        "hcl_number": former["hcl_number"].to_numpy(),
        "hcl_date": former["hcl_date"].to_numpy(),
    })
    layer = _gdf(streets[["street_code", "locality_siruta", "street_type", "name", "hcl_number",
                          "hcl_date"]], streets["geometry"])
    return layer, names


def _buildings_and_addresses(parcels: pd.DataFrame, rng: np.random.Generator):
    width = parcels["xmax"] - parcels["xmin"]
    built = (parcels["use_category"] == "CC").to_numpy() & (width >= 7).to_numpy() & (
        rng.random(len(parcels)) < 0.8)
    b = parcels[built]
    north = b["north_side"].to_numpy()
    front = b["front_y"].to_numpy()
    hx0 = b["xmin"].to_numpy() + 1.5
    hx1 = np.minimum(hx0 + 10, b["xmax"].to_numpy() - 1.5)
    hy0 = np.where(north, front + 5, front - 17)
    houses = pd.DataFrame({"cadastral_number": b["cadastral_number"].to_numpy(), "building_no": 1,
                           "destination": "CL", "levels": rng.integers(1, 4, len(b)),
                           "is_legal": rng.random(len(b)) > 0.04})
    house_geom = shapely.box(hx0, hy0, hx1, hy0 + 12)
    annex = rng.random(len(b)) < 0.4
    ay0 = np.where(north, front + 25, front - 30)
    annexes = pd.DataFrame({"cadastral_number": b["cadastral_number"].to_numpy()[annex],
                            "building_no": 2, "destination": "CA", "levels": 1,
                            "is_legal": True})
    annex_geom = shapely.box(hx0[annex], ay0[annex], np.minimum(hx0[annex] + 6,
                                                                 b["xmax"].to_numpy()[annex] - 1.5),
                             ay0[annex] + 5)
    buildings = _gdf(pd.concat([houses, annexes], ignore_index=True),
                     np.concatenate([house_geom, annex_geom]))
    xmid = (b["xmin"].to_numpy() + b["xmax"].to_numpy()) / 2
    points = shapely.points(xmid, np.where(north, front + 3, front - 3))
    addresses = _gdf(pd.DataFrame({
        "street_code": b["street_code"].to_numpy(), "number": b["number"].to_numpy(),
        "suffix": b["suffix"].to_numpy(), "postal_code": b["postal_code"].to_numpy(),
        "cadastral_number": b["cadastral_number"].to_numpy()}), points)
    return buildings, addresses


def build(n_parcels: int, seed: int) -> Commune:
    rng = np.random.default_rng(seed)
    n_intra_target = int(n_parcels * 0.55)
    villages = build_villages(n_intra_target, rng)
    intra, streets = _village_layers(villages, rng)
    n_intra = len(intra)
    n_extra = max(1, n_parcels - n_intra)
    x_left = min(v.x0 for v in villages)
    x_right = max(v.x1 for v in villages)
    extra = pd.DataFrame({k: v for k, v in build_tarlale(
        n_extra, (x_left, x_right), max(v.y1 for v in villages),
        min(v.y0 for v in villages), rng).items() if k != "tarla_boxes"})

    # -- parcels --------------------------------------------------------------------------
    numbers = rng.permutation(n_intra + n_extra) + 50001
    postal = {v.siruta: v.postal_code for v in villages}
    intra["cadastral_number"] = numbers[:n_intra].astype(str)
    intra["use_category"] = np.array(INTRA_CATEGORIES)[rng.integers(0, len(INTRA_CATEGORIES), n_intra)]
    intra["postal_code"] = intra["locality_siruta"].map(postal)
    intra = _numbering(intra, rng)
    centers = np.array([(v.x0 + v.x1) / 2 for v in villages])
    xmid = (extra["xmin"] + extra["xmax"]).to_numpy() / 2
    extra_loc = np.array([v.siruta for v in villages])[np.abs(xmid[:, None] - centers).argmin(axis=1)]
    geom = np.concatenate([shapely.box(intra["xmin"], intra["ymin"], intra["xmax"], intra["ymax"]),
                           shapely.box(extra["xmin"], extra["ymin"], extra["xmax"], extra["ymax"])])
    area = shapely.area(geom)
    noise = rng.random(len(geom))
    factor = np.where(noise < 0.90, 1.0, np.where(noise < 0.97, rng.uniform(0.97, 1.03, len(geom)),
                                                 rng.choice([0.9, 1.08, 1.12], len(geom))))
    cad = np.concatenate([intra["cadastral_number"].to_numpy(), numbers[n_intra:].astype(str)])
    same_cf = rng.random(len(geom)) < 0.9
    parcels = _gdf(pd.DataFrame({
        "cadastral_number": cad,
        "land_book_number": np.where(same_cf, cad, (numbers + 300000).astype(str)),
        "eterra_id": (numbers + 9_000_000).astype(str),
        "legal_area": np.round(area * factor),
        "use_category": np.concatenate([intra["use_category"].to_numpy(), extra["category"].to_numpy()]),
        "intravilan": np.concatenate([np.ones(n_intra, bool), np.zeros(n_extra, bool)]),
        "locality_siruta": np.concatenate([intra["locality_siruta"].to_numpy(), extra_loc]),
        "tarla": np.concatenate([np.full(n_intra, None), ("T" + extra["tarla"].astype(str)).to_numpy()]),
        "parcel_no": np.concatenate([np.full(n_intra, None), ("P" + extra["strip"].astype(str)).to_numpy()]),
    }), geom)

    buildings, addresses = _buildings_and_addresses(intra, rng)
    streets_layer, street_names = _streets_layer(streets, rng)

    # -- territory ----------------------------------------------------------------------------
    intravilans = [v.intravilan() for v in villages]
    everything = shapely.union_all([shapely.box(*shapely.total_bounds(geom)), *intravilans])
    boundary = shapely.buffer(shapely.convex_hull(everything), 150, quad_segs=2)
    main_y = ORIGIN[1]  # every village's main street lies on this line (see build_villages)
    bxmin, _, bxmax, _ = shapely.bounds(boundary)
    main_road = shapely.linestrings([[bxmin + 50, main_y], [bxmax - 50, main_y]])
    uat = _gdf(pd.DataFrame({"siruta": [SIRUTA_UAT], "name": [UAT_NAME], "county": ["Bihor"]}),
               [shapely.multipolygons([boundary])])
    localities = _gdf(pd.DataFrame({
        "siruta": [v.siruta for v in villages], "uat_siruta": SIRUTA_UAT,
        "name": [v.name for v in villages], "rank": [v.rank for v in villages],
        "is_seat": [v.rank == 4 for v in villages], "postal_code": [v.postal_code for v in villages],
    }), [shapely.multipolygons([g]) for g in intravilans])

    docs, zones = planning.plans(villages, boundary, rng)
    restrictions = planning.restrictions(boundary, main_road, villages)
    y_top = max(v.y1 for v in villages)
    empty_spot = (x_left, y_top + 60, min(x_right, x_left + 3000), y_top + 280)
    taxpayers, assessments, plots, discrepancies = fiscal.registers(parcels, empty_spot, rng)
    layers = {
        "uat": uat, "localities": localities, "parcels": parcels, "buildings": buildings,
        "streets": streets_layer, "street_names": street_names, "address_points": addresses,
        "planning_documents": docs, "zones": zones, "restrictions": restrictions,
        "agri_plots": plots,
    }
    return Commune(layers, taxpayers, assessments, discrepancies)
