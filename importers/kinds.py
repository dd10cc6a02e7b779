"""What each kind of layer means for the database: its geometry, how its attributes are read
and checked, its natural key, how it is compared with what is already there and how it is
merged. One class per kind; `KINDS` is the registry the pipeline uses.

The features of an import sit in the temporary table `imp` (idx, key, attrs jsonb, geom,
change, target_id) while they are checked and merged: one set-based statement per step, so
100,000 parcels take seconds, not minutes.
"""

from __future__ import annotations

import re
from datetime import date

import shapely
from sqlalchemy import Connection, text

from gis import tolerances
from gis.land_use import CODES
from gis.profiles import Profile
from gis.relinking import relink_changed
from gis.snapping import snap_onto, snap_outline
from gis.tolerances import SAME_GEOMETRY_M
from importers.fields import norm
from importers.report import Report

CATEGORIES = CODES  # the land-use categories (gis/land_use.py)
DESTINATIONS = {"CL", "CA", "CIE", "CAS"}
HOUSE_NUMBER = re.compile(r"\s*([0-9]{1,5})\s*([A-Za-z]{0,2}|/[0-9A-Za-z]{1,4})\s*")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    out = str(value).strip()
    return out or None


def _canonical(profile: Profile, number: str | None) -> str | None:
    """A cadastral number referring to a parcel, in the profile's canonical spelling."""
    return profile.normalise_cadastral_number(number) if number else None


class BadValue(ValueError):
    """A value that is not what its field holds; `params` name the catalogue variant and the value."""

    def __init__(self, message: str, variant: str, value):
        super().__init__(message)
        self.params = {"variant": variant, "value": repr(value)}


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.strip().replace(" ", "")
        value = value.replace(".", "").replace(",", ".") if "," in value else value
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise BadValue(f"{value!r} is not a number", "number", value) from None
    return None if out != out else out


def _flag(value) -> bool | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in ("1", "da", "true", "t", "i", "y", "yes", "intravilan", "1.0"):
        return True
    if v in ("0", "nu", "false", "f", "e", "n", "no", "extravilan", "0.0"):
        return False
    raise BadValue(f"{value!r} is neither yes nor no", "flag", value)


# Coordinates are compared to the rounding of a millimetre (gis/tolerances.py): a surveyor's file
# rounds to the millimetre what the database may hold with more decimals; that is not a change.
class Kind:
    name: str = ""
    family: str = "polygon"            # polygon | line | point
    label: str = "object"
    retires: bool = False              # current objects mostly covered by the import are replaced

    def attributes(self, row: dict, report: Report, where: dict, profile: Profile) -> dict | None:
        """The feature's attributes, checked; `profile` is the national profile (cadastral numbers)."""
        raise NotImplementedError

    def key(self, attrs: dict) -> str:
        raise NotImplementedError

    def prepare(self, conn: Connection, uat: int, attrs: list, geoms, report: Report, layer: str) -> None:
        """Complete the attributes from the database before the keys are compared (default: nothing)."""

    def classify(self, conn: Connection, uat: int, report: Report, layer: str, rules=None) -> None:
        """Set imp.change (new | changed | unchanged) and imp.target_id."""
        raise NotImplementedError

    def merge(self, conn: Connection, uat: int, srid: int) -> None:
        raise NotImplementedError

    def checks(self, conn: Connection, uat: int, report: Report, layer: str, rules) -> None:
        """Checks against the database, after classify (default: none)."""


def _mark(conn: Connection, sql: str, params: dict) -> None:
    """Classify: the statement selects (idx, target_id, same) for features that match a current
    object; the rest stay new (imp.change's default, importers/pipeline.py)."""
    conn.execute(text(f"""
        WITH m AS ({sql})
        UPDATE imp SET target_id = m.target_id, change = CASE WHEN m.same THEN 'unchanged' ELSE 'changed' END
        FROM m WHERE imp.idx = m.idx"""), {"same_m": SAME_GEOMETRY_M, **params})  # noqa: S608 - constant SQL of this module


def _overlaps_with_current(conn: Connection, uat: int, rules) -> list[tuple]:
    """(parcel id, its number, idx, key, area, width, share of the parcel covered by the file) for the
    overlaps of the file's new or changed outlines with current parcels the file does not carry.
    The width is the overlap's area over half its perimeter: the mean width of a strip."""
    # the intersection is computed after the ST_Relate filter (OFFSET 0), as in _overlaps_in_file
    return conn.execute(text("""
        WITH pairs AS (
            SELECT p.id, p.cadastral_number, p.measured_area, i.idx, i.key, ST_Intersection(i.geom, p.geom) AS x
            FROM imp i JOIN cadastre.parcel p ON p.uat_siruta = :uat AND p.valid_to IS NULL
                AND p.geom && i.geom AND ST_Relate(p.geom, i.geom, '2********')
            WHERE i.change <> 'unchanged' AND NOT EXISTS (SELECT 1 FROM imp j WHERE j.key = p.cadastral_number)
            OFFSET 0),
        o AS (SELECT id, cadastral_number, measured_area, idx, key, ST_Area(x) AS area,
                     ST_Area(x) / nullif(ST_Perimeter(x) / 2, 0) AS width FROM pairs)
        SELECT o.id, o.cadastral_number, o.idx, o.key, o.area, coalesce(o.width, 0),
               sum(o.area) OVER (PARTITION BY o.id) / nullif(o.measured_area, 0) AS covered
        FROM o WHERE o.area >= :min ORDER BY o.idx"""), {"uat": uat, "min": rules.overlap_m2}).all()


# Snapping moves a vertex onto the nearest neighbour vertex within the tolerance: with a tolerance of
# metres (a reprojected layer) that can be the wrong vertex. The smallest step that removes the
# overlap is used, up to the layer's tolerance.
SNAP_STEPS_M = (tolerances.ROUNDING_M, 0.01, 0.05, 0.25, 1.0)


def _steps(ceiling: float) -> list[float]:
    return [s for s in SNAP_STEPS_M if s < ceiling] + [ceiling]


