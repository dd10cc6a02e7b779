"""Every parameter of /ogc/collections/<id>/coverage checked before pygeoapi and rasterio see it.

pygeoapi's rasterio provider hands `subset` and `bbox` to rasterio as they come: a range far
outside the raster killed a gunicorn worker (SIGSEGV in rasterio), a malformed bbox was a 500, a
point subset an IndexError. Here each parameter is parsed strictly; a malformed, out-of-range or
outside-the-extent value is a 400 whose message names the coverage's extent, in the request's
language; a range that overlaps the raster is clamped to it (rasterio only ever sees coordinates
inside the raster). The answer is a CoverageQuery: the checked values, and the query string to
hand pygeoapi for the formats it writes (CoverageJSON, HTML); GeoTIFF, the default format, is
cut from the COG by api/coverage_geotiff.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from flask import request

from api.messages import message

# what pygeoapi 0.24 reads on /coverage (it ignores anything else, silently), and scale-size
# (GDAL's OGCAPI driver spells it scaleSize) for GeoTIFF answers
PARAMETERS = ("f", "lang", "subset", "bbox", "bbox-crs", "properties", "datetime", "scale-size", "scaleSize")
FORMATS = ("json", "html", "GTiff")
DEFAULT_FORMAT = "GTiff"  # the whole orthophoto as CoverageJSON was 49 MB
CRS84 = ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84h", "CRS84")
EPSG4326 = ("http://www.opengis.net/def/crs/EPSG/0/4326", "EPSG:4326")  # latitude first (issue 16, item 8)
SCALE_ITEM = re.compile(r"^\s*([A-Za-z_][\w.-]{0,40})\s*\(\s*(\d{1,9})\s*\)\s*$")
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
SUBSET_ITEM = re.compile(rf"^\s*([A-Za-z_][\w.-]{{0,40}})\s*\(\s*({NUMBER})\s*(?::\s*({NUMBER})\s*)?\)\s*$")
DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
DATETIME = re.compile(rf"^(?:{DATE}|(?:{DATE}|\.\.)?/(?:{DATE}|\.\.)?)$")
# The most cells (pixels of one band) one answer may carry: CoverageJSON and HTML spell every value
# out (the whole orthophoto of the sample, 4.3 million cells, was 49 MB and a worker busy for
# seconds). A GeoTIFF window is cut and compressed per request: 1024×1024 cells at most. Without a
# subset, a GeoTIFF answer is the whole COG file (with HTTP Range). Beyond, a 400 says how to ask for less.
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


    @property
    def crs_uri(self) -> str:
        """The coverage's CRS as an OGC URI (http://www.opengis.net/def/crs/EPSG/0/<code>)."""
        code = self.crs.split(":", 1)[1] if self.crs.upper().startswith("EPSG:") else self.crs
        return f"http://www.opengis.net/def/crs/EPSG/0/{code}"

    @property
    def northing_first(self) -> bool:
        """The authority axis order of the coverage's CRS starts with northing (EPSG:3844 does)."""
        from pyproj import CRS

        axis = CRS.from_user_input(self.crs).axis_info
        return bool(axis) and axis[0].direction in ("north", "south")


@dataclass(frozen=True)
class CoverageQuery:
    """A checked /coverage request. `ranges`: the spatial window in the coverage's CRS, clamped to
    the raster (empty: the whole coverage); `asked`: the same before clamping (a scale-size grid is
    laid over the box as asked); `size`: scale-size (width, height) in cells; `bands`: 1-based."""

    format: str
    pairs: list[tuple[str, str]]
    ranges: dict[str, tuple[float, float]]
    asked: dict[str, tuple[float, float]]
    size: tuple[int, int] | None
    bands: list[int] | None

    @property
    def whole_file(self) -> bool:
        """The whole coverage as GeoTIFF: the COG itself, served with HTTP Range."""
        return self.format == "GTiff" and not self.ranges and self.size is None and self.bands is None


def _short(value: str) -> str:
    return repr(value[:80] + ("…" if len(value) > 80 else ""))


