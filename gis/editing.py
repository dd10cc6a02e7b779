"""Editing the cadastral layer: validation in PostGIS on every save, optimistic locking,
history and restore. Errors stop a save; warnings do not (an officer may save with them).

Problems carry their location (GeoJSON in CRS84) so that the map can highlight them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from shapely.geometry import shape
from sqlalchemy import Connection, text

from gis.coded_errors import CodedError
from gis.db import get_engine, set_actor
from gis.profiles import get_profile
from gis.relinking import Move, relink
from gis.settings import Settings
from gis.snapping import keep_surveyed, snap
from gis.tolerances import AREA_SHARE, EDIT_GAP_WIDTH_M, INTRAVILAN_SHARE, MIN_PIECE_M2, OVERLAP_M2
from gis.topology import slivers, thin_holes

FIELDS = ("cadastral_number", "land_book_number", "eterra_id", "legal_area", "use_category",
          "intravilan", "tarla", "parcel_no", "locality_siruta", "legal_area_computed")
# the land book number of a piece whose documentation leaves it to the land registry office to assign
LAND_BOOK_TO_ASSIGN = "de atribuit"


@dataclass(frozen=True)
class Problem:
    severity: str          # error | warning
    code: str
    message: str
    location: dict | None  # GeoJSON geometry in CRS84
    # the message's values, by name: the catalogue's "editing.<code>[.<variant>]" entry says it in the
    # reader's language (api/editing_texts.py); `message` stays the English log line
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    """The tolerances of the validation (settings: edit_gap_width_m, edit_area_tolerance)."""
    gap_width_m: float = EDIT_GAP_WIDTH_M  # a strip narrower than this between neighbours is a sliver
    area_tolerance: float = AREA_SHARE     # measured vs legal area: a warning beyond ±2 %
    profile: str = "RO"            # the national rule for cadastral numbers

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        return cls(settings.edit_gap_width_m, settings.edit_area_tolerance, settings.profile)


class ValidationFailed(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems if p.severity == "error"))
        self.problems = problems


class VersionConflict(RuntimeError):
    """The parcel changed since the editor loaded it."""

    def __init__(self, current: dict, changed: list[str]):
        super().__init__(f"the parcel changed since you loaded it (now version {current['version']}): "
                         f"{', '.join(changed) or 'retired'}")
        self.current = current
        self.changed = changed


class NotFound(CodedError, LookupError):
    pass


class Refused(CodedError, ValueError):
    """An edit that cannot be made as asked (a 400); the message says why."""


def _geojson(conn: Connection, sql: str, params: dict) -> dict | None:
    raw = conn.execute(text(sql), params).scalar_one_or_none()
    return json.loads(raw) if raw else None


def validate(conn: Connection, uat: int, geometry: dict, cadastral_number: str,
             legal_area: float | None, srid: int, exclude_id: int | None = None,
             rules: Rules = Rules(), reuse_retired: bool = False) -> list[Problem]:
    """Every rule, in PostGIS, for a parcel about to be saved (`geometry`: GeoJSON in `srid`).
    The number of a retired parcel is refused unless `reuse_retired` (the officer confirmed)."""
    p = {"g": json.dumps(geometry), "srid": srid, "uat": uat, "n": cadastral_number,
         "x": exclude_id or 0, "tol": rules.gap_width_m, "min": OVERLAP_M2}
    g = "ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid)"
    problems: list[Problem] = []
    valid, reason, where = conn.execute(text(
        f"SELECT ST_IsValid({g}), ST_IsValidReason({g}), "
        f"ST_AsGeoJSON(ST_Transform(ST_SetSRID((ST_IsValidDetail({g})).location, :srid), 4326))"), p).one()
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return [Problem("error", "geometry_type", "a parcel must be a polygon", None)]
    if not valid:
        return [Problem("error", "invalid_geometry",
                        f"the outline is not valid ({reason}); check for crossing or repeated edges",
                        json.loads(where) if where else None, {"reason": reason})]
    outside = _geojson(conn, f"""
        SELECT ST_AsGeoJSON(ST_Transform(ST_Difference({g}, u.geom), 4326))
        FROM territory.uat u WHERE u.siruta = :uat AND NOT ST_CoveredBy({g}, u.geom)""", p)  # noqa: S608 - g is the constant GeoJSON expression above
    if outside:
        problems.append(Problem("error", "outside_uat", "the parcel extends outside the UAT boundary", outside))
    for number, area, loc in conn.execute(text(f"""
        SELECT q.cadastral_number, ST_Area(ST_Intersection(q.geom, {g})),
               ST_AsGeoJSON(ST_Transform(ST_Intersection(q.geom, {g}), 4326))
        FROM cadastre.parcel q
        WHERE q.uat_siruta = :uat AND q.valid_to IS NULL AND q.id <> :x AND ST_Intersects(q.geom, {g})
          AND ST_Area(ST_Intersection(q.geom, {g})) >= :min"""), p):  # noqa: S608 - g is the constant GeoJSON expression above
        problems.append(Problem("error", "overlap",
                                f"overlaps parcel {number} by {area:.2f} m²", json.loads(loc),
                                {"number": number, "area": area}))
    for _, number, area, loc in slivers(conn, uat, rules.gap_width_m, {"geometry": geometry,
                                        "cadastral_number": cadastral_number}, srid, exclude_id):
        problems.append(Problem("error", "gap",
                                f"leaves a sliver of {area:.2f} m² (narrower than {rules.gap_width_m} m) "
                                f"against parcel {number}: snap the shared edge", loc,
                                {"variant": "sliver", "area": area, "width": rules.gap_width_m, "number": number}))
    for area, loc, numbers in thin_holes(conn, uat, rules.gap_width_m, {"geometry": geometry,
                                         "cadastral_number": cadastral_number}, srid, exclude_id):
        problems.append(Problem("error", "gap", f"leaves a gap of {area:.2f} m² narrower than {rules.gap_width_m} m "
                                f"between it and {', '.join(numbers)}: snap the edges", loc,
                                {"variant": "hole", "area": area, "width": rules.gap_width_m,
                                 "numbers": ", ".join(numbers)}))
    national = get_profile(rules.profile)
    if not national.valid_cadastral_number(cadastral_number):
        problems.append(Problem("error", "number_format", national.not_a_cadastral_number(cadastral_number), None,
                                {"number": cadastral_number, "example": national.cadastral_example}))
    duplicate = conn.execute(text(
        "SELECT 1 FROM cadastre.parcel WHERE uat_siruta = :uat AND cadastral_number = :n "
        "AND valid_to IS NULL AND id <> :x"), p).first()
    if duplicate:
        problems.append(Problem("error", "duplicate_number",
                                f"cadastral number {cadastral_number} is already used in this UAT", None,
                                {"number": cadastral_number}))
    # retired before this transaction (valid_to < now()): a merge may keep the number of one of its parts
    elif not reuse_retired and conn.execute(text(
            "SELECT 1 FROM cadastre.parcel WHERE uat_siruta = :uat AND cadastral_number = :n "
            "AND valid_to < now() AND id <> :x LIMIT 1"), p).first():
        problems.append(Problem("error", "retired_number",
                                f"cadastral number {cadastral_number} belonged to a retired parcel: reuse it only "
                                "if the documentation says so, and confirm (reuse_retired_number)", None,
                                {"number": cadastral_number}))
    measured = conn.execute(text(f"SELECT ST_Area({g})"), p).scalar_one()
    if legal_area and abs(measured - float(legal_area)) / float(legal_area) > rules.area_tolerance:
        problems.append(Problem("warning", "area_difference",
                                f"measured area {measured:.2f} m² differs from the legal area "
                                f"{float(legal_area):.2f} m² by more than {rules.area_tolerance:.0%}", None,
                                {"measured": measured, "legal": float(legal_area), "share": rules.area_tolerance}))
    return problems


def _row(conn: Connection, parcel_id: int, lock: bool = False) -> dict:
    """A parcel's fields and outline (GeoJSON with 15 decimals: the stored coordinates exactly; the
    default 9 moved a vertex by nanometres, enough for a shared edge to stop touching on the next save)."""
    row = conn.execute(text(
        "SELECT id, uat_siruta, version, valid_to, " + ", ".join(FIELDS) +  # noqa: S608 - FIELDS is this module's constant
        ", ST_AsGeoJSON(geom, 15)::json AS geometry, round(measured_area::numeric, 2) AS measured_area "
        "FROM cadastre.parcel WHERE id = :id"
        + (" FOR UPDATE" if lock else "")), {"id": parcel_id}).mappings().one_or_none()
    if row is None:
        raise NotFound(f"no parcel with id {parcel_id}", "parcel.not_found_id", id=parcel_id)
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def _check(conn, data: dict, uat: int, srid: int, exclude_id: int | None, accept_warnings: bool,
           rules: Rules = Rules(), reuse_retired: bool = False):
    """Validate `data` before it is saved; its cadastral number is rewritten in the profile's
    canonical spelling (0300201123 → 0300.201.123 in Moldova), as the importers store it."""
    data["cadastral_number"] = get_profile(rules.profile).normalise_cadastral_number(data["cadastral_number"])
    problems = validate(conn, uat, data["geometry"], data["cadastral_number"], data.get("legal_area"),
                        srid, exclude_id, rules, reuse_retired)
    errors = [p for p in problems if p.severity == "error"]
    if errors or (problems and not accept_warnings):
        raise ValidationFailed(problems)
    return problems


def _insert(conn, uat: int, data: dict, srid: int) -> int:
    return conn.execute(text("""
        INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, land_book_number, legal_area,
            legal_area_computed, use_category, intravilan, tarla, parcel_no, locality_siruta, geom)
        VALUES (:uat, :cadastral_number, :land_book_number, :legal_area, :legal_area_computed, :use_category,
                :intravilan, :tarla, :parcel_no, :locality_siruta,
                ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid))) RETURNING id"""),
        {**{f: data.get(f) for f in FIELDS}, "legal_area_computed": bool(data.get("legal_area_computed")),
         "uat": uat, "g": json.dumps(data["geometry"]), "srid": srid}).scalar_one()


def intravilan_of(conn: Connection, uat: int, geometry: dict, srid: int) -> tuple[bool, int | None, Problem]:
    """Whether a new outline is intravilan, from the intravilan boundaries (territory.locality):
    intravilan when at least INTRAVILAN_SHARE of its area lies inside one; with the locality
    holding most of it and a note that cites the rule and the share."""
    share, siruta, name = conn.execute(text("""
        WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid) AS g)
        SELECT coalesce(sum(ST_Area(ST_Intersection(l.geom, g.g))), 0) / nullif(ST_Area(g.g), 0),
               (array_agg(l.siruta ORDER BY ST_Area(ST_Intersection(l.geom, g.g)) DESC))[1],
               (array_agg(l.name ORDER BY ST_Area(ST_Intersection(l.geom, g.g)) DESC))[1]
        FROM g LEFT JOIN territory.locality l ON l.uat_siruta = :uat AND ST_Intersects(l.geom, g.g)
        GROUP BY g.g"""), {"g": json.dumps(geometry), "srid": srid, "uat": uat}).one()
    share = float(share or 0)
    inside = share >= INTRAVILAN_SHARE
    where = f" of {name}" if name else ""
    note = Problem("info", "intravilan", f"{'intravilan' if inside else 'extravilan'}: {share:.0%} of the area lies "
                   f"inside the intravilan boundary{where} (rule: intravilan from {INTRAVILAN_SHARE:.0%} of the area)",
                   None, {"variant": ("inside" if inside else "outside") + ("_of" if name else ""), "share": share,
                          "place": name or "",
                          "rule": INTRAVILAN_SHARE})
    return inside, (siruta if inside else None), note


def _placed(conn, uat: int, data: dict, srid: int, notes: list[Problem]) -> dict:
    """A new parcel's intravilan flag (and locality) as its outline decides, never a default."""
    inside, siruta, note = intravilan_of(conn, uat, data["geometry"], srid)
    notes.append(note)
    return {**data, "intravilan": inside, "locality_siruta": data.get("locality_siruta") or siruta}


