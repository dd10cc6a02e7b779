"""The commune's plans: a PUG whose UTR zones cover every intravilan, one PUZ overriding part of
the seat, and the restrictions that overlay them (road protection strip, power-line corridor,
flood zone, heritage protection zone).

Zones are drawn in each village's local frame as bands at fractions of its extent (which do not
follow the block edges, so some parcels fall in two zones) and painted in order: each rule takes
what the earlier rules left, so the zones of one document never overlap.
"""

from __future__ import annotations

import numpy as np
import shapely

from gis.generator.layout import Village

PUG_CODE, PUZ_CODE = "PUG-2019", "PUZ-2022-01"

# UTR code → functional zone, name, POT %, CUT, height m, height regime, minimum parcel m²,
# allowed; conditional; forbidden uses (a fictional but typical local regulation, RLU)
UTR: dict[str, tuple] = {
    "L1a": ("L", "Locuințe individuale cu regim redus de înălțime", 35, 0.9, 10, "P+1E+M", 300,
            "locuințe individuale; anexe gospodărești; grădini; garaje",
            "comerț de proximitate sub 100 m²; cabinete medicale; ateliere nepoluante",
            "industrie; depozite en-gros; ferme zootehnice; stații de carburanți"),
    "L1b": ("L", "Locuințe rurale și gospodării", 30, 0.6, 9, "P+1E", 400,
            "locuințe individuale; anexe gospodărești; grădini; livezi familiale",
            "pensiuni agroturistice; ateliere meșteșugărești; mică zootehnie familială",
            "industrie; depozite en-gros; activități poluante"),
    "L2": ("L", "Locuințe individuale și colective mici", 40, 1.2, 12, "P+2E", 300,
           "locuințe individuale; locuințe colective mici; servicii de proximitate",
           "pensiuni; birouri; ateliere nepoluante", "industrie; depozitare; ferme zootehnice"),
    "M1": ("M", "Zonă mixtă de-a lungul drumului județean", 50, 1.5, 14, "P+2E+M", 300,
           "locuințe; comerț; servicii; birouri; alimentație publică",
           "ateliere de reparații; stații de carburanți", "industrie poluantă; ferme zootehnice"),
    "CB": ("CB", "Zona centrală", 60, 2.2, 16, "P+3E", 200,
           "instituții publice; comerț; servicii; locuințe la etaj; spații publice",
           "lăcașuri de cult noi; hoteluri", "industrie; depozitare; ferme; service auto"),
    "IS": ("IS", "Instituții și servicii publice", 50, 1.5, 15, "P+2E+M", 500,
           "școli; grădinițe; dispensar; primărie; cămin cultural; biserici",
           "locuințe de serviciu; comerț sub 200 m²", "industrie; depozitare; ferme"),
    "ID": ("ID", "Unități industriale și de depozitare", 60, 1.8, 15, "P+2E", 1000,
           "unități de producție nepoluante; depozite; ateliere; birouri",
           "locuințe de serviciu; stații de carburanți", "locuințe; școli; unități sanitare"),
    "V1": ("V", "Spații verzi și sport", 10, 0.1, 5, "P", 0,
           "parcuri; locuri de joacă; terenuri de sport; plantații de protecție",
           "chioșcuri sub 20 m²; vestiare", "orice construcție permanentă în afara celor admise"),
    "A1": ("A", "Unități agro-zootehnice", 40, 0.8, 10, "P+1E", 2000,
           "ferme; sere; depozite agricole; ateliere de prelucrare a produselor agricole",
           "locuințe de serviciu; magazine de desfacere", "locuințe; școli; instituții publice"),
    "L2a": ("L", "Locuințe (PUZ Centru)", 45, 1.35, 13, "P+2E+M", 350,
            "locuințe individuale; locuințe colective mici; birouri",
            "comerț sub 200 m²; servicii medicale", "industrie; depozitare; stații de carburanți"),
    "M2": ("M", "Zonă mixtă (PUZ Centru)", 55, 1.8, 15, "P+3E", 400,
           "locuințe colective; comerț; servicii; birouri", "hoteluri; alimentație publică",
           "industrie; depozite; ferme"),
    "V2": ("V", "Scuar public (PUZ Centru)", 5, 0.05, 4, "P", 0,
           "scuaruri; locuri de joacă; mobilier urban", "chioșcuri sub 12 m²",
           "orice construcție permanentă"),
}

