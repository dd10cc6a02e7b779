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
    params: dict | None = None  # the values of its catalogue message (api/messages.py, "import.<code>")


@dataclass
class SourceLayer:
    name: str                           # shapefile stem, GeoPackage layer, "Land" for CGXML…
    kind: str | None                    # set when the source says what it is (CGXML, DXF)
    frame: geopandas.GeoDataFrame       # geometry in `crs`; mapped columns renamed to canonical names
    crs: int | None                     # EPSG code, None when unknown
    encoding: str | None = None
    unmapped: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)         # the file's own columns, for the mapping form
    mapped: dict[str, str] = field(default_factory=dict)     # source column → canonical field
    dxf_layers: dict[str, int] = field(default_factory=dict)  # DXF: closed polylines per drawing layer
    reprojected_from: int | None = None                      # set by resolve_crs when it transformed


class ImportRefused(Exception):
    """The whole file cannot be imported."""

    def __init__(self, message: str, code: str = "refused", notes: list[Note] | None = None,
                 params: dict | None = None):
        super().__init__(message)
        self.notes = notes or [Note("error", code, message, params=params)]


def two_languages(ro: str, en: str) -> str:
    """A refusal worded for the surveyor in Romanian (with its diacritics) first, then in English,
    the language of the other import notes: one message, both readable on the report page."""
    return f"{ro} — {en}"


@dataclass(frozen=True)
class Limits:
    """What an upload may hold; a zip is measured against these from its directory, before any
    member is opened. Real layers are far inside them: the sample commune's zips expand 1.2 to 33
    times per member (33 for a DBF), a DBF with several wide empty text columns about 180 times,
    while a member of zeros expands about 1,000 times (deflate's ceiling is 1,032)."""
    max_members: int = 2000                 # a commune's CGXML files (one per immovable) in one zip
    max_total_bytes: int = 1024 ** 3        # 1 GiB unpacked: a city's parcels and buildings take a few hundred MB
    max_ratio: int = 200                    # every member, however small; see above
    max_upload_bytes: int = 500 * 1024 ** 2


DEFAULT_LIMITS = Limits()  # frozen: one instance serves as every default