def _overlap_with_current(conn: Connection, uat: int, geom, srid: int, exclude: tuple) -> float:
    return conn.execute(text("""
        SELECT coalesce(sum(ST_Area(ST_Intersection(p.geom, g))), 0)
        FROM cadastre.parcel p, ST_SetSRID(ST_GeomFromWKB(:g), :srid) g
        WHERE p.uat_siruta = :uat AND p.valid_to IS NULL AND p.geom && g AND NOT (p.id = ANY(:x))
          AND ST_Relate(p.geom, g, '2********')"""),
        {"g": shapely.to_wkb(geom), "srid": srid, "uat": uat, "x": list(exclude)}).scalar_one()


def _overlaps_in_file(conn: Connection, rules) -> list[tuple]:
    """(idx, other idx, key, other key, area, width) of the overlaps between the file's outlines."""
    # OFFSET 0 keeps the intersection after the ST_Relate filter: as a LATERAL call beside the join it
    # was computed for every pair of neighbours whose boxes meet (~400k at 100k parcels: +9 s).
    return conn.execute(text("""
        SELECT ia, ib, ka, kb, ST_Area(x), coalesce(ST_Area(x) / nullif(ST_Perimeter(x) / 2, 0), 0)
        FROM (SELECT a.idx AS ia, b.idx AS ib, a.key AS ka, b.key AS kb, ST_Intersection(a.geom, b.geom) AS x
              FROM imp a JOIN imp b ON a.idx < b.idx AND a.geom && b.geom
                  AND ST_Relate(a.geom, b.geom, '2********')
                  AND NOT (a.change = 'unchanged' AND b.change = 'unchanged')
              OFFSET 0) o
        WHERE ST_Area(x) >= :min ORDER BY 1, 2"""), {"min": rules.overlap_m2}).all()


def _report_moves(report: Report, layer: str, idx: int, key: str, moves: list, metres: float) -> None:
    listing = "; ".join(f"({a[0]:.3f}, {a[1]:.3f}) → ({b[0]:.3f}, {b[1]:.3f}), "
                        f"{1000 * ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5:.1f} mm" for a, b in moves)
    report.add("warning", "snapped", f"{len(moves)} vertices moved onto the neighbours (within {metres:g} m): "
               f"{listing}", params={"count": len(moves), "metres": metres, "vertices": listing},
               layer=layer, feature=idx, fid=key)


def _snap_within_file(conn: Connection, report: Report, layer: str, rules, pairs: list[tuple[int, int]]) -> None:
    """Thin overlaps between two of the file's outlines: the later one snapped onto the earlier (if a
    sliver is left, the earlier onto the later), every moved vertex reported. A legal outline kept
    (unchanged) is never the one that moves."""
    rows = {idx: (key, change, shapely.from_wkb(bytes(wkb))) for idx, key, change, wkb in conn.execute(text(
        "SELECT idx, key, change, ST_AsBinary(geom) FROM imp WHERE idx = ANY(:i)"),
        {"i": sorted({i for pair in pairs for i in pair})})}
    moved: dict[int, list] = {}
    steps: dict[int, float] = {}
    for a, b in pairs:
        for mover, still in ((b, a), (a, b)):
            key, change, geom = rows[mover]
            if change == "unchanged" or shapely.area(shapely.intersection(geom, rows[still][2])) < rules.overlap_m2:
                continue
            for step in _steps(rules.width_m):
                out, moves, _ = snap_onto(geom, [shapely.boundary(rows[still][2])], step)
                if shapely.area(shapely.intersection(out, rows[still][2])) < rules.overlap_m2:
                    break
            if moves:
                rows[mover] = (key, change, out)
                moved.setdefault(mover, []).extend(moves)
                steps[mover] = max(step, steps.get(mover, 0))
    for idx, moves in sorted(moved.items()):
        key, _, geom = rows[idx]
        conn.execute(text("UPDATE imp SET geom = ST_SetSRID(ST_GeomFromWKB(:g), :srid) WHERE idx = :idx"),
                     {"g": shapely.to_wkb(geom), "srid": rules.srid, "idx": idx})
        _report_moves(report, layer, idx, key, moves, steps[idx])


def _snap_onto_neighbours(conn: Connection, uat: int, report: Report, layer: str, rules, retired: set[int]) -> int:
    """The new and changed outlines within the tolerance of a current neighbour snapped onto it, as
    the editing map snaps (gis/snapping.py); every moved vertex is reported. Returns how many moved."""
    skip = set(retired) | set(conn.execute(text(
        "SELECT target_id FROM imp WHERE change = 'changed'")).scalars().all())
    snapped = 0
    for idx, key, target, wkb in conn.execute(text("""
            SELECT i.idx, i.key, i.target_id, ST_AsBinary(i.geom) FROM imp i
            WHERE i.change IN ('new', 'changed') AND NOT EXISTS (  -- a legal outline kept stays as it is
                SELECT 1 FROM cadastre.parcel t
                WHERE t.id = i.target_id AND ST_OrderingEquals(t.geom, ST_Multi(i.geom)))
              AND EXISTS (
                SELECT 1 FROM cadastre.parcel p WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
                  AND ST_DWithin(p.geom, i.geom, :tol) AND NOT (p.id = ANY(:skip))
                  AND p.id IS DISTINCT FROM i.target_id)
            ORDER BY i.idx"""), {"uat": uat, "tol": rules.width_m, "skip": list(skip)}).all():
        geom = shapely.from_wkb(bytes(wkb))
        exclude = tuple(skip | ({target} if target else set()))
        for step in _steps(rules.width_m):
            out, moves, _ = snap_outline(conn, uat, geom, rules.srid, step, exclude)
            if _overlap_with_current(conn, uat, out, rules.srid, exclude) < rules.overlap_m2:
                break
        if not moves:
            continue
        conn.execute(text("UPDATE imp SET geom = ST_SetSRID(ST_GeomFromWKB(:g), :srid) WHERE idx = :idx"),
                     {"g": shapely.to_wkb(out), "srid": rules.srid, "idx": idx})
        snapped += 1
        _report_moves(report, layer, idx, key, moves, step)
    return snapped


