"""What the plans say about a parcel: the facts behind the parcel sheet and the certificates.

One function computes an immutable record for a parcel (after pyramid_oereb's processor): the
zones touching it with their share, the planning document that applies where a PUZ or PUD
overrides the PUG, the restrictions, the addresses and the building capacity. Pages, JSON and
PDF certificates render this record; none of them computes anything themselves.

Rules (DOMAIN.md): a more detailed plan takes precedence where it exists (PUD > PUZ > PUG),
except that a PUD never changes POT and CUT (Legea nr. 350/2001, art. 48 — de verificat: the
paragraph): a PUD zone's indices are those of the plan under it;
intersections under a threshold relative to the parcel (0.1 % of its area: 1 m² of a 1,000 m²
plot, 50 m² of a 5 ha field) are slivers, left out of the shares and listed so the officer sees
them; shares are of the parcel's area and, where the plans cover the whole parcel, scaled so that
they sum to exactly 100 %.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Connection, text

from gis.coded_errors import CodedError

SLIVER_SHARE = 0.001   # of the parcel's area
SLIVER_FLOOR_M2 = 0.01  # below this a piece is a rounding artefact whatever the parcel


def sliver_m2(parcel_area: float) -> float:
    """The area under which a zone's piece of this parcel is a sliver."""
    return max(SLIVER_FLOOR_M2, SLIVER_SHARE * parcel_area)
PRECEDENCE = {"PUD": 3, "PUZ": 2, "PUG": 1}


class ParcelNotFound(CodedError, LookupError):
    """No current parcel matches; the message says what was looked for (in English, for logs), `code` and
    `values` say it through the catalogue (api.messages.described)."""


@dataclass(frozen=True)
class ZoneShare:
    code: str
    functional_zone: str
    name: str | None
    share_percent: float
    area_m2: float
    pot_max: float | None
    cut_max: float | None
    max_height_m: float | None
    height_regime: str | None
    min_parcel_area: float | None
    allowed_uses: list[str]
    conditional_uses: list[str]
    forbidden_uses: list[str]
    document_kind: str
    document_code: str
    document_name: str
    hcl_number: str
    hcl_date: date
    overrides: list[str] = field(default_factory=list)  # documents it takes precedence over here
    same_level: list[str] = field(default_factory=list)  # other plans of its level overlapping it here
    restricted_m2: dict[str, float] = field(default_factory=dict)  # restriction kind → m² in this zone
    nonbuildable_m2: float = 0.0  # the union of the non-buildable kinds asked for, in this zone
    rules: dict = field(default_factory=dict)  # the RLU's other rules (setbacks, street line, utilities)
    indices_from: str | None = None  # a PUD zone: the plan whose POT/CUT apply (a PUD changes neither)


@dataclass(frozen=True)
class Sliver:
    """A zone's piece of the parcel too small to count (under sliver_m2), shown to the officer."""
    document_code: str
    code: str
    area_m2: float


@dataclass(frozen=True)
class RestrictionHit:
    kind: str
    name: str
    legal_basis: str
    share_percent: float
    area_m2: float


@dataclass(frozen=True)
class Address:
    street_type: str
    street_name: str
    house_number: str
    locality: str
    postal_code: str | None

    @property
    def label(self) -> str:
        return f"{self.street_type} {self.street_name} nr. {self.house_number}, {self.locality}"


@dataclass(frozen=True)
class ParcelFacts:
    id: int
    uat_siruta: int
    cadastral_number: str
    land_book_number: str | None
    legal_area: float | None
    measured_area: float
    use_category: str
    intravilan: bool
    locality: str | None
    addresses: list[Address]
    zones: list[ZoneShare]
    restrictions: list[RestrictionHit]
    plan_coverage_percent: float
    built_footprint_m2: float
    bbox_wgs84: list[float]
    slivers: list[Sliver] = field(default_factory=list)

    @property
    def reference_area(self) -> float:
        """The area capacity is computed on: the legal area when recorded, else the measured."""
        return self.legal_area if self.legal_area else self.measured_area

    @property
    def max_footprint_m2(self) -> float | None:
        parts = [z.share_percent / 100 * self.reference_area * z.pot_max / 100
                 for z in self.zones if z.pot_max is not None]
        return round(sum(parts), 2) if parts else None

    @property
    def max_floor_area_m2(self) -> float | None:
        parts = [z.share_percent / 100 * self.reference_area * z.cut_max
                 for z in self.zones if z.cut_max is not None]
        return round(sum(parts), 2) if parts else None

    @property
    def current_pot_percent(self) -> float:
        return round(100 * self.built_footprint_m2 / self.reference_area, 2)

    def to_json(self) -> dict:
        data = asdict(self)
        data["addresses"] = [{**asdict(a), "label": a.label} for a in self.addresses]
        data["reference_area"] = self.reference_area
        data["max_footprint_m2"] = self.max_footprint_m2
        data["max_floor_area_m2"] = self.max_floor_area_m2
        data["current_pot_percent"] = self.current_pot_percent
        for z in data["zones"]:
            z["hcl_date"] = z["hcl_date"].isoformat() if z["hcl_date"] else None
        return data


