"""The commune's plans: a PUG zoning every intravilan, one PUZ overriding part of the seat
village, and restrictions (road protection strip, power-line corridor, flood zone)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.synthetic.layout import VILLAGE_SPACING, Village

CRS = "EPSG:3844"

# UTR code → (functional zone, name, POT %, CUT, max height m, height regime, min parcel m²,
#             allowed, conditional, forbidden uses)
UTR = {
    "L1a": ("L", "Locuințe individuale P+1", 35, 0.9, 10, "P+1E+M", 250,
            "locuințe individuale; anexe gospodărești; grădini", "comerț de proximitate sub 100 m²; cabinete medicale",
            "industrie; depozite en-gros; ferme zootehnice"),
    "L2": ("L", "Locuințe individuale și colective mici", 40, 1.2, 12, "P+2E", 300,
           "locuințe individuale și colective mici; servicii de proximitate", "pensiuni; ateliere nepoluante",
           "industrie; depozitare; activități poluante"),
    "L2a": ("L", "Locuințe (PUZ Centru)", 45, 1.4, 13, "P+2E+M", 350,
            "locuințe individuale și colective mici; birouri", "comerț sub 200 m²",
            "industrie; depozitare; stații de carburanți"),
    "M1": ("M", "Zonă mixtă", 50, 1.5, 14, "P+3E", 300,
           "locuințe; comerț; servicii; birouri", "alimentație publică; ateliere", "industrie poluantă"),
    "M2": ("M", "Zonă mixtă (PUZ Centru)", 60, 2.0, 16, "P+3E+M", 400,
           "locuințe colective; comerț; servicii; birouri", "hoteluri", "industrie; depozite"),
    "CB": ("CB", "Zona centrală", 60, 2.4, 16, "P+3E+M", 200,
           "instituții publice; comerț; servicii; locuințe la etaj", "lăcașuri de cult noi",
           "industrie; depozitare; ferme"),
    "IS": ("IS", "Instituții și servicii publice", 50, 1.5, 14, "P+2E", 500,
           "școli; grădinițe; dispensare; primărie; cămin cultural", "locuințe de serviciu", "industrie"),
    "ID": ("ID", "Industrie și depozitare", 70, 2.0, 15, "P+2E", 1000,
           "unități de producție nepoluante; depozite", "locuințe de serviciu", "locuințe; școli"),
    "V1": ("V", "Spații verzi", 10, 0.1, 5, "P", 0,
           "parcuri; locuri de joacă; terenuri de sport", "chioșcuri sub 20 m²", "orice construcție permanentă"),
    "A1": ("A", "Unități agro-zootehnice", 40, 0.8, 10, "P+1E", 2000,
           "ferme; sere; depozite agricole", "locuințe de serviciu", "locuințe; instituții"),
}
SEAT_BANDS = [(0.0, "A1"), (0.10, "L1a"), (0.33, "M1"), (0.43, "CB"), (0.53, "IS"), (0.60, "L2"),
              (0.80, "V1"), (0.87, "ID"), (1.0, None)]
VILLAGE_BANDS = [(0.0, "A1"), (0.12, "L1a"), (0.66, "M1"), (0.82, "V1"), (1.0, None)]


def _zone_row(code: str, document_code: str) -> dict:
    fz, name, pot, cut, h, regime, min_area, allowed, conditional, forbidden = UTR[code]
    return dict(document_code=document_code, code=code, functional_zone=fz, name=name,
                pot_max=float(pot), cut_max=float(cut), max_height_m=float(h), height_regime=regime,
                min_parcel_area=float(min_area), allowed_uses=allowed, conditional_uses=conditional,
                forbidden_uses=forbidden)


def plans(villages: list[Village], boundary, rng: np.random.Generator):
    rows, geoms = [], []
    for i, v in enumerate(villages):
        intra = v.intravilan()
        xa, ya, xb, yb = intra.bounds
        bands = SEAT_BANDS if i == 0 else VILLAGE_BANDS
        for (f0, code), (f1, _) in zip(bands[:-1], bands[1:], strict=True):
            # a zone per band and village: codes are unique per document with a village suffix
            piece = shapely.intersection(intra, shapely.box(xa + f0 * (xb - xa), ya, xa + f1 * (xb - xa), yb))
            row = _zone_row(code, "PUG-2019")
            row["code"] = code if i == 0 else f"{code}-{i + 1}"
            rows.append(row)
            geoms.append(piece)
    seat = villages[0].intravilan()
    xa, ya, xb, yb = seat.bounds
    puz_area = shapely.box(xa + 0.22 * (xb - xa), ya + 0.15 * (yb - ya),
                           xa + 0.48 * (xb - xa), ya + 0.55 * (yb - ya))
    px0, py0, px1, py1 = puz_area.bounds
    for code, f0, f1 in (("L2a", 0.0, 0.55), ("M2", 0.55, 1.0)):
        rows.append(_zone_row(code, "PUZ-2022-01"))
        geoms.append(shapely.box(px0 + f0 * (px1 - px0), py0, px0 + f1 * (px1 - px0), py1))
    zones = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)
    docs = gpd.GeoDataFrame(pd.DataFrame([
        dict(code="PUG-2019", kind="PUG", name="Planul Urbanistic General al comunei Valea Verde",
             hcl_number="27", hcl_date="2019-04-25", valid_from="2019-04-25", valid_until="2029-04-25"),
        dict(code="PUZ-2022-01", kind="PUZ", name="PUZ „Zona centrală — extindere locuințe”",
             hcl_number="58", hcl_date="2022-09-29", valid_from="2022-09-29", valid_until="2027-09-29"),
    ]), geometry=[boundary, puz_area], crs=CRS)
    return docs, zones


def restrictions(boundary, main_road, villages: list[Village]):
    xmin, ymin, xmax, ymax = boundary.bounds
    power = shapely.linestrings([[xmin, ymin + 0.2 * (ymax - ymin)], [xmax, ymin + 0.8 * (ymax - ymin)]])
    # a stream between the first two villages, meandering north-south
    sx = villages[0].x1 + VILLAGE_SPACING / 2 if len(villages) > 1 else xmax - 300
    ys = np.linspace(ymin, ymax, 60)
    stream = shapely.linestrings(np.column_stack([sx + 80 * np.sin(ys / 300), ys]))
    rows = [
        dict(kind="road_protection", name="Zona de protecție a drumului județean DJ 767",
             legal_basis="OG nr. 43/1997 privind regimul drumurilor, art. 19 și anexa 1",
             geometry=shapely.buffer(main_road, 20)),
        dict(kind="power_line", name="Culoarul de protecție al LEA 110 kV",
             legal_basis="Ordinul ANRE nr. 239/2019, art. 4 (culoar de trecere și zona de protecție)",
             geometry=shapely.buffer(power, 18.5)),
        dict(kind="flood_zone", name="Zonă inundabilă — pârâul Valea Verde (Q1%)",
             legal_basis="Legea apelor nr. 107/1996, art. 40; hărțile de hazard la inundații ABA Crișuri",
             geometry=shapely.buffer(stream, 60)),
    ]
    df = pd.DataFrame(rows)
    geoms = [shapely.intersection(g, boundary) for g in df.pop("geometry")]
    return gpd.GeoDataFrame(df, geometry=geoms, crs=CRS)