class Parcels(Kind):
    name, family, label, retires = "parcels", "polygon", "parcel", True
    FIELDS = ("land_book_number", "eterra_id", "legal_area", "use_category", "intravilan", "tarla", "parcel_no")

    def attributes(self, row, report, where, profile):
        number = _text(row.get("cadastral_number"))
        if number is None:
            report.add("error", "no_number", "the feature has no cadastral number (map the column with "
                       "--mapping, e.g. {\"NUMAR\": \"cadastral_number\"})", params={"variant": "parcels"}, **where)
            return None
        where["fid"] = number
        canonical = profile.cadastral_number(number)
        if canonical is None:
            report.add("error", "bad_number", profile.not_a_cadastral_number(number),
                       params={"number": repr(number), "country": profile.country,
                               "example": profile.cadastral_example}, **where)
            return None
        where["fid"] = canonical
        out = {"cadastral_number": canonical}
        try:
            out["legal_area"] = _number(row.get("legal_area"))
            out["intravilan"] = _flag(row.get("intravilan"))
        except ValueError as exc:
            report.add("error", "bad_value", f"{exc}", params=getattr(exc, "params", None), **where)
            return None
        if out["legal_area"] is not None and out["legal_area"] <= 0:
            report.add("error", "bad_value", f"the legal area must be positive, not {out['legal_area']}",
                       params={"variant": "legal_area", "value": out["legal_area"]}, **where)
            return None
        category = _text(row.get("use_category"))
        if category is not None:
            category = category.upper()
            if category not in CATEGORIES:
                report.add("error", "bad_category", f"the use category {category!r} is not one of "
                           f"{', '.join(sorted(CATEGORIES))}",
                           params={"value": repr(category), "allowed": ", ".join(sorted(CATEGORIES))}, **where)
                return None
        out["use_category"] = category
        for name in ("land_book_number", "eterra_id", "tarla", "parcel_no"):
            out[name] = _text(row.get(name))
        return out

    def key(self, attrs):
        return attrs["cadastral_number"]

    def classify(self, conn, uat, report, layer, rules=None):
        self._keep_legal_outlines(conn, uat, report, layer, rules)
        _mark(conn, """
            SELECT i.idx, p.id AS target_id,
                   (ST_NPoints(ST_Multi(i.geom)) = ST_NPoints(p.geom)
                    AND ST_HausdorffDistance(ST_Multi(i.geom), p.geom) <= :same_m)
                   AND coalesce((i.attrs->>'legal_area')::numeric = p.legal_area, i.attrs->>'legal_area' IS NULL)
                   AND coalesce(i.attrs->>'use_category' = p.use_category, i.attrs->>'use_category' IS NULL)
                   AND coalesce((i.attrs->>'intravilan')::boolean = p.intravilan, i.attrs->>'intravilan' IS NULL)
                   AND coalesce(i.attrs->>'land_book_number' = p.land_book_number, i.attrs->>'land_book_number' IS NULL)
                   AND coalesce(i.attrs->>'tarla' = p.tarla, i.attrs->>'tarla' IS NULL)
                   AND coalesce(i.attrs->>'parcel_no' = p.parcel_no, i.attrs->>'parcel_no' IS NULL) AS same
            FROM imp i JOIN cadastre.parcel p ON p.uat_siruta = :uat AND p.valid_to IS NULL
                                              AND p.cadastral_number = i.key""", {"uat": uat})
        self._keep_surveyed(conn)
        for idx, number, missing in conn.execute(text("""
                SELECT idx, key, CASE WHEN attrs->>'use_category' IS NULL THEN 'use category' ELSE 'intravilan' END
                FROM imp WHERE change = 'new' AND (attrs->>'use_category' IS NULL OR attrs->>'intravilan' IS NULL)
                ORDER BY idx""")):
            report.add("error", "missing_value", f"a new parcel needs its {missing} (map the column, e.g. "
                       "CATEGORIE or INTRAVILAN, with --mapping)",
                       params={"variant": "use_category" if missing == "use category" else "intravilan"},
                       feature=idx, fid=number, layer=layer)

    @staticmethod
    def _keep_legal_outlines(conn, uat, report, layer, rules) -> None:
        """Before classifying: a reprojected layer (accurate only to its transformation) never moves a
        current parcel's legal outline, unless the officer accepts the file's outlines; each outline
        that differs is reported."""
        match = """FROM cadastre.parcel p WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
                   AND p.cadastral_number = i.key AND NOT ST_OrderingEquals(ST_Multi(i.geom), p.geom)"""
        params = {"uat": uat, "same_m": SAME_GEOMETRY_M}
        moved_from = rules.reprojected_from if rules is not None else None
        if moved_from:
            for idx, key, distance in conn.execute(text(f"""
                    SELECT i.idx, i.key, ST_HausdorffDistance(ST_Multi(i.geom), p.geom) FROM imp i, LATERAL (
                        SELECT p.geom {match}) p
                    WHERE ST_HausdorffDistance(ST_Multi(i.geom), p.geom) > :same_m ORDER BY i.idx"""),  # noqa: S608
                    params):
                values = {"distance": round(distance, 3), "source": moved_from, "metres": rules.width_m,
                          "accept_hint": None}
                if rules.accept_outlines:
                    report.add("warning", "outline_replaced", f"the outline reprojected from EPSG:{moved_from} is "
                               f"up to {distance:.3f} m from the legal one and replaces it (accepted by the officer)",
                               params=values, layer=layer, feature=idx, fid=key)
                else:
                    report.add("warning", "outline_kept", f"the outline reprojected from EPSG:{moved_from} is up to "
                               f"{distance:.3f} m from the legal one (the transformation is accurate to about "
                               f"{rules.width_m:g} m): the legal outline is kept unless an officer accepts the "
                               "file's outlines", params=values, layer=layer, feature=idx, fid=key)
            if not rules.accept_outlines:
                conn.execute(text(f"UPDATE imp i SET geom = p.geom {match}"), params)  # noqa: S608

    @staticmethod
    def _keep_surveyed(conn) -> None:
        """After classifying: a changed parcel (its attributes) whose outline is the stored one to the
        rounding of a millimetre keeps the stored, surveyed coordinates. (An unchanged one writes
        nothing; only changed rows are compared, so importing the same file again costs nothing.)"""
        conn.execute(text("""
            UPDATE imp i SET geom = p.geom FROM cadastre.parcel p
            WHERE i.change = 'changed' AND p.id = i.target_id AND NOT ST_OrderingEquals(ST_Multi(i.geom), p.geom)
              AND ST_NPoints(ST_Multi(i.geom)) = ST_NPoints(p.geom)
              AND ST_HausdorffDistance(ST_Multi(i.geom), p.geom) <= :same_m"""), {"same_m": SAME_GEOMETRY_M})

    def checks(self, conn, uat, report, layer, rules):
        # overlaps inside the file (two outlines the database already holds are not the file's doing);
        # one thinner than the tolerance is rounding: the later feature is snapped onto the earlier
        inside = _overlaps_in_file(conn, rules)
        if any(width <= rules.width_m for *_, width in inside):
            _snap_within_file(conn, report, layer, rules, [(a, b) for a, b, *_, w in inside if w <= rules.width_m])
            inside = _overlaps_in_file(conn, rules)
        for a, b, na, nb, area, width in inside:
            report.add("error", "overlap_in_file", f"overlaps feature #{b} ({nb}) of the file by {area:.2f} m²",
                       params={"other": b, "other_key": nb, "area": round(area, 2), "width": round(width, 3)},
                       layer=layer, feature=a, fid=na)
        # overlaps with current parcels that the file does not carry: a parcel mostly covered by the
        # import is replaced (retired); an overlap thinner than the tolerance is rounding, snapped
        # away below; a wider one is an error to fix
        rows = _overlaps_with_current(conn, uat, rules)
        retired = {pid: number for pid, number, _, _, _, _, covered in rows if covered >= rules.replace_share}
        if any(width <= rules.width_m for _, _, _, _, _, width, _ in rows) or rules.reprojected_from:
            if _snap_onto_neighbours(conn, uat, report, layer, rules, set(retired)):
                rows = _overlaps_with_current(conn, uat, rules)
        for pid, number, idx, key, area, width, covered in rows:
            if pid not in retired:
                report.add("error", "overlap", f"overlaps the current parcel {number} by {area:.2f} m² "
                           f"({width:.3f} m wide, {covered:.0%} of it): correct the outline or import {number} too",
                           params={"number": number, "area": round(area, 2), "width": round(width, 3),
                                   "share": round(100 * covered)}, layer=layer, feature=idx, fid=key)
        if retired:
            conn.execute(text("""
                INSERT INTO imp (idx, key, attrs, geom, change, target_id)
                SELECT -row_number() OVER (ORDER BY p.id), p.cadastral_number, '{}', p.geom, 'retired', p.id
                FROM cadastre.parcel p WHERE p.id = ANY(:ids)"""), {"ids": list(retired)})
            for number in sorted(retired.values()):
                report.add("warning", "retired", f"the current parcel {number} lies under the imported parcels "
                           "and will be retired (replaced by them)", params={"number": number}, layer=layer,
                           fid=number)
            report.retired.extend(sorted(retired.values()))
        # legal versus measured area
        for idx, key, legal, measured in conn.execute(text("""
                SELECT idx, key, (attrs->>'legal_area')::float, ST_Area(geom) FROM imp
                WHERE idx >= 0 AND (attrs->>'legal_area')::float > 0
                  AND abs(ST_Area(geom) - (attrs->>'legal_area')::float) > :tol * (attrs->>'legal_area')::float
                ORDER BY idx"""), {"tol": rules.area_tolerance}):
            report.add("warning", "area_difference", f"measured {measured:.2f} m² differs from the legal area "
                       f"{legal:.2f} m² by more than {rules.area_tolerance:.0%}",
                       params={"measured": round(measured, 2), "legal": round(legal, 2),
                               "share": round(100 * rules.area_tolerance)}, layer=layer, feature=idx, fid=key)

    def merge(self, conn, uat, srid):
        conn.execute(text("""
            UPDATE cadastre.parcel p SET
                geom = ST_Multi(i.geom),
                legal_area = coalesce((i.attrs->>'legal_area')::numeric, p.legal_area),
                use_category = coalesce(i.attrs->>'use_category', p.use_category),
                intravilan = coalesce((i.attrs->>'intravilan')::boolean, p.intravilan),
                land_book_number = coalesce(i.attrs->>'land_book_number', p.land_book_number),
                eterra_id = coalesce(i.attrs->>'eterra_id', p.eterra_id),
                tarla = coalesce(i.attrs->>'tarla', p.tarla),
                parcel_no = coalesce(i.attrs->>'parcel_no', p.parcel_no)
            FROM imp i WHERE i.change = 'changed' AND p.id = i.target_id"""))
        conn.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE id IN "
                          "(SELECT target_id FROM imp WHERE change = 'retired')"))
        conn.execute(text("""
            INSERT INTO cadastre.parcel (uat_siruta, cadastral_number, land_book_number, eterra_id, legal_area,
                use_category, intravilan, tarla, parcel_no, locality_siruta, geom)
            SELECT :uat, i.key, i.attrs->>'land_book_number', i.attrs->>'eterra_id',
                   (i.attrs->>'legal_area')::numeric, i.attrs->>'use_category', (i.attrs->>'intravilan')::boolean,
                   i.attrs->>'tarla', i.attrs->>'parcel_no',
                   (SELECT l.siruta FROM territory.locality l WHERE l.uat_siruta = :uat
                      AND ST_Intersects(l.geom, ST_PointOnSurface(i.geom)) LIMIT 1),
                   ST_Multi(i.geom)
            FROM imp i WHERE i.change = 'new' ORDER BY i.idx"""), {"uat": uat})
        relink_changed(conn, uat)  # what hung on replaced or changed parcels follows them (gis/relinking.py)


