"""The map extract of a certificate, drawn server-side as SVG in the storage CRS of the national
profile (Stereo 70 in Romania, MOLDREF99 / Moldova TM in Moldova; the selection's own SRID):
orthophoto underneath, zones shaded, neighbours labelled with their cadastral numbers, the
selection outlined, a round scale (1:500 … 1:5000) that fits, a scale bar, a north arrow and
coordinate ticks on the frame (X = northing, Y = easting, as surveyors of both countries
write them). Grid north = map up (both CRSs are conformal)."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from datetime import date
from html import escape

import numpy as np
import rasterio
import shapely
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.windows import from_bounds
from sqlalchemy import Connection, text

from styles import get_style

SCALES = (500, 1000, 2000, 5000, 10000)
FRAME_MM = (170.0, 115.0)   # width, height of the map on the A4 page


@dataclass(frozen=True)
class MapExtract:
    svg: str
    scale: int
    zone_legend: tuple[tuple[str, str, str], ...]   # (code, label, colour)
    restriction_legend: tuple[tuple[str, str], ...] = ()   # (label, colour): the restrictions drawn


def choose_scale(width_m: float, height_m: float) -> int:
    """The smallest round scale at which the selection (with a margin) fits the frame."""
    for s in SCALES:
        if width_m * 1.3 <= FRAME_MM[0] * s / 1000 and height_m * 1.3 <= FRAME_MM[1] * s / 1000:
            return s
    return SCALES[-1]


def _path(geom, to_px) -> str:
    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.geom_type not in ("Polygon",):
            continue
        for ring in [poly.exterior, *poly.interiors]:
            pts = [to_px(x, y) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in pts) + " Z")
    return " ".join(parts)


def _orthophoto(path, bounds, width_px: int, height_px: int) -> str | None:
    try:
        with rasterio.open(path) as src:
            window = from_bounds(*bounds, transform=src.transform)
            data = src.read(window=window, out_shape=(3, height_px, width_px), boundless=True,
                            fill_value=255, resampling=Resampling.bilinear)
    except (rasterio.errors.RasterioIOError, ValueError):
        return None
    data = (np.clip(data.astype("float32") * 0.55 + 255 * 0.45, 0, 255)).astype("uint8")  # faded
    with MemoryFile() as mem:
        with mem.open(driver="PNG", width=width_px, height=height_px, count=3, dtype="uint8") as png:
            png.write(data)
        return base64.b64encode(mem.read()).decode()


def draw(conn: Connection, parcel_ids: list[int], orthophoto_path=None, on: date | None = None) -> MapExtract:
    """The extract with the plans in force `on` (the issue date; default today): an expired or
    superseded plan is not drawn (the same rule as gis.parcel_facts)."""
    rows = conn.execute(text("SELECT ST_AsBinary(geom), ST_SRID(geom) FROM public_api.parcel "
                             "WHERE id = ANY(:ids)"), {"ids": parcel_ids}).all()
    sel = [shapely.from_wkb(bytes(r[0])) for r in rows]
    srid = int(rows[0][1])
    union = shapely.union_all(sel)
    minx, miny, maxx, maxy = union.bounds
    scale = choose_scale(maxx - minx, maxy - miny)
    m_per_mm = scale / 1000
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    w_m, h_m = FRAME_MM[0] * m_per_mm, FRAME_MM[1] * m_per_mm
    bounds = (cx - w_m / 2, cy - h_m / 2, cx + w_m / 2, cy + h_m / 2)
    px_per_mm = 4  # SVG user units: 4 per mm
    W, H = FRAME_MM[0] * px_per_mm, FRAME_MM[1] * px_per_mm

    def to_px(x, y):
        return (x - bounds[0]) / m_per_mm * px_per_mm, (bounds[3] - y) / m_per_mm * px_per_mm

    env = {"a": bounds[0], "b": bounds[1], "c": bounds[2], "d": bounds[3], "srid": srid, "on": on or date.today()}
    box = "ST_MakeEnvelope(:a, :b, :c, :d, :srid)"
    zones = conn.execute(text(
        f"SELECT code, functional_zone, ST_AsBinary(ST_Intersection(geom, {box})) FROM public_api.zone "  # noqa: S608 - box is the constant envelope above
        f"WHERE geom && {box} AND document_valid_from <= CAST(:on AS date) "
        "AND (document_valid_until IS NULL OR document_valid_until >= CAST(:on AS date)) "
        "AND document_code NOT IN (SELECT unnest(s.supersedes) FROM public_api.planning_document s "
        "WHERE s.valid_from <= CAST(:on AS date) AND (s.valid_until IS NULL OR s.valid_until >= CAST(:on AS date))) "
        "ORDER BY CASE document_kind WHEN 'PUG' THEN 1 WHEN 'PUZ' THEN 2 ELSE 3 END"), env).all()
    neighbours = conn.execute(text(
        f"SELECT id, cadastral_number, ST_AsBinary(geom), ST_X(ST_PointOnSurface(geom)), "  # noqa: S608 - box is the constant envelope above
        f"ST_Y(ST_PointOnSurface(geom)) FROM public_api.parcel WHERE geom && {box}"), env).all()
    buildings = conn.execute(text(
        f"SELECT ST_AsBinary(geom) FROM public_api.building WHERE geom && {box}"), env).all()  # noqa: S608 - box is the constant envelope above
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W:.0f} {H:.0f}" '
           f'width="{FRAME_MM[0]}mm" height="{FRAME_MM[1]}mm" font-family="DejaVu Sans">',
           f'<defs><clipPath id="frame"><rect width="{W:.0f}" height="{H:.0f}"/></clipPath></defs>',
           '<g clip-path="url(#frame)">', f'<rect width="{W:.0f}" height="{H:.0f}" fill="#fff"/>']
    if orthophoto_path is not None:
        png = _orthophoto(orthophoto_path, bounds, int(W * 1.5), int(H * 1.5))
        if png:
            out.append(f'<image href="data:image/png;base64,{png}" width="{W:.0f}" height="{H:.0f}" '
                       'preserveAspectRatio="none"/>')
    zone_style = get_style("zones")
    legend = {}
    for code, fz, wkb in zones:
        c = zone_style.class_for(fz)
        legend[code] = (code, c.label.get("ro", fz), c.fill or "#ddd")
        out.append(f'<path d="{_path(shapely.from_wkb(bytes(wkb)), to_px)}" fill="{c.fill}" '
                   f'fill-opacity="0.35" stroke="{c.stroke}" stroke-width="1.2"/>')
    restriction_legend = _restrictions(conn, env, box, to_px, out)
    for (wkb,) in buildings:
        out.append(f'<path d="{_path(shapely.from_wkb(bytes(wkb)), to_px)}" fill="#9e9e9e" '
                   'fill-opacity="0.8" stroke="#424242" stroke-width="0.6"/>')
    font = 7 if scale <= 1000 else 6
    for pid, number, wkb, x, y in neighbours:
        if pid in parcel_ids:
            continue
        out.append(f'<path d="{_path(shapely.from_wkb(bytes(wkb)), to_px)}" fill="none" '
                   'stroke="#b71c1c" stroke-width="0.7"/>')
        px, py = to_px(x, y)
        out.append(_label(px, py, number, font, "#7f0000"))
    for geom in sel:
        out.append(f'<path d="{_path(geom, to_px)}" fill="none" stroke="#d50000" stroke-width="3.2"/>')
    for pid, number, _wkb, x, y in neighbours:
        if pid in parcel_ids:
            px, py = to_px(x, y)
            out.append(_label(px, py, number, font + 3, "#d50000", bold=True))
    out.append("</g>")
    out.append(_frame_ticks(bounds, to_px, W, H, scale))
    out.append(_scale_bar(scale, px_per_mm, H))
    out.append(_north_arrow(W))
    out.append("</svg>")
    return MapExtract("".join(out), scale, tuple(legend.values()), restriction_legend)


def _restrictions(conn: Connection, env: dict, box: str, to_px, out: list[str]) -> tuple[tuple[str, str], ...]:
    """The restrictions in force (road protection zones, corridors, flood zones…) over the zones:
    hatched in their style's colour with a dashed outline, so the UTR colours stay readable."""
    rows = conn.execute(text(
        f"SELECT kind, ST_AsBinary(ST_Intersection(geom, {box})) FROM public_api.restriction "  # noqa: S608 - box is the constant envelope
        f"WHERE geom && {box} AND (valid_until IS NULL OR valid_until >= current_date) ORDER BY kind"), env).all()
    style, legend = get_style("restrictions"), {}
    for kind, wkb in rows:
        c = style.class_for(kind)
        pattern = f"hatch-{len(legend)}" if kind not in legend else legend[kind][2]
        if kind not in legend:
            legend[kind] = (c.label.get("ro", kind), c.stroke, pattern)
            out.append(f'<defs><pattern id="{pattern}" width="8" height="8" patternUnits="userSpaceOnUse" '
                       f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="{c.stroke}" '
                       'stroke-width="1.2" stroke-opacity="0.6"/></pattern></defs>')
        out.append(f'<path d="{_path(shapely.from_wkb(bytes(wkb)), to_px)}" fill="url(#{pattern})" '
                   f'stroke="{c.stroke}" stroke-width="1.4" stroke-dasharray="6,4"/>')
    return tuple((label, colour) for label, colour, _ in legend.values())


