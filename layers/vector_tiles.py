"""Mapbox vector tiles (WebMercatorQuad) built by PostGIS from the layer registry.

Each tiled layer declares in its YAML `tiles: {min_zoom, max_zoom, properties}`; a tile carries
only those properties (what its style and labels need). Tiles are cached on disk under
var/tiles/<data revision>/: any change to a published table bumps the revision
(`audit.data_revision`), so an edit invalidates every cached tile at once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from layers.registry import Layer
from layers.tile_budget import DiskBudget

EXTENT = 4096
BUFFER = 64
MAX_ZOOM = 22


class TileRequestError(ValueError):
    """A tile address that does not exist (message for the person who asked)."""


@dataclass(frozen=True)
class TileAddress:
    z: int
    x: int
    y: int

    def check(self, layer: Layer) -> None:
        if not 0 <= self.z <= MAX_ZOOM:
            raise TileRequestError(f"zoom must be between 0 and {MAX_ZOOM}")
        n = 1 << self.z
        if not (0 <= self.x < n and 0 <= self.y < n):
            raise TileRequestError(f"at zoom {self.z}, column and row go from 0 to {n - 1}")
        if not layer.tiles:
            raise TileRequestError(f"the collection {layer.id!r} has no vector tiles")


def tile_sql(layer: Layer, srid: int) -> str:
    """The one query of a layer's tile; names come from the registry (checked identifiers)."""
    props = ", ".join(f't."{p}"' for p in layer.tiles.get("properties", []))
    props = f", {props}" if props else ""
    # Features are found with the tile envelope in the storage CRS (GiST index), widened by the
    # tile buffer so that shapes crossing the edge are cut by ST_AsMVTGeom, not dropped.
    return f"""
        WITH b AS (
            SELECT ST_TileEnvelope(:z, :x, :y) AS env,
                   ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => {BUFFER / EXTENT}), {srid}) AS q
        )
        SELECT ST_AsMVT(m, :name, {EXTENT}, 'geom', 'fid') FROM (
            SELECT t."{layer.id_field}" AS fid,
                   ST_AsMVTGeom(ST_Transform(t."{layer.geom_field}", 3857), b.env, {EXTENT},
                                {BUFFER}, true) AS geom{props}
            FROM {layer.schema}."{layer.table}" t, b
            WHERE t."{layer.geom_field}" && b.q
        ) m WHERE m.geom IS NOT NULL
    """  # noqa: S608 - identifiers from the layer registry, values bound


def build_root(engine: Engine, tiles_dir: Path, db_name: str) -> Path:
    """The tile cache of this database *build*: a database dropped and created again (tests, resets)
    restarts its data revision at 1, so the name alone would serve the old build's tiles."""
    with engine.connect() as conn:
        oid = conn.execute(text("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar_one()
    return tiles_dir / f"{db_name}-{oid}"


class TileCache:
    """Tiles on disk by data revision, gzip-compressed (served as they are to clients that
    accept gzip: a warm tile costs a file read, not a compression); writes are atomic.
    An empty tile (204) is kept as `<y>.mvt.empty`, so that every `<y>.mvt.gz` is a gzip stream
    nginx may send as it is (README, reverse proxy: try_files)."""

    def __init__(self, root: Path, budget: DiskBudget | None = None):
        self.root = root
        self.budget = budget  # the size cap of var/tiles (layers/tile_budget.py)

    def _path(self, revision: int, layer_id: str, a: TileAddress) -> Path:
        return self.root / str(revision) / layer_id / str(a.z) / str(a.x) / f"{a.y}.mvt.gz"

    def accel_path(self, prefix: str, revision: int, layer_id: str, a: TileAddress) -> str:
        """The tile's file under nginx's internal location `prefix`, which aliases the tiles folder."""
        return prefix.rstrip("/") + "/" + self._path(revision, layer_id, a).relative_to(self.root.parent).as_posix()

    def get(self, revision: int, layer_id: str, a: TileAddress) -> bytes | None:
        path = self._path(revision, layer_id, a)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return b"" if path.with_suffix(".empty").exists() else None

    def put(self, revision: int, layer_id: str, a: TileAddress, data: bytes) -> None:
        path = self._path(revision, layer_id, a)
        if not data:
            path = path.with_suffix(".empty")
        for attempt in range(2):  # the pruner may remove the (empty) folder between mkdir and mkstemp
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
                break
            except FileNotFoundError:
                if attempt:
                    return  # not cached this time
        os.fchmod(fd, 0o644)  # public data; nginx (another user) reads it behind X-Accel-Redirect (mkstemp: 0600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        if self.budget is not None:
            self.budget.wrote(len(data))

    def prune(self, keep_revision: int) -> None:
        """Remove the tiles of older revisions."""
        if not self.root.exists():
            return
        for child in self.root.iterdir():
            if child.is_dir() and child.name.isdigit() and int(child.name) < keep_revision:
                shutil.rmtree(child, ignore_errors=True)


def data_revision(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT revision FROM public_api.data_revision")).scalar_one()


def render_tile(engine: Engine, layer: Layer, srid: int, a: TileAddress) -> bytes:
    with engine.connect() as conn:
        data = conn.execute(text(tile_sql(layer, srid)),
                            {"z": a.z, "x": a.x, "y": a.y, "name": layer.id}).scalar_one()
    return bytes(data or b"")