def _scaled_shares(areas: list[float], parcel_area: float, covered: float, scale: bool = True,
                   sliver: float = SLIVER_FLOOR_M2) -> list[float]:
    """Percent of the parcel per piece, to 2 decimals; summing to 100 when fully covered (unless
    `scale` is off: plans of one level overlapping, which the officer resolves, not arithmetic)."""
    if not scale:
        covered = 0.0
    raw = [Decimal(a) / Decimal(parcel_area) * 100 for a in areas]
    if covered >= parcel_area - sliver and raw:
        total = sum(raw)
        raw = [r * 100 / total for r in raw]
    cent = Decimal("0.01")
    shares = [r.quantize(cent, ROUND_HALF_UP) for r in raw]
    if covered >= parcel_area - sliver and shares:
        # put the rounding residue on the largest share so the sum is exactly 100.00
        i = max(range(len(shares)), key=lambda k: shares[k])
        shares[i] += Decimal(100) - sum(shares)
    return [float(s) for s in shares]


PARCEL_SQL = text("""
    SELECT p.id, p.uat_siruta, p.cadastral_number, p.land_book_number, p.legal_area::float,
           p.measured_area::float, p.use_category, p.intravilan, l.name AS locality,
           ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)] AS bbox
    FROM public_api.parcel p
    LEFT JOIN public_api.locality l ON l.siruta = p.locality_siruta,
    LATERAL (SELECT ST_Transform(ST_Envelope(p.geom), 4326)::box2d AS b) e
    WHERE p.id = :id
""")