@contextmanager
def _transaction(settings: Settings, actor: str, preview: bool = False) -> Iterator[Connection]:
    """One transaction; a `preview` runs every step and rule, then rolls back: the answer shows
    what the save would do (pieces, problems, moved links) and nothing is kept."""
    with get_engine(settings, "app").connect() as conn:
        tx = conn.begin()
        try:
            set_actor(conn, actor)
            yield conn
        except BaseException:
            tx.rollback()
            raise
        if preview:
            tx.rollback()
        else:
            tx.commit()


def snapped(conn, settings: Settings, uat: int, data: dict, srid: int, exclude: tuple[int, ...],
            problems: list[Problem]) -> dict:
    """`data` with its geometry snapped onto the neighbours; a note in `problems` if anything moved."""
    geometry, moved = snap(conn, uat, data["geometry"], srid, settings.snap_tolerance_m, exclude)
    if moved:
        problems.append(Problem("info", "snapped", f"{moved} vertices snapped onto neighbouring parcels "
                                f"(within {settings.snap_tolerance_m} m)", None,
                                {"n": moved, "tolerance": settings.snap_tolerance_m}))
    return {**data, "geometry": geometry}


def create(settings: Settings, uat: int, data: dict, actor: str, srid: int,
           accept_warnings: bool = False, snap_to_neighbours: bool = False, reuse_retired: bool = False,
           preview: bool = False) -> tuple[dict, list[Problem], list[Move]]:
    with _transaction(settings, actor, preview) as conn:
        notes: list[Problem] = []
        if snap_to_neighbours:
            data = snapped(conn, settings, uat, data, srid, (), notes)
        data = _placed(conn, uat, {**data, "legal_area_computed": False}, srid, notes)
        problems = _check(conn, data, uat, srid, None, accept_warnings, Rules.of(settings), reuse_retired)
        new = _insert(conn, uat, data, srid)
        return _row(conn, new), notes + problems, relink(conn, uat, [new])


