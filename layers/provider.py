"""Teritoriu's own pygeoapi feature provider: PostGIS does the work.

The stock PostgreSQL provider reprojects and serialises every feature in Python (about 60x the
raw SQL here) and gets the axis order of EPSG:3844 wrong (DESIGN.md §10). This one asks PostGIS
for finished GeoJSON: `ST_Transform` to the requested CRS, `ST_AsGeoJSON`, one row per feature.

Axis order: stored geometries are (easting, northing). The bbox reaches `query()` as a `BoxArea`:
the exact area in the storage CRS, already in (easting, northing) (gis/bbox.py, through
layers/pygeoapi_speedups.transform_bbox). Output follows the requested CRS's authority order (OGC
API Features Part 2): EPSG:4326 and EPSG:3844 northing/latitude first; CRS84 is always
(longitude, latitude). Tested against a known location.

Query-parameter filters are typed by their column (layers/query_values.py); every page has an
exact `numberMatched` (layers/feature_counts.py).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import shapely
from geoalchemy2 import Geometry
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
    ProviderQueryError,
)
from pygeofilter import ast as cql_ast
from pygeofilter import values as cql_values
from pygeofilter.backends.evaluator import handle
from pygeofilter.backends.sqlalchemy import filters as cql_filters
from pygeofilter.backends.sqlalchemy.evaluate import SQLAlchemyFilterEvaluator
from sqlalchemy import JSON, LargeBinary, Text, and_, bindparam, cast, column, func, literal, null, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.sql.elements import ColumnElement

from gis.bbox import crs_of
from gis.crs import is_northing_first, srid_from_uri
from gis.db import engine_for_url
from layers import feature_schema
from layers.feature_counts import counted, kept_count
from layers.query_values import json_type, typed_value
from layers.registry import load_layers

LOGGER = logging.getLogger(__name__)


class BoxArea(list):
    """`bbox` as Teritoriu's transform_bbox hands it to `query()`: the exact area a requested box
    covers in the storage CRS, (easting, northing), as WKB; the list holds its envelope. Always
    true, also when empty: a box outside the storage CRS's area of use matches nothing."""

    def __init__(self, area):
        super().__init__(area.bounds)
        self.wkb = shapely.to_wkb(area)

    def __bool__(self) -> bool:
        return True


@lru_cache(maxsize=256)
def _column_types(engine, schema: str, table_name: str) -> dict[str, str]:
    """Column types of a view, read once per process: pygeoapi builds a provider per request."""
    sql = text("SELECT column_name, data_type FROM information_schema.columns "
               "WHERE table_schema = :s AND table_name = :t")
    with engine.connect() as conn:
        return dict(conn.execute(sql, {"s": schema, "t": table_name}).all())


class _CqlToSql(SQLAlchemyFilterEvaluator):
    """CQL2 → SQLAlchemy, with the axis order and CRS of geometry literals made explicit.

    pygeoapi has already transformed filter geometries into the storage CRS in its authority
    axis order (northing first for EPSG:3844); stored data is (easting, northing).
    """

    def __init__(self, field_mapping: dict, storage_srid: int):
        super().__init__(field_mapping, undefined_as_null=False)
        self.storage_srid = storage_srid

    @handle(cql_values.Geometry)
    def geometry(self, node):
        geom = cql_filters.parse_geometry(node.__geo_interface__)
        return func.ST_FlipCoordinates(geom) if is_northing_first(self.storage_srid) else geom

    @handle(cql_ast.BBox)
    def bbox(self, node, lhs):
        env = func.ST_MakeEnvelope(node.minx, node.miny, node.maxx, node.maxy, 4326)
        return func.ST_Intersects(lhs, func.ST_Transform(env, self.storage_srid))


_PLAIN_PAGES: dict[tuple, tuple[str, dict]] = {}


def aggregate_order_by_json(value, order):
    from sqlalchemy.dialects.postgresql import aggregate_order_by

    return func.json_agg(aggregate_order_by(value, order))


