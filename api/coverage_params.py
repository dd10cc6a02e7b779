"""Every parameter of /ogc/collections/<id>/coverage checked before pygeoapi and rasterio see it.

pygeoapi's rasterio provider hands `subset` and `bbox` to rasterio as they come: a range far
outside the raster killed a gunicorn worker (SIGSEGV in rasterio), a malformed bbox was a 500, a
point subset an IndexError. Here each parameter is parsed strictly; a malformed, out-of-range or
outside-the-extent value is a 400 whose message names the coverage's extent, in the request's
language; a range that overlaps the raster is clamped to it (rasterio only ever sees coordinates
inside the raster); then the query string is rewritten to the checked values.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request

from api.messages import message

# what pygeoapi 0.24 reads on /coverage (it ignores anything else, silently)
PARAMETERS = ("f", "lang", "subset", "bbox", "bbox-crs", "properties", "datetime")
FORMATS = ("json", "html", "GTiff")
CRS84 = ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84h",
         "http://www.opengis.net/def/crs/EPSG/0/4326", "EPSG:4326", "CRS84")
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
SUBSET_ITEM = re.compile(rf"^\s*([A-Za-z_][\w.-]{{0,40}})\s*\(\s*({NUMBER})\s*(?::\s*({NUMBER})\s*)?\)\s*$")
DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
DATETIME = re.compile(rf"^(?:{DATE}|(?:{DATE}|\.\.)?/(?:{DATE}|\.\.)?)$")
# The most cells (pixels of one band) one answer may carry: CoverageJSON and HTML spell every value
# out (the whole orthophoto of the sample, 4.3 million cells, was 49 MB and a worker busy for
# seconds); a subset as GeoTIFF is written uncompressed (the whole extent as a "subset" was 12.7 MB,
# twenty times the stored file). Without a subset, a GeoTIFF answer is the stored file as it is.
# Beyond, a 400 says how to ask for less.
MAX_CELLS = {"GTiff": 1024 * 1024, "json": 512 * 512, "html": 512 * 512}


class CoverageParameterError(ValueError):
    """A parameter refused: the message is for the person who asked."""


@dataclass(frozen=True)
class CoverageShape:
    """What the coverage is: its axes (x first, then y), bands and extent, native and CRS84."""

    axes: tuple[str, str]
    fields: tuple[str, ...]
    native: tuple[float, float, float, float]
    crs84: tuple[float, float, float, float]
    crs: str
    valid: tuple[float, float, float, float] | None = None  # where the CRS is defined (its area of use)
    resolution: tuple[float, float] = (1.0, 1.0)  # a cell's size along x and y, in the native CRS

    @classmethod
    def from_provider(cls, provider_def: dict) -> CoverageShape:
        """Read from pygeoapi's own provider: the axis names and bands it will check against."""
        from pygeoapi.plugin import load_plugin
        from rasterio.warp import transform_bounds

        p = load_plugin("provider", provider_def)
        props = p._coverage_properties
        native = tuple(float(v) for v in props["bbox"])
        with_crs = p._data.crs
        crs84 = transform_bounds(with_crs, "EPSG:4326", *native)
        crs = with_crs.to_string() if with_crs else "?"
        valid = None
        try:
            from pyproj import CRS

            area = CRS.from_user_input(crs).area_of_use
            if area is not None:
                valid = tuple(transform_bounds("EPSG:4326", with_crs, *area.bounds))
        except Exception:  # noqa: BLE001 - no area of use: only the extent limits ranges
            valid = None
        return cls((props["x_axis_label"], props["y_axis_label"]), tuple(str(f) for f in p.fields),
                   native, tuple(crs84), crs, valid, tuple(abs(float(r)) for r in p._data.res))

    def cells(self, ranges: dict[str, tuple[float, float]]) -> int:
        """How many cells (of one band) the ranges cover; an axis left out spans the extent."""
        x0, y0, x1, y1 = self.native
        (lx, hx), (ly, hy) = ranges.get(self.axes[0], (x0, x1)), ranges.get(self.axes[1], (y0, y1))
        return math.ceil((hx - lx) / self.resolution[0]) * math.ceil((hy - ly) / self.resolution[1])

    def extent_text(self, lang: str | None = None) -> str:
        x0, y0, x1, y1 = self.native
        native = f"{self.axes[0]} {x0:.0f}–{x1:.0f}, {self.axes[1]} {y0:.0f}–{y1:.0f}"
        crs84 = ",".join(f"{v:.5f}" for v in self.crs84)
        return message("coverage.extent", lang, native=native, crs=self.crs, crs84=crs84)

    @property
    def example(self) -> str:
        x0, y0, x1, y1 = self.native
        return f"{self.axes[0]}({x0:.0f}:{min(x1, x0 + 100):.0f}),{self.axes[1]}({y0:.0f}:{min(y1, y0 + 100):.0f})"


