"""Reading what surveyors bring: zipped shapefiles (one or several layers, in sub-folders too),
GeoPackage, GeoJSON, DXF and ANCPI CGXML, recognised by their content, not only their name.
Each layer comes out as a `SourceLayer` with canonical field names and notes; the CRS is
resolved against the UAT afterwards (`detect.resolve_crs`)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET
import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from gis.profiles import get_profile
from importers.archive import extract_zip
from importers.detect import crs_from_prj, dbf_text_samples, detect_encoding
from importers.fields import map_fields
from importers.model import DEFAULT_LIMITS, ImportRefused, Limits, Note, SourceLayer, two_languages


def sniff(path: Path) -> str:
    head = Path(path).read_bytes()[:4096]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \r\n\t")
    if text.startswith("{"):
        return "geojson"
    if text.startswith("<"):
        return "cgxml" if re.search(r"<\s*CGXML[\s>]", text) else "xml"
    if re.match(r"0\s*\r?\n\s*SECTION", text):
        return "dxf"
    suffix = Path(path).suffix.lower()
    return {".shp": "shp", ".dxf": "dxf", ".zip": "zip"}.get(suffix, "unknown")


def read_source(path: Path, kind: str, *, crs: int | None = None, encoding: str | None = None,
                mapping: dict | None = None, limits: Limits = DEFAULT_LIMITS, workdir: Path,
                dxf_layer: str | None = None) -> list[SourceLayer]:
    path = Path(path)
    if path.stat().st_size > limits.max_upload_bytes:
        raise ImportRefused(f"the file is larger than {limits.max_upload_bytes // 1024 ** 2} MB", "too_large",
                            params={"mb": limits.max_upload_bytes // 1024 ** 2})
    if path.stat().st_size == 0:
        raise ImportRefused("the file is empty", "empty_file")
    what = sniff(path)
    if what == "zip":
        folder = extract_zip(path, Path(workdir) / "unzipped", limits)
        shapefiles = sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".shp" and p.is_file())
        others = sorted(p for p in folder.rglob("*") if p.is_file() and sniff(p) in ("gpkg", "geojson", "cgxml", "dxf"))
        if not shapefiles and not others:
            raise ImportRefused("the archive holds no shapefile (.shp with its .shx and .dbf) nor another layer file",
                                "no_layer", params={"variant": "archive"})
        layers = [layer for shp in shapefiles for layer in _shapefile(shp, kind, encoding, mapping, folder)]
        for other in others:
            layers += read_source(other, kind, crs=crs, encoding=encoding, mapping=mapping, limits=limits,
                                  workdir=Path(workdir) / f"inner-{other.stem}", dxf_layer=dxf_layer)
        return layers
    if what == "shp":
        return _shapefile(path, kind, encoding, mapping, path.parent)
    if what in ("gpkg", "geojson"):
        return _ogr(path, kind, mapping, what)
    if what == "dxf":
        return [_dxf(path, mapping, dxf_layer)]
    if what == "cgxml":
        return _cgxml(path)
    raise ImportRefused(f"{path.name} is not a format Teritoriu reads (zipped shapefile, GeoPackage, GeoJSON, "
                        "DXF, CGXML)", "unknown_format", params={"name": path.name})


def _sibling(shp: Path, ext: str) -> Path | None:
    for p in shp.parent.iterdir():
        if p.stem == shp.stem and p.suffix.lower() == ext:
            return p
    return None


def _finish(name: str, kind: str | None, frame: gpd.GeoDataFrame, crs: int | None, encoding: str | None,
            mapping: dict | None, notes: list[Note], default_kind: str) -> SourceLayer:
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    frame, unmapped, mapped = map_fields(frame, kind or default_kind, mapping)
    if len(frame) == 0 and not any(n.severity == "error" for n in notes):
        notes.append(Note("error", "empty_layer", f"the layer {name!r} has no features", params={"layer": name}))
    if unmapped:
        notes.append(Note("info", "unmapped", f"fields not used: {', '.join(unmapped)} (map them with --mapping "
                          "if they matter)", params={"fields": ", ".join(unmapped)}))
    return SourceLayer(name, kind, frame, crs, encoding, unmapped, notes, columns=columns, mapped=mapped)


def _shapefile(shp: Path, kind: str, encoding: str | None, mapping: dict | None, root: Path) -> list[SourceLayer]:
    name = str(shp.relative_to(root).with_suffix("")) if shp.is_relative_to(root) else shp.stem
    notes: list[Note] = []
    dbf, shx, prj, cpg = (_sibling(shp, e) for e in (".dbf", ".shx", ".prj", ".cpg"))
    missing = [e for e, p in ((".dbf", dbf), (".shx", shx)) if p is None]
    if missing:
        return [SourceLayer(name, None, gpd.GeoDataFrame(geometry=[]), None, None, [],
                            [Note("error", "incomplete_shapefile", f"{shp.name} comes without its "
                                  f"{' and '.join(missing)} file: send all the files of the layer",
                                  params={"name": shp.name, "missing": " + ".join(missing)})])]
    code = None
    if prj is None:
        notes.append(Note("warning", "prj_missing", "the shapefile has no .prj (coordinate system)"))
    else:
        code, more = crs_from_prj(prj.read_text(encoding="latin-1"))
        notes += more
    samples = dbf_text_samples(dbf)
    chosen, more = detect_encoding(samples, cpg.read_text(encoding="latin-1") if cpg else None, encoding)
    notes += more
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = pyogrio.read_dataframe(shp, encoding=chosen, on_invalid="ignore")
    except (DataSourceError, DataLayerError, UnicodeDecodeError, ValueError) as exc:
        raise ImportRefused(f"{shp.name} cannot be read ({str(exc).splitlines()[0]}): export the layer again",
                            "unreadable", params={"name": shp.name, "reason": str(exc).splitlines()[0]}) from None
    return [_finish(name, None, frame, code, chosen, mapping, notes, kind)]


def _ogr(path: Path, kind: str, mapping: dict | None, what: str) -> list[SourceLayer]:
    try:
        listed = pyogrio.list_layers(path)
    except (DataSourceError, DataLayerError) as exc:
        raise ImportRefused(f"{path.name} cannot be read ({str(exc).splitlines()[0]})", "unreadable",
                            params={"name": path.name, "reason": str(exc).splitlines()[0]}) from None
    if what == "geojson":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImportRefused(f"{path.name} is not valid GeoJSON ({exc})", "unreadable",
                                params={"name": path.name, "reason": f"GeoJSON: {exc}"}) from None
        if isinstance(data, dict) and data.get("type") == "FeatureCollection" and not data.get("features"):
            return [_finish(path.stem, None, gpd.GeoDataFrame(geometry=[]), 4326, None, mapping, [], kind)]
    layers = []
    for name, gtype in listed:
        if what == "gpkg" and gtype is None:
            continue  # an attribute table
        try:
            info = pyogrio.read_info(path, layer=name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = pyogrio.read_dataframe(path, layer=name, on_invalid="ignore")
        except (DataSourceError, DataLayerError, ValueError) as exc:
            raise ImportRefused(f"{path.name}: the layer {name!r} cannot be read ({str(exc).splitlines()[0]})",
                                "unreadable", params={"name": f"{path.name}: {name}",
                                                      "reason": str(exc).splitlines()[0]}) from None
        notes: list[Note] = []
        code = None
        if info.get("crs"):
            code, notes = crs_from_prj(info["crs"])
        if what == "geojson" and code is None and not notes:
            code = 4326  # RFC 7946: GeoJSON is WGS 84 unless it says otherwise
        if code == 4326 and frame.crs is not None and frame.crs.to_epsg() == 4326:
            code = 4326
        layers.append(_finish(name if what == "gpkg" else path.stem, None, frame, code, None, mapping, notes, kind))
    return layers


# GDAL's DXF driver draws arcs and bulges as chords, one per OGR_ARC_STEPSIZE degrees and no longer
# than OGR_ARC_MAX_GAP metres. A chord of length c on a radius r is at most c²/8r from its arc, and
# c ≤ min(r·step, gap), so the worst radius (r = gap/step) gives gap·step/8 = 0.9 m × 0.5° / 8 ≈ 0.98 mm:
# every arc is densified within the millimetre, whatever its radius.
DXF_ARCS = {"OGR_ARC_STEPSIZE": "0.5", "OGR_ARC_MAX_GAP": "0.9"}


def _arc_handles(path: Path) -> set[str]:
    """The handles of the polylines that carry arcs (a non-zero bulge, group 42): GDAL reports the
    polyline by the same handle (EntityHandle), already densified."""
    lines = path.read_bytes().decode("latin-1").splitlines()
    found: set[str] = set()
    entity, handle, owner = None, None, None
    for i in range(0, len(lines) - 1, 2):
        code, value = lines[i].strip(), lines[i + 1].strip()
        if code == "0":
            entity, handle = value, None
        elif code == "5":
            handle = value
            if entity == "POLYLINE":
                owner = value               # its VERTEX records follow
        elif code == "42" and entity in ("LWPOLYLINE", "VERTEX"):
            try:
                bulge = float(value)
            except ValueError:
                continue
            if bulge and (handle if entity == "LWPOLYLINE" else owner):
                found.add(handle if entity == "LWPOLYLINE" else owner)
    return found


def _dxf(path: Path, mapping: dict | None, chosen: str | None = None) -> SourceLayer:
    """Closed polylines of one drawing layer become parcels; a text inside a polygon is its cadastral
    number: TEXT, MTEXT (GDAL strips its formatting codes) or a block attribute (INSERT + ATTRIB,
    which GDAL returns as a text of its own). GDAL's driver rather than ezdxf: the project reads every
    other format through GDAL (pyogrio) and does not depend on ezdxf."""
    saved = {k: pyogrio.get_gdal_config_option(k) for k in DXF_ARCS}
    try:
        pyogrio.set_gdal_config_options(DXF_ARCS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = pyogrio.read_dataframe(path, on_invalid="ignore")
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise ImportRefused(f"{path.name} cannot be read as DXF ({str(exc).splitlines()[0]})", "unreadable",
                            params={"name": path.name, "reason": str(exc).splitlines()[0]}) from None
    finally:
        pyogrio.set_gdal_config_options(saved)
    notes: list[Note] = [Note("warning", "prj_missing", "a DXF drawing does not say its coordinate system")]
    arcs = _arc_handles(path)
    closed = []  # (polygon, drawing layer, has arcs)
    for geom, layer, handle in zip(raw.geometry.values, raw.get("Layer", pd.Series([None] * len(raw))),
                                   raw.get("EntityHandle", pd.Series([None] * len(raw))), strict=True):
        if geom is None:
            continue
        g = shapely.force_2d(geom)
        if g.geom_type == "Polygon":
            closed.append((g, layer, handle in arcs))
        elif g.geom_type == "LineString" and g.is_closed and len(g.coords) >= 4:
            closed.append((shapely.Polygon(g.coords), layer, handle in arcs))
    found: dict[str, int] = {}
    for _, layer, _ in closed:
        found[str(layer)] = found.get(str(layer), 0) + 1
    listing = ", ".join(f"{k} ({v})" for k, v in sorted(found.items()))
    if found:
        notes.append(Note("info", "dxf_layers", f"closed polylines by drawing layer: {listing}",
                          params={"layers": listing}))
    if chosen is not None:
        if chosen not in found:
            notes.append(Note("error", "dxf_layer_unknown", f"the drawing has no closed polyline on the layer "
                              f"{chosen!r}; its layers with closed polylines: {listing or '-'}",
                              params={"layer": chosen, "layers": listing or "-"}))
        closed = [c for c in closed if str(c[1]) == chosen]
    elif len(found) > 1:
        notes.append(Note("error", "dxf_choose_layer", f"the drawing has closed polylines on several layers "
                          f"({listing}): choose the layer of the parcels", params={"layers": listing}))
        closed = []
    texts = [(shapely.force_2d(g), _plain(t)) for g, t in zip(raw.geometry.values, raw.get("Text", [None] * len(raw)),
                                                             strict=True)
             if g is not None and g.geom_type == "Point" and t]
    numbers: list[str | None] = []
    for i, (poly, _, curved) in enumerate(closed):
        inside = [t for p, t in texts if poly.contains(p)]
        if len(inside) > 1:
            notes.append(Note("warning", "several_texts", f"the polyline has several texts inside "
                              f"({', '.join(inside)}); the first was taken as its number", feature=i,
                              params={"texts": ", ".join(inside)}))
        if curved:
            notes.append(Note("info", "arc_densified", "the outline has arcs: they were drawn as chords no "
                              "farther than 1 mm from the arc", feature=i, fid=inside[0] if inside else None))
        numbers.append(inside[0] if inside else None)
    polygons = [c[0] for c in closed]
    frame = gpd.GeoDataFrame({"cadastral_number": numbers, "dxf_layer": [c[1] for c in closed]}, geometry=polygons)
    if not polygons and not any(n.severity == "error" for n in notes):
        notes.append(Note("error", "empty_layer", "the drawing has no closed polyline (a parcel must be closed)",
                          params={"variant": "dxf"}))
    out = _finish(path.stem, "parcels", frame, None, None, mapping, notes, "parcels")
    out.unmapped = [c for c in out.unmapped if c != "dxf_layer"]
    out.notes = [n for n in out.notes if n.code != "unmapped" or out.unmapped]
    out.dxf_layers = found
    return out


def _plain(text) -> str | None:
    """MTEXT without its formatting codes (\\P, {\\fArial;…})."""
    if text is None:
        return None
    out = re.sub(r"\\[A-Za-z][^;\\{}]*;|[{}]|\\P", " ", str(text)).strip()
    return out or None


def _value(node, tag: str) -> str | None:
    child = node.find(tag)
    if child is None or child.text is None:
        return None
    v = child.text.strip()
    return None if v in ("", "_empty", "nan") else v


# ANCPI's CGXML is a Romanian format: its coordinates are always in Romania's storage CRS.
CGXML_SRID = get_profile("RO").storage_srid


def parse_xml(raw: bytes, name: str):
    """XML from outside, parsed by defusedxml: a DTD (DOCTYPE), an entity declaration or an
    external reference anywhere in the file refuses it before anything is expanded or fetched
    (billion laughs, entities injected into a field, local files read through SYSTEM)."""
    try:
        return SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise ImportRefused(two_languages(
            f"{name} declară un DOCTYPE (DTD), entități sau referințe externe, pe care un fișier CGXML nu le are: "
            "refuzat, nu s-a citit nimic din el. Exportați-l din nou din programul de cadastru",
            f"{name} declares a DOCTYPE (DTD), entities or external references, which a CGXML file never has: "
            "refused, nothing was read from it. Export it again from the cadastre software"), "xml_entities") from None
    except SafeET.ParseError as exc:
        raise ImportRefused(two_languages(f"{name} nu este un XML bine format ({exc})",
                                          f"{name} is not well-formed XML ({exc})"), "unreadable") from None


def _cgxml(path: Path) -> list[SourceLayer]:
    root = parse_xml(path.read_bytes(), path.name)
    if root.tag != "CGXML":
        raise ImportRefused(f"{path.name} is XML but not CGXML (its root is <{root.tag}>)", "unknown_format",
                            params={"name": path.name})
    points: dict[tuple[str, str | None], list[tuple[int, float, float]]] = {}
    for p in root.iter("Points"):
        try:
            key = (_value(p, "IMMOVABLEID"), _value(p, "BUILDINGID"))
            # ANCPI: X is the northing, Y the easting; stored as (easting, northing)
            points.setdefault(key, []).append((int(float(_value(p, "NO") or 0)), float(_value(p, "Y")),
                                               float(_value(p, "X"))))
        except (TypeError, ValueError):
            raise ImportRefused(f"{path.name}: a Points record has no valid X/Y", "bad_points",
                                params={"name": path.name}) from None

    def ring(key) -> shapely.Polygon | None:
        pts = sorted(points.get(key, []))
        if len(pts) < 3:
            return None
        return shapely.Polygon([(x, y) for _, x, y in pts])

    addresses = {_value(a, "ADDRESSID"): a for a in root.iter("Address")}
    parcels_of: dict[str, list] = {}
    for p in root.iter("Parcel"):
        parcels_of.setdefault(_value(p, "LANDID"), []).append(p)
    lands, land_geoms, address_rows, address_geoms, notes = [], [], [], [], []
    for i, land in enumerate(root.iter("Land")):
        land_id = _value(land, "LANDID")
        geom = ring((land_id, None))
        if geom is None:
            notes.append(Note("error", "no_geometry", f"the Land {land_id} has fewer than three points", feature=i,
                              params={"variant": "cgxml", "land": land_id},
                              fid=_value(land, "CADGENNO")))
        subs = parcels_of.get(land_id, [])
        main = max(subs, key=lambda s: float(_value(s, "MEASUREDAREA") or 0), default=None)
        lands.append({"cadastral_number": _value(land, "CADGENNO"), "land_book_number": _value(land, "PAPERLBNO"),
                      "eterra_id": _value(land, "E2IDENTIFIER"), "legal_area": _value(land, "PARCELLEGALAREA"),
                      "use_category": _value(main, "USECATEGORY") if main is not None else None,
                      "intravilan": _value(main, "INTRAVILAN") if main is not None else None,
                      "tarla": _value(main, "LANDPLOTNO") if main is not None else None,
                      "parcel_no": _value(main, "PARCELNO") if main is not None else None})
        land_geoms.append(geom)
        address = addresses.get(_value(land, "ADDRESSID"))
        if address is not None and _value(address, "STREETNAME") and geom is not None:
            address_rows.append({"street_type": _value(address, "STREETTYPE"),
                                 "street_name": _value(address, "STREETNAME"),
                                 "number": _value(address, "POSTALNUMBER"), "postal_code": _value(address, "ZIPCODE"),
                                 "point_from_parcel": True})
            address_geoms.append(geom.point_on_surface())
    land_of = {_value(land, "LANDID"): _value(land, "CADGENNO") for land in root.iter("Land")}
    buildings, building_geoms = [], []
    for b in root.iter("Building"):
        land_id, building_id = _value(b, "LANDID"), _value(b, "BUILDINGID")
        geom = ring((land_id, building_id))
        buildings.append({"cadastral_number": land_of.get(land_id), "building_no": _value(b, "BUILDNO"),
                          "destination": _value(b, "BUILDINGDESTINATION"), "levels": _value(b, "LEVELSNO"),
                          "is_legal": _value(b, "ISLEGAL")})
        building_geoms.append(geom)
    out = [SourceLayer("Land", "parcels", gpd.GeoDataFrame(lands, geometry=land_geoms), CGXML_SRID, "utf-8", [], notes)]
    if not lands:
        out[0].notes.append(Note("error", "empty_layer", "the CGXML file has no Land record",
                                 params={"variant": "cgxml"}))
    if buildings:
        out.append(SourceLayer("Building", "buildings", gpd.GeoDataFrame(buildings, geometry=building_geoms),
                               CGXML_SRID, "utf-8", [], []))
    if address_rows:
        out.append(SourceLayer("Address", "addresses", gpd.GeoDataFrame(address_rows, geometry=address_geoms),
                               CGXML_SRID, "utf-8", [], []))
    return out