# (code, u range as fractions of the village length, v range in village heights from the main
# street); None: everything the earlier rules left
Rule = tuple[str, tuple[float, float] | None, tuple[float, float] | None]
SEAT_RULES: list[Rule] = [
    ("CB", (0.40, 0.56), (-0.17, 0.17)),
    ("IS", (0.56, 0.67), (-0.26, 0.06)),
    ("ID", (0.84, 1.20), (-1.50, -0.03)),
    ("A1", (-0.20, 0.07), (-1.50, 1.50)),
    ("V1", (0.17, 0.31), (0.30, 1.50)),
    ("M1", (-0.20, 1.20), (-0.09, 0.09)),
    ("L2", (0.28, 0.72), (-1.50, 1.50)),
    ("L1a", None, None),
]
VILLAGE_RULES: list[Rule] = [
    ("IS", (0.44, 0.55), (-0.20, 0.0)),
    ("A1", (0.90, 1.20), (-1.50, 1.50)),
    ("V1", (-0.20, 0.06), (0.20, 1.50)),
    ("M1", (-0.20, 1.20), (-0.08, 0.08)),
    ("L1b", None, None),
]
PUZ_AREA = ((0.22, 0.47), (-0.35, 0.22))
PUZ_RULES: list[Rule] = [
    ("V2", (0.40, 0.47), (0.08, 0.22)),
    ("M2", (0.22, 0.47), (-0.05, 0.22)),
    ("L2a", None, None),
]

DOCUMENTS = [
    dict(code=PUG_CODE, kind="PUG", name="Planul Urbanistic General al comunei Valea Verde",
         hcl_number="27", hcl_date="2019-04-25", valid_from="2019-05-10", valid_until="2029-05-10"),
    dict(code=PUZ_CODE, kind="PUZ",
         name="PUZ „Zona centrală Valea Verde — locuințe și servicii”",
         hcl_number="58", hcl_date="2022-09-29", valid_from="2022-10-14", valid_until="2027-10-14"),
]


def polygonal(geom):
    """Only the areal part of an overlay result (slivers of lines and points dropped)."""
    if shapely.get_type_id(geom) == 7:  # GeometryCollection
        parts = shapely.get_parts(geom)
        return shapely.union_all(parts[shapely.get_type_id(parts) == 3])
    return geom


def _local(v: Village, urange, vrange):
    """Local coordinates of a rule's rectangle."""
    u0, u1, v0, v1 = v.extent
    vm, h = v.pivot[1], v1 - v0
    return (u0 + urange[0] * (u1 - u0), u0 + urange[1] * (u1 - u0),
            vm + vrange[0] * h, vm + vrange[1] * h)


def _rect(v: Village, urange, vrange):
    a, b, c, d = _local(v, urange, vrange)
    return v.rects(np.array([a]), np.array([b]), np.array([c]), np.array([d]))[0]


def _paint(v: Village, area, rules: list[Rule]) -> list[tuple[str, object]]:
    pieces, rest = [], area
    for code, urange, vrange in rules:
        if urange is None:
            piece = rest
        else:
            rect = _rect(v, urange, vrange)
            piece = shapely.intersection(rest, rect)
            rest = shapely.difference(rest, rect)
        piece = polygonal(piece)
        if piece.area >= 1.0:
            pieces.append((code, piece))
    return pieces


