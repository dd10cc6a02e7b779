"""The shapes passed between the import stages: notes for the report, a layer as read, the
refusal of a whole file, and the limits an upload must respect."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas


@dataclass
class Note:
    """One line of the import report."""
    severity: str            # error | warning | info
    code: str                # short machine code: prj_missing, encoding_guessed, axes_swapped, zip_slip…
    message: str             # one sentence a surveyor understands, saying what to do
    feature: int | None = None
    fid: str | None = None


@dataclass
class SourceLayer:
    name: str                           # shapefile stem, GeoPackage layer, "Land" for CGXML…
    kind: str | None                    # set when the source says what it is (CGXML, DXF)
    frame: geopandas.GeoDataFrame       # geometry in `crs`; mapped columns renamed to canonical names
    crs: int | None                     # EPSG code, None when unknown
    encoding: str | None = None
    unmapped: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class ImportRefused(Exception):
    """The whole file cannot be imported."""

    def __init__(self, message: str, code: str = "refused", notes: list[Note] | None = None):
        super().__init__(message)
        self.notes = notes or [Note("error", code, message)]


@dataclass(frozen=True)
class Limits:
    max_members: int = 2000
    max_total_bytes: int = 2 * 1024 ** 3
    max_ratio: int = 200
    max_upload_bytes: int = 500 * 1024 ** 2