def _label(px: float, py: float, value: str, size: float, colour: str, bold: bool = False) -> str:
    """Text with a white halo: a stroked copy underneath (PDF renderers ignore paint-order)."""
    weight = ' font-weight="bold"' if bold else ""
    common = f'x="{px:.1f}" y="{py:.1f}" font-size="{size}" text-anchor="middle"{weight}'
    return (f'<text {common} fill="#fff" stroke="#fff" stroke-width="2.5">{escape(value)}</text>'
            f'<text {common} fill="{colour}">{escape(value)}</text>')


def _frame_ticks(bounds, to_px, W, H, scale) -> str:
    step = {500: 50, 1000: 100, 2000: 200, 5000: 500}.get(scale, 1000)
    out = [f'<rect width="{W:.0f}" height="{H:.0f}" fill="none" stroke="#000" stroke-width="1.5"/>']
    x = math.ceil(bounds[0] / step) * step
    while x < bounds[2]:
        px, _ = to_px(x, bounds[1])
        out.append(f'<line x1="{px:.1f}" y1="0" x2="{px:.1f}" y2="8" stroke="#000"/>'
                   f'<line x1="{px:.1f}" y1="{H - 8:.1f}" x2="{px:.1f}" y2="{H:.1f}" stroke="#000"/>'
                   f'<text x="{px + 2:.1f}" y="16" font-size="6">Y {x:.0f}</text>')
        x += step
    y = math.ceil(bounds[1] / step) * step
    while y < bounds[3]:
        _, py = to_px(bounds[0], y)
        out.append(f'<line x1="0" y1="{py:.1f}" x2="8" y2="{py:.1f}" stroke="#000"/>'
                   f'<line x1="{W - 8:.1f}" y1="{py:.1f}" x2="{W:.1f}" y2="{py:.1f}" stroke="#000"/>'
                   f'<text x="10" y="{py - 2:.1f}" font-size="6">X {y:.0f}</text>')
        y += step
    return "".join(out)


