"""Which coordinate system and which text encoding a file really uses.

Stereo 70 is recognised by its parameters, whatever the `.prj` calls it (Stereo_70 on
GCS_Dealul_Piscului_1970, Pulkovo_1942_Adj_58_Stereo_70, Romania_double_stereo, GDAL WKT with
TOWGS84 meant for Poland…). A DBF without `.cpg` is decoded with whichever of UTF-8, cp1250,
ISO-8859-2 and cp1252 yields Romanian text. Coordinates without a CRS are accepted as Stereo 70
only when they can only be that (inside the UAT); swapped axes are detected against the UAT.
"""

from __future__ import annotations

import codecs
import struct
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError

from gis.profiles import Profile
from gis.tolerances import REPROJECTION_M
from importers.model import ImportRefused, Note, SourceLayer

STEREO70 = {"lat_0": 46.0, "lon_0": 25.0, "k": 0.99975, "x_0": 500000.0, "y_0": 500000.0}
KRASSOWSKY_A = 6378245.0
ROMANIAN = set("ăâîșşțţĂÂÎȘŞȚŢ")
FOREIGN = set("ãþºªÞÃ¦¹»¾")           # what cp1252 or a wrong code page makes of Romanian letters
CANDIDATES = ("utf-8", "cp1250", "iso-8859-2", "cp1252")


def is_stereo70(crs: pyproj.CRS) -> bool:
    if not crs.is_projected:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "PROJ strings lose information": only parameters are read
            params = crs.to_dict()
    except CRSError:
        return False
    if params.get("proj") not in ("sterea", "stere"):
        return False
    if any(abs(float(params.get(k, -1)) - v) > 1e-6 * max(1, abs(v)) for k, v in STEREO70.items()):
        return False
    return abs(crs.ellipsoid.semi_major_metre - KRASSOWSKY_A) < 1


def crs_from_prj(text: str) -> tuple[int | None, list[Note]]:
    """The EPSG code of a `.prj` (or any WKT); (None, notes) when it cannot be told."""
    try:
        crs = pyproj.CRS.from_user_input(text.strip())
    except CRSError:
        return None, [Note("warning", "prj_unreadable", "the .prj file cannot be read as a coordinate system")]
    if is_stereo70(crs):
        return 3844, []
    code = crs.to_epsg(min_confidence=70)
    if code is not None:
        return code, []
    return None, [Note("warning", "prj_unknown", f"the coordinate system {crs.name!r} of the .prj is not one "
                       "Teritoriu knows", params={"name": repr(crs.name)})]


def _cpg(value: str) -> str | None:
    v = value.strip().lower().replace("ansi", "").replace(" ", "").replace("_", "-")
    aliases = {"utf8": "utf-8", "1250": "cp1250", "1252": "cp1252", "88592": "iso-8859-2", "iso88592": "iso-8859-2",
               "windows-1250": "cp1250", "windows-1252": "cp1252", "latin2": "iso-8859-2"}
    v = aliases.get(v.replace("-", ""), aliases.get(v, v))
    try:
        return codecs.lookup(v).name
    except LookupError:
        return None


def dbf_text_samples(path: Path, limit: int = 5000) -> list[bytes]:
    """The raw bytes of the character fields of a DBF (up to `limit` records): what the
    encoding is guessed from. A DBF whose header disagrees with its size is damaged."""
    data = Path(path).read_bytes()
    if len(data) < 32:
        raise ImportRefused(f"{Path(path).name} is damaged (too short for a .dbf): export the layer again",
                            "corrupt_dbf", params={"name": Path(path).name})
    records, header, size = struct.unpack("<IHH", data[4:12])
    if header < 33 or size < 1 or header + records * size > len(data) + 1 or (header - 33) % 32 > 1:
        raise ImportRefused(f"{Path(path).name} is damaged (its header announces {records} records that the file "
                            "does not hold): export the layer again", "corrupt_dbf", params={"name": Path(path).name})
    fields, pos, offset = [], 32, 1
    while pos + 32 <= header and data[pos] != 0x0D:
        ftype, length = chr(data[pos + 11]), data[pos + 16]
        if ftype == "C":
            fields.append((offset, length))
        offset += length
        pos += 32
    out = []
    for r in range(min(records, limit)):
        start = header + r * size
        for off, length in fields:
            chunk = data[start + off:start + off + length].strip(b" \x00")
            if chunk and any(b > 127 for b in chunk):
                out.append(chunk)
    return out


