"""The metadata catalogue: one ISO 19115 record per published dataset, from the layer registry.

Each dataset (a collection of the pygeoapi configuration: the layers and the orthophoto) gets one
MCF document (pygeometa's metadata model) built here from its collection (title, description,
keywords), its registry `metadata` block (INSPIRE theme, lineage, update frequency, temporal field),
the national profile (CRS, languages) and the UAT served (the city hall as contact). pygeometa turns
that one MCF into both encodings, so they cannot disagree:
- an OGC API - Records record, kept in memory and served by pygeoapi's TinyDBCatalogue provider
  (layers/catalogue_provider.py) as the `catalogue` collection: no search server, and no file that
  two apps of one checkout (tests, a demo server) would overwrite for each other;
- ISO 19139 XML, served at /ogc/collections/{id}/metadata/iso19139 for the national geoportal.

A configuration's catalogue holds the records of that configuration's collections only, so the
public catalogue never lists a restricted dataset (api/ogc.py answers a valid API key or a staff
session from the full one). Records are built when the app starts: a data change shows in their
dates and temporal extents after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import yaml
from sqlalchemy import text

from gis.crs import CRS84_URI
from gis.db import get_engine
from gis.inspire_themes import ISO639_2, THEMES, THESAURUS_NAME, THESAURUS_URL
from gis.profiles import get_profile
from gis.settings import Settings
from layers.registry import LAYERS_DIR, check_metadata, load_layers

CATALOGUE_ID = "catalogue"
# The OGC API - Records classes the catalogue implements, each tested in tests/test_ogc_records.py
# (pygeoapi declares exactly these for a collection with a record provider).
_RECORDS = "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf"
RECORDS_CONFORMANCE = tuple(f"{_RECORDS}/{c}" for c in ("core", "sorting", "opensearch", "json", "html"))
ISO19139_TYPE = "application/xml"
# Fields of a record that a query may filter on (besides q, bbox, datetime, sortby).
RECORD_PROPERTIES = ["title", "description", "type", "created", "updated", "keywords"]


def iso19139_path(dataset_id: str) -> str:
    return f"/collections/{dataset_id}/metadata/iso19139"


@dataclass(frozen=True)
class Catalogue:
    """The MCF of every dataset of one configuration, keyed by collection id."""

    mcf: dict[str, dict]
    _xml: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def iso19139(self, dataset_id: str) -> str:
        """The ISO 19139 document, rendered once: pygeometa takes about half a second per document."""
        if dataset_id not in self._xml:
            from pygeometa.schemas.iso19139 import ISO19139OutputSchema

            self._xml[dataset_id] = _fix_geographic_description(ISO19139OutputSchema().write(self.mcf[dataset_id]))
        return self._xml[dataset_id]

    def record(self, dataset_id: str) -> dict:
        """The OGC API - Records record (a GeoJSON feature) of one dataset."""
        from pygeometa.schemas.ogcapi_records import OGCAPIRecordOutputSchema

        mcf = self.mcf[dataset_id]
        record = OGCAPIRecordOutputSchema().write(mcf, stringify=False)
        west, south, east, north = mcf["identification"]["extents"]["spatial"][1]["bbox"]
        record["geometry"] = {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                                  [west, north], [west, south]]]}
        props = record["properties"]
        props["language"] = {"code": mcf["teritoriu"]["language"]}  # RFC 5646 here, ISO 639-2 in the XML
        props["updateFrequency"] = mcf["identification"]["maintenancefrequency"]
        props["lineage"] = mcf["dataquality"]["lineage"]["statement"][mcf["metadata"]["language"]]
        props["crs"] = mcf["teritoriu"]["crs"]
        props["license"] = mcf["identification"]["license"]["name"]
        props["_metadata-anytext"] = " ".join([props["title"], props["description"], *props.get("keywords", []),
                                               *(c["id"] for t in props.get("themes", []) for c in t["concepts"])])
        for theme in props.get("themes", []):  # the INSPIRE theme by its registry URI, not only its label
            if theme["scheme"] == THESAURUS_URL:
                code = mcf["teritoriu"]["inspire_theme"]
                theme["concepts"] = [{"id": code, "title": THEMES[code].label[mcf["teritoriu"]["language"]],
                                      "url": THEMES[code].uri}]
        record.pop("generated_by", None)
        return record

    def records(self) -> list[dict]:
        return [self.record(did) for did in sorted(self.mcf)]


def add_catalogues(settings: Settings, full_config: dict, public_config: dict) -> Catalogue:
    """Give each configuration the catalogue of its own collections (the public one never lists a
    restricted dataset); returns the full one (every dataset's ISO 19139)."""
    facts = _Facts.read(settings, full_config)  # read once: the temporal extents scan the views
    add_catalogue(settings, public_config, "public", facts)
    return add_catalogue(settings, full_config, "staff", facts)


def add_catalogue(settings: Settings, config: dict, name: str, facts: _Facts | None = None) -> Catalogue:
    """Build the records of `config`'s collections and add the
    `catalogue` collection (a TinyDBCatalogue) and each collection's ISO 19139 link to `config`."""
    facts = facts or _Facts.read(settings, config)
    datasets = {rid: r for rid, r in config["resources"].items() if r.get("type") == "collection"}
    catalogue = Catalogue({rid: _mcf(rid, r, facts) for rid, r in datasets.items()})
    from layers.catalogue_provider import register_records  # imports pygeoapi: only when the app is built

    key = register_records(catalogue.records())
    base = config["server"]["url"]
    for rid, resource in datasets.items():
        resource.setdefault("links", []).append({
            "type": ISO19139_TYPE, "rel": "describedby", "title": "ISO 19139 metadata",
            "href": base + iso19139_path(rid)})
    config["resources"][CATALOGUE_ID] = {
        "type": "collection",
        "title": {"ro": "Catalogul de metadate", "en": "Metadata catalogue", "hu": "Metaadat-katalógus"},
        "description": {"ro": "O înregistrare de metadate (ISO 19115) pentru fiecare set de date publicat.",
                        "en": "One metadata record (ISO 19115) for each published dataset."},
        "keywords": ["metadate", "metadata", "INSPIRE", "ISO 19115"],
        "extents": {"spatial": {"bbox": facts.bbox, "crs": CRS84_URI}},
        "providers": [{"type": "record", "name": "layers.catalogue_provider.CatalogueProvider",
                       "data": key, "editable": False, "id_field": "id", "time_field": "updated",
                       "title_field": "title",
                       "properties": list(RECORD_PROPERTIES)}],
    }
    return catalogue


def _fix_geographic_description(xml: str) -> str:
    """pygeometa 0.21 writes EX_GeographicDescription/MD_Identifier without the geographicIdentifier
    property between them, which the ISO 19139 schema refuses (tests/test_ogc_records.py validates)."""
    from lxml import etree

    gmd = "http://www.isotc211.org/2005/gmd"
    root = etree.fromstring(xml.encode("utf-8"))
    for ident in root.iterfind(f".//{{{gmd}}}EX_GeographicDescription/{{{gmd}}}MD_Identifier"):
        wrapper = etree.Element(f"{{{gmd}}}geographicIdentifier")
        ident.addprevious(wrapper)
        wrapper.append(ident)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


@dataclass(frozen=True)
class _Facts:
    """What every record of a deployment shares, and the per-dataset temporal extents."""

    bbox: list[float]
    srid: int
    languages: tuple[str, str]  # ISO 639-1: the records' language and the alternate one
    contact: dict
    license: dict
    updated: str
    base_url: str
    temporal: dict[str, str | None]  # dataset id -> earliest date of its temporal field
    area_name: str  # the geographic identifier of the extent: the UATs served, by code

    @classmethod
    def read(cls, settings: Settings, config: dict) -> _Facts:
        from layers.ogc_config import territory_bbox

        profile = get_profile(settings.profile)
        layers = load_layers()
        temporal, updated, uat = {}, None, []
        try:
            temporal, updated, uat = cls._read_database(settings, config, layers)
        except Exception:  # no database yet (a CLI building the OpenAPI document): records still build
            pass
        from gis.certificates.signing import default_holder

        try:
            holder = default_holder(settings)
        except Exception:
            holder = get_profile(settings.profile).signing_name.format(uat="(Teritoriu)")
        own = (uat[0][1] or {}).get("contact", {}) if len(uat) == 1 else {}
        server_contact = config["metadata"]["contact"]
        contact = {
            "organization": holder,
            "positionname": own.get("position") or server_contact["position"],
            "email": own.get("email") or server_contact["email"],
            "url": own.get("url") or server_contact["url"],
            "country": profile.country,
        }
        for key in ("address", "city", "postalcode", "phone"):
            if own.get(key):
                contact[key] = own[key]
        locales = profile.languages
        alternate = "en" if locales[0] != "en" else locales[1]
        return cls(bbox=territory_bbox(settings), srid=profile.storage_srid, languages=(locales[0], alternate),
                   contact=contact, license=dict(config["metadata"]["license"]),
                   updated=(updated or datetime.now(UTC)).date().isoformat(), base_url=config["server"]["url"],
                   temporal=temporal,
                   area_name=" ".join(f"{profile.unit_code_name} {row[2]}" for row in uat) or profile.country)


    @staticmethod
    def _read_database(settings: Settings, config: dict, layers: dict) -> tuple[dict, datetime | None, list]:
        """Each dataset's first date (its temporal field), the data's last change, the UATs served."""
        temporal = {}
        with get_engine(settings, "app").connect() as conn:
            updated = conn.execute(text("SELECT changed_at FROM public_api.data_revision")).scalar()
            for lid in config["resources"]:
                column = layers[lid].metadata.get("temporal_field") if lid in layers else None
                if column:
                    layer = layers[lid]
                    # names checked by the registry (plain SQL identifiers), quoted here
                    first = conn.execute(text(
                        f'SELECT min("{column}") FROM "{layer.schema}"."{layer.table}"')).scalar()  # noqa: S608
                    temporal[lid] = first.isoformat() if first is not None else None
            uat = conn.execute(text("SELECT name, settings, siruta FROM territory.uat ORDER BY siruta")).all()
        return temporal, updated, uat


def _dataset_metadata(dataset_id: str) -> dict:
    """A dataset's registry `metadata` block: a layer's, or a file of layers/metadata/ (the orthophoto)."""
    layers = load_layers()
    if dataset_id in layers:
        return layers[dataset_id].metadata
    path = LAYERS_DIR / "metadata" / f"{dataset_id}.yaml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    problem = check_metadata(meta)
    if problem:
        raise ValueError(f"{path.name}: {problem}")
    return meta


def _mcf(dataset_id: str, resource: dict, facts: _Facts) -> dict:
    meta = _dataset_metadata(dataset_id)
    theme = THEMES[meta["inspire_theme"]]
    lang, alt = facts.languages
    iso = {code: ISO639_2[code] for code in (lang, alt)}

    def text_of(value: dict | str) -> dict | str:
        """Multilingual text keyed as pygeometa expects it (the documents' ISO 639-2 codes)."""
        if isinstance(value, str):
            return value
        return {iso[k]: v for k, v in value.items() if k in iso}

    coverage = any(p.get("type") == "coverage" for p in resource.get("providers", []))
    collection_url = f"{facts.base_url}/collections/{dataset_id}"
    data_url = f"{collection_url}/coverage" if coverage else f"{collection_url}/items"
    restricted_words = {"ro": "Acces restricționat: numai personalul primăriei și cheile API autorizate.",
                        "en": "Restricted access: city hall staff and authorised API keys only."}
    public = not any("staff_api." in str(p.get("table", "")) for p in resource.get("providers", []))
    return {
        "mcf": {"version": "1.0"},
        "teritoriu": {"language": lang, "inspire_theme": theme.code, "crs": f"http://www.opengis.net/def/crs/EPSG/0/{facts.srid}"},
        "metadata": {
            "identifier": f"teritoriu-{dataset_id}",
            "language": iso[lang], "language_alternate": iso[alt], "charset": "utf8",
            "hierarchylevel": "dataset", "dataseturi": collection_url,
            "dates": {"creation": facts.updated, "revision": facts.updated},
        },
        "spatial": {"datatype": "grid" if coverage else "vector", "geomtype": "grid" if coverage else "composite"},
        "identification": {
            "language": iso[lang], "charset": "utf8",
            "title": text_of(resource["title"]), "abstract": text_of(resource["description"]),
            "dates": {"revision": facts.updated},
            "keywords": {
                "inspire": {"keywords": {iso[k]: [theme.label[k]] for k in (lang, alt) if k in theme.label},
                            "keywords_type": "theme",
                            "vocabulary": {"name": THESAURUS_NAME, "url": THESAURUS_URL}},
                "default": {"keywords": [str(k) for k in resource.get("keywords", [])], "keywords_type": "theme"},
            },
            "topiccategory": [theme.topic],
            "extents": {
                # the first extent names the reference system (pygeometa writes its crs there): the
                # storage CRS, described by the UAT; the second is the CRS84 bounding box
                "spatial": [{"crs": facts.srid, "bbox": None, "description": facts.area_name},
                            {"bbox": facts.bbox, "crs": 4326}],
                "temporal": [{"begin": facts.temporal.get(dataset_id) or facts.updated, "end": None}],
            },
            "maintenancefrequency": meta["update_frequency"],
            "status": "onGoing",
            "license": facts.license,
            "rights": text_of(restricted_words) if not public else facts.license["name"],
            "accessconstraints": "otherRestrictions" if not public else "license",
            "url": collection_url,
        },
        "contact": {"pointOfContact": dict(facts.contact), "main": dict(facts.contact)},
        "distribution": {
            "ogcapi": {"url": data_url, "type": "application/geo+json" if not coverage else "image/tiff",
                       "rel": "item" if not coverage else "coverage",
                       "name": {iso[lang]: "OGC API", iso[alt]: "OGC API"},
                       "description": text_of(resource["title"]), "function": "download"},
            "iso19139": {"url": facts.base_url + iso19139_path(dataset_id), "type": ISO19139_TYPE,
                         "rel": "describedby", "name": "ISO 19139", "function": "information"},
        },
        "dataquality": {"scope": {"level": "dataset"}, "lineage": {"statement": text_of(meta["lineage"])}},
    }
