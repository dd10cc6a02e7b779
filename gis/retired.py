"""A cadastral number that no current parcel carries but a retired one did: when it was retired and
which numbers took its place (public_api.retired_parcel, migration 0018: the lineage of a split or
merge, else the current parcels on its ground). Read through the public role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Retired:
    cadastral_number: str
    uat_siruta: int
    retired_at: datetime
    became: tuple[str, ...]

    def to_json(self) -> dict:
        return {"cadastral_number": self.cadastral_number, "uat": self.uat_siruta,
                "retired_at": self.retired_at.isoformat(), "became": list(self.became)}


def retired_parcel(conn: Connection, cadastral_number: str, uat: int | None = None) -> Retired | None:
    """The latest retirement of `cadastral_number` (in `uat` when given), or None."""
    row = conn.execute(text(
        "SELECT cadastral_number, uat_siruta, retired_at, became FROM public_api.retired_parcel "
        "WHERE cadastral_number = :n AND (CAST(:u AS integer) IS NULL OR uat_siruta = :u) "
        "ORDER BY retired_at DESC LIMIT 1"), {"n": cadastral_number.strip(), "u": uat}).first()
    return Retired(row[0], row[1], row[2], tuple(row[3])) if row else None