def update(settings: Settings, parcel_id: int, expected_version: int, data: dict, actor: str,
           srid: int, accept_warnings: bool = False, snap_to_neighbours: bool = False,
           sketch: bool = False, reuse_retired: bool = False,
           preview: bool = False) -> tuple[dict, list[Problem], list[Move]]:
    """Save changes made on `expected_version`; a newer version in the database is a conflict.
    A `sketch` geometry (edited on the web map) keeps the exact coordinates of the vertices
    that were not moved. What hangs on the parcel and on the ground it gains or loses is re-linked."""
    with _transaction(settings, actor, preview) as conn:
        current = _row(conn, parcel_id, lock=True)
        if current["valid_to"] is not None or current["version"] != expected_version:
            changed = [f for f in (*FIELDS, "geometry") if f in data and data[f] != current[f]]
            raise VersionConflict(current, changed)
        if sketch and "geometry" in data:
            data = {**data, "geometry": keep_surveyed(data["geometry"], current["geometry"])}
        notes: list[Problem] = []
        if snap_to_neighbours and "geometry" in data:
            data = snapped(conn, settings, current["uat_siruta"], data, srid, (parcel_id,), notes)
        merged = {**{f: current[f] for f in FIELDS}, "geometry": current["geometry"], **data}
        if "legal_area" in data and data["legal_area"] != current["legal_area"]:
            merged["legal_area_computed"] = False  # typed from the documentation
        problems = _check(conn, merged, current["uat_siruta"], srid, parcel_id, accept_warnings,
                          Rules.of(settings), reuse_retired)
        before = conn.execute(text("SELECT ST_AsGeoJSON(geom, 15)::json FROM cadastre.parcel WHERE id = :id"),
                              {"id": parcel_id}).scalar_one()
        conn.execute(text("""
            UPDATE cadastre.parcel SET cadastral_number = :cadastral_number,
                land_book_number = :land_book_number, eterra_id = :eterra_id, legal_area = :legal_area,
                use_category = :use_category, intravilan = :intravilan, tarla = :tarla,
                parcel_no = :parcel_no, locality_siruta = :locality_siruta,
                legal_area_computed = :legal_area_computed,
                geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid))
            WHERE id = :id"""), {**{f: merged[f] for f in FIELDS}, "g": json.dumps(merged["geometry"]),
                                 "srid": srid, "id": parcel_id})
        moves = relink(conn, current["uat_siruta"], [parcel_id, *_touched(conn, current["uat_siruta"], before, srid)])
        return _row(conn, parcel_id), notes + problems, moves