def _short(value: str) -> str:
    return repr(value[:80] + ("…" if len(value) > 80 else ""))


def check_coverage_args(shape: CoverageShape, args) -> list[tuple[str, str]]:
    """The query's (name, value) pairs to hand to pygeoapi, checked and clamped; raises
    CoverageParameterError with a message that names the extent."""

    def refuse(code: str, **values) -> CoverageParameterError:
        return CoverageParameterError(f"{message(code, **values)}; {shape.extent_text()}")

    names = list(args.keys())
    unknown = sorted(set(names) - set(PARAMETERS))
    if unknown:
        raise refuse("coverage.unknown_parameter", names=", ".join(_short(n) for n in unknown[:5]),
                     allowed=", ".join(PARAMETERS))
    for name in names:
        if len(args.getlist(name)) > 1 and name != "subset":  # subset=x(..)&subset=y(..) is one subset
            raise refuse("coverage.repeated_parameter", name=name)
    out: list[tuple[str, str]] = []
    if "lang" in args:
        out.append(("lang", args["lang"][:16]))

    f = args.get("f")
    if f is not None:
        if f not in FORMATS:
            raise refuse("coverage.format", value=_short(f), allowed=", ".join(FORMATS))
        out.append(("f", f))

    subsets = _subsets(shape, ",".join(args.getlist("subset")) if "subset" in args else None, refuse)
    bbox = _bbox(shape, args.get("bbox"), args.get("bbox-crs"), refuse)
    if bbox is not None and any(axis in subsets for axis in shape.axes):
        raise refuse("coverage.bbox_and_subset", axes=", ".join(shape.axes))
    if bbox is not None:  # rasterio gets the bbox as a subset in its own CRS, inside the raster
        subsets = _bbox_as_subset(shape, bbox, args["bbox"], refuse)
    if subsets:
        out.append(("subset", ",".join(f"{axis}({lo!r}:{hi!r})" for axis, (lo, hi) in subsets.items())))

    most = MAX_CELLS.get(f or "json", MAX_CELLS["json"])
    whole_file = f == "GTiff" and not subsets
    if not whole_file and (cells := shape.cells(subsets)) > most:
        side = int(math.sqrt(most))
        x0, y0 = shape.native[0], shape.native[1]
        example = (f"{shape.axes[0]}({x0:.0f}:{x0 + side * shape.resolution[0]:.0f}),"
                   f"{shape.axes[1]}({y0:.0f}:{y0 + side * shape.resolution[1]:.0f})")
        raise refuse("coverage.too_large", cells=f"{cells:,}".replace(",", "."), most=f"{most:,}".replace(",", "."),
                     example=example)

    properties = args.get("properties")
    if properties is not None:
        bands = properties.split(",")
        if not properties or len(bands) > len(shape.fields) or len(set(bands)) != len(bands) \
                or not set(bands) <= set(shape.fields):
            raise refuse("coverage.properties", fields=",".join(shape.fields), value=_short(properties))
        out.append(("properties", properties))

    when = args.get("datetime")
    if when is not None:
        if not DATETIME.match(when.strip()) or when.strip() in ("/", "../..", "/..", "../") \
                or not all(_real_moment(part) for part in when.strip().split("/") if part not in ("", "..")):
            raise refuse("coverage.datetime", value=_short(when))
        out.append(("datetime", when.strip()))
    return out


def _real_moment(text: str) -> bool:
    """2024-13-45 has the shape of a date and is none."""
    from datetime import datetime

    try:
        datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return False
    return True


