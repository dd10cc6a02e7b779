"""Fictional taxpayers, land tax assessments and the agricultural register, with about 3 %
deliberate discrepancies against the cadastre (recorded in `discrepancies`, the ground truth)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.synthetic.names import COMPANY_FORMS, COMPANY_WORDS, FEMALE, MALE, SURNAMES, make_cnp, make_cui

YEAR = 2026
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
# lei/ha, plausible orders of magnitude (the real tables are per-year configuration)
RATE_BUILT = {"A": 950.0, "B": 780.0, "C": 610.0, "D": 450.0}
RATE_OTHER = {"A": 38.0, "B": 32.0, "C": 28.0, "D": 22.0}
OTHER_CATEGORY = {"A": "P", "P": "F", "F": "A", "V": "A", "L": "A", "PD": "P", "N": "P", "CC": "A"}


def _taxpayers(n_parcels: int, rng: np.random.Generator) -> pd.DataFrame:
    n_pf, n_pj = max(60, n_parcels // 3), max(6, n_parcels // 150)
    female = rng.random(n_pf) < 0.5
    first = np.where(female, np.array(FEMALE)[rng.integers(0, len(FEMALE), n_pf)],
                     np.array(MALE)[rng.integers(0, len(MALE), n_pf)])
    last = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n_pf)]
    pf = pd.DataFrame({
        "kind": "PF", "name": pd.Series(last) + " " + pd.Series(first),
        "id_code": [make_cnp(rng, bool(f), i) for i, f in enumerate(female)],
    })
    words = np.array(COMPANY_WORDS)
    pj = pd.DataFrame({
        "kind": "PJ",
        "name": ["SC " + a + b + " " + f for a, b, f in zip(
            words[rng.integers(0, len(words), n_pj)], words[rng.integers(0, len(words), n_pj)],
            np.array(COMPANY_FORMS)[rng.integers(0, len(COMPANY_FORMS), n_pj)], strict=True)],
        "id_code": [make_cui(rng) for _ in range(n_pj)],
    })
    tp = pd.concat([pf, pj], ignore_index=True)
    tp.insert(0, "taxpayer_code", [f"C{i + 1:07d}" for i in range(len(tp))])
    numbers = rng.integers(1, 400, len(tp))
    tp["address"] = [f"Str. Principală nr. {n}, Valea Verde, jud. Bihor" for n in numbers]
    tp["tax_account"] = [f"RF{i + 1:07d}" for i in range(len(tp))]
    return tp


def registers(parcels: gpd.GeoDataFrame, empty_spot, rng: np.random.Generator):
    """(taxpayers, assessments, agri plots, discrepancies) for the parcels."""
    n = len(parcels)
    taxpayers = _taxpayers(n, rng)
    owner = taxpayers["taxpayer_code"].to_numpy()[rng.integers(0, len(taxpayers), n)]
    cad = parcels["cadastral_number"].to_numpy()
    intra = parcels["intravilan"].to_numpy()
    area = np.round(shapely.area(parcels.geometry.values), 2)
    legal = parcels["legal_area"].to_numpy()

    # -- land tax ----------------------------------------------------------------------------
    no_assessment = rng.random(n) < 0.005
    zone = np.where(intra, np.array(list("ABC"))[rng.integers(0, 3, n)],
                    np.array(list("ABCD"))[rng.integers(0, 4, n)])
    cat = parcels["use_category"].to_numpy()
    rate = np.where(cat == "CC", pd.Series(zone).map(RATE_BUILT), pd.Series(zone).map(RATE_OTHER))
    amount = np.round(legal / 10_000 * rate, 2)
    pay = rng.random(n)
    paid = np.where(pay < 0.8, amount, np.where(pay < 0.9, 0.0, np.round(amount / 2, 2)))
    keep = ~no_assessment
    assessments = pd.DataFrame({
        "year": YEAR, "taxpayer_code": owner[keep], "cadastral_number": cad[keep],
        "object_kind": "land", "use_category": cat[keep], "zone": zone[keep],
        "intravilan": intra[keep], "area": legal[keep], "amount": amount[keep], "paid": paid[keep],
    })

    # -- agricultural register ---------------------------------------------------------------
    has_plot = ~intra | (rng.random(n) < 0.10)
    idx = np.flatnonzero(has_plot)
    m = len(idx)
    roll = rng.random(m)
    area_mismatch = roll < 0.012
    cat_mismatch = (roll >= 0.012) & (roll < 0.024)
    declared = area[idx].copy()
    declared[area_mismatch] = np.round(declared[area_mismatch] * rng.uniform(1.15, 1.4, area_mismatch.sum()), 2)
    plot_cat = cat[idx].copy()
    plot_cat[cat_mismatch] = [OTHER_CATEGORY[c] for c in plot_cat[cat_mismatch]]
    positions = [f"vol. {ROMAN[(i // 500) % 10]}, poz. {i % 500 + 1}" for i in range(m)]
    plots = pd.DataFrame({
        "plot_id": [f"RA{i + 1:07d}" for i in range(m)], "taxpayer_code": owner[idx],
        "register_position": positions, "tarla": parcels["tarla"].to_numpy()[idx],
        "parcel_no": parcels["parcel_no"].to_numpy()[idx], "use_category": plot_cat,
        "declared_area": declared, "year": YEAR, "cadastral_number": cad[idx],
    })
    plot_geoms = list(parcels.geometry.values[idx])

    # plots declared on land that no cadastral parcel covers (between village and fields)
    n_outside = max(2, m // 200)
    ex0, ey0, ex1, ey1 = empty_spot
    xs = np.linspace(ex0 + 20, ex1 - 80, n_outside)
    outside = pd.DataFrame({
        "plot_id": [f"RA{m + i + 1:07d}" for i in range(n_outside)],
        "taxpayer_code": owner[rng.integers(0, n, n_outside)],
        "register_position": [f"vol. X, poz. {900 + i}" for i in range(n_outside)],
        "tarla": None, "parcel_no": None, "use_category": "A",
        "declared_area": 2400.0, "year": YEAR, "cadastral_number": None,
    })
    outside_geoms = list(shapely.box(xs, ey0 + 20, xs + 40, ey0 + 80))
    plots = pd.concat([plots, outside], ignore_index=True)
    plots = gpd.GeoDataFrame(plots, geometry=plot_geoms + outside_geoms, crs=parcels.crs)

    truth = pd.concat([
        pd.DataFrame({"kind": "area_mismatch", "cadastral_number": cad[idx][area_mismatch],
                      "plot_id": plots["plot_id"].to_numpy()[:m][area_mismatch],
                      "detail": [f"declared {d} m², measured {a} m²" for d, a in
                                 zip(declared[area_mismatch], area[idx][area_mismatch], strict=True)]}),
        pd.DataFrame({"kind": "category_mismatch", "cadastral_number": cad[idx][cat_mismatch],
                      "plot_id": plots["plot_id"].to_numpy()[:m][cat_mismatch],
                      "detail": [f"register {p}, cadastre {c}" for p, c in
                                 zip(plot_cat[cat_mismatch], cat[idx][cat_mismatch], strict=True)]}),
        pd.DataFrame({"kind": "plot_outside_parcels", "cadastral_number": None,
                      "plot_id": outside["plot_id"], "detail": "no cadastral parcel under the plot"}),
        pd.DataFrame({"kind": "parcel_without_assessment", "cadastral_number": cad[no_assessment],
                      "plot_id": None, "detail": f"no land tax assessment for {YEAR}"}),
    ], ignore_index=True)
    return taxpayers, assessments, plots, truth
