"""Numbering new parcels along a street (DOMAIN.md): odd numbers on one side, even on the other,
increasing from the street's start; a new number must fit between its neighbours', with a
suffix (12A) when there is no free number between them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from gis.coded_errors import CodedError


class NoNamedStreet(CodedError, LookupError):
    """No named street near enough (a 404 on the API)."""


@dataclass(frozen=True)
class Proposal:
    street_id: int
    street: str
    number: int
    suffix: str
    side: str                  # "odd" | "even"
    before: str | None         # the neighbour's number before it along the street
    after: str | None

    @property
    def label(self) -> str:
        return f"{self.street} nr. {self.number}{self.suffix}"


def propose_number(conn: Connection, parcel_id: int, max_distance_m: float = 60) -> Proposal:
    """The number a parcel should get on its nearest street."""
    row = conn.execute(text("""
        WITH p AS (SELECT uat_siruta, ST_PointOnSurface(geom) AS pt FROM cadastre.parcel WHERE id = :id),
        s AS (SELECT s.id, s.street_type || ' ' || s.name AS label, ST_GeometryN(s.geom, 1) AS line, p.pt
              FROM streets.street s, p
              WHERE s.uat_siruta = p.uat_siruta AND s.valid_to IS NULL AND ST_DWithin(s.geom, p.pt, :d)
              ORDER BY ST_Distance(s.geom, p.pt) LIMIT 1)
        SELECT s.id, s.label, ST_LineLocatePoint(s.line, s.pt) AS at,
               -- which side: the sign of the cross product of the street direction and the point
               sign((ST_X(ST_EndPoint(s.line)) - ST_X(ST_StartPoint(s.line)))
                    * (ST_Y(s.pt) - ST_Y(ST_StartPoint(s.line)))
                    - (ST_Y(ST_EndPoint(s.line)) - ST_Y(ST_StartPoint(s.line)))
                    * (ST_X(s.pt) - ST_X(ST_StartPoint(s.line)))) AS side
        FROM s"""), {"id": parcel_id, "d": max_distance_m}).one_or_none()
    if row is None:
        raise NoNamedStreet(f"parcel {parcel_id} is not within {max_distance_m:.0f} m of a named street",
                               "editing.no_street_near", metres=f"{max_distance_m:.0f}")
    street_id, label, at, side = row
    numbers = conn.execute(text("""
        SELECT a.number, a.suffix, ST_LineLocatePoint(ST_GeometryN(s.geom, 1), a.geom) AS at,
               sign((ST_X(ST_EndPoint(ST_GeometryN(s.geom, 1))) - ST_X(ST_StartPoint(ST_GeometryN(s.geom, 1))))
                    * (ST_Y(a.geom) - ST_Y(ST_StartPoint(ST_GeometryN(s.geom, 1))))
                    - (ST_Y(ST_EndPoint(ST_GeometryN(s.geom, 1))) - ST_Y(ST_StartPoint(ST_GeometryN(s.geom, 1))))
                    * (ST_X(a.geom) - ST_X(ST_StartPoint(ST_GeometryN(s.geom, 1))))) AS side
        FROM streets.address_point a JOIN streets.street s ON s.id = a.street_id
        WHERE a.street_id = :s AND a.valid_to IS NULL AND a.parcel_id IS DISTINCT FROM :p
        ORDER BY at"""), {"s": street_id, "p": parcel_id}).all()
    same = [(n, suf, a) for n, suf, a, sd in numbers if sd == side]
    # parity of this side: what its numbers already use; by convention odd on the left
    parity = (same[0][0] % 2) if same else (1 if side > 0 else 0)
    before = [(n, suf) for n, suf, a in same if a <= at]
    after = [(n, suf) for n, suf, a in same if a > at]
    low = max((n for n, _ in before), default=None)
    high = min((n for n, _ in after), default=None)
    first = 1 if parity == 1 else 2
    if low is None:
        number, suffix = (first, "") if high is None or high > first else (high, "")
        if high is not None and number >= high:  # before the first number: a suffix of the next one
            number, suffix = high, "/1"
    else:
        number = low + 2
        suffix = ""
        if high is not None and number >= high:
            used = {suf for n, suf in before + after if n == low}
            suffix = next(s for s in "ABCDEFGH" if s not in used)
            number = low
    fmt = lambda ns: f"{ns[0]}{ns[1]}" if ns else None  # noqa: E731
    return Proposal(street_id, label, number, suffix, "odd" if parity == 1 else "even",
                    fmt(max(before, default=None, key=lambda x: (x[0], x[1]))),
                    fmt(min(after, default=None, key=lambda x: (x[0], x[1]))))