def _subsets(shape: CoverageShape, raw: str | None, refuse) -> dict[str, tuple[float, float]]:
    """{axis: (min, max)} clamped to the extent; both spatial axes always present."""
    if raw is None:
        return {}
    items = raw.split(",") if raw.strip() else [raw]
    ranges: dict[str, tuple[float, float]] = {}
    for item in items:
        m = SUBSET_ITEM.match(item)
        if not m:
            raise refuse("coverage.subset_syntax", example=shape.example, axes=", ".join(shape.axes),
                         value=_short(raw))
        axis, lo, hi = m.group(1), m.group(2), m.group(3)
        if axis not in shape.axes:
            raise refuse("coverage.subset_axis", axis=_short(axis), axes=", ".join(shape.axes))
        if axis in ranges:
            raise refuse("coverage.subset_repeated_axis", axis=axis)
        low, high = float(lo), float(hi) if hi is not None else None
        if high is None or not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise refuse("coverage.subset_range", axis=axis, value=_short(item.strip()))
        ranges[axis] = (low, high)
    if shape.valid is not None:  # out of range: beyond where the coverage's CRS is defined at all
        v0, w0, v1, w1 = shape.valid
        for axis, (lim_lo, lim_hi) in zip(shape.axes, ((v0, v1), (w0, w1)), strict=True):
            low, high = ranges.get(axis, (lim_lo, lim_hi))
            if low < lim_lo or high > lim_hi:
                raise refuse("coverage.subset_out_of_range", axis=axis, value=_short(f"{low!r}:{high!r}"),
                             crs=shape.crs, low=f"{lim_lo:.0f}", high=f"{lim_hi:.0f}")
    x0, y0, x1, y1 = shape.native
    limits = {shape.axes[0]: (x0, x1), shape.axes[1]: (y0, y1)}
    clamped = {}
    for axis in shape.axes:  # an axis left out spans the whole extent
        low, high = ranges.get(axis, limits[axis])
        lim_lo, lim_hi = limits[axis]
        if high <= lim_lo or low >= lim_hi:
            raise refuse("coverage.outside", value=_short(raw))
        clamped[axis] = (max(low, lim_lo), min(high, lim_hi))
    return clamped


def _bbox(shape: CoverageShape, raw: str | None, crs: str | None, refuse) -> list[float] | None:
    """The bbox in CRS84 clamped to the coverage's CRS84 extent."""
    if crs is not None:
        if raw is None:
            raise refuse("coverage.bbox_crs_alone")
        if crs.strip() not in CRS84:
            raise refuse("coverage.bbox_crs", value=_short(crs), allowed=CRS84[0], example=shape.example,
                         crs=shape.crs)
    if raw is None:
        return None
    parts = raw.split(",")
    try:
        numbers = [float(v) for v in parts if re.fullmatch(rf"\s*{NUMBER}\s*", v)]
    except ValueError:
        numbers = []
    if len(parts) != 4 or len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        raise refuse("coverage.bbox_syntax", value=_short(raw))
    west, south, east, north = numbers
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise refuse("coverage.bbox_syntax", value=_short(raw))
    w0, s0, e0, n0 = shape.crs84
    if west >= e0 or east <= w0 or south >= n0 or north <= s0:
        raise refuse("coverage.outside", value=_short(raw))
    return [max(west, w0), max(south, s0), min(east, e0), min(north, n0)]


def _bbox_as_subset(shape: CoverageShape, bbox: list[float], raw: str, refuse) -> dict[str, tuple[float, float]]:
    """The CRS84 bbox as the envelope of its outline in the raster's CRS, clamped to the raster."""
    from pyproj import Transformer

    west, south, east, north = bbox
    steps = [i / 8 for i in range(9)]
    ring = ([(west + (east - west) * t, south) for t in steps] + [(east, south + (north - south) * t) for t in steps]
            + [(east - (east - west) * t, north) for t in steps] + [(west, north - (north - south) * t) for t in steps])
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    xs, ys = Transformer.from_crs("EPSG:4326", shape.crs, always_xy=True).transform(lons, lats)
    x0, y0, x1, y1 = shape.native
    low_x, high_x, low_y, high_y = max(min(xs), x0), min(max(xs), x1), max(min(ys), y0), min(max(ys), y1)
    if not (all(math.isfinite(v) for v in (low_x, high_x, low_y, high_y)) and low_x < high_x and low_y < high_y):
        raise refuse("coverage.outside", value=_short(raw))
    return {shape.axes[0]: (low_x, high_x), shape.axes[1]: (low_y, high_y)}


def rewrite_query(pairs: list[tuple[str, str]]) -> None:
    """Hand pygeoapi the checked parameters only (it reads request.args)."""
    req = request._get_current_object()
    req.environ["QUERY_STRING"] = urlencode(pairs)
    req.query_string = req.environ["QUERY_STRING"].encode()
    req.__dict__.pop("args", None)  # werkzeug parsed and cached the old one
