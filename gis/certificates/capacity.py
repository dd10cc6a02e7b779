"""Building capacity net of the non-buildable areas (issue 19 item 9): per parcel and UTR, the
footprint and floor area that POT and CUT allow on the part of the zone outside the restrictions
the rules name non-buildable (config.yaml `nonbuildable_restrictions`, each with its article),
with what was subtracted. A UTR without POT (or CUT) is "nereglementat" and the parcel's total is
then marked partial: a partial sum is never presented as the parcel's capacity."""

from __future__ import annotations

from dataclasses import dataclass, field

from gis.parcel_facts import ParcelFacts


@dataclass(frozen=True)
class ZoneCapacity:
    utr: str
    document_code: str
    area_m2: float            # the parcel's (reference) area in this UTR
    subtracted_m2: float      # of which non-buildable (the union of the kinds below)
    subtracted_by_kind: dict  # kind → m² (they may overlap; their union is subtracted_m2)
    pot_max: float | None
    cut_max: float | None
    # derived, stored as fields so that the JSON of the facts (dataclasses.asdict) carries them
    net_m2: float = field(init=False)
    footprint_m2: float | None = field(init=False)
    floor_area_m2: float | None = field(init=False)

    def __post_init__(self):
        net = round(max(0.0, self.area_m2 - self.subtracted_m2), 2)
        object.__setattr__(self, "net_m2", net)
        object.__setattr__(self, "footprint_m2", None if self.pot_max is None else round(net * self.pot_max / 100, 2))
        object.__setattr__(self, "floor_area_m2", None if self.cut_max is None else round(net * self.cut_max, 2))


@dataclass(frozen=True)
class ParcelCapacity:
    cadastral_number: str
    zones: tuple[ZoneCapacity, ...]
    complete: bool = field(init=False)  # every part of the parcel is in a UTR with both POT and CUT
    unregulated: list[str] = field(init=False)  # the UTRs without POT or CUT
    subtracted_m2: float = field(init=False)
    footprint_m2: float | None = field(init=False)  # partial unless `complete`
    floor_area_m2: float | None = field(init=False)

    def __post_init__(self):
        def total(values):
            parts = [v for v in values if v is not None]
            return round(sum(parts), 2) if parts else None

        unregulated = [z.utr for z in self.zones if z.pot_max is None or z.cut_max is None]
        object.__setattr__(self, "complete", bool(self.zones) and not unregulated)
        object.__setattr__(self, "unregulated", unregulated)
        object.__setattr__(self, "subtracted_m2", round(sum(z.subtracted_m2 for z in self.zones), 2))
        object.__setattr__(self, "footprint_m2", total(z.footprint_m2 for z in self.zones))
        object.__setattr__(self, "floor_area_m2", total(z.floor_area_m2 for z in self.zones))


def parcel_capacity(p: ParcelFacts, nonbuildable: dict[str, str]) -> ParcelCapacity:
    """The capacity of a parcel from its facts (computed with `nonbuildable` kinds, parcel_facts);
    areas are scaled to the reference area (the legal one when recorded), as the shares are."""
    zones = []
    for z in p.zones:
        scale = p.reference_area * z.share_percent / 100 / z.area_m2 if z.area_m2 else 0.0
        zones.append(ZoneCapacity(
            utr=z.code, document_code=z.document_code, area_m2=round(z.area_m2 * scale, 2),
            subtracted_m2=round(z.nonbuildable_m2 * scale, 2),
            subtracted_by_kind={k: round(v * scale, 2) for k, v in z.restricted_m2.items() if k in nonbuildable},
            pot_max=z.pot_max, cut_max=z.cut_max))
    return ParcelCapacity(p.cadastral_number, tuple(zones))