def _touched(conn, uat: int, old_geometry: dict, srid: int) -> list[int]:
    """The current parcels next to an outline as it was (they may have lost or gained ground)."""
    return list(conn.execute(text(
        "SELECT id FROM cadastre.parcel WHERE uat_siruta = :uat AND valid_to IS NULL "
        "AND ST_DWithin(geom, ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid), 0.01)"),
        {"uat": uat, "g": json.dumps(old_geometry), "srid": srid}).scalars())


def _lock_current(conn, parcel_id: int, expected_version: int) -> dict:
    current = _row(conn, parcel_id, lock=True)
    if current["valid_to"] is not None or current["version"] != expected_version:
        raise VersionConflict(current, [])
    return current


def _lineage(conn, parents: list[int], children: list[int], operation: str, actor: str) -> None:
    conn.execute(text("INSERT INTO cadastre.parcel_lineage (parent_id, child_id, operation, actor) "
                      "SELECT p, c, :op, :actor FROM unnest(CAST(:ps AS bigint[])) p, "
                      "unnest(CAST(:cs AS bigint[])) c"),
                 {"ps": parents, "cs": children, "op": operation, "actor": actor})


def _legal_areas(parent: float | None, measured: list[float], given: list[float | None]) -> list[tuple]:
    """Each piece's legal area and whether it was computed: as documented, or the parent's legal
    area left over by the documented pieces, shared in proportion to the measured areas (the
    last computed piece takes the rounding, so the pieces add up to the parent exactly)."""
    missing = [i for i, g in enumerate(given) if g is None]
    if not missing or parent is None:
        return [(g, False) for g in given]
    left = round(parent - sum(g for g in given if g is not None), 2)
    if left <= 0:
        raise ValidationFailed([Problem("error", "legal_area", f"the documented legal areas already add up to "
                                        f"the parcel's {parent:.2f} m²: give every piece its legal area", None,
                                        {"area": parent})])
    total = sum(measured[i] for i in missing)
    out: list[tuple] = [(g, False) for g in given]
    for i in missing[:-1]:
        out[i] = (round(left * measured[i] / total, 2), True)
    out[missing[-1]] = (round(left - sum(out[i][0] for i in missing[:-1]), 2), True)
    return out