def _scale_bar(scale: int, px_per_mm: float, H: float) -> str:
    length_m = {500: 20, 1000: 50, 2000: 100, 5000: 200}.get(scale, 500)
    length_px = length_m / (scale / 1000) * px_per_mm
    x0, y0 = 14, H - 18
    return (f'<rect x="{x0 - 4}" y="{y0 - 14}" width="{length_px + 60:.0f}" height="24" fill="#fff" '
            f'fill-opacity="0.85"/><rect x="{x0}" y="{y0}" width="{length_px / 2:.1f}" height="4" fill="#000"/>'
            f'<rect x="{x0 + length_px / 2:.1f}" y="{y0}" width="{length_px / 2:.1f}" height="4" '
            f'fill="#fff" stroke="#000" stroke-width="0.8"/>'
            f'<text x="{x0}" y="{y0 - 3}" font-size="7">0</text>'
            f'<text x="{x0 + length_px:.1f}" y="{y0 - 3}" font-size="7" text-anchor="middle">{length_m} m</text>'
            f'<text x="{x0 + length_px + 8:.1f}" y="{y0 + 4}" font-size="8" font-weight="bold">1:{scale}</text>')


def _north_arrow(W: float) -> str:
    x, y = W - 26, 14
    return (f'<g transform="translate({x},{y})"><circle cx="0" cy="14" r="13" fill="#fff" '
            'fill-opacity="0.85" stroke="#000" stroke-width="0.6"/>'
            '<path d="M0,2 L6,22 L0,17 L-6,22 Z" fill="#000"/>'
            '<text x="0" y="-2" font-size="8" font-weight="bold" text-anchor="middle">N</text></g>')