class Buildings(Kind):
    name, family, label = "buildings", "polygon", "building"

    def attributes(self, row, report, where, profile):
        number = _text(row.get("cadastral_number"))
        number = number and profile.normalise_cadastral_number(number)
        try:
            building_no = _number(row.get("building_no"))
            levels = _number(row.get("levels"))
            legal = _flag(row.get("is_legal"))
        except ValueError as exc:
            report.add("error", "bad_value", str(exc), params=getattr(exc, "params", None), **where)
            return None
        if building_no is None or not building_no.is_integer() or building_no < 1:
            report.add("error", "no_number", "the building has no number (C1, C2…: map BUILDNO or NR_CORP)",
                       params={"variant": "buildings"}, **where)
            return None
        where["fid"] = f"{number or '?'}-C{int(building_no)}"
        destination = (_text(row.get("destination")) or "").upper() or None
        if destination is not None and destination not in DESTINATIONS:
            report.add("error", "bad_value", f"the destination {destination!r} is not one of "
                       f"{', '.join(sorted(DESTINATIONS))}",
                       params={"variant": "destination", "value": repr(destination),
                               "allowed": ", ".join(sorted(DESTINATIONS))}, **where)
            return None
        if levels is not None and not (levels.is_integer() and 1 <= levels <= 60):
            report.add("error", "bad_value", f"{levels} is not a number of levels",
                       params={"variant": "levels", "value": levels}, **where)
            return None
        return {"cadastral_number": number, "building_no": int(building_no), "destination": destination,
                "levels": int(levels) if levels is not None else None, "is_legal": legal}

    def key(self, attrs):
        return f"{attrs['cadastral_number'] or ''}-C{attrs['building_no']}"

    def classify(self, conn, uat, report, layer, rules=None):
        # the parcel: by number (current, or imported in the same file), else the one under it
        conn.execute(text("""
            UPDATE imp SET attrs = attrs || jsonb_build_object('parcel_id', (
                SELECT p.id FROM cadastre.parcel p WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
                  AND (p.cadastral_number = imp.attrs->>'cadastral_number'
                       OR (imp.attrs->>'cadastral_number' IS NULL
                           AND ST_Intersects(p.geom, ST_PointOnSurface(imp.geom))))
                ORDER BY p.cadastral_number = imp.attrs->>'cadastral_number' DESC NULLS LAST LIMIT 1))"""),
            {"uat": uat})
        _mark(conn, """
            SELECT i.idx, b.id AS target_id,
                   (ST_NPoints(ST_Multi(i.geom)) = ST_NPoints(b.geom)
                    AND ST_HausdorffDistance(ST_Multi(i.geom), b.geom) <= :same_m)
                   AND coalesce(i.attrs->>'destination' = b.destination, i.attrs->>'destination' IS NULL)
                   AND coalesce((i.attrs->>'levels')::int = b.levels, i.attrs->>'levels' IS NULL)
                   AND coalesce((i.attrs->>'is_legal')::boolean = b.is_legal, i.attrs->>'is_legal' IS NULL) AS same
            FROM imp i JOIN cadastre.building b ON b.valid_to IS NULL
                AND b.parcel_id = (i.attrs->>'parcel_id')::bigint AND b.building_no = (i.attrs->>'building_no')::int""",
              {})

    def checks(self, conn, uat, report, layer, rules):
        for idx, key, number in conn.execute(text("""
                SELECT idx, key, attrs->>'cadastral_number' FROM imp
                WHERE attrs->>'parcel_id' IS NULL AND attrs->>'cadastral_number' IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM staged_parcels s WHERE s.key = imp.attrs->>'cadastral_number')
                ORDER BY idx""")):
            report.add("error", "unknown_parcel", f"the building's parcel {number} is not in the cadastre "
                       "(import the parcel first, or in the same file)", params={"number": number}, layer=layer,
                       feature=idx, fid=key)

    def merge(self, conn, uat, srid):
        conn.execute(text("""
            UPDATE imp SET attrs = attrs || jsonb_build_object('parcel_id', (
                SELECT p.id FROM cadastre.parcel p WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
                  AND p.cadastral_number = imp.attrs->>'cadastral_number' LIMIT 1))
            WHERE attrs->>'parcel_id' IS NULL"""), {"uat": uat})
        conn.execute(text("""
            UPDATE cadastre.building b SET geom = ST_Multi(i.geom),
                destination = coalesce(i.attrs->>'destination', b.destination),
                levels = coalesce((i.attrs->>'levels')::smallint, b.levels),
                is_legal = coalesce((i.attrs->>'is_legal')::boolean, b.is_legal)
            FROM imp i WHERE i.change = 'changed' AND b.id = i.target_id"""))
        conn.execute(text("""
            INSERT INTO cadastre.building (uat_siruta, parcel_id, building_no, destination, levels, is_legal, geom)
            SELECT :uat, (i.attrs->>'parcel_id')::bigint, (i.attrs->>'building_no')::int, i.attrs->>'destination',
                   (i.attrs->>'levels')::smallint, coalesce((i.attrs->>'is_legal')::boolean, true), ST_Multi(i.geom)
            FROM imp i WHERE i.change = 'new' ORDER BY i.idx"""), {"uat": uat})


