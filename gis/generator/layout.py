"""The territory of the synthetic commune: villages of street blocks, their parcels, streets,
house numbers, buildings and address points, and the extravilan tarlale of long strips.

Everything is built in EPSG:3844 metres (x = easting, y = northing) with numpy arrays and
vectorised shapely, so that a million parcels take seconds.

A village is a grid of blocks in its own local frame (u along the main street, v across it),
rotated by a small angle and placed on the county road. Each block holds two rows of parcels
back to back; each row fronts the street on its side. Parcel widths along a row add up to the
block length, and neighbours share the very same computed coordinates: no overlaps, no gaps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from gis.generator.names import VILLAGE_NAMES, street_name_pool

SIRUTA_UAT = 926501               # fictional; villages follow with SIRUTA's usual step of 9
POSTAL_BASE = 417385              # Bihor's communes use 417xxx; fictional
MAIN_Y = 605_000.0                # northing of the county road through every village
WEST_X = 250_300.0                # easting of the seat's western edge
STREET_W, MAIN_W = 12.0, 16.0     # street widths (the main street is the county road)
INTRA_MARGIN = 20.0               # intravilan boundary beyond the outer blocks
ROW_COUNT = (9, 14)               # parcels per block row
BLOCK_LEN = (200.0, 250.0)        # with ROW_COUNT and BLOCK_DEPTH: every parcel 300–3,000 m²
BLOCK_DEPTH = (90.0, 110.0)
STREET_RUN = 4                    # blocks per named segment of a long street
PARCELS_PER_BLOCK = 23.0          # 2 rows × mean of ROW_COUNT
CLEARANCE = 250.0                 # unparcelled band between the villages and the fields
TARLA_W, TARLA_D = (420.0, 520.0), (300.0, 400.0)
CELL_W, CELL_H = 560.0, 440.0     # tarla grid cell: the rest is field roads (drumuri de exploatare)
STREAM_CORRIDOR = 80.0            # half-width of the unparcelled strip along the stream
EXTRA_CATEGORIES = ["A", "P", "F", "V", "L", "PD", "N"]
EXTRA_WEIGHTS = [0.62, 0.09, 0.08, 0.05, 0.05, 0.08, 0.03]


@dataclass
class Village:
    index: int
    siruta: int
    name: str
    rank: int
    postal_code: str
    angle: float                  # radians, counter-clockwise
    su: np.ndarray                # u of the vertical street axes (cols + 1)
    sv: np.ndarray                # v of the horizontal street axes (rows + 1)
    sw: np.ndarray                # width of each horizontal street (rows + 1)
    mask: np.ndarray              # (rows, cols): which blocks exist
    main_k: int                   # index of the horizontal street that is the main street
    cx: float = 0.0               # where the pivot (middle of the main street) lies
    cy: float = MAIN_Y
    intravilan: object = None     # shapely Polygon

    @property
    def rows(self) -> int:
        return self.mask.shape[0]

    @property
    def cols(self) -> int:
        return self.mask.shape[1]

    @property
    def pivot(self) -> tuple[float, float]:
        return float(self.su[-1] / 2), float(self.sv[self.main_k])

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(u0, u1, v0, v1): the outer street axes."""
        return float(self.su[0]), float(self.su[-1]), float(self.sv[0]), float(self.sv[-1])

    def to_xy(self, u, v) -> tuple[np.ndarray, np.ndarray]:
        pu, pv = self.pivot
        c, s = math.cos(self.angle), math.sin(self.angle)
        du, dv = np.asarray(u, float) - pu, np.asarray(v, float) - pv
        return self.cx + du * c - dv * s, self.cy + du * s + dv * c

    def to_uv(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        pu, pv = self.pivot
        c, s = math.cos(self.angle), math.sin(self.angle)
        dx, dy = np.asarray(x, float) - self.cx, np.asarray(y, float) - self.cy
        return pu + dx * c + dy * s, pv - dx * s + dy * c

    def rects(self, u0, u1, v0, v1) -> np.ndarray:
        """Polygons of local rectangles (arrays), in EPSG:3844."""
        us = np.stack([u0, u1, u1, u0, u0], axis=-1)
        vs = np.stack([v0, v0, v1, v1, v0], axis=-1)
        x, y = self.to_xy(us, vs)
        return shapely.polygons(np.stack([x, y], axis=-1))

    def blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """(row j, column c) of every existing block, row-major."""
        return np.nonzero(self.mask)

    def block_bounds(self):
        j, c = self.blocks()
        half = self.sw / 2
        return (self.su[c] + STREET_W / 2, self.su[c + 1] - STREET_W / 2,
                self.sv[j] + half[j], self.sv[j + 1] - half[j + 1])

    def distance_to(self, x, y) -> np.ndarray:
        """Distance (m) from points to the village's outer rectangle (0 inside)."""
        u, v = self.to_uv(x, y)
        u0, u1, v0, v1 = self.extent
        du = np.maximum(np.maximum(u0 - u, u - u1), 0)
        dv = np.maximum(np.maximum(v0 - v, v - v1), 0)
        return np.hypot(du, dv)


# -- villages --------------------------------------------------------------------------------
def _grid(n_parcels: int, rng: np.random.Generator):
    """A village's block grid for about `n_parcels` parcels: rounded, widest along the road."""
    blocks = max(4.0, n_parcels / PARCELS_PER_BLOCK)
    rows = max(2, round(math.sqrt(blocks / (0.89 * 0.9))))
    cols = max(2, round(blocks / (rows * 0.9)))
    main_k = rows // 2
    jj, cc = np.mgrid[0:rows, 0:cols]
    radius = ((cc + 0.5) / cols - 0.5) ** 2 + ((jj + 0.5) / rows - 0.5) ** 2
    mask = radius / 0.25 <= 1.1 + rng.uniform(0, 0.35, (rows, cols))
    mask[main_k - 1: main_k + 1, :] = True  # the main street is built on both sides all along
    return rows, cols, main_k, mask


def build_villages(n_intra: int, n_villages: int, rng: np.random.Generator) -> list[Village]:
    weights = np.array([0.42, 0.24, 0.16, 0.1, 0.08, 0.06][:n_villages])
    weights /= weights.sum()
    villages = []
    for i, w in enumerate(weights):
        rows, cols, main_k, mask = _grid(n_intra * w, rng)
        length = rng.uniform(*BLOCK_LEN)
        depth = rng.uniform(*BLOCK_DEPTH)
        su = np.arange(cols + 1) * (length + STREET_W)
        sw = np.full(rows + 1, STREET_W)
        sw[main_k] = MAIN_W
        sv = np.concatenate([[0.0], np.cumsum(sw[:-1] / 2 + depth + sw[1:] / 2)])
        angle = math.radians(rng.uniform(-5, 5) if i == 0 else rng.uniform(-12, 12))
        villages.append(Village(i, SIRUTA_UAT + 9 * (i + 1), VILLAGE_NAMES[i], 4 if i == 0 else 5,
                                str(POSTAL_BASE + i), angle, su, sv, sw, mask, main_k))
    return villages


def place_villages(villages: list[Village], rng: np.random.Generator) -> float:
    """Set each village's position west to east along the county road; returns the stream's
    easting (it runs just east of the seat, close enough to flood its eastern yards)."""
    cursor = WEST_X
    stream_x = 0.0
    for v in villages:
        u0, u1, v0, v1 = v.extent
        x, _ = v.to_xy(np.array([u0, u1, u1, u0]) + [-1, 1, 1, -1] * np.array(INTRA_MARGIN),
                       np.array([v0, v0, v1, v1]) + [-1, -1, 1, 1] * np.array(INTRA_MARGIN))
        v.cx = cursor - (x.min() - v.cx)
        bu0, bu1, bv0, bv1 = v.block_bounds()
        rects = v.rects(bu0, bu1, bv0, bv1)
        v.intravilan = shapely.union_all(
            shapely.buffer(rects, INTRA_MARGIN, join_style="mitre", mitre_limit=2.0))
        east = v.intravilan.bounds[2]
        if v.index == 0:
            stream_x = east + 60.0
            cursor = stream_x + rng.uniform(420, 520)
        else:
            cursor = east + rng.uniform(550, 850)
    return stream_x


def intravilan_parcels(v: Village, rng: np.random.Generator) -> pd.DataFrame:
    """Two rows of parcels per block, with local coordinates and the street each one fronts."""
    bu0, bu1, bv0, bv1 = v.block_bounds()
    bj, bc = v.blocks()
    n_rows = 2 * len(bj)
    block = np.repeat(np.arange(len(bj)), 2)
    side = np.tile([0, 1], len(bj))               # 0: lower row (fronts street j), 1: upper row
    counts = rng.integers(ROW_COUNT[0], ROW_COUNT[1] + 1, n_rows)
    width = ROW_COUNT[1]
    r = rng.uniform(0.7, 1.5, (n_rows, width))
    keep = np.arange(width)[None, :] < counts[:, None]
    r[~keep] = 0
    length = (bu1 - bu0)[block]
    cum = np.cumsum(r, axis=1) / r.sum(axis=1, keepdims=True) * length[:, None]
    start = np.hstack([np.zeros((n_rows, 1)), cum[:, :-1]])
    u0 = (bu0[block][:, None] + start)[keep]
    u1 = (bu0[block][:, None] + cum)[keep]
    row = np.repeat(np.arange(n_rows), counts)
    mid = (bv0 + bv1) / 2
    lower = side[row] == 0
    b = block[row]
    return pd.DataFrame({
        "locality_siruta": v.siruta, "village": v.index,
        "u0": u0, "u1": u1,
        "v0": np.where(lower, bv0[b], mid[b]), "v1": np.where(lower, mid[b], bv1[b]),
        "k": bj[b] + side[row], "col": bc[b],
        "above": lower,                          # the parcel lies above (north of) its street
        "front_v": np.where(lower, bv0[b], bv1[b]),
    })


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of every run of True."""
    padded = np.concatenate([[False], flags, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def village_streets(v: Village, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The named streets of a village and, for horizontal streets, a (rows+1, cols) table of the
    street index each block side fronts. Streets west of the centre run from the centre outwards,
    so house numbers grow away from the centre."""
    rows = []
    run_of = np.full((v.rows + 1, v.cols), -1)
    pu, _ = v.pivot
    for k in range(v.rows + 1):
        has = np.zeros(v.cols, bool)
        if k > 0:
            has |= v.mask[k - 1]
        if k < v.rows:
            has |= v.mask[k]
        for c0, c1 in _runs(has):
            pieces = [(c0, c1)] if k == v.main_k else [
                (a, min(a + STREET_RUN, c1)) for a in range(c0, c1, STREET_RUN)]
            for a, b in pieces:
                ua, ub = v.su[a], v.su[b]
                direction = 1 if k == v.main_k or (ua + ub) / 2 >= pu else -1
                run_of[k, a:b] = len(rows)
                rows.append(dict(kind="h", k=k, main=k == v.main_k, direction=direction,
                                 u_start=ua if direction > 0 else ub,
                                 u_end=ub if direction > 0 else ua,
                                 v_start=v.sv[k], v_end=v.sv[k]))
    for c in range(v.cols + 1):
        has = np.zeros(v.rows, bool)
        if c > 0:
            has |= v.mask[:, c - 1]
        if c < v.cols:
            has |= v.mask[:, c]
        for j0, j1 in _runs(has):
            # a vertical street changes its name where it crosses the main street
            for a, b in ((j0, min(j1, v.main_k)), (max(j0, v.main_k), j1)):
                if b <= a:
                    continue
                down = b <= v.main_k  # south of the main street: starts there and runs south
                rows.append(dict(kind="v", k=-1, main=False, direction=1,
                                 u_start=v.su[c], u_end=v.su[c],
                                 v_start=v.sv[b] if down else v.sv[a],
                                 v_end=v.sv[a] if down else v.sv[b]))
    df = pd.DataFrame(rows)
    # central streets get the first (best known) names; the main street is "Strada Principală"
    mu = (df["u_start"] + df["u_end"]) / 2 - pu
    mv = (df["v_start"] + df["v_end"]) / 2 - v.pivot[1]
    order = np.argsort(np.hypot(mu, mv).to_numpy() + np.where(df["main"], -1e12, 0), kind="stable")
    pool = street_name_pool(rng, len(df), seat=v.index == 0)
    names = [("Strada", "Principală")] + pool[: len(df) - 1]
    df["street_type"] = ""
    df["name"] = ""
    df.loc[order, "street_type"] = [t for t, _ in names]
    df.loc[order, "name"] = [n for _, n in names]
    x0, y0 = v.to_xy(df["u_start"].to_numpy(), df["v_start"].to_numpy())
    x1, y1 = v.to_xy(df["u_end"].to_numpy(), df["v_end"].to_numpy())
    df["geometry"] = shapely.linestrings(np.stack([np.stack([x0, y0], -1),
                                                   np.stack([x1, y1], -1)], axis=1))
    df["locality_siruta"] = v.siruta
    return df, run_of


def number_houses(parcels: pd.DataFrame, streets: pd.DataFrame,
                  rng: np.random.Generator) -> pd.DataFrame:
    """Odd numbers on the left of the street's direction, even on the right, increasing from its
    start; about 3 % of parcels (subdivided lots) repeat the previous number with "A" or "/1"."""
    direction = streets["direction"].to_numpy()[parcels["street"].to_numpy()]
    left = parcels["above"].to_numpy() == (direction > 0)
    along = direction * (parcels["u0"].to_numpy() + parcels["u1"].to_numpy()) / 2
    order = np.lexsort((along, ~left, parcels["street"].to_numpy()))
    p = parcels.iloc[order].reset_index(drop=True)
    left = left[order]
    group = p["street"].to_numpy() * 2 + (~left)
    first = np.concatenate([[True], group[1:] != group[:-1]])
    suffixed = (rng.random(len(p)) < 0.03) & ~first
    suffixed[1:] &= ~suffixed[:-1]                 # never two suffixes in a row
    p["suffix"] = np.where(suffixed, np.where(rng.random(len(p)) < 0.6, "A", "/1"), "")
    rank = pd.Series(~suffixed).groupby(group).cumsum().to_numpy() - 1
    p["number"] = 2 * rank + np.where(left, 1, 2)
    p["left"] = left
    return p


def buildings_and_addresses(v: Village, p: pd.DataFrame, built: np.ndarray,
                            rng: np.random.Generator):
    """Houses (CL) near the street, sometimes an annex (CA) behind, and the address point at the
    gate, all in local coordinates converted to EPSG:3844. `p` is the village's parcels."""
    b = p[built]
    n = len(b)
    u0, u1 = b["u0"].to_numpy(), b["u1"].to_numpy()
    front = b["front_v"].to_numpy()
    inward = np.where(b["above"].to_numpy(), 1.0, -1.0)
    width = u1 - u0
    setback = rng.uniform(3, 7, n)
    hw = np.minimum(rng.uniform(8, 13, n), width - 3)
    hd = rng.uniform(9, 14, n)
    hu0 = u0 + 1.5 + rng.random(n) * (width - 3 - hw)
    hv0, hv1 = front + inward * setback, front + inward * (setback + hd)
    houses = v.rects(hu0, hu0 + hw, np.minimum(hv0, hv1), np.maximum(hv0, hv1))
    annex = rng.random(n) < 0.45
    aw = np.minimum(rng.uniform(4, 8, n), width - 3)
    ad = rng.uniform(4, 7, n)
    gap = rng.uniform(3, 8, n)
    av0 = front + inward * (setback + hd + gap)
    av1 = av0 + inward * ad
    annexes = v.rects((u1 - 1.5 - aw)[annex], (u1 - 1.5)[annex],
                      np.minimum(av0, av1)[annex], np.maximum(av0, av1)[annex])
    ax, ay = v.to_xy((u0 + u1) / 2, front + inward * 1.5)
    return houses, annexes, annex, shapely.points(ax, ay)


# -- extravilan ------------------------------------------------------------------------------
@dataclass
class Fields:
    xmin: np.ndarray
    xmax: np.ndarray
    ymin: np.ndarray
    ymax: np.ndarray
    tarla: np.ndarray             # tarla number of each strip (1-based)
    strip: np.ndarray             # strip number inside its tarla (1-based)
    category: np.ndarray
    tarla_boxes: np.ndarray = field(default_factory=lambda: np.empty((0, 4)))


def _tarla_counts(n_extra: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Strips per tarla and each tarla's category, summing exactly to n_extra."""
    est = max(8, int(n_extra / 12) + 8)
    while True:
        cats = rng.choice(EXTRA_CATEGORIES, size=est, p=EXTRA_WEIGHTS)
        big = np.isin(cats, ["PD", "P"]) & (rng.random(est) < 0.6)  # forests and communal pastures
        counts = np.where(big, rng.integers(2, 7, est), rng.integers(10, 31, est))
        total = np.cumsum(counts)
        if total[-1] >= n_extra:
            break
        est *= 2
    last = int(np.searchsorted(total, n_extra))
    counts = counts[: last + 1].copy()
    counts[-1] -= total[last] - n_extra
    return counts, cats[: last + 1]


def build_fields(n_extra: int, x_range: tuple[float, float], y_top: float, y_bottom: float,
                 stream_x: float, rng: np.random.Generator) -> Fields:
    """Tarlale in a grid north and south of the villages, skipping the stream's corridor.
    Each tarla is cut into strips across its short or long side; some start with a 5 m
    field road (DR)."""
    counts, cats = _tarla_counts(n_extra, rng)
    nt = len(counts)
    span = x_range[1] - x_range[0]
    wanted = math.sqrt(nt * CELL_W * CELL_H * 1.1)  # make the fields roughly square overall
    pad = max(0.0, (wanted - span) / 2)
    x0, x1 = x_range[0] - pad, x_range[1] + pad
    left = np.arange(stream_x - STREAM_CORRIDOR - CELL_W, x0 - 1, -CELL_W)[::-1]
    right = np.arange(stream_x + STREAM_CORRIDOR, x1 - CELL_W + 1, CELL_W)
    col_x = np.concatenate([left, right])
    n_cols = len(col_x)
    t = np.arange(nt)
    row, col = t // n_cols, t % n_cols
    north = row % 2 == 0
    ring = row // 2
    tw = rng.uniform(*TARLA_W, nt)
    td = rng.uniform(*TARLA_D, nt)
    tx = col_x[col]
    ty = np.where(north, y_top + CLEARANCE + ring * CELL_H,
                  y_bottom - CLEARANCE - ring * CELL_H - td)
    along_x = rng.random(nt) < 0.5            # strips side by side along x (each spans td in y)
    length = np.where(along_x, tw, td)
    road = (rng.random(nt) < 0.2) & ~np.isin(cats, ["PD"]) & (counts >= 4)
    width = int(counts.max())
    r = rng.uniform(0.8, 1.25, (nt, width))
    keep = np.arange(width)[None, :] < counts[:, None]
    r[~keep] = 0
    r[road, 0] = 0
    avail = length - 5.0 * road
    w = r / r.sum(axis=1, keepdims=True) * avail[:, None]
    w[road, 0] = 5.0
    cum = np.cumsum(w, axis=1)
    start = np.hstack([np.zeros((nt, 1)), cum[:, :-1]])
    s0, s1 = start[keep], cum[keep]
    owner = np.repeat(t, counts)
    ax = along_x[owner]
    xmin = np.where(ax, tx[owner] + s0, tx[owner])
    xmax = np.where(ax, tx[owner] + s1, tx[owner] + tw[owner])
    ymin = np.where(ax, ty[owner], ty[owner] + s0)
    ymax = np.where(ax, ty[owner] + td[owner], ty[owner] + s1)
    strip = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    category = cats[owner].astype(object)
    odd = rng.random(len(owner)) < 0.08          # a neighbour who planted something else
    category[odd & ~np.isin(category, ["PD"])] = rng.choice(["A", "F", "P"], size=len(owner))[
        odd & ~np.isin(category, ["PD"])]
    category[road[owner] & (strip == 1)] = "DR"
    boxes = np.stack([tx, ty, tx + tw, ty + td], axis=1)
    return Fields(xmin, xmax, ymin, ymax, owner + 1, strip, category.astype(str), boxes)


def uat_boundary(points: np.ndarray, rng: np.random.Generator, margin: float = 300.0):
    """A natural-looking commune boundary around `points`: the convex hull, buffered, with its
    vertices pushed outwards by smooth random amounts. Pushing a convex polygon's vertices
    radially outwards from its centroid keeps everything inside."""
    hull = shapely.convex_hull(shapely.multipoints(points)).buffer(margin, quad_segs=4)
    ring = shapely.segmentize(hull.exterior, 150.0)
    xy = shapely.get_coordinates(ring)[:-1]
    c = np.asarray(hull.centroid.coords[0])
    noise = rng.uniform(0, 1, len(xy))
    kernel = np.ones(7) / 7
    smooth = np.convolve(np.concatenate([noise[-3:], noise, noise[:3]]), kernel, mode="valid")
    radius = np.hypot(*(xy - c).T)
    push = 1 + smooth * 250.0 / radius
    out = c + (xy - c) * push[:, None]
    return shapely.Polygon(out)