def check_coverage_args(shape: CoverageShape, args) -> CoverageQuery:
    """The query checked and clamped; raises CoverageParameterError with a message that names the
    extent. `pairs` is what pygeoapi is handed for CoverageJSON and HTML."""

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
    fmt = f or DEFAULT_FORMAT
    out.append(("f", fmt))

    subsets, asked = _subsets(shape, ",".join(args.getlist("subset")) if "subset" in args else None, refuse)
    bbox = _bbox(shape, args.get("bbox"), args.get("bbox-crs"), refuse)
    if bbox is not None and any(axis in subsets for axis in shape.axes):
        raise refuse("coverage.bbox_and_subset", axes=", ".join(shape.axes))
    if bbox is not None:  # the bbox as a subset in the coverage's CRS, inside the raster
        subsets = _bbox_as_subset(shape, bbox, args["bbox"], refuse)
        asked = subsets
    if subsets:
        out.append(("subset", ",".join(f"{axis}({lo!r}:{hi!r})" for axis, (lo, hi) in subsets.items())))

    bands = None
    properties = args.get("properties")
    if properties is not None:
        names_ = properties.split(",")
        if not properties or len(names_) > len(shape.fields) or len(set(names_)) != len(names_) \
                or not set(names_) <= set(shape.fields):
            raise refuse("coverage.properties", fields=",".join(shape.fields), value=_short(properties))
        out.append(("properties", properties))
        bands = [list(shape.fields).index(b) + 1 for b in names_]

    size = _scale_size(shape, args.get("scale-size", args.get("scaleSize")), subsets, fmt, refuse)
    most = MAX_CELLS.get(fmt, MAX_CELLS["json"])
    whole_file = fmt == "GTiff" and not subsets and bands is None  # the COG as it is
    cells = size[0] * size[1] if size else shape.cells(subsets)
    if not whole_file and cells > most:
        side = int(math.sqrt(most))
        x0, y0 = shape.native[0], shape.native[1]
        example = (f"{shape.axes[0]}({x0:.0f}:{x0 + side * shape.resolution[0]:.0f}),"
                   f"{shape.axes[1]}({y0:.0f}:{y0 + side * shape.resolution[1]:.0f})")
        raise refuse("coverage.too_large", cells=f"{cells:,}".replace(",", "."), most=f"{most:,}".replace(",", "."),
                     example=example)

    when = args.get("datetime")
    if when is not None:
        if not DATETIME.match(when.strip()) or when.strip() in ("/", "../..", "/..", "../") \
                or not all(_real_moment(part) for part in when.strip().split("/") if part not in ("", "..")):
            raise refuse("coverage.datetime", value=_short(when))
        out.append(("datetime", when.strip()))
    return CoverageQuery(fmt, out, subsets, asked, size, bands)


def _scale_size(shape: CoverageShape, raw: str | None, subsets: dict, fmt: str, refuse) -> tuple[int, int] | None:
    """scale-size=x(256),y(256): the answer's size in cells, both axes, over a subset of both axes."""
    if raw is None:
        return None
    if fmt != "GTiff":
        raise refuse("coverage.scale_size_format")
    example = f"{shape.axes[0]}(256),{shape.axes[1]}(256)"
    sizes = {}
    for item in raw.split(","):
        m = SCALE_ITEM.match(item)
        if not m or m.group(1) not in shape.axes or m.group(1) in sizes or int(m.group(2)) < 1:
            raise refuse("coverage.scale_size", example=example, axes=", ".join(shape.axes), value=_short(raw))
        sizes[m.group(1)] = int(m.group(2))
    if set(sizes) != set(shape.axes) or not subsets:
        raise refuse("coverage.scale_size", example=example, axes=", ".join(shape.axes), value=_short(raw))
    return sizes[shape.axes[0]], sizes[shape.axes[1]]


def _real_moment(text: str) -> bool:
    """2024-13-45 has the shape of a date and is none."""
    from datetime import datetime

    try:
        datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return False
    return True


def _subsets(shape: CoverageShape, raw: str | None, refuse) -> tuple[dict, dict]:
    """({axis: (min, max)} clamped to the extent, the same as asked); both spatial axes always present."""
    if raw is None:
        return {}, {}
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
    clamped, asked = {}, {}
    for axis in shape.axes:  # an axis left out spans the whole extent
        low, high = ranges.get(axis, limits[axis])
        lim_lo, lim_hi = limits[axis]
        if high <= lim_lo or low >= lim_hi:
            raise refuse("coverage.outside", value=_short(raw))
        clamped[axis] = (max(low, lim_lo), min(high, lim_hi))
        asked[axis] = (low, high)
    return clamped, asked