class Addresses(Kind):
    name, family, label = "addresses", "point", "address point"

    def attributes(self, row, report, where, profile):
        street = _text(row.get("street_name"))
        raw = _text(row.get("number"))
        if street is None or raw is None:
            report.add("error", "no_address", "an address needs its street name and number "
                       "(STREETNAME/STRADA and POSTALNUMBER/NR)", params={}, **where)
            return None
        m = HOUSE_NUMBER.fullmatch(raw)
        if not m:
            report.add("error", "bad_number", f"{raw!r} is not a house number (12, 12A, 12/1)",
                       params={"variant": "house", "number": repr(raw)}, **where)
            return None
        suffix = (_text(row.get("suffix")) or m.group(2) or "").upper()
        postal = _text(row.get("postal_code"))
        if postal is not None and not profile.valid_postal_code(postal):
            report.add("error", "bad_value", f"{postal!r} is not a postal code of {profile.country} "
                       f"(e.g. {profile.postal_code_example})", params={
                           "variant": "postal_code", "value": repr(postal), "country": profile.country,
                           "example": profile.postal_code_example}, **where)
            return None
        where["fid"] = f"{street} {m.group(1)}{suffix}"
        return {"street_type": _text(row.get("street_type")), "street_name": street, "number": int(m.group(1)),
                "suffix": suffix, "postal_code": postal,
                # CGXML gives an address without its own point (the parcel's inner point stands in)
                "point_from_parcel": bool(row.get("point_from_parcel"))}

    def key(self, attrs):
        return f"{attrs['street_type'] or ''} {attrs['street_name']} {attrs['number']}{attrs['suffix']}".strip()

    def classify(self, conn, uat, report, layer, rules=None):
        conn.execute(text("""
            UPDATE imp SET attrs = attrs || jsonb_build_object('street_id', (
                SELECT s.id FROM streets.street s WHERE s.uat_siruta = :uat AND s.valid_to IS NULL
                  AND public.teritoriu_norm(s.name) = public.teritoriu_norm(imp.attrs->>'street_name')
                  AND (imp.attrs->>'street_type' IS NULL
                       OR public.teritoriu_norm(s.street_type) = public.teritoriu_norm(imp.attrs->>'street_type'))
                ORDER BY ST_Distance(s.geom, imp.geom) LIMIT 1))"""), {"uat": uat})
        _mark(conn, """
            SELECT i.idx, a.id AS target_id, ((i.attrs->>'point_from_parcel')::boolean
                   OR (ST_NPoints(i.geom) = ST_NPoints(a.geom) AND ST_HausdorffDistance(i.geom, a.geom) <= :same_m))
                   AND coalesce(i.attrs->>'postal_code' = a.postal_code, i.attrs->>'postal_code' IS NULL) AS same
            FROM imp i JOIN streets.address_point a ON a.valid_to IS NULL
                AND a.street_id = (i.attrs->>'street_id')::bigint AND a.number = (i.attrs->>'number')::int
                AND a.suffix = i.attrs->>'suffix' AND a.block = '' AND a.entrance = ''""", {})

    def checks(self, conn, uat, report, layer, rules):
        for idx, key, street in conn.execute(text(
                "SELECT idx, key, attrs->>'street_name' FROM imp WHERE attrs->>'street_id' IS NULL ORDER BY idx")):
            report.add("error", "unknown_street", f"the street {street!r} is not in the street register of this "
                       "UAT (add it, or check the spelling)", params={"street": repr(street)}, layer=layer,
                       feature=idx, fid=key)

    def merge(self, conn, uat, srid):
        conn.execute(text("""
            UPDATE streets.address_point a
            SET geom = CASE WHEN (i.attrs->>'point_from_parcel')::boolean THEN a.geom ELSE i.geom END,
                postal_code = coalesce(i.attrs->>'postal_code', a.postal_code)
            FROM imp i WHERE i.change = 'changed' AND a.id = i.target_id"""))
        conn.execute(text("""
            INSERT INTO streets.address_point (uat_siruta, street_id, number, suffix, postal_code, parcel_id, geom)
            SELECT :uat, (i.attrs->>'street_id')::bigint, (i.attrs->>'number')::int, i.attrs->>'suffix',
                   i.attrs->>'postal_code',
                   (SELECT p.id FROM cadastre.parcel p WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
                      AND ST_Intersects(p.geom, i.geom) LIMIT 1), i.geom
            FROM imp i WHERE i.change = 'new' ORDER BY i.idx"""), {"uat": uat})


