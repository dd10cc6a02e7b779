"""The regime of a parcel in the extravilan: a PUG covers the whole UAT, intravilan and extravilan
(Legea 350/2001 art. 46; its RLU has a chapter for the extravilan), so an extravilan parcel
outside every UTR is regulated by the PUG in force at the issue date, and, where its RLU says
nothing more, by Legea 18/1991 art. 91-92 (new buildings in the intravilan; in the extravilan
only by exception, with the land taken out of agricultural use) and HG 525/1996 (RGU) art. 3
(agricultural land in the extravilan). The wording is in the rules file (urbanism → extravilan);
a UAT may give its PUG's own text in its settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class ExtravilanRegime:
    cadastral_number: str
    document_kind: str      # PUG
    document_code: str
    document_name: str
    hcl_number: str
    hcl_date: date
    rules: str              # the PUG's rules for the extravilan, or the law's where it has none
    legal_basis: str


def extravilan_regimes(conn: Connection, parcels, on: date, rules: dict) -> tuple[ExtravilanRegime, ...]:
    """One regime per extravilan parcel with no UTR that a PUG in force on `on` covers."""
    out = []
    for p in parcels:
        if p.intravilan or p.zones:
            continue
        row = conn.execute(text("""
            SELECT d.kind, d.code, d.name, d.hcl_number, d.hcl_date
            FROM planning.document d JOIN cadastre.parcel p ON p.id = :id
            WHERE d.kind = 'PUG' AND d.uat_siruta = p.uat_siruta AND ST_Intersects(d.geom, p.geom)
              AND d.valid_from <= :on AND (d.valid_until IS NULL OR d.valid_until >= :on)
            ORDER BY d.valid_from DESC LIMIT 1"""), {"id": p.id, "on": on}).one_or_none()
        if row is None:
            continue
        out.append(ExtravilanRegime(p.cadastral_number, *row, rules=" ".join(rules["rules"].split()),
                                    legal_basis=" ".join(rules["legal_basis"].split())))
    return tuple(out)
