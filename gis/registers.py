"""The three registers side by side: cadastre, agricultural register, land tax.

`discrepancies()` lists what the tax office should look at: parcels without an assessment for
the year, plots whose declared area differs from the parcel's beyond a threshold, plots whose
use category differs from the cadastre's, and plots that lie outside every parcel.
`fiscal_view()` gathers, for one parcel, its plots, assessments and taxpayers (personal data:
the caller logs the view).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, text

AREA_THRESHOLD = 0.10


@dataclass(frozen=True)
class Discrepancy:
    kind: str          # parcel_without_assessment | area_mismatch | category_mismatch | plot_outside_parcels
    cadastral_number: str | None
    plot_id: str | None
    detail: str
    lon: float | None
    lat: float | None
    # the detail's values: the catalogue's "registers.<kind>" entry says it in the reader's language
    # (api/checks.py); `detail` stays the English line
    values: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        del out["values"]
        return out


def discrepancies(conn: Connection, uat: int, year: int, area_threshold: float = AREA_THRESHOLD) -> list[Discrepancy]:
    p = {"uat": uat, "year": year, "t": area_threshold}
    out: list[Discrepancy] = []
    point = "ST_X(ST_Transform(ST_PointOnSurface({g}), 4326)), ST_Y(ST_Transform(ST_PointOnSurface({g}), 4326))"
    for number, lon, lat in conn.execute(text(f"""
        SELECT p.cadastral_number, {point.format(g="p.geom")} FROM cadastre.parcel p
        WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
          AND NOT EXISTS (SELECT 1 FROM fiscal.tax_assessment a WHERE a.parcel_id = p.id AND a.year = :year)
        ORDER BY 1"""), p):  # noqa: S608 - a constant fragment
        out.append(Discrepancy("parcel_without_assessment", number, None,
                               f"no land tax assessment for {year}", lon, lat, {"year": year}))
    for number, code, declared, measured, lon, lat in conn.execute(text(f"""
        SELECT p.cadastral_number, a.code, a.declared_area::float, p.measured_area, {point.format(g="p.geom")}
        FROM agri.plot a JOIN cadastre.parcel p ON p.id = a.parcel_id AND p.valid_to IS NULL
        WHERE a.uat_siruta = :uat AND a.year = :year
          AND abs(a.declared_area - p.measured_area) > :t * p.measured_area ORDER BY 1"""), p):  # noqa: S608
        out.append(Discrepancy("area_mismatch", number, code,
                               f"declared {declared:.2f} m², measured {measured:.2f} m²", lon, lat,
                               {"declared": declared, "measured": measured}))
    for number, code, declared, cadastre, lon, lat in conn.execute(text(f"""
        SELECT p.cadastral_number, a.code, a.use_category, p.use_category, {point.format(g="p.geom")}
        FROM agri.plot a JOIN cadastre.parcel p ON p.id = a.parcel_id AND p.valid_to IS NULL
        WHERE a.uat_siruta = :uat AND a.year = :year AND a.use_category <> p.use_category ORDER BY 1"""), p):  # noqa: S608
        out.append(Discrepancy("category_mismatch", number, code,
                               f"register {declared}, cadastre {cadastre}", lon, lat,
                               {"register": declared, "cadastre": cadastre}))
    for code, lon, lat in conn.execute(text(f"""
        SELECT a.code, {point.format(g="a.geom")} FROM agri.plot a
        WHERE a.uat_siruta = :uat AND a.year = :year AND a.geom IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM cadastre.parcel p WHERE p.valid_to IS NULL
                          AND ST_Intersects(p.geom, a.geom) AND ST_Area(ST_Intersection(p.geom, a.geom)) >= 1)
        ORDER BY 1"""), p):  # noqa: S608
        out.append(Discrepancy("plot_outside_parcels", None, code, "no cadastral parcel under the plot", lon, lat, {}))
    return out


def fiscal_view(conn: Connection, parcel_id: int) -> dict:
    plots = conn.execute(text("""
        SELECT a.code, a.year, a.register_position, a.tarla, a.parcel_no, a.use_category,
               a.declared_area::float, t.name AS holder, t.kind AS holder_kind
        FROM agri.plot a LEFT JOIN fiscal.taxpayer t ON t.id = a.holder_id
        WHERE a.parcel_id = :id ORDER BY a.year DESC, a.code"""), {"id": parcel_id}).mappings().all()
    assessments = conn.execute(text("""
        SELECT a.year, a.object_kind, a.use_category, a.zone, a.intravilan, a.area::float,
               a.amount::float, a.paid::float, (a.amount - a.paid)::float AS due,
               t.code AS taxpayer_code, t.name AS taxpayer, t.kind AS taxpayer_kind,
               t.id_code, t.tax_account, t.address
        FROM fiscal.tax_assessment a JOIN fiscal.taxpayer t ON t.id = a.taxpayer_id
        WHERE a.parcel_id = :id ORDER BY a.year DESC"""), {"id": parcel_id}).mappings().all()
    return {"plots": [dict(r) for r in plots], "assessments": [dict(r) for r in assessments]}