# Each zone's own piece of the parcel minus the pieces of zones of more detailed plans, among the
# plans in force on :on (the certificate's issue date, not the day the query runs) that no plan in
# force then declares superseded (planning.document.supersedes, migration 0015). Per zone: the
# area of each restriction kind inside that effective piece, and the plans of the same level whose
# zones overlap it (two PUZ over one spot: the officer decides, the shares are not scaled over it).
ZONES_SQL = text("""
    WITH p AS (SELECT geom FROM public_api.parcel WHERE id = :id),
    z AS (
        SELECT z.*, ST_Intersection(z.geom, p.geom) AS piece,
               CASE z.document_kind WHEN 'PUD' THEN 3 WHEN 'PUZ' THEN 2 ELSE 1 END AS rank
        FROM public_api.zone z, p
        WHERE ST_Intersects(z.geom, p.geom)
          AND z.document_valid_from <= CAST(:on AS date)
          AND (z.document_valid_until IS NULL OR z.document_valid_until >= CAST(:on AS date))
          AND z.document_code NOT IN (SELECT unnest(s.supersedes) FROM public_api.planning_document s
                                      WHERE s.uat_siruta = z.uat_siruta AND s.valid_from <= CAST(:on AS date)
                                        AND (s.valid_until IS NULL OR s.valid_until >= CAST(:on AS date)))
    ),
    e AS (
        SELECT z.*, ST_Difference(z.piece, coalesce(
               (SELECT ST_Union(h.piece) FROM z h WHERE h.rank > z.rank),
               ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, ST_SRID(z.piece)))) AS eff
        FROM z
    )
    SELECT e.code, e.functional_zone, e.name, e.pot_max::float, e.cut_max::float,
           e.max_height_m::float, e.height_regime, e.min_parcel_area::float, e.allowed_uses,
           e.conditional_uses, e.forbidden_uses, e.document_kind, e.document_code,
           e.document_name, e.hcl_number, e.hcl_date, e.rules,
           ST_Area(e.eff) AS effective_area, ST_Area(e.piece) AS own_area,
           (SELECT array_agg(DISTINCT l.document_code) FROM e l
            WHERE l.rank < e.rank AND ST_Area(ST_Intersection(l.piece, e.piece)) >= :sliver) AS overrides,
           (SELECT ARRAY[l.document_code, l.pot_max::text, l.cut_max::text] FROM e l
            WHERE l.rank < e.rank AND ST_Area(ST_Intersection(l.piece, e.piece)) >= :sliver
            ORDER BY l.rank DESC, ST_Area(ST_Intersection(l.piece, e.piece)) DESC LIMIT 1) AS under,
           (SELECT array_agg(DISTINCT s.document_code) FROM e s
            WHERE s.rank = e.rank AND s.document_code <> e.document_code
              AND ST_Area(ST_Intersection(s.piece, e.piece)) >= :sliver) AS same_level,
           (SELECT jsonb_object_agg(k.kind, k.area) FROM (
                SELECT r.kind, ST_Area(ST_Intersection(ST_Union(r.geom), e.eff)) AS area
                FROM public_api.restriction r
                WHERE ST_Intersects(r.geom, e.eff)
                  AND (r.valid_from IS NULL OR r.valid_from <= CAST(:on AS date))
                  AND (r.valid_until IS NULL OR r.valid_until >= CAST(:on AS date))
                GROUP BY r.kind) k) AS restricted,
           (SELECT ST_Area(ST_Intersection(ST_Union(r.geom), e.eff)) FROM public_api.restriction r
            WHERE r.kind = ANY(CAST(:nonbuildable AS text[])) AND ST_Intersects(r.geom, e.eff)
              AND (r.valid_from IS NULL OR r.valid_from <= CAST(:on AS date))
              AND (r.valid_until IS NULL OR r.valid_until >= CAST(:on AS date))) AS nonbuildable
    FROM e
    ORDER BY e.rank DESC, e.code
""")

RESTRICTIONS_SQL = text("""
    SELECT r.kind, r.name, r.legal_basis, ST_Area(ST_Intersection(r.geom, p.geom)) AS area
    FROM public_api.restriction r, public_api.parcel p
    WHERE p.id = :id AND ST_Intersects(r.geom, p.geom)
      AND (r.valid_from IS NULL OR r.valid_from <= CAST(:on AS date))
      AND (r.valid_until IS NULL OR r.valid_until >= CAST(:on AS date))
    ORDER BY r.kind, r.name
""")

ADDRESSES_SQL = text("""
    SELECT street_type, street_name, house_number, locality, postal_code
    FROM public_api.address_point a WHERE a.parcel_id = :id
    ORDER BY street_name, number, suffix
""")

BUILT_SQL = text("SELECT coalesce(sum(footprint_area), 0)::float FROM public_api.building "
                 "WHERE parcel_id = :id")