class AgriPlots(Kind):
    name, family, label = "agri", "polygon", "agricultural plot"

    def attributes(self, row, report, where, profile):
        code = _text(row.get("code")) or _text(row.get("agri_role"))
        if code is None:
            report.add("error", "no_number", "the plot has no register code (map ROL/POZITIE or COD)",
                       params={"variant": "agri"}, **where)
            return None
        where["fid"] = code
        try:
            area = _number(row.get("legal_area")) or _number(row.get("declared_area"))
            year = _number(row.get("year"))
        except ValueError as exc:
            report.add("error", "bad_value", str(exc), params=getattr(exc, "params", None), **where)
            return None
        category = (_text(row.get("use_category")) or "").upper()
        if category not in CATEGORIES:
            report.add("error", "bad_category", f"the use category {category or '(none)'!r} is not one of "
                       f"{', '.join(sorted(CATEGORIES))}", params={"value": repr(category or "(-)"),
                                                                   "allowed": ", ".join(sorted(CATEGORIES))}, **where)
            return None
        if area is None or area < 0:
            report.add("error", "bad_value", "the plot needs its declared area (SUPRAFATA)",
                       params={"variant": "declared_area"}, **where)
            return None
        return {"code": code, "year": int(year) if year else date.today().year, "use_category": category,
                "declared_area": area, "tarla": _text(row.get("tarla")), "parcel_no": _text(row.get("parcel_no")),
                "cadastral_number": _canonical(profile, _text(row.get("cadastral_number")))}

    def key(self, attrs):
        return f"{attrs['year']}/{attrs['code']}"

    def classify(self, conn, uat, report, layer, rules=None):
        _mark(conn, """
            SELECT i.idx, a.id AS target_id, (ST_NPoints(ST_Multi(i.geom)) = ST_NPoints(a.geom)
                                              AND ST_HausdorffDistance(ST_Multi(i.geom), a.geom) <= :same_m)
                   AND a.use_category = i.attrs->>'use_category'
                   AND a.declared_area = (i.attrs->>'declared_area')::numeric AS same
            FROM imp i JOIN agri.plot a ON a.uat_siruta = :uat AND a.year = (i.attrs->>'year')::int
                AND a.code = i.attrs->>'code'""", {"uat": uat})

    def merge(self, conn, uat, srid):
        parcel = """(SELECT p.id FROM cadastre.parcel p WHERE p.uat_siruta = :uat AND p.valid_to IS NULL
                      AND (p.cadastral_number = i.attrs->>'cadastral_number'
                           OR ST_Intersects(p.geom, ST_PointOnSurface(i.geom)))
                     ORDER BY p.cadastral_number = i.attrs->>'cadastral_number' DESC LIMIT 1)"""
        conn.execute(text(f"""
            UPDATE agri.plot a SET geom = ST_Multi(i.geom), use_category = i.attrs->>'use_category',
                declared_area = (i.attrs->>'declared_area')::numeric, tarla = coalesce(i.attrs->>'tarla', a.tarla),
                parcel_no = coalesce(i.attrs->>'parcel_no', a.parcel_no), parcel_id = {parcel}
            FROM imp i WHERE i.change = 'changed' AND a.id = i.target_id"""), {"uat": uat})  # noqa: S608
        conn.execute(text(f"""
            INSERT INTO agri.plot (uat_siruta, code, year, tarla, parcel_no, use_category, declared_area,
                                   cadastral_number, parcel_id, geom)
            SELECT :uat, i.attrs->>'code', (i.attrs->>'year')::int, i.attrs->>'tarla', i.attrs->>'parcel_no',
                   i.attrs->>'use_category', (i.attrs->>'declared_area')::numeric, i.attrs->>'cadastral_number',
                   {parcel}, ST_Multi(i.geom)
            FROM imp i WHERE i.change = 'new' ORDER BY i.idx"""), {"uat": uat})  # noqa: S608