def _bbox(shape: CoverageShape, raw: str | None, crs: str | None, refuse) -> tuple[list[float], str] | None:
    """The bbox as (west, south, east, north) and the CRS it is in: 'CRS84' (longitude, latitude)
    or the coverage's own CRS. bbox-crs EPSG:4326 is latitude first, the coverage's CRS in its
    authority axis order (northing first for Stereo 70), as on the features' bbox."""
    kind = "CRS84"
    if crs is not None:
        if raw is None:
            raise refuse("coverage.bbox_crs_alone")
        crs = crs.strip()
        if crs in EPSG4326:
            kind = "EPSG:4326"
        elif crs in (shape.crs_uri, shape.crs):
            kind = "native"
        elif crs not in CRS84:
            raise refuse("coverage.bbox_crs", value=_short(crs), allowed=f"{CRS84[0]}, {EPSG4326[0]}, {shape.crs_uri}",
                         example=shape.example, crs=shape.crs)
    if raw is None:
        return None
    parts = raw.split(",")
    numbers = [float(v) for v in parts if re.fullmatch(rf"\s*{NUMBER}\s*", v)]
    if len(parts) != 4 or len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        raise refuse("coverage.bbox_syntax", value=_short(raw))
    if kind == "native":
        a0, b0, a1, b1 = numbers
        west, south, east, north = (b0, a0, b1, a1) if shape.northing_first else (a0, b0, a1, b1)
        order = "N,E,N,E" if shape.northing_first else "E,N,E,N"
        if not (west < east and south < north):
            raise refuse("coverage.bbox_crs_syntax", crs=shape.crs, order=order, value=_short(raw))
        x0, y0, x1, y1 = shape.native
        if west >= x1 or east <= x0 or south >= y1 or north <= y0:
            raise refuse("coverage.bbox_native_outside", value=_short(raw), crs=shape.crs, order=order)
        return [west, south, east, north], "native"
    if kind == "EPSG:4326":
        south, west, north, east = numbers
    else:
        west, south, east, north = numbers
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise refuse("coverage.bbox_syntax", value=_short(raw))
    w0, s0, e0, n0 = shape.crs84
    if west >= e0 or east <= w0 or south >= n0 or north <= s0:
        raise refuse("coverage.outside", value=_short(raw))
    # clamped to the coverage's CRS84 extent: a world box has no image in Stereo 70
    return [max(west, w0), max(south, s0), min(east, e0), min(north, n0)], "CRS84"


def _bbox_as_subset(shape: CoverageShape, bbox: tuple[list[float], str], raw: str,
                    refuse) -> dict[str, tuple[float, float]]:
    """The bbox in the coverage's CRS, clamped to the raster: a CRS84 box becomes the envelope of
    its outline (densified: a box's edges are curves in Stereo 70) in that CRS."""
    (west, south, east, north), kind = bbox
    if kind == "native":
        xs, ys = [west, east], [south, north]
    else:
        steps = [i / 16 for i in range(17)]
        ring = ([(west + (east - west) * t, south) for t in steps]
                + [(east, south + (north - south) * t) for t in steps]
                + [(east - (east - west) * t, north) for t in steps]
                + [(west, north - (north - south) * t) for t in steps])
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        xs, ys = _from_crs84(shape.crs).transform(lons, lats)
    x0, y0, x1, y1 = shape.native
    low_x, high_x, low_y, high_y = max(min(xs), x0), min(max(xs), x1), max(min(ys), y0), min(max(ys), y1)
    if not (all(math.isfinite(v) for v in (low_x, high_x, low_y, high_y)) and low_x < high_x and low_y < high_y):
        raise refuse("coverage.outside", value=_short(raw))
    return {shape.axes[0]: (low_x, high_x), shape.axes[1]: (low_y, high_y)}


@lru_cache(maxsize=8)
def _from_crs84(crs: str):
    """A CRS84 → coverage CRS transformer, (longitude, latitude) → (easting, northing); building
    one costs tens of milliseconds, so it is built once per CRS."""
    from pyproj import Transformer

    return Transformer.from_crs("OGC:CRS84", crs, always_xy=True)


def rewrite_query(pairs: list[tuple[str, str]]) -> None:
    """Hand pygeoapi the checked parameters only (it reads request.args)."""
    req = request._get_current_object()
    req.environ["QUERY_STRING"] = urlencode(pairs)
    req.query_string = req.environ["QUERY_STRING"].encode()
    req.__dict__.pop("args", None)  # werkzeug parsed and cached the old one
