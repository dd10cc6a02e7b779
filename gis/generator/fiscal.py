"""Fictional taxpayers, the year's land tax assessments and the agricultural register, with
about 3 % deliberate discrepancies against the cadastre. The discrepancies are recorded as
ground truth so that a reconciliation report can be checked against them.

Tax rates are plausible lei/ha values in the shape of Codul fiscal art. 465 (built intravilan
by zone × rank, other intravilan by category × zone × rank coefficient, extravilan by
category × zone); the real tables are per-year configuration, not these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gis.generator import names as nm

YEAR = 2026  # the "current" fiscal year of the sample (fixed: output must not depend on the clock)
ZONES = "ABCD"
RATE_BUILT = {4: (711.0, 569.0, 427.0, 284.0), 5: (569.0, 427.0, 284.0, 142.0)}
RATE_INTRA_OTHER = {"A": (28.0, 21.0, 19.0, 15.0), "P": (21.0, 19.0, 15.0, 13.0),
                    "F": (21.0, 19.0, 15.0, 13.0), "V": (46.0, 35.0, 28.0, 19.0),
                    "L": (53.0, 46.0, 35.0, 28.0), "PD": (28.0, 21.0, 19.0, 15.0)}
RANK_COEFFICIENT = {4: 1.10, 5: 1.00}
RATE_EXTRA = {"A": (42.0, 40.0, 37.0, 34.0), "P": (28.0, 26.0, 23.0, 20.0),
              "F": (28.0, 26.0, 23.0, 20.0), "V": (48.0, 46.0, 43.0, 40.0),
              "L": (48.0, 46.0, 43.0, 40.0), "PD": (14.0, 12.0, 11.0, 10.0)}
# what a householder declares instead of the cadastre's category
OTHER_CATEGORY = {"A": "P", "P": "F", "F": "P", "V": "A", "L": "A", "PD": "P", "N": "P",
                  "CC": "A"}
POSITIONS_PER_VOLUME = 150


@dataclass
class Registers:
    taxpayers: pd.DataFrame
    assessments: pd.DataFrame
    plots: pd.DataFrame           # without geometry: plot_geometry_index says which parcel's
    plot_geometry: np.ndarray     # parcel index per plot, -1 for plots outside every parcel
    discrepancies: pd.DataFrame


def _persons(rng: np.random.Generator, n: int, addresses: np.ndarray) -> pd.DataFrame:
    female = rng.random(n) < 0.5
    first = np.where(female, rng.choice(nm.FEMALE, n), rng.choice(nm.MALE, n))
    last = rng.choice(nm.SURNAMES, n)
    born = rng.integers(1936, 2007, n)
    return pd.DataFrame({"kind": "PF", "name": np.char.add(np.char.add(last, " "), first),
                         "id_code": nm.make_cnps(rng, female, born), "address": addresses})


def _companies(rng: np.random.Generator, n: int, addresses: np.ndarray) -> pd.DataFrame:
    a = rng.choice(nm.COMPANY_WORDS, n)
    b = rng.choice(nm.COMPANY_WORDS, n)
    form = rng.choice(nm.COMPANY_FORMS, n)
    names, seen = [], {}
    for x, y, f in zip(a, b, form, strict=True):
        base = x + (y.lower() if x != y else "")
        seen[base] = seen.get(base, 0) + 1
        # the trade register refuses twins: a repeated name gets a numeral
        suffix = f" {nm.roman(seen[base])}" if seen[base] > 1 else ""
        names.append(f"SC {base}{suffix} {f}")
    return pd.DataFrame({"kind": "PJ", "name": names, "id_code": nm.make_cuis(rng, n),
                         "address": addresses})


def elsewhere(rng: np.random.Generator, n: int) -> np.ndarray:
    """Addresses outside the commune (owners who moved to town), fictional."""
    town = rng.choice(list(nm.OTHER_TOWNS), n)
    street = rng.choice(nm.STREET_NAMES, n)
    number = rng.integers(1, 180, n)
    return np.array([f"Str. {s} nr. {k}, {t}, {nm.OTHER_TOWNS[t]}"
                     for t, s, k in zip(town, street, number, strict=True)], dtype=object)


def rates(category: np.ndarray, zone: np.ndarray, intravilan: np.ndarray,
          rank: np.ndarray) -> np.ndarray:
    """lei/ha for each parcel."""
    zi = np.searchsorted(np.array(list(ZONES)), zone)
    out = np.zeros(len(category))
    built = intravilan & (category == "CC")
    for r, table in RATE_BUILT.items():
        sel = built & (rank == r)
        out[sel] = np.array(table)[zi[sel]]
    for cat in RATE_INTRA_OTHER:
        sel = intravilan & (category == cat)
        coef = np.where(rank[sel] == 4, RANK_COEFFICIENT[4], RANK_COEFFICIENT[5])
        out[sel] = np.array(RATE_INTRA_OTHER[cat])[zi[sel]] * coef
        sel = ~intravilan & (category == cat)
        out[sel] = np.array(RATE_EXTRA[cat])[zi[sel]]
    return out


def registers(parcels: pd.DataFrame, measured: np.ndarray, house_address: np.ndarray,
              outside_slots: int, rng: np.random.Generator) -> Registers:
    """`parcels`: cadastral_number, legal_area, use_category, intravilan, rank, tax_zone, tarla,
    parcel_no, tarla_id (int, -1 in intravilan), built (bool); `house_address`: the parcel's
    postal address where it has one, else ""."""
    n = len(parcels)
    intra = parcels["intravilan"].to_numpy()
    built = parcels["built"].to_numpy()
    cat = parcels["use_category"].to_numpy()
    cad = parcels["cadastral_number"].to_numpy()

    # -- taxpayers: one household per house, owners living elsewhere, a few companies ---------
    homes = np.flatnonzero(built)
    n_res, n_away = len(homes), max(20, int(0.12 * n))
    n_pj = max(4, n // 250)
    local = house_address[homes].astype(object)
    away = elsewhere(rng, n_away)
    seat = np.array([f"Str. Principală nr. {k}, sat Valea Verde, com. Valea Verde, jud. Bihor"
                     for k in rng.integers(1, 90, n_pj)], dtype=object)
    pj_addr = np.where(rng.random(n_pj) < 0.5, seat, elsewhere(rng, n_pj))
    taxpayers = pd.concat([_persons(rng, n_res, local), _persons(rng, n_away, away),
                           _companies(rng, n_pj, pj_addr)], ignore_index=True)
    width = max(7, len(str(len(taxpayers))))
    taxpayers.insert(0, "taxpayer_code", [f"C{i:0{width}d}" for i in range(1, len(taxpayers) + 1)])
    taxpayers["tax_account"] = [f"RNU{100000 + i}" for i in range(len(taxpayers))]
    codes = taxpayers["taxpayer_code"].to_numpy()

    # -- ownership ----------------------------------------------------------------------------
    owner = np.empty(n, dtype=np.int64)
    owner[homes] = np.arange(n_res)
    # people own several plots: a skewed draw favours some households
    n_pf = n_res + n_away
    skew = (rng.pareto(1.5, n) * n_pf / 20).astype(np.int64) % n_pf
    owner[~built] = skew[~built]
    tarla = parcels["tarla_id"].to_numpy()
    n_tarla = int(tarla.max()) + 1 if (tarla >= 0).any() else 0
    farm = rng.random(max(n_tarla, 1)) < 0.12                     # tarlale worked by a company
    farm_owner = n_pf + rng.integers(0, n_pj, max(n_tarla, 1))
    in_farm = (tarla >= 0) & farm[np.maximum(tarla, 0)]
    owner[in_farm] = farm_owner[tarla[in_farm]]

    # -- register plots and the deliberate discrepancies --------------------------------------
    has_plot = np.where(intra, rng.random(n) < 0.15, rng.random(n) < 0.93) & (cat != "DR")
    idx = np.flatnonzero(has_plot)
    m = len(idx)
    pick = rng.permutation(m)
    k_area, k_cat = max(2, round(0.012 * m)), max(2, round(0.010 * m))
    area_bad = np.zeros(m, bool)
    cat_bad = np.zeros(m, bool)
    area_bad[pick[:k_area]] = True
    cat_bad[pick[k_area:k_area + k_cat]] = True
    legal = parcels["legal_area"].to_numpy()
    declared = legal[idx].copy()
    factor = np.where(rng.random(k_area) < 0.6, rng.uniform(1.15, 1.40, k_area),
                      rng.uniform(0.62, 0.85, k_area))
    declared[area_bad] = np.round(measured[idx][area_bad] * factor)
    plot_cat = cat[idx].astype(object)
    plot_cat[cat_bad] = [OTHER_CATEGORY[c] for c in plot_cat[cat_bad]]
    k_out = min(outside_slots, max(2, round(0.003 * m)))
    plot_owner = np.concatenate([owner[idx], rng.integers(0, n_pf, k_out)])
    holders, position = np.unique(plot_owner, return_inverse=True)
    vol = position // POSITIONS_PER_VOLUME + 1
    poz = position % POSITIONS_PER_VOLUME + 1
    register_position = [f"vol. {nm.roman(int(a))}, poz. {int(b)}" for a, b in zip(vol, poz, strict=True)]
    width = max(7, len(str(m + k_out)))
    plot_ids = np.array([f"RA{i:0{width}d}" for i in range(1, m + k_out + 1)], dtype=object)
    none = np.full(k_out, None, dtype=object)
    plots = pd.DataFrame({
        "plot_id": plot_ids, "taxpayer_code": codes[plot_owner],
        "register_position": register_position,
        "tarla": np.concatenate([parcels["tarla"].to_numpy()[idx], none]),
        "parcel_no": np.concatenate([parcels["parcel_no"].to_numpy()[idx], none]),
        "use_category": np.concatenate([plot_cat, np.full(k_out, "A", dtype=object)]),
        "declared_area": np.concatenate([declared, np.round(rng.uniform(1500, 2500, k_out))]),
        "year": YEAR,
        "cadastral_number": np.concatenate([cad[idx], none]),
    })
    plot_geometry = np.concatenate([idx, np.full(k_out, -1)])

    # -- land tax: one assessment per parcel, except a few forgotten ones ----------------------
    involved = np.zeros(n, bool)
    involved[idx[area_bad | cat_bad]] = True
    candidates = np.flatnonzero(~involved)
    k_none = max(2, round(0.005 * n))
    unassessed = np.zeros(n, bool)
    unassessed[rng.choice(candidates, size=min(k_none, len(candidates)), replace=False)] = True
    zone = parcels["tax_zone"].to_numpy()
    rank = parcels["rank"].to_numpy()
    amount = np.round(legal / 10_000 * rates(cat, zone, intra, rank), 2)
    pay = rng.random(n)
    paid = np.where(pay < 0.72, amount, np.where(pay < 0.85, 0.0, np.round(amount / 2, 2)))
    keep = ~unassessed
    assessments = pd.DataFrame({
        "year": YEAR, "taxpayer_code": codes[owner[keep]], "cadastral_number": cad[keep],
        "object_kind": "land", "use_category": cat[keep], "zone": zone[keep],
        "intravilan": intra[keep], "area": legal[keep], "amount": amount[keep], "paid": paid[keep],
    })

    area_rows = np.flatnonzero(area_bad)
    cat_rows = np.flatnonzero(cat_bad)
    truth = pd.concat([
        pd.DataFrame({"kind": "area_mismatch", "cadastral_number": cad[idx][area_rows],
                      "plot_id": plot_ids[area_rows], "taxpayer_code": codes[owner[idx][area_rows]],
                      "detail": [f"declarat {d:.0f} m², măsurat {a:.2f} m²" for d, a in
                                 zip(declared[area_rows], measured[idx][area_rows], strict=True)]}),
        pd.DataFrame({"kind": "category_mismatch", "cadastral_number": cad[idx][cat_rows],
                      "plot_id": plot_ids[cat_rows], "taxpayer_code": codes[owner[idx][cat_rows]],
                      "detail": [f"registrul agricol {p}, cadastru {c}" for p, c in
                                 zip(plot_cat[cat_rows], cat[idx][cat_rows], strict=True)]}),
        pd.DataFrame({"kind": "plot_outside_parcels", "cadastral_number": None,
                      "plot_id": plot_ids[m:], "taxpayer_code": codes[plot_owner[m:]],
                      "detail": "nicio parcelă cadastrală sub parcela din registrul agricol"}),
        pd.DataFrame({"kind": "parcel_without_assessment", "cadastral_number": cad[unassessed],
                      "plot_id": None, "taxpayer_code": codes[owner[unassessed]],
                      "detail": f"nicio impunere pe teren pentru {YEAR}"}),
    ], ignore_index=True)
    return Registers(taxpayers, assessments, plots, plot_geometry, truth)