def split(settings: Settings, parcel_id: int, expected_version: int, line: dict, actor: str, srid: int,
          pieces: list[dict] | None = None, reuse_retired: bool = False,
          preview: bool = False) -> tuple[list[dict], list[Problem], list[Move]]:
    """Split a parcel along a line (GeoJSON in `srid`) that crosses it from edge to edge: the
    parcel is retired and each piece (largest first) becomes a new parcel, in one transaction.
    `pieces` follow the surveyor's documentation: per piece its cadastral_number (default
    `<number>/1`, `/2`... until the office of cadastre assigns theirs), legal_area (default: the
    parent's shared in proportion, marked computed) and land_book_number (default "de atribuit")."""
    if line.get("type") != "LineString":
        raise Refused("the split line must be a GeoJSON LineString", "editing.split_line_type")
    with _transaction(settings, actor, preview) as conn:
        current = _lock_current(conn, parcel_id, expected_version)
        cut = conn.execute(text("""
            SELECT ST_AsGeoJSON(d.geom, 15)::json, ST_Area(d.geom) FROM cadastre.parcel p,
                   ST_Dump(ST_Split(p.geom, ST_SetSRID(ST_GeomFromGeoJSON(:l), :srid))) d
            WHERE p.id = :id ORDER BY ST_Area(d.geom) DESC"""),
            {"id": parcel_id, "l": json.dumps(line), "srid": srid}).all()
        if len(cut) < 2:
            raise ValidationFailed([Problem("error", "split_line", "the line must cross the parcel "
                                            "from one edge to another", None)])
        small = [area for _, area in cut if area < MIN_PIECE_M2]
        if small:
            raise ValidationFailed([Problem("error", "split_piece", f"the line leaves a piece of "
                                            f"{small[0]:.2f} m²: draw it across the parcel", None,
                                            {"area": small[0]})])
        pieces = pieces or [{} for _ in cut]
        if len(pieces) != len(cut):
            raise Refused(f"the line makes {len(cut)} pieces but {len(pieces)} were described", "editing.split_count",
                          cut=len(cut), described=len(pieces))
        areas = _legal_areas(current["legal_area"], [a for _, a in cut], [q.get("legal_area") for q in pieces])
        conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :id"), {"id": parcel_id})
        children, problems = [], []
        for i, ((geometry, _), given, (legal, computed)) in enumerate(zip(cut, pieces, areas, strict=True), 1):
            piece = {**{f: current[f] for f in FIELDS}, "geometry": geometry, "eterra_id": None,
                     "cadastral_number": given.get("cadastral_number") or f"{current['cadastral_number']}/{i}",
                     "land_book_number": given.get("land_book_number") or LAND_BOOK_TO_ASSIGN,
                     "legal_area": legal, "legal_area_computed": computed}
            notes: list[Problem] = []
            piece = _placed(conn, current["uat_siruta"], piece, srid, notes)
            problems += notes + _check(conn, piece, current["uat_siruta"], srid, None, True, Rules.of(settings),
                                       reuse_retired)
            children.append(_insert(conn, current["uat_siruta"], piece, srid))
        _lineage(conn, [parcel_id], children, "split", actor)
        moves = relink(conn, current["uat_siruta"], [parcel_id, *children])
        return [_row(conn, c) for c in children], problems, moves