class PostGISProvider(BaseProvider):
    """Reads one view or table; the layer registry decides which and which columns."""

    def __init__(self, provider_def: dict):
        super().__init__(provider_def)
        self.engine = engine_for_url(make_url(provider_def["data"]["url"]))
        self.schema, _, self.table_name = provider_def["table"].partition(".")
        self.geom_field = provider_def.get("geom_field", "geom")
        self.storage_srid = srid_from_uri(provider_def["storage_crs"])
        self.properties = list(provider_def.get("properties") or [])
        self.layer_id = provider_def.get("layer")
        geom_col = column(self.geom_field, Geometry(srid=self.storage_srid))
        self._table = table(self.table_name, column(self.id_field), geom_col,
                            *[column(p) for p in self.properties if p != self.id_field],
                            schema=self.schema)
        self._fields = self.get_fields()

    # -- metadata ---------------------------------------------------------------------------
    def get_fields(self) -> dict:
        types = _column_types(self.engine, self.schema, self.table_name)
        layer = load_layers().get(self.layer_id)
        if layer is not None:  # the types, formats and enums of the layer's schema (layers/feature_schema.py)
            return feature_schema.fields(layer, types)
        return {p: json_type(types.get(p)) for p in self.properties}

    # -- queries ----------------------------------------------------------------------------
    def _col(self, name: str):
        return self._table.c[name]

    def _feature(self, out_crs: tuple[int, bool], skip_geometry: bool, select_properties: list[str]):
        props = [p for p in (select_properties or self.properties) if p in self.properties]
        pairs = [x for p in props for x in (literal(p), self._col(p))]
        geom = cast(null(), JSON)
        out_srid, northing_first = out_crs
        if not skip_geometry:
            g = self._col(self.geom_field)
            if out_srid != self.storage_srid:
                g = func.ST_Transform(g, out_srid)
            if northing_first:
                g = func.ST_FlipCoordinates(g)
            decimals = 9 if out_srid == 4326 else 3  # ~0.1 mm in degrees; mm in metres
            geom = cast(func.ST_AsGeoJSON(g, decimals), JSON)
        return func.json_build_object(
            "type", "Feature", "id", self._col(self.id_field), "geometry", geom,
            "properties", func.json_build_object(*pairs),
        )

    def _out_crs(self, crs_transform_spec) -> tuple[int, bool]:
        """(EPSG code, northing/latitude first?) of the response's CRS."""
        if crs_transform_spec is None:
            return self.storage_srid, is_northing_first(self.storage_srid)
        return crs_of(crs_transform_spec.target_crs_uri)

    def _box_wkb(self, bbox: list[float]) -> bytes:
        if isinstance(bbox, BoxArea):
            return bbox.wkb
        if len(bbox) != 4:  # a caller other than pygeoapi's items route: the storage CRS's own order
            raise ProviderInvalidQueryError(user_msg="bbox must have four numbers")
        x1, y1, x2, y2 = bbox
        if is_northing_first(self.storage_srid):
            x1, y1, x2, y2 = y1, x1, y2, x2
        return shapely.to_wkb(shapely.box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))

    def _bbox_condition(self, box):
        """ST_Intersects with the box's exact area (not its envelope): the GiST index, then the exact test."""
        return func.ST_Intersects(self._col(self.geom_field), func.ST_GeomFromWKB(box, self.storage_srid))

    def _bbox_filter(self, bbox: list[float]):
        if not bbox:
            return None
        return self._bbox_condition(literal(self._box_wkb(bbox), LargeBinary))

    def _property_filters(self, properties: list[tuple[str, str]]):
        """Each value as its column's type: `intravilan=1` and `=true` alike, `legal_area=1180` = `1180.00`;
        an integer compared as an integer also lets the column's index apply (`?uat=`)."""
        types = _column_types(self.engine, self.schema, self.table_name)
        conds = []
        for name, value in properties or []:
            if name not in self.properties and name != self.id_field:
                raise ProviderInvalidQueryError(user_msg=f"unknown property {name!r}")
            try:
                typed = typed_value(types.get(name), name, str(value))
            except ValueError as exc:
                raise ProviderInvalidQueryError(user_msg=str(exc)) from None
            col = self._col(name)
            conds.append(cast(col, Text) == typed if isinstance(typed, str) else col == typed)
        return conds

    def _uat_only(self, properties) -> int | None | bool:
        """The UAT of a query filtered by `uat_siruta` alone (None: not filtered); False otherwise."""
        if not properties:
            return None
        if len(properties) == 1 and properties[0][0] == "uat_siruta":
            try:
                return typed_value("integer", "uat_siruta", str(properties[0][1]))
            except ValueError:
                return False
        return False

    def _number_matched(self, conn, where, uat_only) -> int:
        if uat_only is not False:
            n = kept_count(conn, f"{self.schema}.{self.table_name}", uat_only)
            if n is not None:
                return n
        return counted(conn, self._table, where)

    def _cql_filter(self, filterq):
        if filterq is None:
            return None
        mapping = {p: self._col(p) for p in (*self.properties, self.id_field, self.geom_field)}
        mapping["geometry"] = self._col(self.geom_field)
        try:
            condition = _CqlToSql(mapping, self.storage_srid).evaluate(filterq)
        except KeyError as exc:
            raise ProviderInvalidQueryError(user_msg=
                f"the filter names {exc.args[0]!r}, which is not a property of this collection; "
                f"queryable properties: {', '.join(self.properties)}") from None
        except (NotImplementedError, ValueError, TypeError) as exc:
            raise ProviderInvalidQueryError(user_msg=f"this filter cannot be evaluated: {exc}") from None
        if not isinstance(condition, ColumnElement):  # a bare value ("2.5", true) is not a condition
            raise ProviderInvalidQueryError(user_msg="the filter must be a condition (a CQL2 predicate), "
                                                     f"not the value {str(filterq)[:40]!r}")
        return condition

    def _order_by(self, sortby: list[dict]):
        clauses = []
        for item in sortby or []:
            name = item["property"]
            if name not in self.properties and name != self.id_field:
                raise ProviderInvalidQueryError(user_msg=f"cannot sort by unknown property {name!r}")
            col = self._col(name)
            clauses.append(col.desc() if item.get("order") == "-" else col.asc())
        clauses.append(self._col(self.id_field).asc())  # stable paging
        return clauses

    def _page(self, feature, where, order, limit, offset):
        """One page of features as one JSON array built by PostGIS (parsed once, not per row)."""
        page = (select(feature.label("f"), func.row_number().over(order_by=order).label("n"))
                .select_from(self._table).where(where)
                .order_by(*order).limit(limit).offset(offset).subquery())
        return select(func.coalesce(aggregate_order_by_json(page.c.f, page.c.n), func.json_build_array()))

    def _plain_page_sql(self, out_crs: tuple[int, bool], skip_geometry: bool, select_properties,
                        with_bbox: bool) -> tuple[str, dict]:
        """The SQL of the common request (a bbox or nothing, default order), compiled once per
        process: building and compiling the expression cost more than PostGIS's answer."""
        key = (self.schema, self.table_name, self.storage_srid, out_crs, skip_geometry, tuple(select_properties or ()),
               with_bbox)
        sql = _PLAIN_PAGES.get(key)
        if sql is None:
            where = True
            if with_bbox:
                where = self._bbox_condition(bindparam("box", type_=LargeBinary))
            stmt = self._page(self._feature(out_crs, skip_geometry, select_properties), where,
                              self._order_by([]), bindparam("limit"), bindparam("offset"))
            if with_bbox:  # the page and its numberMatched in one round trip (the count: a cheap GiST probe)
                count = select(func.count()).select_from(self._table).where(where)
                stmt = select(stmt.scalar_subquery(), count.scalar_subquery())
            compiled = stmt.compile(dialect=self.engine.dialect)
            sql = _PLAIN_PAGES[key] = (compiled.string, {k: v for k, v in compiled.params.items() if v is not None})
        return sql

    def query(self, offset=0, limit=10, resulttype="results", bbox=None, datetime_=None,
              properties=None, sortby=None, select_properties=None, skip_geometry=False, q=None,
              filterq=None, crs_transform_spec=None, **kwargs):
        bbox = bbox if bbox is not None else []
        properties = properties if properties is not None else []
        sortby = sortby if sortby is not None else []
        select_properties = select_properties if select_properties is not None else []
        response = {"type": "FeatureCollection", "features": [], "numberReturned": 0}
        out_crs = self._out_crs(crs_transform_spec)
        plain = resulttype != "hits" and filterq is None and not properties and not sortby
        try:
            with self.engine.connect() as conn:
                conds = [c for c in [self._bbox_filter(bbox), self._cql_filter(filterq),
                                     *self._property_filters(properties)] if c is not None]
                where = and_(True, *conds)
                if resulttype != "hits":
                    if plain:
                        params = {"limit": int(limit), "offset": int(offset)}
                        if bbox:
                            params["box"] = self._box_wkb(bbox)
                        sql, constants = self._plain_page_sql(out_crs, skip_geometry, select_properties, bool(bbox))
                        row = conn.exec_driver_sql(sql, {**constants, **params}).one()
                        response["features"] = row[0]
                        if bbox:
                            response["numberMatched"] = row[1]
                    else:
                        feature = self._feature(out_crs, skip_geometry, select_properties)
                        stmt = self._page(feature, where, self._order_by(sortby), int(limit), int(offset))
                        response["features"] = conn.execute(stmt).scalar_one()
                uat_only = self._uat_only(properties) if not bbox and filterq is None else False
                if "numberMatched" not in response:
                    response["numberMatched"] = self._number_matched(conn, where, uat_only)
        except DataError:
            raise ProviderInvalidQueryError(
                user_msg="a value in the query is not valid for its property (or contains NUL)") from None
        except OperationalError:
            raise  # the database unreachable (a stopped standby): the app's 503, not a query error
        except DBAPIError as exc:
            LOGGER.error("query on %s failed: %s", self.table_name, exc)
            raise ProviderQueryError(user_msg="the database could not answer this query") from None
        response["numberReturned"] = len(response["features"])
        return response

    def get(self, identifier, crs_transform_spec=None, **kwargs):
        feature = self._feature(self._out_crs(crs_transform_spec), False, [])
        id_col = self._col(self.id_field)
        integer_id = _column_types(self.engine, self.schema, self.table_name).get(self.id_field) in (
            "integer", "bigint", "smallint")
        ident = str(identifier)
        # an integer id is compared as an integer, so that the primary key's index is used
        # (as text: a scan of every row, 150 ms at 1,000,000 parcels)
        condition = (id_col == int(ident)) if integer_id and ident.isdigit() and len(ident) < 19 else \
            cast(id_col, Text) == ident
        stmt = select(feature).select_from(self._table).where(condition)
        if "\x00" in ident or (integer_id and not ident.isdigit()):
            row = None  # not an id this collection can have (PostgreSQL text cannot hold NUL either)
        else:
            with self.engine.connect() as conn:
                row = conn.execute(stmt).scalar_one_or_none()
        if row is None:
            raise ProviderItemNotFoundError(user_msg=f"no item {identifier!r} in this collection")
        return row
