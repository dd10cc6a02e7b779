"""Whole-collection downloads of the public layers: CSV (streamed) and GeoPackage.

Both read through the public role, the same view and columns the OGC API publishes.
Geometries stay in the storage CRS (legal coordinates, EPSG:3844 in Romania) unless another
EPSG code is asked for.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio
from sqlalchemy import Engine, column, func, select, table

from layers.registry import Layer

CHUNK = 5000
# GDAL 3.8's writer makes GeoPackage 1.4, which GDAL 3.6 (Debian 12, QGIS 3.22's) reads with a
# warning on stderr: 1.3 is read cleanly by both and holds everything written here.
GPKG_OPTIONS = {"VERSION": "1.3"}


def _select(layer: Layer, out_srid: int, storage_srid: int, as_wkt: bool, uat: int | None = None):
    t = table(layer.table, column(layer.id_field), column(layer.geom_field),
              *[column(p) for p in layer.properties if p != layer.id_field], schema=layer.schema)
    geom = t.c[layer.geom_field]
    if out_srid != storage_srid:
        geom = func.ST_Transform(geom, out_srid)
    geom = func.ST_AsText(geom) if as_wkt else geom
    cols = [t.c[layer.id_field], *[t.c[p] for p in layer.properties if p != layer.id_field]]
    stmt = select(*cols, geom.label("geometry")).order_by(t.c[layer.id_field])
    return stmt if uat is None else stmt.where(t.c["uat_siruta"] == uat)


def csv_rows(engine: Engine, layer: Layer, out_srid: int, storage_srid: int, uat: int | None = None) -> Iterator[str]:
    """CSV text in chunks, geometry as WKT in the last column, of one UAT when given; a
    server-side cursor keeps memory flat whatever the size of the collection."""
    header = [layer.id_field, *[p for p in layer.properties if p != layer.id_field], "wkt"]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    yield buf.getvalue()
    # a server-side cursor needs a transaction (the public engine autocommits otherwise)
    with engine.connect().execution_options(stream_results=True, yield_per=CHUNK,
                                            isolation_level="REPEATABLE READ") as conn:
        result = conn.execute(_select(layer, out_srid, storage_srid, as_wkt=True, uat=uat))
        for rows in result.partitions(CHUNK):
            buf.seek(0)
            buf.truncate()
            writer.writerows(rows)
            yield buf.getvalue()


def write_geopackage(engine: Engine, layer: Layer, out_srid: int, storage_srid: int, uat: int | None = None) -> Path:
    """A temporary GeoPackage of the whole collection, or of one UAT (the caller deletes it)."""
    fd, name = tempfile.mkstemp(suffix=".gpkg")
    Path(name).unlink()  # GDAL creates the file itself
    path = Path(name)
    stmt = _select(layer, out_srid, storage_srid, as_wkt=False, uat=uat)
    with engine.connect().execution_options(stream_results=True, isolation_level="REPEATABLE READ") as conn:
        first = True
        for chunk in gpd.read_postgis(stmt, conn, geom_col="geometry", crs=out_srid,
                                      chunksize=CHUNK):
            pyogrio.write_dataframe(chunk, path, layer=layer.id, driver="GPKG", append=not first,
                                    promote_to_multi=False, dataset_options=None if not first else GPKG_OPTIONS)
            first = False
        if first:  # an empty collection still gives a valid, empty layer
            empty = gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=out_srid)
            pyogrio.write_dataframe(empty, path, layer=layer.id, driver="GPKG", dataset_options=GPKG_OPTIONS)
    os.close(fd)
    return path