def merge(settings: Settings, parts: list[tuple[int, int]], data: dict, actor: str, srid: int,
          accept_warnings: bool = False, reuse_retired: bool = False,
          preview: bool = False) -> tuple[dict, list[Problem], list[Move]]:
    """Merge adjacent parcels ([(id, version), ...]) into one new parcel with `data`
    (cadastral_number; land_book_number, default "de atribuit"; use_category when the parts
    disagree). Its legal area is the sum of the parts' (none when a part has none); intravilan
    follows the boundary."""
    ids = [i for i, _ in parts]
    if len(set(ids)) < 2:
        raise Refused("choose at least two different parcels to merge", "editing.merge_two")
    if not str(data.get("cadastral_number") or "").strip():
        raise Refused("the merged parcel needs its cadastral number", "editing.merge_number")
    with _transaction(settings, actor, preview) as conn:
        rows = [_lock_current(conn, i, v) for i, v in parts]
        uats = {r["uat_siruta"] for r in rows}
        if len(uats) > 1:
            raise Refused("the parcels belong to different UATs", "editing.merge_uats")
        uat = uats.pop()
        union, count = conn.execute(text(
            "SELECT ST_AsGeoJSON(ST_Union(geom), 15)::json, ST_NumGeometries(ST_Multi(ST_Union(geom))) "
            "FROM cadastre.parcel WHERE id = ANY(:ids)"), {"ids": ids}).one()
        if count != 1:
            raise ValidationFailed([Problem("error", "not_adjacent", "the parcels do not share an edge: "
                                            "only neighbouring parcels can be merged", None)])
        largest = max(rows, key=lambda r: shape(r["geometry"]).area)
        merged = {**{f: largest[f] for f in FIELDS}, "eterra_id": None,
                  "land_book_number": str(data.get("land_book_number") or "").strip() or LAND_BOOK_TO_ASSIGN,
                  "cadastral_number": str(data["cadastral_number"]).strip(), "geometry": union,
                  "legal_area": (round(sum(r["legal_area"] for r in rows), 2)
                                 if all(r["legal_area"] for r in rows) else None),
                  "legal_area_computed": (all(r["legal_area"] for r in rows)
                                          and any(r["legal_area_computed"] for r in rows))}
        categories = {r["use_category"] for r in rows}
        if data.get("use_category"):
            merged["use_category"] = data["use_category"]
        elif len(categories) > 1:
            raise Refused(f"the parcels have different use categories ({', '.join(sorted(categories))}): "
                          "choose the merged parcel's use_category", "editing.merge_categories",
                          categories=", ".join(sorted(categories)))
        for i in ids:
            conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :id"), {"id": i})
        notes: list[Problem] = []
        merged = _placed(conn, uat, {**merged, "locality_siruta": None}, srid, notes)
        problems = _check(conn, merged, uat, srid, None, accept_warnings, Rules.of(settings), reuse_retired)
        child = _insert(conn, uat, merged, srid)
        _lineage(conn, ids, [child], "merge", actor)
        return _row(conn, child), notes + problems, relink(conn, uat, [*ids, child])


def retire(settings: Settings, parcel_id: int, expected_version: int, actor: str) -> dict:
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        _lock_current(conn, parcel_id, expected_version)
        conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id = :id"), {"id": parcel_id})
        return _row(conn, parcel_id)


def history(conn: Connection, parcel_id: int) -> list[dict]:
    """Every version, oldest first, with its validity."""
    rows = conn.execute(text("""
        SELECT version, valid_from, valid_to, cadastral_number, legal_area::float,
               round(measured_area::numeric, 2)::float AS measured_area, use_category,
               ST_AsGeoJSON(ST_Transform(geom, 4326))::json AS geometry
        FROM (SELECT * FROM cadastre.parcel_history WHERE id = :id
              UNION ALL SELECT * FROM cadastre.parcel WHERE id = :id) v ORDER BY version"""),
        {"id": parcel_id}).mappings().all()
    if not rows:
        raise NotFound(f"no parcel with id {parcel_id}", "parcel.not_found_id", id=parcel_id)
    return [dict(r) for r in rows]