def classify(v: Village, u: np.ndarray, vv: np.ndarray) -> np.ndarray:
    """The PUG zone code at local points (the same painting as the polygons)."""
    rules = SEAT_RULES if v.index == 0 else VILLAGE_RULES
    out = np.full(len(u), "", dtype=object)
    for code, urange, vrange in rules:
        if urange is None:
            out[out == ""] = code
            continue
        a, b, c, d = _local(v, urange, vrange)
        out[(out == "") & (u >= a) & (u < b) & (vv >= c) & (vv < d)] = code
    return out


def zone_rows(code: str, document_code: str) -> dict:
    fz, name, pot, cut, h, regime, min_area, allowed, conditional, forbidden = UTR[code]
    return dict(document_code=document_code, code=code, functional_zone=fz, name=name,
                pot_max=float(pot), cut_max=float(cut), max_height_m=float(h),
                height_regime=regime, min_parcel_area=float(min_area), allowed_uses=allowed,
                conditional_uses=conditional, forbidden_uses=forbidden)


def plans(villages: list[Village], boundary) -> tuple[list[dict], list, list[dict], list]:
    """(documents, their geometries, zones, their geometries). A UTR code is one row per
    document: its pieces in every village form one MultiPolygon."""
    by_code: dict[str, list] = {}
    for v in villages:
        for code, piece in _paint(v, v.intravilan, SEAT_RULES if v.index == 0 else VILLAGE_RULES):
            by_code.setdefault(code, []).append(piece)
    seat = villages[0]
    puz_area = shapely.intersection(_rect(seat, *PUZ_AREA), seat.intravilan)
    puz = {code: [piece] for code, piece in _paint(seat, puz_area, PUZ_RULES)}
    zones, geoms = [], []
    for document_code, pieces in ((PUG_CODE, by_code), (PUZ_CODE, puz)):
        for code, parts in pieces.items():
            zones.append(zone_rows(code, document_code))
            geoms.append(polygonal(shapely.union_all(parts)))
    return DOCUMENTS, [boundary, polygonal(puz_area)], zones, geoms


def restrictions(villages: list[Village], boundary, main_road, power_line, stream) -> tuple[list[dict], list]:
    seat = villages[0]
    u0, u1, _, _ = seat.extent
    church_x, church_y = seat.to_xy(u0 + 0.47 * (u1 - u0), seat.pivot[1] + 35.0)
    rows = [
        dict(kind="road_protection", name="Zona de protecție a drumului județean DJ 798C",
             legal_basis="OG nr. 43/1997 privind regimul drumurilor, art. 19 și anexa nr. 1 "
                         "(20 m din axul drumului județean)"),
        dict(kind="power_line", name="Culoarul de trecere al LEA 110 kV Valea Verde – Livada",
             legal_basis="Ordinul ANRE nr. 239/2019, Norma tehnică privind delimitarea zonelor "
                         "de protecție și de siguranță aferente capacităților energetice, art. 4"),
        dict(kind="flood_zone", name="Zonă inundabilă Q1% — pârâul Valea Verde",
             legal_basis="Legea apelor nr. 107/1996, art. 40; hărțile de hazard și risc la "
                         "inundații, Administrația Bazinală de Apă Crișuri"),
        dict(kind="heritage", name="Zona de protecție a Bisericii de lemn „Sfinții Arhangheli” "
                                   "(monument istoric, cod LMI fictiv BH-II-m-B-01999)",
             legal_basis="Legea nr. 422/2001 privind protejarea monumentelor istorice, art. 59 "
                         "(100 m în intravilan)"),
    ]
    geoms = [shapely.buffer(main_road, 20.0), shapely.buffer(power_line, 18.5),
             shapely.buffer(stream, 90.0), shapely.Point(church_x, church_y).buffer(100.0)]
    geoms = [polygonal(shapely.intersection(g, boundary)) for g in geoms]
    return rows, geoms
