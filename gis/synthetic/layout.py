"""The territory of the synthetic commune: villages of street blocks, parcels, buildings,
addresses, and extravilan tarlale of long strips. Everything in EPSG:3844 metres (x = E, y = N),
built with numpy arrays and vectorised shapely so that a million parcels take seconds.

A village is a grid of blocks (240 m × 100 m) separated by 12 m streets. Each block has two rows
of parcels back to back; each row fronts the horizontal street on its side, so parcel widths
along a row add up to the block length: no overlaps and no gaps. Horizontal streets are named
and numbered (odd on the north side, even on the south side, increasing eastwards).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from gis.synthetic.names import VILLAGE_NAMES, street_name

BLOCK_L, BLOCK_D, GAP = 240.0, 100.0, 12.0
PER_ROW = 12                      # parcels per block row (mean width 20 m → ~1,000 m²)
STREET_RUN = 5                    # blocks per named horizontal street segment
TARLA_W, TARLA_D, FIELD_ROAD = 500.0, 400.0, 8.0
PER_TARLA = 25                    # strips per tarla (mean width 20 m → ~8,000 m²)
VILLAGE_SPACING = 700.0           # extravilan between villages (a stream runs there)
ORIGIN = (248000.0, 604000.0)
SIRUTA_UAT = 926501               # fictional
EXTRA_CATEGORIES = (["A"] * 60 + ["P"] * 12 + ["F"] * 8 + ["V"] * 5 + ["L"] * 5 + ["PD"] * 7
                    + ["N"] * 3)


@dataclass
class Village:
    siruta: int
    name: str
    rank: int
    postal_code: str
    x0: float
    y0: float
    cols: int
    rows: int
    main_k: int  # index of the horizontal street that is the main road

    @property
    def x1(self) -> float:
        return self.x0 + self.cols * (BLOCK_L + GAP) - GAP

    @property
    def y1(self) -> float:
        return self.y0 + self.rows * (BLOCK_D + GAP) - GAP

    def intravilan(self):
        return shapely.box(self.x0 - GAP - 15, self.y0 - GAP - 15, self.x1 + GAP + 15, self.y1 + GAP + 15)


@dataclass
class Territory:
    villages: list[Village]
    parcels: pd.DataFrame          # columns + geometry (shapely array)
    streets: pd.DataFrame
    addresses: pd.DataFrame
    buildings: pd.DataFrame
    main_road: object
    field_roads: list = field(default_factory=list)
    boundary: object = None


def _row_widths(rng: np.random.Generator, rows: int, per_row: int, length: float) -> np.ndarray:
    """Cumulative x offsets (rows × per_row+1) of parcels that exactly fill each row."""
    r = rng.uniform(0.5, 2.0, size=(rows, per_row))
    cum = np.cumsum(r, axis=1) / r.sum(axis=1, keepdims=True) * length
    return np.hstack([np.zeros((rows, 1)), cum])


def _village_sizes(n_intra: int, n_villages: int) -> list[int]:
    weights = np.array([0.5, 0.3, 0.2, 0.15][:n_villages])
    weights /= weights.sum()
    return [max(1, math.ceil(n_intra * w / (2 * PER_ROW))) for w in weights]


def build_villages(n_intra: int, rng: np.random.Generator) -> list[Village]:
    n_villages = 3 if n_intra < 200_000 else 4
    villages, x = [], ORIGIN[0]
    for i, blocks in enumerate(_village_sizes(n_intra, n_villages)):
        cols = max(2, math.ceil(math.sqrt(blocks * (BLOCK_D + GAP) / (BLOCK_L + GAP))))
        rows = max(2, math.ceil(blocks / cols))
        main_k = rows // 2
        # all main roads on one line: y of horizontal street main_k is ORIGIN[1]
        y0 = ORIGIN[1] - main_k * (BLOCK_D + GAP) + GAP / 2
        villages.append(Village(SIRUTA_UAT + 10 * (i + 1), VILLAGE_NAMES[i], 4 if i == 0 else 5,
                                f"4177{i + 1}0", x, y0, cols, rows, main_k))
        x += cols * (BLOCK_L + GAP) + VILLAGE_SPACING
    return villages


def intravilan_parcels(v: Village, rng: np.random.Generator):
    """Parcels, buildings, addresses and streets of one village."""
    n_rows = v.rows * v.cols * 2
    offsets = _row_widths(rng, n_rows, PER_ROW, BLOCK_L)
    row_ids = np.arange(n_rows)
    block = row_ids // 2
    side = row_ids % 2                      # 0: bottom row (fronts the street below), 1: top row
    bcol, brow = block % v.cols, block // v.cols
    bx = v.x0 + bcol * (BLOCK_L + GAP)
    by = v.y0 + brow * (BLOCK_D + GAP)
    xmin = (bx[:, None] + offsets[:, :-1]).ravel()
    xmax = (bx[:, None] + offsets[:, 1:]).ravel()
    ymin = np.repeat(by + side * BLOCK_D / 2, PER_ROW)
    ymax = ymin + BLOCK_D / 2
    # street index k: a bottom row of grid row j fronts street j, a top row fronts street j+1
    k = np.repeat(brow + side, PER_ROW)
    col = np.repeat(bcol, PER_ROW)
    front_y = np.where(np.repeat(side, PER_ROW) == 0, ymin, ymax)
    return dict(xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax, k=k, col=col,
                north_side=np.repeat(side, PER_ROW) == 0, front_y=front_y)


def build_streets(v: Village, start_index: int) -> pd.DataFrame:
    """Named horizontal street runs (with their k and column range) and vertical streets."""
    rows = []
    i = start_index
    for k in range(v.rows + 1):
        y = v.y0 + k * (BLOCK_D + GAP) - GAP / 2
        runs = [(0, v.cols)] if k == v.main_k else [
            (c, min(c + STREET_RUN, v.cols)) for c in range(0, v.cols, STREET_RUN)]
        for c0, c1 in runs:
            x0 = v.x0 + c0 * (BLOCK_L + GAP) - GAP / 2
            x1 = v.x0 + c1 * (BLOCK_L + GAP) - GAP / 2
            if k == v.main_k:
                kind, name = "Strada", "Principală"
            else:
                kind, name = street_name(i)
                i += 1
            rows.append(dict(k=k, c0=c0, c1=c1, street_type=kind, name=name,
                             geometry=shapely.linestrings([[x0, y], [x1, y]])))
    for c in range(v.cols + 1):
        x = v.x0 + c * (BLOCK_L + GAP) - GAP / 2
        kind, name = street_name(i)
        i += 1
        rows.append(dict(k=-1, c0=c, c1=c, street_type=kind, name=name,
                         geometry=shapely.linestrings([[x, v.y0 - GAP / 2], [x, v.y1 + GAP / 2]])))
    df = pd.DataFrame(rows)
    df["locality_siruta"] = v.siruta
    return df


def build_tarlale(n_extra: int, band: tuple[float, float], y_top: float, y_bottom: float,
                  rng: np.random.Generator):
    """Extravilan strips by tarla, in two fields north and south of the villages."""
    n_tarlale = max(1, math.ceil(n_extra / PER_TARLA))
    cols = max(1, int((band[1] - band[0]) // (TARLA_W + FIELD_ROAD)))
    counts = np.full(n_tarlale, n_extra // n_tarlale)
    counts[: n_extra % n_tarlale] += 1
    t = np.arange(n_tarlale)
    north = t % 2 == 0
    idx = t // 2
    tcol, trow = idx % cols, idx // cols
    tx = band[0] + tcol * (TARLA_W + FIELD_ROAD)
    ty = np.where(north, y_top + 300 + trow * (TARLA_D + FIELD_ROAD),
                  y_bottom - 300 - TARLA_D - trow * (TARLA_D + FIELD_ROAD))
    # widths per tarla: a padded matrix, then keep the first counts[t] of each row
    width = counts.max()
    r = rng.uniform(0.6, 1.6, size=(n_tarlale, width))
    r[np.arange(width)[None, :] >= counts[:, None]] = 0
    cum = np.cumsum(r, axis=1) / r.sum(axis=1, keepdims=True) * TARLA_W
    starts = np.hstack([np.zeros((n_tarlale, 1)), cum[:, :-1]])
    keep = np.arange(width)[None, :] < counts[:, None]
    xmin = (tx[:, None] + starts)[keep]
    xmax = (tx[:, None] + cum)[keep]
    tarla_of = np.repeat(t, counts)
    ymin = ty[tarla_of]
    ymax = ymin + TARLA_D
    strip_no = np.concatenate([np.arange(1, c + 1) for c in counts])
    cats = np.array(EXTRA_CATEGORIES)[rng.integers(0, len(EXTRA_CATEGORIES), n_tarlale)]
    boxes = [(tx[i], ty[i], tx[i] + TARLA_W, ty[i] + TARLA_D) for i in range(min(n_tarlale, 4))]
    return dict(xmin=xmin, xmax=xmax, ymin=ymin, ymax=ymax, tarla=tarla_of + 1,
                strip=strip_no, category=cats[tarla_of], tarla_boxes=boxes)
