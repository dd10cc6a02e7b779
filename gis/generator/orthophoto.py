"""A synthetic orthophoto of the commune: an RGB GeoTIFF in EPSG:3844 painted from the land use
(fields by category with per-parcel shades, yards, roofs, roads, the stream), JPEG-compressed
with internal overviews."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import rasterio
import shapely
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.transform import from_origin

# class → (base colour, colour of the other end of its range of shades)
CLASSES = {
    0: ((150, 164, 104), (160, 170, 112)),   # unparcelled grass, field roads
    1: ((182, 156, 112), (132, 162, 84)),    # arable: bare soil ... green crop
    2: ((136, 166, 90), (150, 174, 98)),     # pasture
    3: ((158, 178, 102), (172, 182, 112)),   # hayfield
    4: ((110, 128, 72), (124, 138, 80)),     # vineyard
    5: ((92, 132, 64), (104, 140, 70)),      # orchard
    6: ((46, 82, 44), (62, 98, 52)),         # forest
    7: ((160, 166, 118), (176, 170, 132)),   # yards and gardens (curți-construcții)
    8: ((164, 152, 120), (172, 160, 128)),   # unproductive
    9: ((188, 186, 178), (176, 174, 168)),   # asphalt
    10: ((166, 76, 56), (182, 96, 70)),      # tiled roofs
    11: ((116, 114, 118), (134, 132, 136)),  # sheet-metal roofs
    12: ((62, 94, 126), (70, 104, 132)),     # water
    13: ((172, 156, 124), (180, 166, 132)),  # dirt roads (DR parcels)
}
CATEGORY_CLASS = {"A": 1, "P": 2, "F": 3, "V": 4, "L": 5, "PD": 6, "CC": 7, "N": 8, "DR": 13}
TEXTURE = {6: 16, 4: 8, 5: 10}  # noisier classes (tree crowns, vine rows)


def _lut() -> np.ndarray:
    """(256, 3) colours for value class*16 + shade."""
    lut = np.zeros((256, 3), np.float32)
    t = np.linspace(0, 1, 16)[:, None]
    for c, (a, b) in CLASSES.items():
        lut[c * 16: c * 16 + 16] = np.array(a) * (1 - t) + np.array(b) * t
    return lut


def _interpolation(n: int, cell: int) -> np.ndarray:
    """(n, n // cell + 2) weights of linear interpolation from a coarse grid of `cell` pixels."""
    pos = np.arange(n) / cell
    i = np.floor(pos).astype(int)
    w = np.zeros((n, n // cell + 2), np.float32)
    w[np.arange(n), i] = 1 - (pos - i)
    w[np.arange(n), i + 1] = pos - i
    return w


def _smooth_noise(rng: np.random.Generator, height: int, width: int, cell: int,
                  sigma: float) -> np.ndarray:
    """Gaussian noise on a coarse grid, bilinearly interpolated: soft patches, no blocks."""
    coarse = rng.normal(0, sigma, (height // cell + 2, width // cell + 2)).astype(np.float32)
    return _interpolation(height, cell) @ coarse @ _interpolation(width, cell).T


def _burn(pairs, shape, transform, out: np.ndarray) -> None:
    """Burn (geometries, value) groups into `out`; one MultiPolygon per value keeps it fast."""
    geoms, values = pairs
    if not len(geoms):
        return
    order = np.argsort(values, kind="stable")
    values, geoms = values[order], geoms[order]
    uniq, start = np.unique(values, return_index=True)
    multi = shapely.multipolygons(geoms, indices=np.repeat(np.arange(len(uniq)), np.diff(
        np.append(start, len(values)))))
    rasterize(zip(multi, uniq.tolist(), strict=True), out_shape=shape, transform=transform,
              out=out, dtype="uint8")


def write_orthophoto(layers: dict, lines: dict, path: Path, max_px: int, seed: int) -> dict:
    boundary = layers["uat"].geometry.iloc[0]
    xmin, ymin, xmax, ymax = boundary.bounds
    res = max(1.0, math.ceil(max(xmax - xmin, ymax - ymin) / max_px * 2) / 2)
    width, height = math.ceil((xmax - xmin) / res), math.ceil((ymax - ymin) / res)
    transform = from_origin(xmin, ymax, res, res)
    shape = (height, width)
    rng = np.random.default_rng([seed, 9])
    value = np.zeros(shape, np.uint8)  # unparcelled grass

    parcels = layers["parcels"]
    cls = parcels["use_category"].map(CATEGORY_CLASS).fillna(8).astype(int).to_numpy()
    shade = rng.integers(0, 16, len(parcels))
    _burn((shapely.get_parts(parcels.geometry.values), (cls * 16 + shade).astype(np.int64)),
          shape, transform, value)
    streets = layers["streets"].geometry.values
    roads = [shapely.buffer(streets, 5.0, cap_style="flat"),
             shapely.buffer(np.array([lines["main_road"]]), 7.0, cap_style="flat")]
    road_geoms = shapely.get_parts(np.concatenate(roads))
    _burn((road_geoms, np.full(len(road_geoms), 9 * 16 + 4)), shape, transform, value)
    water = shapely.get_parts(shapely.buffer(np.array([lines["stream"]]), 5.0))
    _burn((water, np.full(len(water), 12 * 16 + 4)), shape, transform, value)
    buildings = layers["buildings"]
    roof = np.where(rng.random(len(buildings)) < 0.7, 10, 11) * 16 + rng.integers(0, 16, len(buildings))
    _burn((shapely.get_parts(buildings.geometry.values), roof.astype(np.int64)), shape, transform, value)

    rgb = _lut()[value]                                   # (h, w, 3)
    # low-frequency variation (soil moisture, light) and fine noise, stronger in forests
    coarse = _smooth_noise(rng, height, width, cell=48, sigma=5.0)
    amplitude = np.full(256, 3.0, np.float32)
    for c, a in TEXTURE.items():
        amplitude[c * 16: c * 16 + 16] = a
    fine = rng.normal(0, 1, shape).astype(np.float32) * amplitude[value]
    rgb += (coarse + fine)[:, :, None]
    data = np.clip(rgb, 0, 255).astype(np.uint8).transpose(2, 0, 1)

    profile = dict(driver="GTiff", width=width, height=height, count=3, dtype="uint8",
                   crs="EPSG:3844", transform=transform, compress="JPEG", jpeg_quality=75,
                   photometric="YCBCR", tiled=True, blockxsize=256, blockysize=256,
                   interleave="pixel")
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        dst.build_overviews([f for f in (2, 4, 8, 16) if min(width, height) // f >= 64],
                            Resampling.average)
        dst.update_tags(TIFFTAG_IMAGEDESCRIPTION="Ortofotoplan sintetic (fictiv), Teritoriu",
                        source="synthetic, painted from the generated land use; not a photograph")
    return {"resolution_m": res, "width": width, "height": height}