def lineage(conn: Connection, parcel_id: int) -> dict:
    """The parcels this one was split or merged from, and those it became."""
    rows = conn.execute(text("""
        SELECT 'parent' AS role, l.operation, l.at, p.id, p.cadastral_number FROM cadastre.parcel_lineage l
          JOIN cadastre.parcel p ON p.id = l.parent_id WHERE l.child_id = :id
        UNION ALL
        SELECT 'child', l.operation, l.at, p.id, p.cadastral_number FROM cadastre.parcel_lineage l
          JOIN cadastre.parcel p ON p.id = l.child_id WHERE l.parent_id = :id ORDER BY 3, 4"""),
        {"id": parcel_id}).mappings().all()
    out: dict = {"from": [], "into": []}
    for r in rows:
        out["from" if r["role"] == "parent" else "into"].append(
            {"id": r["id"], "cadastral_number": r["cadastral_number"], "operation": r["operation"],
             "at": r["at"].isoformat()})
    return out


def for_editing(conn: Connection, parcel_id: int | None = None, uat: int | None = None,
                lon: float | None = None, lat: float | None = None) -> dict:
    """A parcel as the editing map needs it: its fields and version, the outline as stored
    (EPSG storage) and in CRS84 for drawing. By id, or the current parcel at a point."""
    if parcel_id is None:
        parcel_id = conn.execute(text("""
            SELECT id FROM cadastre.parcel WHERE uat_siruta = :uat AND valid_to IS NULL
              AND ST_Intersects(geom, ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), ST_SRID(geom)))
            LIMIT 1"""), {"uat": uat, "lon": lon, "lat": lat}).scalar_one_or_none()
        if parcel_id is None:
            raise NotFound("no current parcel here", "parcel.not_found_here")
    row = _row(conn, parcel_id)
    extra = conn.execute(text("""
        SELECT ST_AsGeoJSON(ST_Transform(geom, 4326), 9)::json, round(measured_area::numeric, 2)::float,
               round(ST_Perimeter(geom)::numeric, 2)::float FROM cadastre.parcel WHERE id = :id"""),
        {"id": parcel_id}).one()
    row["valid_to"] = row["valid_to"].isoformat() if row["valid_to"] else None
    return {**row, "geometry_crs84": extra[0], "measured_area": extra[1], "perimeter": extra[2]}


def neighbours(conn: Connection, uat: int, bbox: tuple[float, float, float, float], limit: int = 3000) -> dict:
    """Current parcels in a CRS84 box as GeoJSON (id, number): what the map snaps to."""
    raw = conn.execute(text("""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', id, 'properties', json_build_object('n', cadastral_number),
            'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 8)::json)), '[]'))
        FROM (SELECT id, cadastral_number, geom FROM cadastre.parcel
              WHERE uat_siruta = :uat AND valid_to IS NULL
                AND geom && ST_Transform(ST_MakeEnvelope(:w, :s, :e, :n, 4326), ST_SRID(geom))
              LIMIT :limit) p"""),
        {"uat": uat, "w": bbox[0], "s": bbox[1], "e": bbox[2], "n": bbox[3], "limit": limit}).scalar_one()
    return raw


