"""Generate the pygeoapi configuration and OpenAPI document from the layer registry.

Nobody edits a pygeoapi YAML by hand: `pygeoapi_config()` is the configuration, rebuilt at every
start, and `write_config()` leaves a copy under var/ogc/ for people and for the pygeoapi CLI.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from sqlalchemy import text

from gis.crs import CRS84_URI, WEB_MERCATOR, WGS84, epsg_uri
from gis.db import database_url, get_engine
from gis.profiles import get_profile
from gis.settings import Settings
from layers.registry import Layer, load_layers

PROVIDER = "layers.provider.PostGISProvider"


def territory_bbox(settings: Settings) -> list[float]:
    """Extent of the loaded UATs in CRS84, or the country's (profile) while the database is empty."""
    country = list(get_profile(settings.profile).bbox)
    try:
        with get_engine(settings, "public").connect() as conn:
            row = conn.execute(text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                "(SELECT ST_Extent(ST_Transform(geom, 4326)) AS e FROM public_api.uat) s"
            )).one()
    except Exception:  # no database yet: the configuration must still build
        return country
    return [round(v, 6) for v in row] if row[0] is not None else country


def _resource(layer: Layer, settings: Settings, bbox: list[float]) -> dict:
    srid = get_profile(settings.profile).storage_srid
    role = "public" if layer.is_public else "app"
    url = database_url(settings, role).render_as_string(hide_password=False)
    return {
        "type": "collection",
        "title": layer.title,
        "description": layer.description,
        "keywords": list(layer.keywords),
        "extents": {"spatial": {"bbox": bbox, "crs": CRS84_URI}},
        "providers": [{
            "type": "feature",
            "name": PROVIDER,
            "layer": layer.id,
            "data": {"url": url},
            "table": layer.source,
            "id_field": layer.id_field,
            "geom_field": layer.geom_field,
            "properties": list(layer.properties),
            "storage_crs": epsg_uri(srid),
            "crs": [CRS84_URI, epsg_uri(srid), epsg_uri(WGS84), epsg_uri(WEB_MERCATOR)],
            "count": False,
        }],
    }


def _orthophoto(settings: Settings, bbox: list[float]) -> dict:
    """The orthophoto as an OGC API Coverage (pygeoapi's rasterio provider)."""
    crs_name = get_profile(settings.profile).crs_name
    return {
        "type": "collection",
        "title": {"ro": "Ortofotoplan", "en": "Orthophoto", "hu": "Ortofotó"},
        "description": {"ro": f"Ortofotoplanul UAT ({crs_name}), ca acoperire OGC API Coverages.",
                        "en": f"The UAT's orthophoto ({crs_name}) as an OGC API Coverage."},
        "keywords": ["ortofotoplan", "orthophoto"],
        "extents": {"spatial": {"bbox": bbox, "crs": CRS84_URI}},
        "providers": [{
            "type": "coverage", "name": "rasterio", "data": str(settings.orthophoto),
            "options": {"DATA_ENCODING": "COMPRESSED"},
            "format": {"name": "GTiff", "mimetype": "image/tiff; application=geotiff"},
        }],
    }


def _processes(settings: Settings) -> dict:
    from gis.settings import settings_to_dict
    from layers.processes import PROCESSES

    return {pid: {"type": "process", "processor": {
        "name": "layers.processes.CertificateProcessor", "process_id": pid,
        "settings": settings_to_dict(settings)}} for pid in PROCESSES}


def restricted_grants() -> list[str]:
    """What an API key may be granted: the restricted collections and the processes."""
    from layers.processes import PROCESSES

    return sorted([lid for lid, layer in load_layers().items() if not layer.is_public] + list(PROCESSES))


def pygeoapi_config(settings: Settings, restricted: bool = False) -> dict:
    """The configuration of the public API, or with `restricted` of the one behind API keys."""
    layers = [layer for layer in load_layers().values() if restricted or layer.is_public]
    bbox = territory_bbox(settings)
    return {
        "server": {
            "bind": {"host": settings.host, "port": settings.port},
            "url": f"{settings.base_url}/ogc",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": list(get_profile(settings.profile).locales),
            "limits": {"default_items": 20, "max_items": 10000, "on_exceed": "throttle"},
            "pretty_print": False,
            "admin": False,
            "gzip": False,
            # pygeoapi's own HTML pages draw a map; give them the city hall's orthophoto tiles
            "map": {"url": f"{settings.base_url}/api/tiles/orthophoto/{{z}}/{{x}}/{{y}}.png",
                    "attribution": "Ortofotoplan: primăria (date demonstrative)"},
        },
        # the `pygeoapi` logger only, never the root logger (api/request_ids.pygeoapi_logging)
        "logging": {"level": "CRITICAL"},
        "metadata": {
            "identification": {
                "title": {"ro": "Teritoriu: date spațiale ale primăriei",
                          "en": "Teritoriu: the city hall's spatial data",
                          "hu": "Teritoriu: a polgármesteri hivatal téradatai"},
                "description": {"ro": "Cadastru, nomenclatură stradală și urbanism, ca servicii OGC API.",
                                "en": "Cadastre, street register and zoning as OGC API services.",
                                "hu": "Kataszter, utcanévjegyzék és településrendezés OGC API-ként."},
                "keywords": {"ro": ["cadastru", "urbanism", "nomenclatură stradală", "PUG"],
                             "en": ["cadastre", "zoning", "addresses"]},
                "keywords_type": "theme",
                "terms_of_service": "https://creativecommons.org/licenses/by/4.0/",
                "url": settings.base_url,
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "Primăria (Teritoriu)", "url": settings.base_url},
            "contact": {"name": "Compartimentul urbanism", "position": "Arhitect-șef",
                        "address": "-", "city": "-", "stateorprovince": "-", "postalcode": "-",
                        "country": get_profile(settings.profile).country, "phone": "-", "fax": "-",
                        "email": "urbanism@example.invalid", "url": settings.base_url,
                        "hours": "L-V 8-16", "instructions": "-", "role": "pointOfContact"},
        },
        "resources": {
            **{layer.id: _resource(layer, settings, bbox) for layer in layers},
            **({"orthophoto": _orthophoto(settings, bbox)} if settings.orthophoto.exists() else {}),
            **(_processes(settings) if restricted else {}),
        },
    }


def openapi_document(config: dict) -> dict:
    from pygeoapi.openapi import get_oas

    return get_oas(config, fail_on_invalid_collection=False)


def write_config(config: dict, openapi: dict, directory: Path) -> tuple[Path, Path]:
    """Keep a readable copy (database passwords included, so owner-only permissions)."""
    directory.mkdir(parents=True, exist_ok=True)
    cfg_path, oas_path = directory / "pygeoapi-config.yml", directory / "openapi.yml"
    for path, doc in ((cfg_path, config), (oas_path, openapi)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False)
    return cfg_path, oas_path