def detect_encoding(samples: list[bytes], cpg: str | None, forced: str | None) -> tuple[str, list[Note]]:
    if forced:
        return codecs.lookup(forced).name, []
    if cpg:
        name = _cpg(cpg)
        if name:
            return name, []
    notes = [Note("warning", "cpg_unknown", f"the .cpg names an unknown encoding ({cpg.strip()!r}); guessed instead",
                  params={"cpg": repr(cpg.strip())})] \
        if cpg else []
    if not samples:
        return "utf-8", notes
    best, best_score = None, None
    for name in CANDIDATES:
        try:
            decoded = [s.decode(name) for s in samples]
        except UnicodeDecodeError:
            continue
        text = "".join(decoded)
        if name == "utf-8":
            best = name
            break
        score = sum(c in ROMANIAN for c in text) - 3 * sum(c in FOREIGN for c in text) \
            - 5 * sum(0x80 <= ord(c) < 0xA0 for c in text)
        if best_score is None or score > best_score:
            best, best_score = name, score
    best = best or "cp1250"
    if best != "utf-8" or not cpg:
        notes.append(Note("warning" if best != "utf-8" else "info", "encoding_guessed",
                          f"the text encoding was not given (.cpg): read as {best}; if names look wrong, "
                          "import again with --encoding", params={"encoding": best}))
    return best, notes


def _inside_share(geoms: np.ndarray, area) -> float:
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(present) or area is None:
        return 0.0
    points = shapely.point_on_surface(present) if len(present) < 20000 else shapely.centroid(present)
    shapely.prepare(area)
    return float(shapely.contains(area, points).mean())


def _swap(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: c[:, ::-1])


def resolve_crs(layer: SourceLayer, uat_boundary, profile: Profile, forced: int | None = None) -> SourceLayer:
    """The layer in the national profile's storage CRS, with notes for everything done to its
    coordinates (named as the profile names its CRS)."""
    storage_epsg, crs_name = profile.storage_srid, profile.crs_name
    frame = layer.frame
    notes = list(layer.notes)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    if len(geoms) and shapely.has_z(geoms[~shapely.is_missing(geoms)]).any():
        geoms = shapely.force_2d(geoms)
        notes.append(Note("info", "z_dropped", "the Z coordinates were dropped (heights are not stored)"))
    area = uat_boundary.buffer(1000) if uat_boundary is not None else None
    crs = forced or layer.crs
    moved_from = None
    if forced and layer.crs and forced != layer.crs:
        notes.append(Note("warning", "crs_forced", f"the file says EPSG:{layer.crs}; read as EPSG:{forced} (--crs)",
                          params={"declared": layer.crs, "forced": forced}))
    if crs is None:
        if _inside_share(geoms, area) >= 0.9:
            crs = storage_epsg
            notes.append(Note("warning", "crs_assumed", "the file does not say its coordinate system; the coordinates "
                              f"lie inside the UAT only as EPSG:{storage_epsg} ({crs_name}), so they were read so",
                              params={"epsg": storage_epsg, "crs": crs_name}))
        elif _inside_share(_swap(geoms), area) >= 0.9:
            crs = storage_epsg
            geoms = _swap(geoms)
            notes.append(Note("warning", "axes_swapped", "the file does not say its coordinate system; the coordinates "
                              f"are {crs_name} with X and Y swapped, and were swapped back", params={"crs": crs_name}))
        else:
            raise ImportRefused("the file does not say its coordinate system (no or unknown .prj) and the coordinates "
                            f"are not {crs_name} inside this UAT: import again with --crs EPSG:N", "crs_unknown",
                            params={"crs": crs_name})
    elif crs != storage_epsg:
        try:
            moved = shapely.transform(geoms, lambda c: np.column_stack(
                pyproj.Transformer.from_crs(crs, storage_epsg, always_xy=True).transform(c[:, 0], c[:, 1])))
        except (CRSError, pyproj.exceptions.ProjError) as exc:
            raise ImportRefused(f"EPSG:{crs} cannot be transformed to EPSG:{storage_epsg} ({exc})",
                                "crs_unknown", params={"variant": "transform", "source": crs,
                                                       "target": storage_epsg}) from None
        geoms, moved_from = moved, crs
        notes.append(Note("warning", "reprojected", f"the coordinates were in EPSG:{crs} and were transformed to "
                          f"EPSG:{storage_epsg} (about {REPROJECTION_M:g} m accuracy from WGS 84/ETRS89: the current "
                          f"parcels keep their legal outlines unless an officer accepts these; legal outlines should "
                          f"come in {crs_name})",
                          params={"source": crs, "target": storage_epsg, "metres": REPROJECTION_M, "crs": crs_name}))
    elif area is not None and _inside_share(geoms, area) < 0.5 and _inside_share(_swap(geoms), area) >= 0.9:
        geoms = _swap(geoms)
        notes.append(Note("warning", "axes_swapped", f"X and Y were swapped in the file (X is the northing in "
                          f"{crs_name}): swapped back", params={"crs": crs_name}))
    out = frame.set_geometry(list(geoms), crs=f"EPSG:{storage_epsg}") if len(frame) else \
        frame.set_crs(f"EPSG:{storage_epsg}", allow_override=True)
    return replace(layer, frame=out, crs=storage_epsg, notes=notes, reprojected_from=moved_from)