STREET_TYPES = ("Strada", "Aleea", "Bulevardul", "Calea", "Drumul", "Intrarea", "Șoseaua", "Piața", "Fundătura",
                "Splaiul", "Ulița")


class Streets(Kind):
    name, family, label = "streets", "line", "street"

    def attributes(self, row, report, where, profile):
        name, kind = _text(row.get("name")), _text(row.get("street_type"))
        if name and not kind:  # "Strada Morii" in one column
            first, _, rest = name.partition(" ")
            if rest and first.capitalize() in STREET_TYPES + ("Str.", "Str"):
                kind, name = ("Strada" if first.lower().startswith("str") else first.capitalize()), rest.strip()
        if not name:
            report.add("error", "no_name", "the street has no name (map DENUMIRE or NUME)", params={}, **where)
            return None
        where["fid"] = f"{kind or 'Strada'} {name}"
        hcl_date = _text(row.get("hcl_date"))
        if hcl_date is not None:
            try:
                hcl_date = date.fromisoformat(hcl_date[:10]).isoformat()
            except ValueError:
                report.add("error", "bad_value", f"the HCL date {hcl_date!r} is not a date (YYYY-MM-DD)",
                           params={"variant": "hcl_date", "value": repr(hcl_date)}, **where)
                return None
        return {"street_type": kind or "Strada", "name": name, "code": _text(row.get("code")),
                "hcl_number": _text(row.get("hcl_number")), "hcl_date": hcl_date,
                "locality_given": _text(row.get("locality"))}

    def prepare(self, conn, uat, attrs, geoms, report, layer):
        """Each street's locality: the file's column (SIRUTA or name) when it has one, else the
        village the street lies in (most of its length; the nearest when it lies in none). A street
        name is unique in its locality, not in the UAT: "Strada Principală" recurs in every village."""
        places = conn.execute(text("SELECT siruta, name, ST_AsBinary(geom) FROM territory.locality "
                                   "WHERE uat_siruta = :uat ORDER BY siruta"), {"uat": uat}).all()
        if not places:
            return
        sirutas = [p[0] for p in places]
        names = {norm(p[1]): (p[0], p[1]) for p in places}
        by_siruta = {p[0]: p[1] for p in places}
        outlines = shapely.from_wkb([bytes(p[2]) for p in places])
        for i, a in enumerate(attrs):
            if a is None or geoms[i] is None:
                continue
            given = a.pop("locality_given", None)
            if given is not None:
                found = (int(given), by_siruta[int(given)]) if given.isdigit() and int(given) in by_siruta \
                    else names.get(norm(given))
                if found is None:
                    report.add("error", "unknown_locality", f"the locality {given!r} is not one of this UAT's "
                               f"({', '.join(p[1] for p in places)})", params={"locality": given,
                               "localities": ", ".join(p[1] for p in places)}, layer=layer, feature=i,
                               fid=f"{a['street_type']} {a['name']}")
                    attrs[i] = None
                    continue
            else:
                lengths = shapely.length(shapely.intersection(outlines, geoms[i]))
                best = int(lengths.argmax()) if lengths.max() > 0 \
                    else int(shapely.distance(outlines, geoms[i]).argmin())
                found = (sirutas[best], places[best][1])
            a["locality"], a["locality_name"] = found

    def key(self, attrs):
        if attrs["code"]:
            return attrs["code"]
        place = f", {attrs['locality_name']}" if attrs.get("locality_name") else ""
        return f"{attrs['street_type']} {attrs['name']}{place}"

    def classify(self, conn, uat, report, layer, rules=None):
        conn.execute(text("""
            UPDATE imp SET attrs = attrs || jsonb_build_object('locality', (
                SELECT l.siruta FROM territory.locality l WHERE l.uat_siruta = :uat
                ORDER BY ST_Intersects(l.geom, ST_PointOnSurface(imp.geom)) DESC,
                         ST_Distance(l.geom, imp.geom) LIMIT 1))
            WHERE attrs->>'locality' IS NULL"""), {"uat": uat})
        _mark(conn, """
            SELECT i.idx, s.id AS target_id, (ST_NPoints(ST_Multi(i.geom)) = ST_NPoints(s.geom)
                                              AND ST_HausdorffDistance(ST_Multi(i.geom), s.geom) <= :same_m)
                   AND coalesce(i.attrs->>'hcl_number' = s.hcl_number, i.attrs->>'hcl_number' IS NULL) AS same
            FROM imp i JOIN streets.street s ON s.uat_siruta = :uat AND s.valid_to IS NULL
                AND CASE WHEN i.attrs->>'code' IS NOT NULL THEN s.code = i.attrs->>'code'
                    ELSE s.locality_siruta = (i.attrs->>'locality')::int
                         AND public.teritoriu_norm(s.street_type) = public.teritoriu_norm(i.attrs->>'street_type')
                         AND public.teritoriu_norm(s.name) = public.teritoriu_norm(i.attrs->>'name') END""",
              {"uat": uat})

    def checks(self, conn, uat, report, layer, rules):
        for idx, key in conn.execute(text("SELECT idx, key FROM imp WHERE attrs->>'locality' IS NULL")):
            report.add("error", "no_locality", "the UAT has no locality for this street", params={}, layer=layer,
                       feature=idx, fid=key)

    def merge(self, conn, uat, srid):
        conn.execute(text("""
            UPDATE streets.street s SET geom = ST_Multi(i.geom),
                hcl_number = coalesce(i.attrs->>'hcl_number', s.hcl_number),
                hcl_date = coalesce((i.attrs->>'hcl_date')::date, s.hcl_date)
            FROM imp i WHERE i.change = 'changed' AND s.id = i.target_id"""))
        conn.execute(text("""
            INSERT INTO streets.street (uat_siruta, locality_siruta, code, street_type, name, hcl_number, hcl_date,
                                        geom)
            SELECT :uat, (i.attrs->>'locality')::int, coalesce(i.attrs->>'code', 'I' || i.idx || '-' || md5(i.key)),
                   i.attrs->>'street_type', i.attrs->>'name', i.attrs->>'hcl_number', (i.attrs->>'hcl_date')::date,
                   ST_Multi(i.geom)
            FROM imp i WHERE i.change = 'new' ORDER BY i.idx"""), {"uat": uat})