def add_address_point(settings: Settings, uat: int, data: dict, actor: str, srid: int) -> tuple[dict, list[Problem]]:
    """A new address point on a street of the UAT: inside the UAT, a number not yet used on
    the street; linked to the parcel under it."""
    number, suffix = data["number"], str(data.get("suffix") or "").strip().upper()
    p = {"uat": uat, "s": data["street_id"], "n": number, "suf": suffix, "g": json.dumps(data["geometry"]),
         "srid": srid, "pc": data.get("postal_code") or None}
    g = "ST_SetSRID(ST_GeomFromGeoJSON(:g), :srid)"
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        street = conn.execute(text("SELECT street_type || ' ' || name FROM streets.street WHERE id = :s "
                                   "AND uat_siruta = :uat AND valid_to IS NULL"), p).scalar_one_or_none()
        if street is None:
            raise NotFound(f"no current street with id {data['street_id']} in this UAT", "editing.no_street",
                           id=data["street_id"])
        problems = []
        if not conn.execute(text(f"SELECT ST_Covers(geom, {g}) FROM territory.uat WHERE siruta = :uat"),  # noqa: S608 - g is the constant GeoJSON expression above
                            p).scalar_one():
            problems.append(Problem("error", "outside_uat", "the address point is outside the UAT", None,
                                    {"variant": "address"}))
        if conn.execute(text("SELECT 1 FROM streets.address_point WHERE street_id = :s AND number = :n "
                             "AND suffix = :suf AND block = '' AND entrance = '' AND valid_to IS NULL"), p).first():
            problems.append(Problem("error", "duplicate_address",
                                    f"{street} nr. {number}{suffix} already exists", None,
                                    {"address": f"{street} nr. {number}{suffix}"}))
        if problems:
            raise ValidationFailed(problems)
        parcel = data.get("parcel_id") or conn.execute(text(
            f"SELECT id FROM cadastre.parcel WHERE uat_siruta = :uat AND valid_to IS NULL "  # noqa: S608 - g is the constant GeoJSON expression above
            f"AND ST_Intersects(geom, {g}) LIMIT 1"), p).scalar_one_or_none()
        if parcel is None:
            problems.append(Problem("warning", "no_parcel", "the point is on no parcel", None))
        row = conn.execute(text(f"""
            INSERT INTO streets.address_point (uat_siruta, street_id, number, suffix, postal_code, parcel_id, geom)
            VALUES (:uat, :s, :n, :suf, :pc, :parcel, {g})
            RETURNING id, street_id, number, suffix, postal_code, parcel_id, version"""),  # noqa: S608 - g is the constant GeoJSON expression above
            {**p, "parcel": parcel}).mappings().one()
        return {**row, "label": f"{street} nr. {number}{suffix}"}, problems


def restore(settings: Settings, parcel_id: int, version: int, actor: str, srid: int,
            preview: bool = False) -> tuple[dict, list[Problem], list[Move]]:
    """Make an old version current again (as a new version; the validation rules apply)."""
    with get_engine(settings, "app").connect() as conn:
        old = conn.execute(text(
            "SELECT " + ", ".join(FIELDS) + ", ST_AsGeoJSON(geom, 15)::json AS geometry "
            "FROM cadastre.parcel_history WHERE id = :id AND version = :v"),  # noqa: S608
            {"id": parcel_id, "v": version}).mappings().one_or_none()
        current = _row(conn, parcel_id)
    if old is None:
        raise NotFound(f"parcel {parcel_id} has no version {version} in its history", "editing.no_version",
                       id=parcel_id, version=version)
    data = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in old.items()}
    return update(settings, parcel_id, current["version"], data, actor, srid, accept_warnings=True,
                  reuse_retired=True, preview=preview)  # its own number, even if another parcel had it since


def problems_json(problems: list[Problem]) -> list[dict]:
    return [asdict(p) for p in problems]


def rename_street(settings: Settings, street_id: int, street_type: str, name: str, hcl_number: str,
                  hcl_date: str, actor: str) -> dict:
    """Rename a street by council decision: the old name goes to the register of former names
    (with the HCL that changed it) and the street keeps a version of its own."""
    if not name.strip() or not hcl_number.strip():
        raise Refused("the new name and the HCL number are required", "editing.street_rename_fields")
    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        old = conn.execute(text("SELECT street_type, name, hcl_date FROM streets.street WHERE id = :id "
                                "AND valid_to IS NULL FOR UPDATE"), {"id": street_id}).one_or_none()
        if old is None:
            raise NotFound(f"no current street with id {street_id}", "editing.no_street", id=street_id)
        if (old.street_type, old.name) == (street_type.strip(), name.strip()):
            raise Refused("the street already has this name", "editing.street_same_name")
        conn.execute(text("""
            INSERT INTO streets.street_name (street_id, street_type, name, valid_from, valid_to,
                                             hcl_number, hcl_date)
            VALUES (:id, :t, :n, :since, CAST(:date AS date), :hcl, CAST(:date AS date))"""),
            {"id": street_id, "t": old.street_type, "n": old.name, "since": old.hcl_date,
             "date": hcl_date, "hcl": hcl_number.strip()})
        conn.execute(text("UPDATE streets.street SET street_type = :t, name = :n, hcl_number = :hcl, "
                          "hcl_date = CAST(:date AS date) WHERE id = :id"),
                     {"t": street_type.strip(), "n": name.strip(), "hcl": hcl_number.strip(),
                      "date": hcl_date, "id": street_id})
        row = conn.execute(text("SELECT id, street_type, name, hcl_number, hcl_date::text, version "
                                "FROM streets.street WHERE id = :id"), {"id": street_id}).mappings().one()
        return dict(row)