def parcel_facts(conn: Connection, parcel_id: int, on: date | None = None,
                 nonbuildable: tuple[str, ...] = ()) -> ParcelFacts:
    """The facts of one current parcel (reads only the public_api views) under the plans and
    restrictions in force `on` (default today); `nonbuildable`: the restriction kinds whose union
    each zone reports as `nonbuildable_m2` (the certificate's capacity subtracts it)."""
    row = conn.execute(PARCEL_SQL, {"id": parcel_id}).mappings().one_or_none()
    if row is None:
        raise ParcelNotFound(f"no current parcel with id {parcel_id}", "parcel.not_found_id", id=parcel_id)
    parcel_area = row["measured_area"]
    sliver = sliver_m2(parcel_area)
    params = {"id": parcel_id, "sliver": sliver, "on": on or date.today(), "nonbuildable": list(nonbuildable)}
    zone_rows = [z for z in conn.execute(ZONES_SQL, params).mappings()]
    kept = [z for z in zone_rows if z["effective_area"] >= sliver]
    slivers = [Sliver(z["document_code"], z["code"], round(z["effective_area"], 2)) for z in zone_rows
               if SLIVER_FLOOR_M2 <= z["effective_area"] < sliver]
    covered = sum(z["effective_area"] for z in kept)
    overlapping = any(z["same_level"] for z in kept)
    shares = _scaled_shares([z["effective_area"] for z in kept], parcel_area, covered, scale=not overlapping,
                            sliver=sliver)
    zones = [
        ZoneShare(
            code=z["code"], functional_zone=z["functional_zone"], name=z["name"],
            share_percent=share, area_m2=round(z["effective_area"], 2), **_indices(z),
            max_height_m=z["max_height_m"], height_regime=z["height_regime"],
            min_parcel_area=z["min_parcel_area"],
            allowed_uses=_split(z["allowed_uses"]), conditional_uses=_split(z["conditional_uses"]),
            forbidden_uses=_split(z["forbidden_uses"]), document_kind=z["document_kind"],
            document_code=z["document_code"], document_name=z["document_name"],
            hcl_number=z["hcl_number"], hcl_date=z["hcl_date"],
            overrides=sorted(z["overrides"] or []), same_level=sorted(z["same_level"] or []),
            restricted_m2={k: round(v, 2) for k, v in (z["restricted"] or {}).items()},
            nonbuildable_m2=round(z["nonbuildable"] or 0.0, 2), rules=z["rules"] or {},
        )
        for z, share in zip(kept, shares, strict=True)
    ]
    restrictions = [
        RestrictionHit(r["kind"], r["name"], r["legal_basis"],
                       round(min(100.0, 100 * r["area"] / parcel_area), 2), round(r["area"], 2))
        for r in conn.execute(RESTRICTIONS_SQL, params).mappings()
        if r["area"] >= sliver
    ]
    addresses = [Address(**a) for a in conn.execute(ADDRESSES_SQL, {"id": parcel_id}).mappings()]
    built = conn.execute(BUILT_SQL, {"id": parcel_id}).scalar_one()
    return ParcelFacts(
        id=row["id"], uat_siruta=row["uat_siruta"], cadastral_number=row["cadastral_number"],
        land_book_number=row["land_book_number"], legal_area=row["legal_area"],
        measured_area=round(parcel_area, 2), use_category=row["use_category"],
        intravilan=row["intravilan"], locality=row["locality"], addresses=addresses,
        zones=zones, restrictions=restrictions, slivers=slivers,
        plan_coverage_percent=round(min(100.0, 100 * covered / parcel_area), 2),
        built_footprint_m2=round(built, 2), bbox_wgs84=[round(v, 7) for v in row["bbox"]],
    )


def _indices(zone) -> dict:
    """POT and CUT of a zone; of a PUD zone, those of the plan under it (none under: None)."""
    if zone["document_kind"] != "PUD":
        return {"pot_max": zone["pot_max"], "cut_max": zone["cut_max"]}
    code, pot, cut = zone["under"] or (None, None, None)
    return {"pot_max": float(pot) if pot is not None else None, "cut_max": float(cut) if cut is not None else None,
            "indices_from": code}


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def parcel_at(conn: Connection, x: float, y: float, srid: int, storage_srid: int) -> int:
    """Id of the current parcel containing the point (x = easting/longitude)."""
    found = conn.execute(text(
        "SELECT id FROM public_api.parcel WHERE ST_Intersects(geom, "
        "ST_Transform(ST_SetSRID(ST_MakePoint(:x, :y), :srid), :storage)) "
        "ORDER BY id LIMIT 1"),
        {"x": x, "y": y, "srid": srid, "storage": storage_srid}).scalar_one_or_none()
    if found is None:
        raise ParcelNotFound("no parcel at this point: it may be a street, a river or outside "
                             "the registered parcels", "parcel.not_at_point")
    return found


def parcels_by_number(conn: Connection, cadastral_number: str, uat: int | None = None) -> list[int]:
    """Ids of the current parcels with this cadastral number (one per UAT at most)."""
    ids = conn.execute(text(
        "SELECT id FROM public_api.parcel WHERE cadastral_number = :n "
        "AND (CAST(:u AS integer) IS NULL OR uat_siruta = :u) ORDER BY uat_siruta"),
        {"n": cadastral_number.strip(), "u": uat}).scalars().all()
    if not ids:
        raise ParcelNotFound(f"no current parcel with cadastral number {cadastral_number!r}",
                             "parcel.not_found_number", number=cadastral_number)
    return list(ids)