class Zones(Kind):
    name, family, label = "zones", "polygon", "UTR zone"
    NUMBERS = ("pot_max", "cut_max", "max_height_m")

    def attributes(self, row, report, where, profile):
        code = _text(row.get("code"))
        if code is None:
            report.add("error", "no_number", "the zone has no UTR code (map UTR or COD_UTR)",
                       params={"variant": "zones"}, **where)
            return None
        where["fid"] = code
        out = {"code": code, "functional_zone": _text(row.get("functional_zone")), "name": _text(row.get("name")),
               "height_regime": _text(row.get("height_regime")), "document": _text(row.get("document"))}
        try:
            for n in self.NUMBERS:
                out[n] = _number(row.get(n))
        except ValueError as exc:
            report.add("error", "bad_value", str(exc), params=getattr(exc, "params", None), **where)
            return None
        if out["pot_max"] is not None and not 0 <= out["pot_max"] <= 100:
            report.add("error", "bad_value", f"POT {out['pot_max']} is not a percentage (0–100)",
                       params={"variant": "pot", "value": out["pot_max"]}, **where)
            return None
        return out

    def key(self, attrs):
        return f"{attrs['document'] or ''}:{attrs['code']}"

    def classify(self, conn, uat, report, layer, rules=None):
        conn.execute(text("""
            UPDATE imp SET attrs = attrs || jsonb_build_object('document_id', (
                SELECT d.id FROM planning.document d WHERE d.uat_siruta = :uat
                  AND CASE WHEN imp.attrs->>'document' IS NOT NULL THEN d.code = imp.attrs->>'document'
                      ELSE d.kind = 'PUG' AND (d.valid_until IS NULL OR d.valid_until > now()) END
                ORDER BY d.valid_from DESC LIMIT 1))"""), {"uat": uat})
        _mark(conn, """
            SELECT i.idx, z.id AS target_id, (ST_NPoints(ST_Multi(i.geom)) = ST_NPoints(z.geom)
                                              AND ST_HausdorffDistance(ST_Multi(i.geom), z.geom) <= :same_m)
                   AND coalesce(i.attrs->>'functional_zone' = z.functional_zone, i.attrs->>'functional_zone' IS NULL)
                   AND coalesce((i.attrs->>'pot_max')::numeric = z.pot_max, i.attrs->>'pot_max' IS NULL)
                   AND coalesce((i.attrs->>'cut_max')::numeric = z.cut_max, i.attrs->>'cut_max' IS NULL)
                   AND coalesce((i.attrs->>'max_height_m')::numeric = z.max_height_m, i.attrs->>'max_height_m' IS NULL)
                   AS same
            FROM imp i JOIN planning.zone z ON z.valid_to IS NULL AND z.document_id = (i.attrs->>'document_id')::bigint
                AND z.code = i.attrs->>'code'""", {})

    def checks(self, conn, uat, report, layer, rules):
        for idx, key in conn.execute(text("SELECT idx, key FROM imp WHERE attrs->>'document_id' IS NULL")):
            report.add("error", "no_document", "no planning document for this zone: load the PUG first, or map a "
                       "column to 'document' (the PUG/PUZ code)", layer=layer, feature=idx, fid=key)
        for idx, key in conn.execute(text("SELECT idx, key FROM imp WHERE change = 'new' "
                                          "AND attrs->>'functional_zone' IS NULL")):
            report.add("error", "missing_value", "a new zone needs its functional zone (map ZONA or FUNCTIUNE)",
                       params={"variant": "functional_zone"}, layer=layer, feature=idx, fid=key)

    def merge(self, conn, uat, srid):
        conn.execute(text("""
            UPDATE planning.zone z SET geom = ST_Multi(i.geom),
                functional_zone = coalesce(i.attrs->>'functional_zone', z.functional_zone),
                name = coalesce(i.attrs->>'name', z.name),
                pot_max = coalesce((i.attrs->>'pot_max')::numeric, z.pot_max),
                cut_max = coalesce((i.attrs->>'cut_max')::numeric, z.cut_max),
                max_height_m = coalesce((i.attrs->>'max_height_m')::numeric, z.max_height_m),
                height_regime = coalesce(i.attrs->>'height_regime', z.height_regime)
            FROM imp i WHERE i.change = 'changed' AND z.id = i.target_id"""))
        conn.execute(text("""
            INSERT INTO planning.zone (uat_siruta, document_id, code, functional_zone, name, pot_max, cut_max,
                                       max_height_m, height_regime, geom)
            SELECT :uat, (i.attrs->>'document_id')::bigint, i.attrs->>'code', i.attrs->>'functional_zone',
                   i.attrs->>'name', (i.attrs->>'pot_max')::numeric, (i.attrs->>'cut_max')::numeric,
                   (i.attrs->>'max_height_m')::numeric, i.attrs->>'height_regime', ST_Multi(i.geom)
            FROM imp i WHERE i.change = 'new' ORDER BY i.idx"""), {"uat": uat})


KINDS: dict[str, Kind] = {k.name: k for k in (Parcels(), Buildings(), Streets(), Addresses(), Zones(), AgriPlots())}
# the layers a file may hold, merged in this order: buildings and addresses find the parcels and
# streets of the same file
LAYER_KINDS = ORDER = tuple(KINDS)
