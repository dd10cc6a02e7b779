"""The UATs a deployment serves (`teritoriu uat add|list`): one row each in territory.uat with
its boundary in the storage CRS and its own settings (territory.uat.settings: emblem,
signatories, fee table, basemap — read by whatever needs them, with the deployment's defaults)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import text

from gis.db import session_scope
from gis.payment import check_uat_settings
from gis.profiles import get_profile
from gis.settings import Settings

KINDS = ("comună", "oraș", "municipiu", "sector")

# A UAT's code as it arrives in a URL or a form (SIRUTA in Romania, CUATM in Moldova): ASCII digits,
# at most nine, so it always fits the database's integer ("²".isdigit() is true, and 10**20 is not
# an integer PostgreSQL takes: both were 500s).
_UAT_CODE = re.compile(r"[0-9]{1,9}")
MAX_UAT_CODE = 999_999_999


def is_uat_code(raw) -> bool:
    return isinstance(raw, str) and _UAT_CODE.fullmatch(raw) is not None

# A UAT's name in the genitive, as the authority is named on acts and letterheads ("Primăria
# Comunei Valea Verde", "nomenclatura stradală a Municipiului Oradea"): the name is stored in the
# nominative with its kind ("Comuna Valea Verde"); a name without a known kind word stays as it is.
_GENITIVE = {"Comuna": "Comunei", "Orașul": "Orașului", "Municipiul": "Municipiului", "Sectorul": "Sectorului"}


def genitive(name: str) -> str:
    first, _, rest = name.partition(" ")
    return f"{_GENITIVE[first]} {rest}" if first in _GENITIVE and rest else name


def in_text(name: str) -> str:
    """The name inside a sentence: "situat în comuna Valea Verde"."""
    first, _, rest = name.partition(" ")
    return f"{first.lower()} {rest}" if first in _GENITIVE and rest else name


def genitive_in_text(name: str) -> str:
    """The genitive inside a sentence: the kind word in lower case ("a comunei Valea Verde")."""
    first, _, rest = genitive(name).partition(" ")
    return f"{first.lower()} {rest}" if name.partition(" ")[0] in _GENITIVE and rest else name


def read_boundary(path: Path, storage_srid: int):
    """The boundary in a file (any format GDAL reads), as one valid MultiPolygon in the storage CRS."""
    import geopandas as gpd
    from shapely.geometry import MultiPolygon
    from shapely.validation import make_valid

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - GDAL's reasons are many; the person needs the file name
        raise ValueError(f"cannot read {path.name}: {exc}") from None
    if frame.empty or frame.crs is None:
        raise ValueError(f"{path.name} has no features or no CRS")
    shape = make_valid(frame.to_crs(epsg=storage_srid).union_all())
    polygons = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type == "Polygon"]
    if shape.geom_type == "MultiPolygon":
        polygons = list(shape.geoms)
    if not polygons:
        raise ValueError(f"{path.name} holds no polygon")
    return MultiPolygon(polygons)


def add_uat(settings: Settings, siruta: int, name: str, county: str, kind: str, boundary: Path,
            uat_settings: dict | None = None) -> float:
    """Insert a UAT; returns its area in km². Refuses a SIRUTA in use or a boundary that
    overlaps another UAT's (more than 1 % of its area: the usual slivers between surveys)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    check_uat_settings(uat_settings or {})  # e.g. a treasury IBAN that fails its check (gis.payment)
    srid = get_profile(settings.profile).storage_srid
    geom = read_boundary(boundary, srid)
    with session_scope(settings, actor="cli:uat-add") as s:
        if s.execute(text("SELECT 1 FROM territory.uat WHERE siruta = :s"), {"s": siruta}).first():
            raise ValueError(f"UAT {siruta} exists")
        clash = s.execute(text("""
            SELECT name FROM territory.uat
            WHERE ST_Intersects(geom, ST_GeomFromWKB(:g, :srid))
              AND ST_Area(ST_Intersection(geom, ST_GeomFromWKB(:g, :srid))) > 0.01 * ST_Area(ST_GeomFromWKB(:g, :srid))
            LIMIT 1"""), {"g": geom.wkb, "srid": srid}).scalar()
        if clash:
            raise ValueError(f"the boundary overlaps UAT {clash}")
        s.execute(text("INSERT INTO territory.uat (siruta, name, county, kind, settings, geom) "
                       "VALUES (:s, :n, :c, :k, CAST(:set AS jsonb), ST_Multi(ST_GeomFromWKB(:g, :srid)))"),
                  {"s": siruta, "n": name, "c": county, "k": kind, "set": json.dumps(uat_settings or {}),
                   "g": geom.wkb, "srid": srid})
    return geom.area / 1e6


def list_uats(settings: Settings) -> list[dict]:
    with session_scope(settings, actor="cli:uat-list") as s:
        return [dict(r) for r in s.execute(text(
            "SELECT u.siruta, u.name, u.county, u.kind, round((ST_Area(u.geom) / 1e6)::numeric, 2) AS km2,"
            " (SELECT count(*) FROM cadastre.parcel p WHERE p.uat_siruta = u.siruta AND p.valid_to IS NULL) AS parcels"
            " FROM territory.uat u ORDER BY u.name")).mappings()]
