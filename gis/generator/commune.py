"""Assemble the synthetic commune: every layer of the output contract, as (Geo)DataFrames."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.generator import fiscal, planning
from gis.generator.layout import (SIRUTA_UAT, Village, build_fields, build_villages,
                                  buildings_and_addresses, intravilan_parcels, number_houses,
                                  place_villages, uat_boundary, village_streets)
from gis.generator.names import COUNTY, FORMER_STREET_NAMES, UAT_NAME

CRS = "EPSG:3844"
INTRA_SHARE = 0.55
INTRA_CATEGORIES = ["CC", "A", "L", "V", "N"]
INTRA_WEIGHTS = [0.86, 0.07, 0.03, 0.02, 0.02]
NOMENCLATURE_HCL = ("14", "1998-03-26")   # the council decision approving the street names


@dataclass
class Commune:
    layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]
    taxpayers: pd.DataFrame
    assessments: pd.DataFrame
    discrepancies: pd.DataFrame
    villages: list[Village]
    lines: dict[str, object] = field(default_factory=dict)  # main road, stream, power line


def village_count(n_parcels: int) -> int:
    return 2 if n_parcels < 1000 else 3 if n_parcels < 100_000 else 4 if n_parcels < 500_000 else 5


def _gdf(columns: dict, geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(columns), geometry=np.asarray(geometry, dtype=object),
                            crs=CRS)


def _dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    month, day = rng.integers(1, 13, len(years)), rng.integers(1, 29, len(years))
    return np.array([f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in zip(years, month, day, strict=True)],
                    dtype=object)


def _streets(streets: pd.DataFrame, rng: np.random.Generator):
    """The streets layer (each with the HCL approving its current name) and the former names."""
    n = len(streets)
    renamed = rng.random(n) < 0.10
    newer = ~renamed & (rng.random(n) < 0.15)               # streets named after 1998
    early = rng.random(n) < 0.6
    rename_year = np.where(early, rng.integers(1990, 1993, n), rng.integers(1999, 2025, n))
    year = np.where(renamed, rename_year, rng.integers(1999, 2025, n))
    date = _dates(rng, year)
    number = rng.integers(3, 140, n).astype(str)
    hcl_number = np.where(renamed | newer, number, NOMENCLATURE_HCL[0])
    hcl_date = np.where(renamed | newer, date, NOMENCLATURE_HCL[1])
    layer = _gdf({
        "street_code": streets["street_code"].to_numpy(),
        "locality_siruta": streets["locality_siruta"].to_numpy(),
        "street_type": streets["street_type"].to_numpy(), "name": streets["name"].to_numpy(),
        "hcl_number": hcl_number.astype(object), "hcl_date": hcl_date.astype(object),
    }, streets["geometry"].to_numpy())
    r = np.flatnonzero(renamed)
    former = rng.choice(FORMER_STREET_NAMES, len(r))
    since = rng.integers(1948, 1985, len(r))
    names = pd.DataFrame({
        "street_code": streets["street_code"].to_numpy()[r],
        "street_type": np.where(rng.random(len(r)) < 0.85, "Strada", "Ulița").astype(object),
        "name": former.astype(object),
        "valid_from": _dates(rng, since),
        "valid_to": hcl_date[r].astype(object),
        "hcl_number": hcl_number[r].astype(object),
        "hcl_date": hcl_date[r].astype(object),
    })
    return layer, names


def _outside_slots(x_range, y_top: float, y_bottom: float, stream_x: float) -> np.ndarray:
    """Boxes in the unparcelled bands north and south of the villages, away from the stream:
    where register plots outside every parcel are drawn."""
    xs = np.arange(x_range[0] + 50, x_range[1] - 100, 75.0)
    xs = xs[np.abs(xs - stream_x) > 200]
    north = np.stack([xs, np.full_like(xs, y_top + 70), xs + 45, np.full_like(xs, y_top + 120)], 1)
    south = np.stack([xs, np.full_like(xs, y_bottom - 120), xs + 45, np.full_like(xs, y_bottom - 70)], 1)
    return np.concatenate([north, south])


def build(n_parcels: int, seed: int) -> Commune:
    rng = np.random.default_rng([seed, 1])
    villages = build_villages(round(n_parcels * INTRA_SHARE), village_count(n_parcels), rng)
    stream_x = place_villages(villages, rng)

    # -- intravilan: parcels, streets, numbers -------------------------------------------------
    parts, street_parts, offset = [], [], 0
    for v in villages:
        p = intravilan_parcels(v, rng)
        s, run_of = village_streets(v, rng)
        p["street"] = run_of[p["k"].to_numpy(), p["col"].to_numpy()] + offset
        offset += len(s)
        parts.append(p)
        street_parts.append(s)
    streets = pd.concat(street_parts, ignore_index=True)
    width = max(4, len(str(len(streets))))
    streets["street_code"] = [f"S{i:0{width}d}" for i in range(1, len(streets) + 1)]
    intra = number_houses(pd.concat(parts, ignore_index=True), streets, rng)
    n_intra = len(intra)
    n_extra = n_parcels - n_intra
    if n_extra < max(20, n_parcels // 10):
        raise ValueError(f"{n_parcels} parcels are too few for a commune (at least 300)")
    intra["use_category"] = rng.choice(INTRA_CATEGORIES, n_intra, p=INTRA_WEIGHTS).astype(object)
    intra["built"] = ((intra["use_category"] == "CC") & (intra["u1"] - intra["u0"] >= 8)
                      & (rng.random(n_intra) < 0.82))
    intra_geom = np.empty(n_intra, dtype=object)
    intra["pug_zone"] = ""
    intra["tax_zone"] = ""
    by_village = [np.flatnonzero(intra["village"].to_numpy() == v.index) for v in villages]
    for v, rows in zip(villages, by_village, strict=True):
        p = intra.iloc[rows]
        intra_geom[rows] = v.rects(p["u0"].to_numpy(), p["u1"].to_numpy(), p["v0"].to_numpy(),
                                   p["v1"].to_numpy())
        um, vm = (p["u0"] + p["u1"]).to_numpy() / 2, (p["v0"] + p["v1"]).to_numpy() / 2
        intra.iloc[rows, intra.columns.get_loc("pug_zone")] = planning.classify(v, um, vm)
        u0, u1, v0, v1 = v.extent
        pu, pv = v.pivot
        r = np.maximum(np.abs(um - pu) / ((u1 - u0) / 2), np.abs(vm - pv) / ((v1 - v0) / 2))
        intra.iloc[rows, intra.columns.get_loc("tax_zone")] = np.array(list("ABCD"))[
            np.searchsorted([0.3, 0.6, 0.85], r)]

    # -- extravilan ------------------------------------------------------------------------------
    bounds = np.array([v.intravilan.bounds for v in villages])
    x_range = (bounds[:, 0].min(), bounds[:, 2].max())
    y_bottom, y_top = bounds[:, 1].min(), bounds[:, 3].max()
    fields = build_fields(n_extra, x_range, y_top, y_bottom, stream_x, rng)
    extra_geom = shapely.box(fields.xmin, fields.ymin, fields.xmax, fields.ymax)
    cx, cy = (fields.xmin + fields.xmax) / 2, (fields.ymin + fields.ymax) / 2
    dist = np.stack([v.distance_to(cx, cy) for v in villages], axis=1)
    nearest = dist.argmin(axis=1)
    extra_zone = np.array(list("ABCD"))[np.searchsorted([400.0, 1200.0, 2500.0],
                                                        dist.min(axis=1))]

    # -- parcels ---------------------------------------------------------------------------------
    n = n_parcels
    geom = np.concatenate([intra_geom, extra_geom])
    measured = shapely.area(geom)
    numbers = rng.permutation(n) + 50001
    cad = numbers.astype(str).astype(object)
    roll = rng.random(n)
    cf = np.where(roll < 0.86, numbers, np.where(roll < 0.96, numbers + rng.integers(1, 40, n),
                                                 rng.integers(150, 4000, n))).astype(str)
    roll = rng.random(n)
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    factor = np.where(roll < 0.90, 1.0, np.where(roll < 0.97, 1 + sign * rng.uniform(0.005, 0.04, n),
                                                 1 + sign * rng.uniform(0.055, 0.08, n)))
    sirutas = np.array([v.siruta for v in villages])
    ranks = np.array([v.rank for v in villages])
    village_of = np.concatenate([intra["village"].to_numpy(), nearest])
    none = np.full(n_extra, None, dtype=object)
    parcels = _gdf({
        "cadastral_number": cad,
        "land_book_number": cf.astype(object),
        "eterra_id": (rng.permutation(n) + 100_001).astype(str).astype(object),
        "legal_area": np.maximum(1.0, np.round(measured * factor)),
        "use_category": np.concatenate([intra["use_category"].to_numpy(), fields.category]).astype(object),
        "intravilan": np.concatenate([np.ones(n_intra, bool), np.zeros(n_extra, bool)]),
        "locality_siruta": sirutas[village_of],
        "tarla": np.concatenate([np.full(n_intra, None, dtype=object),
                                 np.char.add("T", fields.tarla.astype(str)).astype(object)]),
        "parcel_no": np.concatenate([np.full(n_intra, None, dtype=object),
                                     np.char.add("P", fields.strip.astype(str)).astype(object)]),
    }, geom)

    # -- buildings and address points -------------------------------------------------------------
    b_cols = {k: [] for k in ("cadastral_number", "building_no", "destination", "levels", "is_legal")}
    b_geoms, a_frames, a_geoms = [], [], []
    code_of = streets["street_code"].to_numpy()
    for v, rows in zip(villages, by_village, strict=True):
        p = intra.iloc[rows]
        built = p["built"].to_numpy()
        houses, annexes, has_annex, points = buildings_and_addresses(v, p, built, rng)
        hb = p[built]
        nb = len(hb)
        zone = hb["pug_zone"].to_numpy()
        destination = np.where(zone == "IS", "CAS", np.where(zone == "ID", "CIE", "CL"))
        levels = rng.choice([1, 2, 3], nb, p=[0.55, 0.35, 0.10])
        hcad = cad[rows][built]
        b_cols["cadastral_number"] += [hcad, hcad[has_annex]]
        b_cols["building_no"] += [np.ones(nb, int), np.full(has_annex.sum(), 2)]
        b_cols["destination"] += [destination, np.full(has_annex.sum(), "CA")]
        b_cols["levels"] += [levels, np.ones(has_annex.sum(), int)]
        b_cols["is_legal"] += [rng.random(nb) > 0.04, rng.random(has_annex.sum()) > 0.12]
        b_geoms += [houses, annexes]
        a_frames.append(pd.DataFrame({
            "street_code": code_of[hb["street"].to_numpy()], "number": hb["number"].to_numpy(),
            "suffix": hb["suffix"].to_numpy(), "postal_code": v.postal_code,
            "cadastral_number": hcad}))
        a_geoms.append(points)
    buildings = _gdf({k: np.concatenate(v) for k, v in b_cols.items()}, np.concatenate(b_geoms))
    buildings["destination"] = buildings["destination"].astype(object)
    addresses = _gdf(pd.concat(a_frames, ignore_index=True), np.concatenate(a_geoms))

    # the postal address of every built parcel (taxpayers living there)
    house_address = np.full(n, "", dtype=object)
    built_rows = np.flatnonzero(intra["built"].to_numpy())
    village_names = np.array([v.name for v in villages], dtype=object)
    st = streets.iloc[intra["street"].to_numpy()[built_rows]]
    house_address[built_rows] = (
        st["street_type"].to_numpy() + " " + st["name"].to_numpy() + " nr. "
        + intra["number"].to_numpy()[built_rows].astype(str) + intra["suffix"].to_numpy()[built_rows]
        + ", sat " + village_names[intra["village"].to_numpy()[built_rows]]
        + ", com. Valea Verde, jud. Bihor")

    # -- territory: boundary, roads, stream ----------------------------------------------------
    slots = _outside_slots(x_range, y_top, y_bottom, stream_x)
    corners = np.concatenate([bounds, fields.tarla_boxes, slots])
    pts = np.concatenate([corners[:, [0, 1]], corners[:, [2, 3]], corners[:, [0, 3]],
                          corners[:, [2, 1]]])
    boundary = uat_boundary(pts, np.random.default_rng([seed, 3]))
    bx0, by0, bx1, by1 = boundary.bounds
    road = []
    for v in villages:
        u0, u1, _, _ = v.extent
        x, y = v.to_xy(np.array([u0, u1]), np.full(2, v.pivot[1]))
        road += [(x[0], y[0]), (x[1], y[1])]
    road = [(bx0 - 50, road[0][1])] + road + [(bx1 + 50, road[-1][1])]
    main_road = shapely.intersection(shapely.LineString(road), boundary)
    h = by1 - by0
    power_line = shapely.intersection(
        shapely.LineString([(bx0 - 50, by0 + 0.28 * h), (bx1 + 50, by0 + 0.66 * h)]), boundary)
    ys = np.arange(by0 - 50, by1 + 50, 20.0)
    xs = stream_x + 30 * np.sin(2 * math.pi * ys / 900) + 12 * np.sin(2 * math.pi * ys / 230 + 1)
    stream = shapely.intersection(shapely.LineString(np.stack([xs, ys], 1)), boundary)

    uat = _gdf({"siruta": [SIRUTA_UAT], "name": [UAT_NAME], "county": [COUNTY]}, [boundary])
    localities = _gdf({
        "siruta": sirutas, "uat_siruta": SIRUTA_UAT, "name": village_names,
        "rank": ranks, "is_seat": ranks == 4,
        "postal_code": np.array([v.postal_code for v in villages], dtype=object),
    }, [v.intravilan for v in villages])
    streets_layer, street_names = _streets(streets, rng)

    docs, doc_geoms, zones, zone_geoms = planning.plans(villages, boundary)
    r_rows, r_geoms = planning.restrictions(villages, boundary, main_road, power_line, stream)

    # -- registers -----------------------------------------------------------------------------
    table = pd.DataFrame({
        "cadastral_number": cad, "legal_area": parcels["legal_area"].to_numpy(),
        "use_category": parcels["use_category"].to_numpy(),
        "intravilan": parcels["intravilan"].to_numpy(), "rank": ranks[village_of],
        "tax_zone": np.concatenate([intra["tax_zone"].to_numpy(), extra_zone]),
        "tarla": parcels["tarla"].to_numpy(), "parcel_no": parcels["parcel_no"].to_numpy(),
        "tarla_id": np.concatenate([np.full(n_intra, -1), fields.tarla - 1]),
        "built": np.concatenate([intra["built"].to_numpy(), np.zeros(n_extra, bool)]),
    })
    fiscal_rng = np.random.default_rng([seed, 2])
    order = fiscal_rng.permutation(len(slots))
    reg = fiscal.registers(table, measured, house_address, len(slots), fiscal_rng)
    k_out = int((reg.plot_geometry < 0).sum())
    outside = shapely.box(*slots[order[:k_out]].T)
    plot_geom = np.empty(len(reg.plots), dtype=object)
    inside = reg.plot_geometry >= 0
    plot_geom[inside] = geom[reg.plot_geometry[inside]]
    plot_geom[~inside] = outside
    plots = _gdf(reg.plots, plot_geom)

    layers = {
        "uat": uat, "localities": localities, "parcels": parcels, "buildings": buildings,
        "streets": streets_layer, "street_names": street_names, "address_points": addresses,
        "planning_documents": _gdf(pd.DataFrame(docs), doc_geoms),
        "zones": _gdf(pd.DataFrame(zones), zone_geoms),
        "restrictions": _gdf(pd.DataFrame(r_rows), r_geoms),
        "agri_plots": plots,
    }
    return Commune(layers, reg.taxpayers, reg.assessments, reg.discrepancies, villages,
                   {"main_road": main_road, "stream": stream, "power_line": power_line})
